//! Mutation fuzzing of the whole ingest path on stable Rust: corpus files are
//! bit-flipped, truncated, spliced, duplicated and sprinkled with JSON
//! punctuation, then loaded. Nothing may panic, every file must produce a
//! report line, and what loads must stay consistent (rows, raw JSON, identity).
//! Deterministic (fixed seed) so a failure reproduces.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::Path;
use trailglass_core::load::ingest::Loader;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures");
    let mut out = Vec::new();
    for folder in [
        "seeds",
        "trailscraper",
        "eventbridge",
        "aws-docs",
        "hostile",
        "otrf",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        out.extend(
            files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e != "md"))
                .map(|f| std::fs::read(f).unwrap()),
        );
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

const PUNCTUATION: &[u8] = b"{}[]\",:\\ \n\x00\xff\xc3";

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(8) {
            0 if len > 0 => {
                let at = rng.below(len);
                data[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => data.truncate(rng.below(len)),
            2 if len > 0 => {
                let at = rng.below(len);
                data.insert(at, PUNCTUATION[rng.below(PUNCTUATION.len())]);
            }
            3 if len > 1 => {
                let at = rng.below(len - 1);
                let end = (at + 1 + rng.below(64)).min(len);
                data.drain(at..end);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len().max(1));
                let at = rng.below(len + 1);
                let piece: Vec<u8> = other[from..(from + rng.below(400)).min(other.len())].to_vec();
                data.splice(at..at, piece);
            }
            5 if len > 0 => {
                let at = rng.below(len);
                let end = (at + rng.below(200)).min(len);
                let copy = data[at..end].to_vec();
                data.splice(end..end, copy);
            }
            6 => data = gzip(&data),
            _ => {
                let at = rng.below(len + 1);
                data.splice(at..at, "[".repeat(rng.below(3000)).into_bytes());
            }
        }
    }
    data
}

#[test]
fn mutated_corpus_files_never_panic_and_stay_consistent() {
    let seeds = seeds();
    // FUZZ_SEED and FUZZ_ITERATIONS explore further: `FUZZ_SEED=7 cargo test --release --test fuzz`.
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env("FUZZ_SEED").unwrap_or(0x7261_696c_676c_6173));
    let default_iterations = if cfg!(debug_assertions) {
        3_000
    } else {
        30_000
    };
    let iterations = env("FUZZ_ITERATIONS").map_or(default_iterations, |n| n as usize);
    let mut loader = Loader::default();
    let mut loaded_events = 0usize;
    for i in 0..iterations {
        let data = mutate(&mut rng, &seeds);
        let reports_before = loader.report.file_reports.len();
        loader.load(&format!("mutant-{i}.json"), &data);
        assert!(
            loader.report.file_reports.len() > reports_before,
            "mutant {i} got no report line"
        );
        if i % 500 == 499 {
            // Everything stored is retrievable and resolves to a known principal.
            for row in &loader.store.rows {
                assert!((row.principal as usize) < loader.store.principals.len());
                assert_eq!(loader.store.raw_json(row).len(), row.raw_len as usize);
            }
        }
        loaded_events = loader.store.len();
    }
    assert!(
        loaded_events > 100,
        "mutants still carry loadable events ({loaded_events})"
    );
    assert_eq!(loader.report.events, loader.store.len());
    // Views over whatever was loaded work too.
    let order = trailglass_core::query::view::time_order(&loader.store);
    let selection = trailglass_core::query::filter::select(
        &loader.store,
        &order,
        &trailglass_core::query::filter::Filter {
            query: trailglass_core::query::parse("AccessDenied OR eventName:*").unwrap(),
            ..Default::default()
        },
    );
    let _ = trailglass_core::query::view::timeline(&loader.store, &selection, None, 100);
    for &index in order.iter().step_by(97) {
        let raw = loader.store.raw_json(&loader.store.rows[index as usize]);
        let lines = trailglass_core::query::pretty::pretty_lines(&raw, 200);
        assert!(!lines.is_empty());
    }
}
