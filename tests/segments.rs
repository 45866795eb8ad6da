//! A parallel load (batches parsed into segments, encoded, decoded and
//! merged, as the browser's worker pool does) gives the same store as
//! loading the same files one by one: same events, principals, duplicates
//! and diagnostics, whatever the batch size and thread count.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use trailglass::container::{sniff, Container};
use trailglass::ingest::{Limits, Loader};
use trailglass::parallel::{load_batches, load_jobs, Described};
use trailglass::schedule::Settings;
use trailglass::segment::Segment;

mod common;
use common::files_under;

fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Batches merged in file order (one thread): exactly the sequential result.
    Files,
    /// Batches merged as they finish.
    Any,
}

/// Which copy of a repeated event is kept depends on the order batches
/// finish, and copies may differ in layout: compare the JSON, not its bytes.
fn canonical_json(raw: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(raw)
        .map(|value| value.to_string())
        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

/// Everything a person can see of a store, in an order that does not
/// depend on which batch finished first.
fn observable(loader: &Loader, order: Order) -> (Vec<String>, Vec<String>, Vec<String>, [u64; 5]) {
    let store = &loader.store;
    let mut events: Vec<String> = store
        .rows
        .iter()
        .map(|row| {
            let json = canonical_json(&store.raw_json(row));
            if order == Order::Any {
                // Different events may share a duplicate key (documentation
                // examples reuse IDs): which is kept follows the order batches finish.
                if let Some(id) = serde_json::from_str::<serde_json::Value>(&json)
                    .ok()
                    .and_then(|v| {
                        v.get("eventID")
                            .and_then(|id| id.as_str())
                            .map(str::to_owned)
                    })
                    .filter(|id| !id.is_empty())
                {
                    return format!(
                        "{}|{}|{}|{id}",
                        row.time_ms,
                        store.strings.get(row.event_name),
                        store.strings.get(row.account)
                    );
                }
            }
            let principal = &store.principals[row.principal as usize];
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{:?}|{}",
                row.time_ms,
                row.flags,
                row.credential,
                store.strings.get(row.event_name),
                store.strings.get(row.event_source),
                store.strings.get(row.region),
                store.strings.get(row.account),
                store.strings.get(row.source_ip),
                store.strings.get(row.user_agent),
                store.strings.get(row.error_code),
                principal.principal,
                json,
            )
        })
        .collect();
    events.sort();
    let mut diagnostics: Vec<String> = loader
        .report
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect();
    diagnostics.sort();
    // Which copy of a repeated event is kept depends on the order batches
    // finish, so per file only events + duplicates is fixed.
    let mut files: Vec<String> = loader
        .report
        .file_reports
        .iter()
        .map(|f| {
            format!(
                "{}|{}|{}|{}|{:x}|{:?}",
                f.name,
                f.shape,
                f.events + f.duplicates,
                f.problems,
                f.events_fingerprint,
                f.digest
            )
        })
        .collect();
    files.sort();
    let report = &loader.report;
    (
        events,
        diagnostics,
        files,
        [
            report.files as u64,
            report.events as u64,
            report.duplicates as u64,
            report.bytes_read,
            report.text_bytes,
        ],
    )
}

fn sequential(files: &[(String, Vec<u8>)]) -> Loader {
    let mut loader = Loader::default();
    for (name, bytes) in files {
        loader.load(name, bytes);
    }
    loader.store.seal();
    loader
}

#[test]
fn every_fixture_loads_the_same_in_parallel_batches_of_any_size() {
    let files = fixture_files();
    assert!(files.len() > 100, "the fixtures are all here");
    let expected = sequential(&files);
    assert!(expected.report.duplicates > 100, "duplicates span files");
    assert!(!expected.report.diagnostics.is_empty());
    for (threads, batch) in [(1, 1), (1, 7), (2, 1), (2, 7), (3, 64), (2, 100_000)] {
        let order = if threads == 1 {
            Order::Files
        } else {
            Order::Any
        };
        let expected_view = observable(&expected, order);
        let parallel = load_batches(&files, threads, batch, Limits::default(), |loader, file| {
            loader.load(&file.0, &file.1)
        });
        assert_eq!(
            parallel.store.len(),
            expected.store.len(),
            "{threads} threads, batches of {batch}"
        );
        let view = observable(&parallel, order);
        for (got, want) in view.0.iter().zip(&expected_view.0) {
            assert_eq!(got, want, "{threads} threads, batches of {batch}");
        }
        assert_eq!(view, expected_view, "{threads} threads, batches of {batch}");
        let per_file: usize = parallel.report.file_reports.iter().map(|f| f.events).sum();
        assert_eq!(per_file, parallel.store.len(), "file lines add up");
    }
}

