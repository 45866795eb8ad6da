//! Per-core ingest benchmark, native side: what one browser parse worker
//! does with its batches ([`trailglass_core::load::batch`]: load, detections, segment
//! encoding), on one thread, over a folder of trail files read into memory
//! first. `scripts/bench-wasm.sh` runs the same in wasm under Node and
//! compares (`make bench-wasm`).
//!
//! `cargo bench --bench percore -- DIR [RUNS]` prints one JSON line: files,
//! JSON (inflated text) bytes, events, best seconds, MB/s of JSON, the
//! SHA-256 of the segments with their raw blocks inflated (equal in wasm), and the store's bytes per event
//! after merging the segments (not timed), and the steps of a free-text
//! scan over the merged store on one thread (`scan_steps.rs`). With `PERCORE_PROFILE` set in
//! the environment it stops after the timed runs (for callgrind and perf).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

// The tests' file lister: sorted path order, as the Node side lists them.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod scan_steps;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::common::files_under;
    use sha2::{Digest, Sha256};
    use std::path::Path;
    use std::time::Instant;
    use trailglass_core::load::batch::{batches, canonical, BatchParse};
    use trailglass_core::load::ingest::{Limits, Loader};
    use trailglass_core::store::segment::Segment;

    pub fn main() {
        let args: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| a != "--bench")
            .collect();
        let dir = args.first().expect("usage: percore DIR [RUNS]");
        let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
        let mut paths = Vec::new();
        files_under(Path::new(dir), &mut paths);
        let files: Vec<(String, Vec<u8>)> = paths
            .iter()
            .map(|p| {
                let name = p.strip_prefix(dir).unwrap_or(p).display().to_string();
                (name, std::fs::read(p).expect("a readable file"))
            })
            .collect();
        let sizes: Vec<usize> = files.iter().map(|(_, b)| b.len()).collect();
        let ranges = batches(&sizes);
        let mut best = f64::INFINITY;
        let mut segments = Vec::new();
        let mut text_bytes = 0;
        for _ in 0..runs.max(1) {
            segments.clear();
            text_bytes = 0;
            let started = Instant::now();
            for range in &ranges {
                let mut parse = BatchParse::new(Limits::browser());
                for (name, bytes) in &files[range.clone()] {
                    parse.load(name, bytes);
                }
                text_bytes += parse.report().text_bytes;
                segments.push(parse.finish());
            }
            best = best.min(started.elapsed().as_secs_f64());
        }
        if std::env::var_os("PERCORE_PROFILE").is_some() {
            // Under a profiler: only the timed work (and reading the files).
            println!("{{\"seconds\":{best:.4}}}");
            return;
        }
        let mut sha = Sha256::new();
        for segment in &segments {
            sha.update(canonical(segment).expect("a segment this run wrote"));
        }
        let sha: String = sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let mut merged = Loader::new(Limits::default());
        for segment in &segments {
            merged.merge(Segment::decode(segment).expect("a segment this run wrote"));
        }
        merged.store.seal();
        let events = merged.store.len();
        let store = &merged.store;
        let timed = |work: &dyn Fn() -> usize| {
            (0..runs.max(3))
                .map(|_| {
                    let started = Instant::now();
                    let answer = work();
                    (started.elapsed().as_secs_f64(), answer)
                })
                .fold(
                    (f64::INFINITY, 0),
                    |best, run| if run.0 < best.0 { run } else { best },
                )
        };
        let (inflate_s, inflated) = timed(&|| super::scan_steps::inflate(store));
        let (lower_s, _) = timed(&|| super::scan_steps::inflate_and_lower(store));
        let queries: Vec<String> = super::scan_steps::QUERIES
            .iter()
            .map(|text| {
                let (seconds, matched) = timed(&|| super::scan_steps::scan(store, text));
                format!("{{\"text\":\"{text}\",\"matched\":{matched},\"seconds\":{seconds:.5}}}")
            })
            .collect();
        println!(
            "{{\"files\":{},\"batches\":{},\"json_bytes\":{text_bytes},\"events\":{events},\"seconds\":{best:.4},\"mb_s\":{:.1},\"segments_sha256\":\"{sha}\",\"store_bytes_per_event\":{:.1},\"scan\":{{\"inflated\":{inflated},\"inflate_s\":{inflate_s:.5},\"inflate_and_lower_s\":{lower_s:.5},\"queries\":[{}]}}}}",
            files.len(),
            ranges.len(),
            text_bytes as f64 / 1e6 / best,
            merged.store.heap_bytes() as f64 / events.max(1) as f64,
            queries.join(","),
        );
    }
}
