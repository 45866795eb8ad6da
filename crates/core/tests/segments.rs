//! A parallel load (batches parsed into segments, encoded, decoded and
//! merged, as the browser's worker pool does) gives the same store as
//! loading the same files one by one: same events, principals, duplicates
//! and diagnostics, whatever the batch size and thread count.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use trailglass_core::input::container::{sniff, Container};
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::load::parallel::{load_batches, load_jobs, Described};
use trailglass_core::load::schedule::Settings;
use trailglass_core::store::segment::Segment;

mod common;
use common::files_under;

fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures");
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
                f.shape.label(),
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
        let bytes = loader.into_detected_segment().encode();
        merged.merge(Segment::decode(&bytes).expect("a segment decodes"));
    }
    merged.store.seal();
    assert_eq!(
        merged.masked_rows,
        merged.store.len(),
        "every row came with its rules"
    );
    let order = trailglass_core::query::view::time_order(&merged.store);
    let from_masks = merged.findings(&order);
    let after_load = trailglass_core::analysis::detect::evaluate(&merged.store, &order);
    assert!(from_masks.len() > 20, "the fixtures fire many rules");
    assert_eq!(from_masks, after_load);

    // In steps of one raw block, as the browser fetches from the parsers.
    let mut detection = merged.plan_detection(&order).expect("masks cover it");
    let mut rounds = 0;
    while !detection.done() {
        let (upto, read) = detection
            .read_next(&merged.store, 1)
            .expect("the same store");
        detection.keep(upto, read);
        rounds += 1;
    }
    assert!(
        rounds >= 3,
        "the conditions read events in several blocks: {rounds} rounds"
    );
    assert_eq!(detection.finish(&merged.store), Some(from_masks));
    // Cleared (or grown) meanwhile: its rows no longer mean the same events.
    let planned = merged.plan_detection(&order).expect("masks cover it");
    let cleared = Loader::default();
    assert!(planned.read_next(&cleared.store, 1).is_none());
    assert!(planned.finish(&cleared.store).is_none());
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

/// Settings that split every file that can be split, however small.
fn split_all() -> Settings {
    Settings {
        split_bytes: 0,
        ..Settings::default()
    }
}

/// A file as the CLI describes it, splittable when its container is.
fn describe((name, bytes): &(String, Vec<u8>), splittable: fn(Container) -> bool) -> Described {
    Described {
        name: name.clone(),
        size: bytes.len() as u64,
        splittable: splittable(sniff(bytes)),
    }
}

#[test]
fn a_zip_parsed_in_parts_on_every_thread_loads_what_it_loads_whole() {
    let files = fixture_files();
    let archive = ("all.zip".to_owned(), fixtures_as_one_zip(&files));
    let inputs = vec![archive.clone(), ("note.json".to_owned(), b"[]".to_vec())];
    let expected = sequential(&inputs);
    assert!(expected.store.len() > 3000, "the zip's members load");
    for threads in [2, 3] {
        let settings = split_all();
        let describe = |file: &(String, Vec<u8>)| describe(file, |c| c == Container::Zip);
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
                trailglass_core::load::schedule::Part { index, of },
            );
        }
        assert_eq!(loader.report.files, 1);
        assert_eq!(loader.report.diagnostics.len(), 1, "{of} parts");
        assert_eq!(loader.report.file_reports.len(), 1, "{of} parts");
    }
}

/// Loads one file in `of` parts (see [`trailglass_core::load::parts::load_in_parts`]).
fn load_in_parts(
    name: &str,
    bytes: &[u8],
    of: u32,
    lookahead: Option<u64>,
    backwards: bool,
) -> (Loader, bool) {
    let limits = Limits::default();
    trailglass_core::load::parts::load_in_parts(name, bytes, of, lookahead, backwards, limits)
}

/// Loads one file whole, as [`load_in_parts`] compares with.
fn load_whole(name: &str, bytes: &[u8]) -> Loader {
    sequential(&[(name.to_owned(), bytes.to_vec())])
}

