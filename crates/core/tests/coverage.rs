//! The coverage and integrity report: heat-map counts, delivery gaps,
//! duplicate files and digest checks, on the `coverage` fixture (see
//! tests/fixtures/README.md) and on generated trails with files taken out.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use trailglass_core::analysis::coverage::{
    parse_delivery_name, CellState, CheckStatus, CoverageReport, SLOT_MS,
};
use trailglass_core::analysis::digest::log_content_sha256;
use trailglass_core::load::ingest::Loader;
use trailglass_core::sample::{generate, SampleConfig};
use trailglass_core::time::{format_utc, parse_rfc3339};

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/coverage"
);

mod common;

/// The gzipped files under `dir`, in sorted path order.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut all = Vec::new();
    common::files_under(dir, &mut all);
    out.extend(
        all.into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "gz")),
    );
}

/// The fixture as a folder picker names it: paths relative to the folder.
fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let mut paths = Vec::new();
    files_under(Path::new(FIXTURE), &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(FIXTURE).unwrap().display().to_string();
            (format!("coverage/{name}"), std::fs::read(&p).unwrap())
        })
        .collect()
}

fn load(files: &[(String, Vec<u8>)]) -> Loader {
    let mut loader = Loader::default();
    for (name, bytes) in files {
        loader.load(name, bytes);
    }
    loader
}

fn verified(files: &[(String, Vec<u8>)], loader: &Loader) -> CoverageReport {
    let mut report = CoverageReport::build(&loader.report, &loader.store);
    for name in report.files_to_hash() {
        let bytes = &files.iter().find(|(n, _)| *n == name).unwrap().1;
        report.record_hash(&name, log_content_sha256(bytes, 1 << 20));
    }
    report.finish_verification();
    report
}

fn at(text: &str) -> i64 {
    parse_rfc3339(text).unwrap()
}

#[test]
fn delivery_names_are_read_and_other_names_are_not() {
    let name = parse_delivery_name(
        "x/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T1235Z_abc.json.gz",
    )
    .unwrap();
    assert_eq!(name.account, "111122223333");
    assert_eq!(name.region, "eu-west-1");
    assert_eq!(name.time_ms, at("2024-05-01T12:35:00Z"));
    for other in [
        "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T110000Z.json.gz",
        "111122223333_CloudTrail_us-east-1_2024050T1235Z_abc.json",
        "trail.json",
        "acct_CloudTrail_us-east-1_20240501T1235Z_abc.json",
    ] {
        assert_eq!(parse_delivery_name(other), None, "{other}");
    }
}

#[test]
fn the_heat_map_counts_events_and_files_per_account_region_and_hour() {
    let files = fixture_files();
    let loader = load(&files);
    let report = CoverageReport::build(&loader.report, &loader.store);
    assert_eq!(report.start_ms, at("2024-05-01T10:00:00Z"));
    assert_eq!((report.columns, report.column_hours), (3, 1));
    let regions: Vec<&str> = report.rows.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    let cells = |row: usize| {
        report.rows[row]
            .cells
            .iter()
            .map(|c| (c.events, c.files, c.state))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        cells(0),
        [
            (4, 2, CellState::Delivered),
            (0, 0, CellState::NoDelivery),
            (4, 2, CellState::Delivered)
        ]
    );
    // 10:05–10:40 and 11:05–11:55; 10:45–11:00 were deleted.
    assert_eq!(
        cells(1),
        [
            (16, 8, CellState::Delivered),
            (22, 11, CellState::Delivered),
            (0, 0, CellState::Outside)
        ]
    );
    assert_eq!(report.named_files, 23);
    assert_eq!(
        report.other_files, 1,
        "the copy is not named like a delivery"
    );
    let total: u32 = report
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .map(|c| c.events)
        .sum();
    assert_eq!(total as usize, loader.store.len());
}

#[test]
fn deleted_deliveries_show_as_a_gap_inside_the_span() {
    let files = fixture_files();
    let loader = load(&files);
    let report = CoverageReport::build(&loader.report, &loader.store);
    let gaps: Vec<(&str, String, String, usize)> = report
        .gaps
        .iter()
        .map(|g| {
            (
                g.region.as_str(),
                format_utc(g.first_ms),
                format_utc(g.last_ms),
                g.slots,
            )
        })
        .collect();
    assert_eq!(
        gaps,
        [
            (
                "eu-west-1",
                "2024-05-01T10:15:00Z".to_owned(),
                "2024-05-01T12:25:00Z".to_owned(),
                27
            ),
            (
                "us-east-1",
                "2024-05-01T10:45:00Z".to_owned(),
                "2024-05-01T11:00:00Z".to_owned(),
                4
            ),
        ]
    );
    assert!(report.gaps.iter().all(|g| g.by_name));
    // us-east-1 has a file in 19 of its 23 slots.
    assert_eq!(report.gaps[1].delivered_percent, 82);
}

