//! Fuzz target: any bytes as a dropped file, through sniffing, inflating,
//! record scanning, identity and the store; then a view over what loaded.
//! Also: the quick record reader (eventscan) agrees with serde_json. (That
//! a load in parts equals the whole is the `parts` target's.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailglass_core::load::ingest::{Limits, Loader};

fuzz_target!(|data: &[u8]| {
    // The quick record reader reads a record the way serde_json does, or not at all.
    if let Ok(text) = std::str::from_utf8(data) {
        for (open, _) in text.match_indices('{').take(32) {
            assert!(
                trailglass_core::input::eventscan::agrees_with_serde(text, open),
                "at {open}"
            );
        }
    }
    let limits = Limits {
        max_inflated_bytes: 16 << 20,
        ..Limits::default()
    };
    let mut loader = Loader::new(limits);
    loader.load("fuzz.json", data);
    assert_eq!(
        loader.report.file_reports.len().max(1),
        loader.report.file_reports.len()
    );
    let order = trailglass_core::query::view::time_order(&loader.store);
    let _ = trailglass_core::query::view::timeline(&loader.store, &order, None, 50);
    // Every row's raw JSON is there; the first few are pretty-printed (the
    // rest would cost time per input and reach no new code).
    let mut reader = loader.store.raw_reader();
    for (n, row) in loader.store.rows.iter().enumerate() {
        let raw = reader.json(row);
        assert_eq!(raw.len(), row.raw_len as usize);
        if n < 4 {
            let _ = trailglass_core::query::pretty::pretty_lines(raw, 50);
        }
    }
});
