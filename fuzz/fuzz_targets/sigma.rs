//! Fuzz target: any bytes as a dropped rule file. Reading the YAML,
//! compiling detections and conditions, resolving correlations and filters,
//! and running the rules over a small trail never panic, and a run from the
//! store's columns finds exactly what every rule finds on each event's JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use trailglass_core::analysis::sigma::engine;
use trailglass_core::analysis::sigma::{Origin, RuleSet};
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::store::EventStore;

/// Events of many shapes for the rules to run over: the detection fixtures
/// (one that fires and one that does not per built-in rule).
fn trail() -> &'static EventStore {
    static TRAIL: OnceLock<EventStore> = OnceLock::new();
    TRAIL.get_or_init(|| {
        let mut loader = Loader::new(Limits::default());
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/detect");
        let mut names: Vec<_> = std::fs::read_dir(folder)
            .expect("the detection fixtures")
            .map(|entry| entry.unwrap().path())
            .collect();
        names.sort();
        for path in names {
            let bytes = std::fs::read(&path).unwrap();
            loader.load(&path.display().to_string(), &bytes);
        }
        assert!(loader.store.len() > 30);
        loader.store
    })
}

fuzz_target!(|data: &[u8]| {
    let mut set = RuleSet::default();
    set.add_bytes("fuzz.yml", data, Origin::User);
    set.resolve();
    let store = trail();
    let results = engine::run_store(&set, store);
    assert_eq!(results, engine::run_on_json_only(&set, store));
    let _ = engine::statuses(&set, store);
    for (rule, hits) in results.hits.iter().enumerate().take(8) {
        if let Some(&row) = hits.first() {
            let json = store.raw_json(&store.rows[row as usize]);
            let _ = engine::explain(&set, rule, &json);
        }
    }
    // Taking the file out leaves nothing of it behind.
    set.remove_file("fuzz.yml");
    assert!(set.rules.is_empty() && set.filters.is_empty());
});