#[test]
fn files_removed_from_a_generated_trail_leave_a_gap_there() {
    let config = SampleConfig {
        events: 20_000,
        gzip: false,
        ..SampleConfig::default()
    };
    let all: Vec<(String, Vec<u8>)> = generate(&config).map(|f| (f.path, f.bytes)).collect();
    let before = {
        let loader = load(&all);
        CoverageReport::build(&loader.report, &loader.store)
    };
    // The busiest stream, and three of its files in a row from the middle.
    let stream = |path: &str| {
        let name = parse_delivery_name(path).unwrap();
        (name.account, name.region)
    };
    let mut counts = std::collections::BTreeMap::new();
    for (path, _) in &all {
        *counts.entry(stream(path)).or_insert(0) += 1;
    }
    let busiest = counts.iter().max_by_key(|(_, &n)| n).unwrap().0.clone();
    let mine: Vec<&String> = all
        .iter()
        .map(|(p, _)| p)
        .filter(|p| stream(p) == busiest)
        .collect();
    assert!(mine.len() > 10, "{}", mine.len());
    let middle = mine.len() / 2;
    let removed = &mine[middle..middle + 3];
    let stamp = |path: &str| parse_delivery_name(path).unwrap().time_ms;
    // The gap runs from just after the last file kept before to just before the next one.
    let (first, last) = (
        stamp(mine[middle - 1]) + SLOT_MS,
        stamp(mine[middle + 3]) - SLOT_MS,
    );
    let kept: Vec<(String, Vec<u8>)> = all
        .iter()
        .filter(|(p, _)| !removed.contains(&p))
        .cloned()
        .collect();
    let after = {
        let loader = load(&kept);
        CoverageReport::build(&loader.report, &loader.store)
    };
    let gap_there = |report: &CoverageReport| {
        report.gaps.iter().any(|g| {
            (g.account.clone(), g.region.clone()) == busiest
                && (g.first_ms, g.last_ms) == (first, last)
                && g.slots as i64 == (last - first) / SLOT_MS + 1
        })
    };
    assert!(
        !gap_there(&before),
        "no such gap before the files were removed"
    );
    assert!(gap_there(&after), "{:?}", after.gaps);
}

#[test]
fn a_file_whose_events_were_all_loaded_is_a_duplicate_of_its_original() {
    let files = fixture_files();
    let loader = load(&files);
    let report = CoverageReport::build(&loader.report, &loader.store);
    assert_eq!(
        report.duplicate_files.len(),
        1,
        "{:?}",
        report.duplicate_files
    );
    let duplicate = &report.duplicate_files[0];
    assert_eq!(duplicate.name, "coverage/copies/delivery-copy.json.gz");
    assert_eq!(duplicate.events, 2);
    assert!(duplicate.same_as.as_deref().is_some_and(
        |n| n.ends_with("111122223333_CloudTrail_us-east-1_20240501T1010Z_1010useast1.json.gz")
    ));
    assert_eq!(report.duplicate_events, 2);
}

#[test]
fn files_with_only_some_events_seen_before_are_not_duplicates() {
    let event = |id: u32| {
        format!(
            r#"{{"eventTime":"2024-05-01T10:00:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","eventID":"{id}","recipientAccountId":"1"}}"#
        )
    };
    let trail = |ids: &[u32]| {
        let records: Vec<String> = ids.iter().map(|&i| event(i)).collect();
        format!(r#"{{"Records":[{}]}}"#, records.join(",")).into_bytes()
    };
    let files = vec![
        ("a.json".to_owned(), trail(&[1, 2])),
        ("b.json".to_owned(), trail(&[3, 4])),
        ("ab.json".to_owned(), trail(&[2, 3])),
        ("c.json".to_owned(), trail(&[3, 5])),
    ];
    let loader = load(&files);
    let report = CoverageReport::build(&loader.report, &loader.store);
    assert_eq!(report.duplicate_files.len(), 1);
    assert_eq!(report.duplicate_files[0].name, "ab.json");
    assert_eq!(
        report.duplicate_files[0].same_as, None,
        "its events come from two files"
    );
}

#[test]
fn log_files_are_checked_against_the_digest() {
    let files = fixture_files();
    let loader = load(&files);
    let unverified = CoverageReport::build(&loader.report, &loader.store);
    assert!(
        loader.report.diagnostics.is_empty(),
        "{:?}",
        loader.report.diagnostics
    );
    assert_eq!(unverified.digests.len(), 1);
    let digest = &unverified.digests[0];
    assert_eq!(
        (
            digest.account.as_str(),
            digest.region.as_str(),
            digest.log_files,
            digest.chained
        ),
        ("111122223333", "us-east-1", 4, false)
    );
    assert_eq!(unverified.count(&CheckStatus::Unchecked), 3);
    assert_eq!(
        unverified.files_to_hash().len(),
        3,
        "only files a digest names are read again"
    );

    let report = verified(&files, &loader);
    let status = |stamp: &str| {
        report
            .checks
            .iter()
            .find(|c| c.s3_object.contains(stamp))
            .map(|c| c.status.clone())
            .unwrap()
    };
    assert_eq!(status("T1005Z"), CheckStatus::Match);
    assert_eq!(status("T1010Z"), CheckStatus::Match);
    assert_eq!(
        status("T1015Z"),
        CheckStatus::Mismatch,
        "edited after delivery"
    );
    assert_eq!(status("T1045Z"), CheckStatus::Missing, "deleted");
    assert_eq!(
        report.checks[0].status,
        CheckStatus::Mismatch,
        "problems first"
    );
    let mismatch = &report.checks[0];
    assert_ne!(mismatch.actual.as_deref(), Some(mismatch.expected.as_str()));
    assert!(report.verified);
}

#[test]
fn the_digest_hash_is_over_the_uncompressed_content() {
    let text = b"{\"Records\":[]}";
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut encoder, text).unwrap();
    let packed = encoder.finish().unwrap();
    // `sha256sum` of the same 14 bytes.
    let expected = "26a792db36a3afba23b1dd277fcc9f15a7313c4a92e4e4cc0494846af345ecff";
    assert_eq!(log_content_sha256(text, 1 << 20).unwrap(), expected);
    assert_eq!(log_content_sha256(&packed, 1 << 20).unwrap(), expected);
    assert!(log_content_sha256(&packed[..packed.len() / 2], 1 << 20).is_err());
}
