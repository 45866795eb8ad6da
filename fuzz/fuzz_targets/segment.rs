//! Fuzz target: bytes another worker sends as a segment. A real segment
//! (parsed from the input as a file) reads back as written; any bytes, and
//! that segment with bytes flipped where the input says, must decode (past
//! the checksum, which would refuse them) to an error or to a segment that
//! merges and answers views, scans and exports without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::store::segment::Segment;

fn exercise(bytes: &[u8]) {
    // Past the checksum, which any changed byte would fail.
    let Ok(segment) = Segment::decode_body(bytes) else {
        return;
    };
    let mut loader = Loader::new(Limits::default());
    loader.merge(segment);
    let store = &loader.store;
    let order = trailglass_core::query::view::time_order(store);
    let _ = trailglass_core::query::view::timeline(store, &order, None, 20);
    let _ = trailglass_core::query::view::principal_stats(store, &order, 4);
    let query = trailglass_core::query::parse("denied or requestParameters.bucketName:a*").unwrap();
    let filter = trailglass_core::query::filter::Filter {
        query,
        range: None,
        principal: None,
    };
    let _ = trailglass_core::query::filter::select(store, &order, &filter);
    let _ = trailglass_core::query::export::records_json(store, &order, false);
    for row in store.rows.iter().take(50) {
        let _ = trailglass_core::query::pretty::pretty_lines(&store.raw_json(row), 20);
    }
}

fuzz_target!(|data: &[u8]| {
    exercise(data);
    let mut parser = Loader::for_segment(Limits {
        max_inflated_bytes: 16 << 20,
        ..Limits::default()
    });
    parser.load("fuzz.json", data);
    let mut bytes = parser.into_segment().encode();
    let checked = Segment::decode(&bytes).expect("a segment reads back");
    assert_eq!(checked.encode(), bytes);
    bytes.truncate(bytes.len() - 4);
    for flip in data.rchunks_exact(3).take(4) {
        let at = usize::from(u16::from_le_bytes([flip[0], flip[1]])) % bytes.len();
        bytes[at] ^= flip[2] | 1;
    }
    exercise(&bytes);
});
