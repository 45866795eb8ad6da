//! Fuzz target: any bytes as a dropped file, through sniffing, inflating,
//! record scanning, identity and the store; then a view over what loaded.
//! Also: the quick record reader (eventscan) agrees with serde_json.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailglass::ingest::{Limits, Loader};

fuzz_target!(|data: &[u8]| {
    // The quick record reader reads a record the way serde_json does, or not at all.
    if let Ok(text) = std::str::from_utf8(data) {
        for (open, _) in text.match_indices('{').take(32) {
            assert!(trailglass::eventscan::agrees_with_serde(text, open), "at {open}");
        }
    }
    let mut loader = Loader::new(Limits {
        max_inflated_bytes: 16 << 20,
        ..Limits::default()
    });
    loader.load("fuzz.json", data);
    assert_eq!(loader.report.file_reports.len().max(1), loader.report.file_reports.len());
    let order = trailglass::view::time_order(&loader.store);
    let _ = trailglass::view::timeline(&loader.store, &order, None, 50);
    for row in &loader.store.rows {
        let raw = loader.store.raw_json(row);
        assert_eq!(raw.len(), row.raw_len as usize);
        let _ = trailglass::pretty::pretty_lines(&raw, 50);
    }
});
