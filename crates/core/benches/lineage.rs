//! Native session-lineage benchmark: building the index from a loaded store
//! (every credential-issuing event read back from the raw JSON), then the
//! chain of every principal and of sampled events.
//! `cargo bench --bench lineage [-- EVENTS]` (default 1,000,000).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;
    use trailglass_core::analysis::lineage::{ChainEnd, LineageIndex};
    use trailglass_core::load::ingest::Loader;
    use trailglass_core::sample::{generate, SampleConfig};

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
        let mut best = f64::INFINITY;
        let mut index = LineageIndex::default();
        for _ in 0..3 {
            let started = Instant::now();
            index = LineageIndex::build(store);
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "{events} events: lineage index built in {best:.0} ms (best of 3): {} issuing events, {} distinct keys",
            index.issuing_events,
            index.len()
        );
        let started = Instant::now();
        let mut chains = 0;
        let mut longest = 0;
        let mut ends = [0usize; 5];
        for principal in 0..store.principals.len() as u32 {
            for chain in index.for_principal(store, principal) {
                chains += 1;
                longest = longest.max(chain.hops.len());
                ends[chain.end as usize] += 1;
            }
        }
        let per_principal = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "every principal's lineage ({} principals, {chains} chains, longest {longest} hops): {per_principal:.0} ms",
            store.principals.len()
        );
        println!(
            "chain ends: origin {}, not in logs {}, inferred {}, cycle {}, too long {}",
            ends[ChainEnd::Origin as usize],
            ends[ChainEnd::NotInLogs as usize],
            ends[ChainEnd::Inferred as usize],
            ends[ChainEnd::Cycle as usize],
            ends[ChainEnd::TooLong as usize]
        );
        let step = (store.len() / 1000).max(1);
        let started = Instant::now();
        let found = (0..store.len())
            .step_by(step)
            .filter(|&id| index.for_event(store, id as u32).is_some())
            .count();
        let per_event = started.elapsed().as_secs_f64() * 1000.0 / (store.len() / step) as f64;
        println!("one event's lineage: {per_event:.2} ms on average ({found} of 1,000 sampled events have one)");
    }
}
