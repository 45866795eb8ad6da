//! Fuzz target: the evidence files a user brings besides logs. The first
//! byte picks the door: a case file to import (read, merged, written back
//! and rendered as the report), or up to four files cut at `0xFF` loaded
//! together as logs, digests and public-key lists, then checked for
//! integrity with signatures given as `OBJECT=HEX` lines. Nothing panics, a
//! case survives its own file, and the report never holds a script.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use trailglass_core::analysis::{digest, integrity, signature};
use trailglass_core::case::report::{self, ReportFile, ReportInput};
use trailglass_core::case::Case;
use trailglass_core::load::ingest::{Limits, Loader};

fn case_door(bytes: &[u8]) {
    let Ok(case) = Case::from_file(bytes) else {
        return;
    };
    let written = case.to_file();
    let again = Case::from_file(written.as_bytes()).expect("a case reads its own file");
    assert_eq!(again.to_file(), written);
    let mut merged = case.clone();
    merged.merge(again);
    let files = [ReportFile {
        name: "<b>x</b>.json".into(),
        bytes: bytes.len() as u64,
        sha256: Err("<script>".into()),
    }];
    let html = report::html(&ReportInput {
        case: &merged,
        generated: "2024-05-01T00:00:00Z".into(),
        events_loaded: merged.events.len(),
        first_event: None,
        last_event: None,
        findings: &[],
        lineage: &[],
        coverage: None,
        files: &files,
    });
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script in the report");
    assert!(!lower.contains("<b>"), "markup from the case in the report");
}

fn integrity_door(bytes: &[u8]) {
    let limits = Limits {
        max_inflated_bytes: 16 << 20,
        ..Limits::default()
    };
    let mut loader = Loader::new(limits);
    let parts: Vec<&[u8]> = bytes.split(|&b| b == 0xFF).take(5).collect();
    let (files, signatures) = match parts.split_last() {
        Some((last, files)) if !files.is_empty() => (files, *last),
        _ => (&parts[..], &[][..]),
    };
    // Files are named as the digests among them name things, so that logs
    // can match (or differ from) their entries and digests chain.
    let digests: Vec<Option<digest::Digest>> = files
        .iter()
        .map(|f| digest::Digest::parse(f).ok())
        .collect();
    let mut named_logs = digests
        .iter()
        .flatten()
        .flat_map(|d| d.log_files.iter().map(|entry| entry.s3_object.clone()));
    let mut hashes = HashMap::new();
    let mut listed = Vec::new();
    for (n, (file, parsed)) in files.iter().zip(&digests).enumerate() {
        let name = match parsed {
            Some(d) => d.digest_s3_object.clone(),
            None => named_logs.next(),
        }
        .unwrap_or_else(|| format!("AWSLogs/1/CloudTrail/us-east-1/2024/05/01/part{n}.json"));
        loader.load(&name, file);
        let _ = signature::parse_public_keys(file);
        hashes.insert(
            name.clone(),
            digest::log_content_sha256(file, limits.max_inflated_bytes),
        );
        listed.push((name, file.len() as u64, Ok(String::new())));
    }
    let text = String::from_utf8_lossy(signatures);
    let signatures = signature::parse_signatures(text.lines()).unwrap_or_default();
    let checked = integrity::integrity(&loader.report, &hashes, &signatures);
    let manifest = integrity::manifest(&loader.report, &checked, &listed);
    assert_eq!(manifest.len(), listed.len());
    let _ = integrity::manifest_csv(&manifest);
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((door, rest)) if door % 2 == 0 => case_door(rest),
        Some((_, rest)) => integrity_door(rest),
        None => {}
    }
});
