//! Fuzz target: any bytes as a dropped file, loaded whole and in 2 to 4
//! parts (a text cut at record starts, each part reading the whole file or a
//! window of it, as parse workers do with one big file): the parts load
//! exactly what the whole does, with the same diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailglass_core::load::ingest::{Limits, Loader};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_inflated_bytes: 16 << 20,
        ..Limits::default()
    };
    let mut loader = Loader::new(limits);
    loader.load("fuzz.json", data);
    // In 2 to 4 parts, each reading the whole file or a window of it.
    let selector = data.last().copied().unwrap_or(0);
    let of = 2 + u32::from(selector % 3);
    let lookahead = (selector & 4 != 0).then_some(u64::from(selector) * 4);
    let (parts, _) = trailglass_core::load::parts::load_in_parts(
        "fuzz.json",
        data,
        of,
        lookahead,
        selector & 8 != 0,
        limits,
    );
    assert_eq!(parts.report.diagnostics, loader.report.diagnostics);
    assert_eq!(parts.report.events, loader.report.events);
    assert_eq!(parts.report.text_bytes, loader.report.text_bytes);
    let lines = |l: &Loader| -> Vec<_> {
        l.report
            .file_reports
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    f.shape.clone(),
                    f.events,
                    f.duplicates,
                    f.problems,
                    f.events_fingerprint,
                )
            })
            .collect()
    };
    assert_eq!(lines(&parts), lines(&loader));
    assert_eq!(parts.store.len(), loader.store.len());
    for (a, b) in parts.store.rows.iter().zip(&loader.store.rows) {
        assert_eq!(parts.store.raw_json(a), loader.store.raw_json(b));
        assert_eq!((a.time_ms, a.flags), (b.time_ms, b.flags));
    }
});
