//! Tests of `segment`.

use super::*;
use crate::load::ingest::{Limits, Loader};
use crate::sample::{generate, SampleConfig};

fn sample_files(events: usize) -> Vec<(String, Vec<u8>)> {
    let config = SampleConfig {
        events,
        gzip: true,
        ..SampleConfig::default()
    };
    generate(&config).map(|f| (f.path, f.bytes)).collect()
}

#[test]
fn a_segment_survives_encoding_byte_for_byte() {
    let mut loader = Loader::for_segment(Limits::default());
    for (name, bytes) in sample_files(3000) {
        loader.load(&name, &bytes);
    }
    loader.load("broken.json", b"{\"Records\":[{\"eventName\":");
    let masks = crate::analysis::detect::row_masks(&loader.store);
    let mut segment = loader.into_segment();
    segment.rule_masks = Some(masks);
    let bytes = segment.encode();
    let decoded = Segment::decode(&bytes).expect("decodes");
    assert_eq!(decoded.parts.rows, segment.parts.rows);
    assert_eq!(decoded.row_keys, segment.row_keys);
    assert_eq!(decoded.parts.strings, segment.parts.strings);
    assert_eq!(decoded.parts.blocks, segment.parts.blocks);
    assert_eq!(decoded.report.diagnostics, segment.report.diagnostics);
    assert_eq!(decoded.report.events, 3000);
    assert_eq!(decoded.rule_masks, segment.rule_masks);
    assert!(decoded.rule_masks.as_ref().is_some_and(|m| !m.is_empty()));
    assert_eq!(decoded.encode(), bytes, "re-encoding gives the same bytes");
}

#[test]
fn damaged_segment_bytes_are_an_error_not_a_panic() {
    let mut loader = Loader::for_segment(Limits::default());
    for (name, bytes) in sample_files(200) {
        loader.load(&name, &bytes);
    }
    let bytes = loader.into_segment().encode();
    for cut in [0, 7, 8, 100, bytes.len() / 2, bytes.len() - 1] {
        assert!(Segment::decode(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Segment::decode(&longer).is_err());
    assert!(Segment::decode(b"not a segment at all").is_err());
    // One flipped bit anywhere, even in a raw block or a string, is caught.
    for at in [
        8,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 5,
        bytes.len() - 1,
    ] {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x10;
        let error = Segment::decode(&flipped).err().unwrap_or_default();
        assert!(error.contains("damaged"), "flip at {at}: {error}");
    }
}

/// Bytes that decode but name what is not there: checked at the border.
#[test]
fn a_segment_naming_what_it_lacks_is_refused() {
    let mut loader = Loader::for_segment(Limits::default());
    for (name, bytes) in sample_files(300) {
        loader.load(&name, &bytes);
    }
    let segment = loader.into_segment();
    type Damage = fn(&mut Segment);
    let damages: [(&str, Damage); 8] = [
        ("string", |s| s.parts.rows[5].user_agent = u32::MAX),
        ("principal", |s| s.parts.rows[0].principal = 1_000_000),
        ("block", |s| s.parts.rows[9].raw_block = 99),
        ("offset", |s| s.parts.rows[3].raw_offset = u32::MAX - 2),
        ("file", |s| s.row_keys[2].file = 500),
        ("mask", |s| s.rule_masks = Some(vec![(1_000_000, 1)])),
        ("block size", |s| s.parts.blocks[0].1 = usize::MAX / 2),
        // Found by the segment fuzz target: the timeline's span overflowed.
        ("time", |s| s.parts.rows[4].time_ms = i64::MAX - 1),
    ];
    for (what, damage) in damages {
        let mut bad = Segment::decode(&segment.encode()).unwrap();
        damage(&mut bad);
        let error = Segment::decode(&bad.encode()).err();
        assert!(error.is_some(), "a bad {what} is refused");
    }
}

/// A raw block that does not inflate reads as empty, never as a panic:
/// exports, scans and the detail all survive it.
#[test]
fn a_damaged_raw_block_reads_as_empty() {
    let mut loader = Loader::for_segment(Limits::default());
    for (name, bytes) in sample_files(300) {
        loader.load(&name, &bytes);
    }
    let mut segment = loader.into_segment();
    for (compressed, _) in &mut segment.parts.blocks {
        let keep = compressed.len() / 3;
        *compressed = compressed[..keep].into();
    }
    let decoded = Segment::decode(&segment.encode()).expect("framing and ids are fine");
    let mut merged = Loader::new(Limits::default());
    merged.merge(decoded);
    let store = &merged.store;
    assert_eq!(store.len(), 300);
    assert!(store.raw_json(&store.rows[0]).is_empty());
    let order = crate::query::view::time_order(store);
    let query = crate::query::parse("AccessDenied or requestParameters.bucketName:x*").unwrap();
    let filter = crate::query::filter::Filter {
        query,
        range: None,
        principal: None,
    };
    assert_eq!(
        crate::query::filter::select(store, &order, &filter).len(),
        0
    );
    let exported = crate::query::export::records_json(store, &order, false);
    assert!(!exported.is_empty());
}
