//! Native ingest benchmark: throughput (MB/s of uncompressed JSON, events/s)
//! for plain and gzipped trail files at 100k and 1M events, and the store's
//! bytes per event. `cargo bench --bench ingest [-- EVENTS...]`.
//! Plain timing (best of several runs) rather than a statistics framework:
//! the figures that matter here are large and the runs are long.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;
    use trailglass_core::load::ingest::{Limits, Loader};
    use trailglass_core::load::parallel::{available_threads, load_batches};
    use trailglass_core::sample::{generate, SampleConfig, SampleFile};

    fn files(events: usize, gzip: bool) -> Vec<SampleFile> {
        generate(&SampleConfig {
            events,
            gzip,
            ..SampleConfig::default()
        })
        .collect()
    }

    fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> (f64, T) {
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..runs {
            let started = Instant::now();
            let result = work();
            best = best.min(started.elapsed().as_secs_f64());
            last = Some(result);
        }
        (best, last.expect("at least one run"))
    }

    fn load(files: &[SampleFile]) -> Loader {
        let mut loader = Loader::default();
        for file in files {
            loader.load(&file.path, &file.bytes);
        }
        loader
    }

    /// The ceiling: decoding the indexed fields with serde, nothing stored.
    fn parse_only(files: &[SampleFile]) -> usize {
        #[derive(serde::Deserialize)]
        struct Trail<'a> {
            #[serde(borrow, rename = "Records")]
            records: Vec<trailglass_core::input::record::EventRecord<'a>>,
        }
        files
            .iter()
            .map(|f| serde_json::from_slice::<Trail<'_>>(&f.bytes).map_or(0, |t| t.records.len()))
            .sum()
    }

    pub fn main() {
        let sizes: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.replace('_', "").parse().ok())
            .collect();
        let sizes = if sizes.is_empty() {
            vec![100_000, 1_000_000]
        } else {
            sizes
        };
        println!("| events | input | files | JSON MB | seconds | MB/s (JSON) | events/s | store bytes/event | store / JSON |");
        println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for &events in &sizes {
            let runs = if events > 200_000 { 1 } else { 3 };
            let plain = files(events, false);
            let json_bytes: usize = plain.iter().map(|f| f.bytes.len()).sum();
            let (parse_seconds, parsed) = best_of(runs, || parse_only(&plain));
            assert_eq!(parsed, events);
            let gzipped = files(events, true);
            let threads = available_threads();
            let parallel_label = format!("gzip, {threads} threads (batches merged)");
            for (label, input, parallel) in [
                ("plain", &plain, false),
                ("gzip", &gzipped, false),
                (parallel_label.as_str(), &gzipped, true),
            ] {
                let (seconds, loader) = best_of(runs, || {
                    if parallel {
                        load_batches(input, threads, 64, Limits::default(), |loader, file| {
                            loader.load(&file.path, &file.bytes)
                        })
                    } else {
                        load(input)
                    }
                });
                assert_eq!(
                    loader.store.len(),
                    events,
                    "every generated event is stored"
                );
                let store_bytes = loader.store.heap_bytes();
                println!(
                    "| {events} | {label} | {} | {:.0} | {seconds:.3} | {:.0} | {:.0} | {:.0} | {:.1}% |",
                    input.len(),
                    json_bytes as f64 / 1e6,
                    json_bytes as f64 / 1e6 / seconds,
                    events as f64 / seconds,
                    store_bytes as f64 / events as f64,
                    100.0 * store_bytes as f64 / json_bytes as f64,
                );
            }
            println!(
                "| {events} | parse only (serde, no store) | {} | {:.0} | {parse_seconds:.3} | {:.0} | {:.0} | | |",
                plain.len(),
                json_bytes as f64 / 1e6,
                json_bytes as f64 / 1e6 / parse_seconds,
                events as f64 / parse_seconds
            );
        }
    }
}