#[test]
fn segments_merge_the_same_after_crossing_as_bytes() {
    let files = fixture_files();
    let expected = observable(&sequential(&files), Order::Files);
    let mut merged = Loader::default();
    for chunk in files.chunks(9) {
        let mut loader = Loader::for_segment(Limits::default());
        for (name, bytes) in chunk {
            loader.load(name, bytes);
        }
        let bytes = loader.into_segment().encode();
        merged.merge(Segment::decode(&bytes).expect("a segment decodes"));
    }
    merged.store.seal();
    assert_eq!(observable(&merged, Order::Files), expected);
}

#[test]
fn loading_the_same_files_twice_in_parallel_stores_no_second_copy() {
    let files = fixture_files();
    let once = sequential(&files);
    let twice: Vec<(String, Vec<u8>)> = files.iter().chain(&files).cloned().collect();
    // Events without an eventID cannot be told apart, so they load twice.
    let without_id = sequential(&twice).store.len() - once.store.len();
    assert!(without_id < 100);
    let parallel = load_batches(&twice, 2, 13, Limits::default(), |loader, file| {
        loader.load(&file.0, &file.1)
    });
    assert_eq!(parallel.store.len(), once.store.len() + without_id);
    assert!(
        parallel.store.heap_bytes() < once.store.heap_bytes() * 5 / 4,
        "raw blocks holding only duplicates are dropped: {} vs {}",
        parallel.store.heap_bytes(),
        once.store.heap_bytes()
    );
}

#[test]
fn findings_from_the_parsers_masks_equal_running_the_rules_after_the_load() {
    let files = fixture_files();
    let mut merged = Loader::default();
    for chunk in files.chunks(11) {
        let mut loader = Loader::for_segment(Limits::default());
        for (name, bytes) in chunk {
            loader.load(name, bytes);
        }
        let bytes = trailglass::detect::detected_segment(loader).encode();
        merged.merge(Segment::decode(&bytes).expect("a segment decodes"));
    }
    merged.store.seal();
    assert_eq!(
        merged.masked_rows,
        merged.store.len(),
        "every row came with its rules"
    );
    let order = trailglass::view::time_order(&merged.store);
    let from_masks = trailglass::detect::evaluate_loaded(&merged, &order);
    let after_load = trailglass::detect::evaluate(&merged.store, &order);
    assert!(from_masks.len() > 20, "the fixtures fire many rules");
    assert_eq!(from_masks, after_load);
}

/// Every fixture packed into one zip (with a nested zip, a broken member and
/// a directory), as big archives are handed to the pool in the browser.
fn fixtures_as_one_zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.add_directory("trail/", options).unwrap();
    for (name, bytes) in files {
        zip.start_file(format!("trail/{name}"), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_zip_parsed_in_parts_on_every_thread_loads_what_it_loads_whole() {
    let files = fixture_files();
    let archive = ("all.zip".to_owned(), fixtures_as_one_zip(&files));
    let inputs = vec![archive.clone(), ("note.json".to_owned(), b"[]".to_vec())];
    let expected = sequential(&inputs);
    assert!(expected.store.len() > 3000, "the zip's members load");
    for threads in [2, 3] {
        let settings = Settings {
            split_bytes: 0,
            ..Settings::default()
        };
        let describe = |(name, bytes): &(String, Vec<u8>)| Described {
            name: name.clone(),
            size: bytes.len() as u64,
            archive: sniff(bytes) == Container::Zip,
        };
        let seen_parts = std::sync::Mutex::new(Vec::new());
        let parallel = load_jobs(
            &inputs,
            describe,
            threads,
            settings,
            Limits::default(),
            |loader, (name, bytes), part| {
                seen_parts.lock().unwrap().push((name.clone(), part));
                loader.load_part(name, bytes, part)
            },
        );
        let parts = seen_parts.into_inner().unwrap();
        let zip_parts = parts.iter().filter(|(name, _)| name == "all.zip").count();
        assert_eq!(zip_parts, threads, "one part per thread");
        assert_eq!(
            observable(&parallel, Order::Any),
            observable(&expected, Order::Any),
            "{threads} threads"
        );
        assert_eq!(parallel.report.files, 2, "the zip counts once");
    }
}

#[test]
fn the_parts_of_a_damaged_zip_report_its_problem_once() {
    let files = fixture_files();
    let mut archive = fixtures_as_one_zip(&files[..20]);
    let cut = archive.len() - 10;
    archive.truncate(cut);
    for of in [1, 2, 4] {
        let mut loader = Loader::default();
        for index in 0..of {
            loader.load_part(
                "cut.zip",
                &archive,
                trailglass::schedule::Part { index, of },
            );
        }
        assert_eq!(loader.report.files, 1);
        assert_eq!(loader.report.diagnostics.len(), 1, "{of} parts");
        assert_eq!(loader.report.file_reports.len(), 1, "{of} parts");
    }
}
