//! Native query benchmark over a loaded store: a field filter with its count,
//! timeline and facets; a free-text search; a JSON-path term; the built-in
//! detections.
//! `cargo bench --bench query [-- EVENTS]` (default 1,000,000).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;
    use trailglass_core::load::ingest::Loader;
    use trailglass_core::query::filter::{select, Filter};
    use trailglass_core::query::view::{facet, principal_stats, time_order, timeline};
    use trailglass_core::sample::{generate, SampleConfig};

    fn best_ms(runs: usize, mut work: impl FnMut() -> usize) -> (f64, usize) {
        let mut best = f64::INFINITY;
        let mut result = 0;
        for _ in 0..runs {
            let started = Instant::now();
            result = work();
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        }
        (best, result)
    }

    pub fn main() {
        let events = std::env::args()
            .skip(1)
            .find_map(|a| a.replace('_', "").parse().ok())
            .unwrap_or(1_000_000);
        let mut loader = Loader::default();
        for file in generate(&SampleConfig {
            events,
            gzip: false,
            ..SampleConfig::default()
        }) {
            loader.load(&file.path, &file.bytes);
        }
        loader.store.seal();
        let store = &loader.store;
        let (order_ms, _) = best_ms(1, || time_order(store).len());
        let order = time_order(store);
        println!("{events} events loaded; time order built in {order_ms:.0} ms");
        println!("| operation | matching events | best of 5, ms |");
        println!("|---|---:|---:|");
        let cases = [
            (
                "field filter + count + timeline + 10 facets",
                "eventName:ConsoleLogin",
                true,
            ),
            (
                "wildcard field filter + count + timeline + 10 facets",
                "eventName:Delete* OR eventName:Put*",
                true,
            ),
            ("no filter: timeline + 10 facets over everything", "", true),
            (
                "free text (case-insensitive, whole event JSON)",
                "AccessDenied",
                false,
            ),
            ("free text, rare", "\"198.51.100.77\"", false),
            (
                "JSON path term",
                "requestParameters.bucketName:acme-*",
                false,
            ),
        ];
        for (label, text, aggregate) in cases {
            let filter = Filter {
                query: trailglass_core::query::parse(text).expect("benchmark queries parse"),
                ..Filter::default()
            };
            let (ms, matched) = best_ms(5, || {
                let selection = select(store, &order, &filter);
                if aggregate {
                    let line = timeline(store, &selection, None, 120);
                    let facets: usize = trailglass_core::store::columns::facets()
                        .into_iter()
                        .map(|c| facet(store, &selection, c, 10).values.len())
                        .sum();
                    std::hint::black_box((line, facets));
                }
                selection.len()
            });
            println!("| {label}: `{text}` | {matched} | {ms:.1} |");
        }
        let (ms, principals) = best_ms(3, || principal_stats(store, &order, 24).len());
        println!("| per-principal breakdown over everything | {principals} principals | {ms:.1} |");
        let (ms, found) = best_ms(3, || {
            let findings = trailglass_core::analysis::detect::evaluate(store, &order);
            let by_row = trailglass_core::analysis::detect::rules_by_row(&findings);
            std::hint::black_box(by_row);
            findings.len()
        });
        let rules = trailglass_core::analysis::detect::RULES.len();
        println!(
            "| all {rules} built-in detections + per-row badges | {found} rules fired | {ms:.1} |"
        );
    }
}
