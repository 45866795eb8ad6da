//! The public corpus (tests/fixtures, copied from ../shared/corpus with its
//! licence notes) loads with the expected counts, and every malformed
//! documentation example is reported where it breaks.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use trailglass_core::load::ingest::Loader;

mod common;
use common::files_under;

fn load_folder(folder: &str) -> Loader {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures")
        .join(folder);
    let mut files = Vec::new();
    files_under(&root, &mut files);
    let mut loader = Loader::default();
    for file in files {
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        loader.load(&name, &std::fs::read(&file).unwrap());
    }
    loader
}

fn problem_files(loader: &Loader) -> Vec<&str> {
    loader
        .report
        .diagnostics
        .iter()
        .map(|d| d.file.as_str())
        .collect()
}

#[test]
fn seeds_load_every_valid_record_and_report_each_malformed_file_once() {
    let loader = load_folder("seeds");
    assert_eq!(loader.report.files, 17);
    assert_eq!(loader.store.len(), 16);
    assert_eq!(loader.report.duplicates, 0);
    assert_eq!(
        problem_files(&loader),
        [
            "cloudwatch-01.json",
            "launch-wizard-01.json",
            "marketplace-deployment-01.json",
            "opsworks-01.json"
        ]
    );
    let at: Vec<(u32, u32)> = loader
        .report
        .diagnostics
        .iter()
        .map(|d| (d.line, d.column))
        .collect();
    // Where each defect is, as printed: `..additional`, `$null`, the early `}`, `"1.01"ed`.
    assert_eq!(at, [(1, 844), (1, 1102), (1, 979), (1, 223)]);
}

#[test]
fn trailscraper_plain_and_gzipped_copies_count_once() {
    let loader = load_folder("trailscraper");
    assert_eq!(loader.store.len(), 3);
    assert_eq!(loader.report.duplicates, 4);
    assert!(loader.report.diagnostics.is_empty());
}

#[test]
fn invictus_attack_simulation_loads_all_2900_events() {
    let loader = load_folder("invictus-ir");
    assert_eq!(loader.store.len(), 2900);
    // The licence file is the one non-trail file.
    assert_eq!(problem_files(&loader), ["LICENSE"]);
    let service_only = loader
        .store
        .rows
        .iter()
        .filter(|row| {
            loader.store.principal_kind(row)
                == trailglass_core::input::identity::PrincipalKind::AwsService
        })
        .count();
    assert!(service_only >= 42, "{service_only}");
}

#[test]
fn stratus_arrays_load_all_310_events() {
    let loader = load_folder("stratus-red-team");
    assert_eq!(loader.store.len(), 310);
    assert!(loader.report.diagnostics.is_empty());
}

#[test]
fn panther_json_lines_load_with_repeats_counted() {
    let loader = load_folder("panther");
    // 493 lines: 151 repeat an earlier event, 2 are not CloudTrail events.
    assert_eq!(loader.store.len(), 340);
    assert_eq!(loader.report.duplicates, 151);
}

#[test]
fn eventbridge_envelopes_load() {
    let loader = load_folder("eventbridge");
    assert_eq!(loader.store.len() + loader.report.duplicates, 24);
    assert!(loader.report.diagnostics.is_empty());
}

#[test]
fn otrf_zip_and_logstash_lines_load() {
    let loader = load_folder("otrf");
    // 103 Logstash lines, once plain and once inside the zip.
    assert_eq!(loader.store.len(), 103);
    assert_eq!(loader.report.duplicates, 103);
    assert!(loader
        .store
        .rows
        .iter()
        .all(|r| r.flags & trailglass_core::store::flags::NO_TIME == 0));
}

#[test]
fn aws_docs_examples_load_lookalikes_are_refused_and_digests_read() {
    let loader = load_folder("aws-docs");
    assert_eq!(loader.store.len(), 34);
    let refused: Vec<String> = loader
        .report
        .diagnostics
        .iter()
        .filter(|d| {
            d.file.starts_with("notification-content-structure") || d.file.contains("digest-file")
        })
        .map(|d| d.message.clone())
        .collect();
    // Digest files are read (for the coverage report), not refused.
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused.iter().all(|m| m.contains("S3 event notification")));
    let digests = loader
        .report
        .file_reports
        .iter()
        .filter(|f| f.name.contains("digest-file"))
        .collect::<Vec<_>>();
    assert_eq!(digests.len(), 2);
    assert!(digests.iter().all(|f| f.digest.is_some()));
}

#[test]
fn cached_identity_resolution_agrees_with_resolving_every_event() {
    for folder in [
        "seeds",
        "invictus-ir",
        "stratus-red-team",
        "panther",
        "eventbridge",
        "aws-docs",
        "otrf",
    ] {
        let loader = load_folder(folder);
        for row in &loader.store.rows {
            let raw = loader.store.raw_json(row);
            let record: trailglass_core::input::record::EventRecord<'_> =
                serde_json::from_slice(&raw).unwrap();
            let fresh = trailglass_core::input::identity::resolve(&record);
            let stored = &loader.store.principals[row.principal as usize];
            assert_eq!(stored.principal, fresh.principal, "{folder}");
            assert_eq!(row.credential, fresh.credential as u8, "{folder}");
            assert_eq!(
                row.flags & 0x7f,
                fresh.facts.bits(),
                "{folder}: {}",
                String::from_utf8_lossy(&raw)
            );
        }
    }
}