/// Everything a person can see of a load of one file, in load order: each
/// event (its columns and JSON as stored), the diagnostics, the file line
/// and the totals.
fn in_order(loader: &Loader) -> View {
    let store = &loader.store;
    let events = store
        .rows
        .iter()
        .map(|row| {
            let strings = row.string_ids().map(|id| store.strings.get(id).to_owned());
            format!(
                "{}|{}|{}|{}|{:?}|{:?}|{}",
                row.time_ms,
                row.flags,
                row.credential,
                row.kinds,
                strings,
                store.principals[row.principal as usize].principal,
                String::from_utf8_lossy(&store.raw_json(row)),
            )
        })
        .collect();
    let report = &loader.report;
    let diagnostics = report.diagnostics.iter().map(|d| d.to_string()).collect();
    let files = report
        .file_reports
        .iter()
        .map(|f| {
            format!(
                "{}|{}|{}|{}|{}|{:x}|{:?}",
                f.name,
                f.shape.label(),
                f.events,
                f.duplicates,
                f.problems,
                f.events_fingerprint,
                f.digest
            )
        })
        .collect();
    let totals = [
        report.files as u64,
        report.events as u64,
        report.duplicates as u64,
        report.bytes_read,
        report.text_bytes,
    ];
    (events, diagnostics, files, totals)
}

type View = (Vec<String>, Vec<String>, Vec<String>, [u64; 5]);

/// Asserts a load in parts equals the whole load (seen through [`in_order`]).
fn assert_same_as_whole(want: &View, parts: &Loader, what: &str) {
    let got = in_order(parts);
    assert_eq!(got.1, want.1, "{what}: diagnostics");
    assert_eq!(got.2, want.2, "{what}: file line");
    assert_eq!(got.3, want.3, "{what}: totals");
    assert_eq!(got.0.len(), want.0.len(), "{what}: events");
    for (got, want) in got.0.iter().zip(&want.0) {
        assert_eq!(got, want, "{what}");
    }
}

/// The text of a fixture: inflated when gzipped; `None` for archives.
fn fixture_text(bytes: &[u8]) -> Option<Vec<u8>> {
    match sniff(bytes) {
        Container::Zip => None,
        Container::Gzip => {
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut text)
                .ok()?;
            Some(text)
        }
        Container::Plain => Some(bytes.to_vec()),
    }
}

/// Each event's JSON, as loaded.
fn events_json(loader: &Loader) -> Vec<Vec<u8>> {
    let store = &loader.store;
    store
        .rows
        .iter()
        .map(|row| store.raw_json(row).to_vec())
        .collect()
}

/// The events as JSON Lines, a `{"Records":[…]}` file (its records
/// apart by `between`) and a JSON array.
fn shapes(events: &[Vec<u8>], between: &[u8]) -> [Vec<u8>; 3] {
    let lines = events.join(&b'\n');
    let mut records = br#"{"Records":["#.to_vec();
    records.extend(events.join(between));
    records.extend(b"]}\n");
    let mut array = b"[\n  ".to_vec();
    array.extend(events.join(&b",\n  "[..]));
    array.extend(b"\n]");
    [lines, records, array]
}

#[test]
fn every_fixture_text_and_its_events_as_lines_records_and_array_load_the_same_in_parts() {
    let mut joined_parts = 0;
    let mut tried = 0;
    for (name, bytes) in fixture_files() {
        let Some(text) = fixture_text(&bytes) else {
            continue;
        };
        let events = events_json(&load_whole(&name, &text));
        let mut texts = vec![text];
        if !events.is_empty() {
            texts.extend(shapes(&events, b","));
        }
        for text in &texts {
            let whole = in_order(&load_whole(&name, text));
            // Each part reads the whole file, or only its window (as in the
            // browser) with a margin past its share that is often too short
            // to finish its last record (120 bytes), or mostly long enough.
            let loads = [
                (1, None, false),
                (2, None, false),
                (3, None, true),
                (4, Some(120), true),
                (4, Some(6000), false),
            ];
            for (of, lookahead, backwards) in loads {
                let (parts, joined) = load_in_parts(&name, text, of, lookahead, backwards);
                let what = format!("{name} ({} bytes) in {of} parts, {lookahead:?}", text.len());
                assert_same_as_whole(&whole, &parts, &what);
                if of > 1 && lookahead != Some(120) {
                    tried += 1;
                    joined_parts += usize::from(joined);
                }
            }
        }
    }
    assert!(tried > 3000, "{tried} loads in parts");
    // Nearly every cut is proven: the parts are joined, not loaded again whole.
    assert!(
        joined_parts * 100 > tried * 95,
        "{joined_parts} of {tried} joined"
    );
}

/// Generated events, each as its JSON.
fn generated_events(events: usize) -> Vec<Vec<u8>> {
    let config = trailglass_core::sample::SampleConfig {
        events,
        gzip: false,
        ..Default::default()
    };
    let mut loader = Loader::default();
    for file in trailglass_core::sample::generate(&config) {
        loader.load(&file.path, &file.bytes);
    }
    events_json(&loader)
}

/// Records that look like cuts but are not, or that break the scan near
/// one: a string ending in `{` with escaped quotes and newlines, a nested
/// object whose first member is `eventVersion`, a record cut off, a record
/// over three lines whose middle line starts with `{`, junk, bytes that
/// are not UTF-8.
fn misleading(i: usize) -> Vec<u8> {
    let time = r#""eventTime":"2026-11-02T10:00:00Z""#;
    let text = match i % 7 {
        0 => format!(
            r#"{{"eventVersion":"1.08","userAgent":"x,{{","eventName":"A{{\"eventVersion\":1}}\n,{{","eventSource":"s3.amazonaws.com",{time},"eventID":"m{i}"}}"#
        ),
        1 => format!(
            r#"{{"eventVersion":"1.08","eventName":"Nested",{time},"eventID":"m{i}","requestParameters":{{"items":[{{"a":1}}, {{"eventVersion":"fake","x":{{"y":[1,2]}}}}]}}}}"#
        ),
        2 => r#"{"eventVersion":"1.08","eventName":"CutOff","eventTime":"#.to_owned(),
        3 => format!(
            "{{\"eventVersion\":\"1.08\",\"eventName\":\"Multi\",\"requestParameters\":\n{{\"eventVersion\":\"inner\"}},\n{time},\"eventID\":\"m{i}\"}}"
        ),
        4 => "12, \"junk\"".to_owned(),
        5 => format!(
            r#"{{"eventVersion":"1.08","eventName":"Broken" "eventSource":"x",{time},"eventID":"m{i}"}}"#
        ),
        _ => format!(r#"{{"eventVersion":"1.08","eventName":"Latin1 \xFF",{time},"eventID":"m{i}"}}"#),
    };
    let mut bytes = text.into_bytes();
    if i % 7 == 6 {
        // The `\xFF` above is text; make it the byte.
        let at = bytes.windows(4).position(|w| w == b"\\xFF").unwrap();
        bytes.splice(at..at + 4, [0xFF]);
    }
    bytes
}

#[test]
fn texts_with_broken_and_misleading_records_load_the_same_cut_anywhere() {
    let events = generated_events(800);
    let mut mixed = Vec::new();
    for (i, event) in events.iter().enumerate() {
        mixed.push(event.clone());
        if i % 13 == 5 {
            mixed.push(misleading(i / 13));
        }
    }
    let (mut tried, mut joined_parts) = (0, 0);
    // Records a line each: a record cut off takes the rest of its line with it.
    for (shape, text) in ["lines", "records", "array"]
        .iter()
        .zip(shapes(&mixed, b",\n"))
    {
        let name = format!("big.{shape}");
        let whole_loader = load_whole(&name, &text);
        assert!(
            whole_loader.report.file_reports[0].problems > 20,
            "past the cap"
        );
        assert!(whole_loader.store.len() > 600, "{shape}");
        let whole = in_order(&whole_loader);
        for of in [2, 3, 7] {
            for (lookahead, backwards) in [
                (None, of % 2 == 0),
                (Some(700), true),
                (Some(20_000), false),
            ] {
                let (parts, joined) = load_in_parts(&name, &text, of, lookahead, backwards);
                let what = format!("{shape} in {of} parts, {lookahead:?}");
                assert_same_as_whole(&whole, &parts, &what);
                tried += 1;
                joined_parts += usize::from(joined);
            }
        }
    }
    assert!(joined_parts * 2 > tried, "{joined_parts} of {tried} joined");
}

#[test]
fn every_fixture_loads_the_same_with_every_text_split_on_every_thread() {
    let files = fixture_files();
    let expected = sequential(&files);
    for threads in [2, 3] {
        let settings = split_all();
        let describe = |file: &(String, Vec<u8>)| describe(file, |c| c != Container::Gzip);
        let parallel = load_jobs(
            &files,
            describe,
            threads,
            settings,
            Limits::default(),
            |loader, (name, bytes), part| loader.load_part(name, bytes, part),
        );
        assert_eq!(
            observable(&parallel, Order::Any),
            observable(&expected, Order::Any),
            "{threads} threads"
        );
        assert_eq!(parallel.report.files, files.len());
    }
}

#[test]
fn a_text_whose_first_bytes_do_not_tell_its_shape_is_loaded_whole_by_its_first_part() {
    let events = generated_events(200);
    let [lines, ..] = shapes(&events, b",");
    let mut padded = vec![b' '; trailglass_core::input::split::HEAD_BYTES as usize];
    padded.extend(&lines);
    let whole = in_order(&load_whole("padded.jsonl", &padded));
    assert_eq!(whole.0.len(), 200);
    for (of, lookahead) in [(2, None), (3, Some(1_000))] {
        let (parts, joined) = load_in_parts("padded.jsonl", &padded, of, lookahead, false);
        assert!(joined, "nothing to join: no part is a part of a cut text");
        assert_same_as_whole(&whole, &parts, &format!("{of} parts"));
    }
}

#[test]
fn a_split_text_missing_a_part_keeps_what_its_first_parts_proved_and_says_the_rest_is_lost() {
    use trailglass_core::load::parts::SplitLoads;
    let events = generated_events(300);
    let [lines, ..] = shapes(&events, b",");
    let part = |index| trailglass_core::load::schedule::Part { index, of: 3 };
    let part_segment = |index| {
        let mut loader = Loader::for_segment(Limits::default());
        loader.load_part("big.jsonl", &lines, part(index));
        loader.into_segment()
    };
    let whole = load_whole("big.jsonl", &lines);
    // Part 1 of 3 lost: part 0 is kept.
    let mut loader = Loader::default();
    let mut split = SplitLoads::default();
    let hand_in = |loader: &mut Loader, split: &mut SplitLoads<()>, indices: [u32; 2]| {
        for index in indices {
            let segment = part_segment(index);
            let redo = split.arrived(loader, (), "big.jsonl", part(index), segment, 0);
            assert!(redo.is_none());
        }
    };
    hand_in(&mut loader, &mut split, [0, 2]);
    assert!(!split.is_empty(), "waiting for part 1");
    split.finish(&mut loader, "a part of it was lost");
    let kept = loader.store.len();
    assert!(kept > 50 && kept < 150, "about a third: {kept}");
    assert_eq!(&events_json(&loader)[..], &events_json(&whole)[..kept]);
    assert_eq!(loader.report.files, 1);
    assert_eq!(loader.report.file_reports.len(), 1);
    assert_eq!(loader.report.file_reports[0].problems, 1);
    assert_eq!(
        loader.report.diagnostics[0].to_string(),
        "big.jsonl: the rest of this file was not loaded: a part of it was lost"
    );
    // Part 0 lost (its parser reported it): nothing is kept, nothing counted again.
    let mut loader = Loader::default();
    let mut split = SplitLoads::default();
    hand_in(&mut loader, &mut split, [1, 2]);
    split.finish(&mut loader, "a part of it was lost");
    assert_eq!(loader.store.len(), 0);
    assert_eq!(loader.report.files, 0);
    assert!(loader.report.diagnostics.is_empty());
    // A segment that says it is another part than its job's is not held.
    let mut loader = Loader::default();
    let mut split = SplitLoads::default();
    let other = trailglass_core::load::schedule::Part { index: 1, of: 2 };
    assert!(split
        .arrived(&mut loader, (), "big.jsonl", other, part_segment(1), 0)
        .is_none());
    assert!(split.is_empty());
    assert_eq!(
        loader.report.file_reports[0].shape,
        trailglass_core::load::report::FileShape::NotParsed
    );
}

/// Found by the ingest fuzz target: a record the quick reader reads when
/// the file is whole and serde_json reads in a part must get the same row
/// (the marks that say which of its fields the row knows exactly).
#[test]
fn a_record_gets_the_same_row_whichever_reader_takes_it() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/fuzz-found/ingest-flags-in-parts.json"
    );
    let bytes = std::fs::read(path).expect("fixture");
    let whole = load_whole("found.json", &bytes);
    assert!(whole.store.len() > 10);
    let exact = trailglass_core::store::flags::COLUMNS_EXACT;
    assert!(whole.store.rows.iter().any(|r| r.flags & exact != 0));
    let (parts, _) = load_in_parts("found.json", &bytes, 3, None, true);
    assert_same_as_whole(&in_order(&whole), &parts, "the found file in 3 parts");
}
