//! The native command line: `trailglass summary` prints the agreed JSON and
//! `trailglass gen` writes a trail in CloudTrail's S3 layout that loads back.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn trailglass(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trailglass"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn summary_prints_files_events_duplicates_diagnostics_and_principals() {
    let seeds = concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "/tests/fixtures/seeds"
    );
    let out = trailglass(&["summary", seeds]);
    assert!(out.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["files"], 17);
    assert_eq!(summary["events"], 16);
    assert_eq!(summary["duplicates"], 0);
    let diagnostics = summary["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 4);
    for d in diagnostics {
        assert!(d["file"].as_str().unwrap().ends_with(".json"));
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
        assert!(!d["message"].as_str().unwrap().is_empty());
    }
    let principals = summary["principals"].as_array().unwrap();
    let total: u64 = principals
        .iter()
        .map(|p| p["events"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 16);
    assert!(principals
        .iter()
        .any(|p| p["kind"] == "Root" && p["account"] == "123456789012"));
    assert!(principals
        .iter()
        .all(|p| p["errors"].is_u64() && p["principal"].is_string()));
}

#[test]
fn gen_writes_the_s3_layout_and_it_loads_back_whole() {
    let out_dir = std::env::temp_dir().join(format!("trailglass-cli-gen-{}", std::process::id()));
    let out = trailglass(&[
        "gen",
        "--events",
        "3000",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = trailglass(&["summary", out_dir.to_str().unwrap()]);
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    assert_eq!(summary["events"], 3000);
    assert_eq!(summary["diagnostics"].as_array().unwrap().len(), 0);
    let account_dirs: Vec<_> = std::fs::read_dir(out_dir.join("AWSLogs"))
        .unwrap()
        .collect();
    assert!(!account_dirs.is_empty());
    assert!(
        trailglass(&["gen"]).status.code() == Some(2),
        "usage errors exit 2"
    );
    std::fs::remove_dir_all(out_dir).unwrap();
}

/// The summaries of `paths` on one thread and on three.
fn on_one_thread_and_on_three(paths: &[&str]) -> Vec<serde_json::Value> {
    ["1", "3"]
        .iter()
        .map(|threads| {
            let out = trailglass(&[&["summary", "--threads", threads], paths].concat());
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

#[test]
fn a_big_zip_summarises_the_same_on_one_thread_and_on_three() {
    use std::io::Write;
    // Big enough (over 8 MB) that its members are spread over the threads.
    let out_dir = std::env::temp_dir().join(format!("trailglass-cli-zip-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let zip_path = out_dir.join("trail.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for file in trailglass_core::sample::generate(&trailglass_core::sample::SampleConfig {
        events: 30_000,
        gzip: false,
        ..Default::default()
    }) {
        zip.start_file(&file.path, stored).unwrap();
        zip.write_all(&file.bytes).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&zip_path).unwrap().len() > 8_000_000);
    let zip_arg = zip_path.to_str().unwrap();
    let summaries = on_one_thread_and_on_three(&[zip_arg]);
    std::fs::remove_dir_all(&out_dir).unwrap();
    assert_eq!(summaries[0]["events"], 30_000);
    assert_eq!(summaries[0]["files"], 1);
    let sorted = |summary: &serde_json::Value| {
        let mut principals = summary["principals"].as_array().unwrap().clone();
        principals.sort_by_key(|p| p.to_string());
        principals
    };
    assert_eq!(summaries[1]["events"], summaries[0]["events"]);
    assert_eq!(summaries[1]["files"], summaries[0]["files"]);
    assert_eq!(sorted(&summaries[1]), sorted(&summaries[0]));
    assert!(trailglass(&["summary", "--threads", "x", zip_arg])
        .status
        .code()
        .is_some_and(|code| code == 2));
}

#[test]
fn big_json_lines_and_records_files_summarise_the_same_on_one_thread_and_on_three() {
    // Big enough (over 8 MB each) that their records are spread over the threads.
    let out_dir = std::env::temp_dir().join(format!("trailglass-cli-split-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut events = Vec::new();
    for file in trailglass_core::sample::generate(&trailglass_core::sample::SampleConfig {
        events: 30_000,
        gzip: false,
        ..Default::default()
    }) {
        let trail: serde_json::Value = serde_json::from_slice(&file.bytes).unwrap();
        for event in trail["Records"].as_array().unwrap() {
            events.push(event.to_string());
            // A broken record now and then: each is reported at its line and column.
            if events.len() % 2_000 == 1_000 {
                events.push(r#"{"eventVersion":"1.08","eventName":"CutOff","eventTime":"#.into());
            }
        }
    }
    let lines = out_dir.join("export.jsonl");
    std::fs::write(&lines, events.join("\n")).unwrap();
    let records = out_dir.join("trail.json");
    std::fs::write(
        &records,
        format!("{{\"Records\":[\n{}\n]}}", events.join(",\n")),
    )
    .unwrap();
    for path in [&lines, &records] {
        assert!(std::fs::metadata(path).unwrap().len() > 8_000_000);
    }
    let summaries =
        on_one_thread_and_on_three(&[lines.to_str().unwrap(), records.to_str().unwrap()]);
    std::fs::remove_dir_all(&out_dir).unwrap();
    // Each file holds every event: the second copy of each is a duplicate.
    assert_eq!(summaries[0]["events"], 30_000);
    assert_eq!(summaries[0]["duplicates"], 30_000);
    assert_eq!(summaries[0]["files"], 2);
    let sorted = |summary: &serde_json::Value, key: &str| {
        let mut items = summary[key].as_array().unwrap().clone();
        items.sort_by_key(|item| item.to_string());
        items
    };
    let diagnostics = sorted(&summaries[0], "diagnostics");
    let in_file = |name: &str| {
        diagnostics
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with(name))
            .count()
    };
    // A cut-off line is one problem; in the list each costs two (the record
    // after it is read as its value), thirty in all: twenty are listed and
    // the rest counted in one line.
    assert_eq!(in_file("export.jsonl"), 15, "{diagnostics:#?}");
    assert_eq!(in_file("trail.json"), 21, "{diagnostics:#?}");
    for key in ["events", "duplicates", "files"] {
        assert_eq!(summaries[1][key], summaries[0][key], "{key}");
    }
    for key in ["principals", "diagnostics"] {
        assert_eq!(
            sorted(&summaries[1], key),
            sorted(&summaries[0], key),
            "{key}"
        );
    }
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn sigma_json(args: &[&str]) -> serde_json::Value {
    let out = trailglass(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn hits_of(report: &serde_json::Value, id: &str) -> u64 {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id}"))["hits"]
        .as_u64()
        .unwrap()
}

#[test]
fn sigma_runs_rule_folders_over_a_trail_and_counts_distinct_events() {
    let trail = format!("{FIXTURES}/invictus-ir");
    let rules = format!("{FIXTURES}/sigma/suzaku");
    // The trail twice: repeated deliveries are dropped, hits stay distinct events.
    let report = sigma_json(&["sigma", "--rules", &rules, &trail, &trail]);
    assert_eq!(report["events"], 2900);
    let listed = report["rules"].as_array().unwrap();
    assert_eq!(listed.len(), 745);
    for rule in listed {
        for key in ["id", "title", "level", "status", "hits"] {
            assert!(!rule[key].is_null(), "{key} in {rule}");
        }
        assert!(rule.get("error").is_some());
    }
    assert_eq!(
        listed
            .iter()
            .filter(|r| r["hits"].as_u64() > Some(0))
            .count(),
        148
    );
    // Without --rules, SigmaHQ's built-in rules run.
    let builtin = sigma_json(&["sigma", &trail]);
    assert_eq!(builtin["rules"].as_array().unwrap().len(), 57);
    assert_eq!(
        hits_of(&builtin, "905d389b-b853-46d0-9d3d-dea0d3a3cd49"),
        76
    );
    // With --builtin, both.
    let both = sigma_json(&["sigma", "--builtin", "--rules", &rules, &trail]);
    assert_eq!(both["rules"].as_array().unwrap().len(), 57 + 745);
}

#[test]
fn sigma_reports_bad_rule_files_and_runs_the_rest() {
    let dir = std::env::temp_dir().join(format!("trailglass-cli-sigma-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bomb.yml"),
        "a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("good.yml"),
        "title: Buckets deleted\nid: good-1\ndetection:\n  s:\n    eventName: DeleteBucket\n  condition: s\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not a rule").unwrap();
    std::fs::write(dir.join("binary.yaml"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let trail = format!("{FIXTURES}/invictus-ir");
    let report = sigma_json(&["sigma", "--rules", dir.to_str().unwrap(), &trail]);
    let rules = report["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 3, "{rules:#?}");
    let by_file = |name: &str| {
        rules
            .iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    assert_eq!(by_file("bomb.yml")["status"], "error");
    assert!(by_file("bomb.yml")["error"]
        .as_str()
        .unwrap()
        .contains("line 2: aliases"));
    assert_eq!(by_file("binary.yaml")["status"], "error");
    assert!(by_file("binary.yaml")["error"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    // Every DeleteBucket, failed ones too (SigmaHQ's rule counts the 5 that succeeded).
    assert_eq!(hits_of(&report, "good-1"), 8);
    std::fs::remove_dir_all(&dir).unwrap();
}

const SIGNED: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/signed-digests"
);

/// A copy of the signed fixture in a fresh folder, changed by `change`.
fn signed_copy(test: &str, change: impl Fn(&std::path::Path)) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("trailglass-verify-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target)
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    copy(std::path::Path::new(SIGNED), &dir);
    change(&dir);
    dir
}

fn newest_signature(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("newest-signature.txt"))
        .unwrap()
        .trim()
        .to_owned()
}

fn verify(dir: &std::path::Path) -> (bool, serde_json::Value) {
    let logs = dir.join("AWSLogs");
    let keys = dir.join("public-keys.json");
    let out = trailglass(&[
        "verify",
        "--keys",
        keys.to_str().unwrap(),
        "--signature",
        &newest_signature(dir),
        logs.to_str().unwrap(),
    ]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn digest_named<'a>(report: &'a serde_json::Value, hour: &str) -> &'a serde_json::Value {
    report["digests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["end_time"] == format!("2024-05-01T{hour}:00:00Z"))
        .unwrap()
}

#[test]
fn verify_passes_an_intact_signed_chain() {
    let dir = signed_copy("intact", |_| {});
    let (ok, report) = verify(&dir);
    assert!(ok, "{report:#}");
    let digests = report["digests"].as_array().unwrap();
    assert_eq!(digests.len(), 4);
    for d in digests {
        assert_eq!(d["signature"], "valid");
        assert_eq!(d["account"], "111122223333");
        assert_eq!(d["region"], "us-east-1");
        assert_eq!(
            (
                d["match"].as_u64(),
                d["mismatch"].as_u64(),
                d["missing"].as_u64()
            ),
            (Some(2), Some(0), Some(0))
        );
    }
    assert_eq!(digests[0]["chain"], "first");
    assert_eq!(digests[3]["chain"], "ok");
    assert_eq!(report["uncovered"], serde_json::json!([]));
    // Without the newest digest's signature, it is unsigned (and that is no failure).
    let out = trailglass(&[
        "verify",
        "--keys",
        dir.join("public-keys.json").to_str().unwrap(),
        dir.join("AWSLogs").to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success());
    assert_eq!(digest_named(&report, "04")["signature"], "unsigned");
    let _ = std::fs::remove_dir_all(dir);
}

fn gz_rewrite(path: &std::path::Path, change: impl Fn(String) -> String) {
    use std::io::{Read, Write};
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(change(text).as_bytes()).unwrap();
    std::fs::write(path, encoder.finish().unwrap()).unwrap();
}

fn find(dir: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    fn walk(dir: &std::path::Path, suffix: &str) -> Option<std::path::PathBuf> {
        for entry in std::fs::read_dir(dir).ok()? {
            let path = entry.ok()?.path();
            if path.is_dir() {
                if let Some(found) = walk(&path, suffix) {
                    return Some(found);
                }
            } else if path.to_string_lossy().ends_with(suffix) {
                return Some(path);
            }
        }
        None
    }
    walk(dir, suffix).unwrap()
}

#[test]
fn verify_catches_a_tampered_log_a_forged_digest_and_a_deleted_digest() {
    let tampered = signed_copy("tampered", |dir| {
        gz_rewrite(&find(dir, "_20240501T0135Z_sig135.json.gz"), |t| {
            t.replace("alice", "mallory")
        });
    });
    let (ok, report) = verify(&tampered);
    assert!(!ok);
    let hour = digest_named(&report, "02");
    assert_eq!(
        (hour["match"].as_u64(), hour["mismatch"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(hour["signature"], "valid");

    let forged = signed_copy("forged", |dir| {
        gz_rewrite(&find(dir, "_20240501T020000Z.json.gz"), |t| {
            t.replace("2024-05-01T01:35:00Z", "2024-05-01T01:36:00Z")
        });
    });
    let (ok, report) = verify(&forged);
    assert!(!ok);
    assert_eq!(digest_named(&report, "02")["signature"], "invalid");
    assert_eq!(digest_named(&report, "03")["signature"], "valid");

    let deleted = signed_copy("deleted", |dir| {
        std::fs::remove_file(find(dir, "_20240501T020000Z.json.gz")).unwrap();
    });
    let (ok, report) = verify(&deleted);
    assert!(!ok);
    let broken = digest_named(&report, "03");
    assert_eq!(broken["chain"], "broken");
    assert!(broken["missing_digest"]
        .as_str()
        .unwrap()
        .ends_with("_20240501T020000Z.json.gz"));
    assert_eq!(report["uncovered"].as_array().unwrap().len(), 2);
    for dir in [tampered, forged, deleted] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn verify_refuses_a_broken_key_file_with_the_reason() {
    let dir = signed_copy("badkey", |dir| {
        std::fs::write(
            dir.join("public-keys.json"),
            r#"{"PublicKeyList":[{"Value":"@@","Fingerprint":"00"}]}"#,
        )
        .unwrap();
    });
    let out = trailglass(&[
        "verify",
        "--keys",
        dir.join("public-keys.json").to_str().unwrap(),
        dir.join("AWSLogs").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("public-keys.json") && stderr.contains("not base64"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn search_counts_a_query_and_writes_it_as_sql() {
    let stratus = concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "/tests/fixtures/stratus-red-team"
    );
    let out = trailglass(&["search", "eventName:DeleteTrail", stratus]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["count"], 1);
    assert_eq!(answer["events"], 310);
    assert!(answer["athena_sql"]
        .as_str()
        .unwrap()
        .contains("WHERE lower(eventname) = 'deletetrail'"));
    assert!(answer["lake_sql"]
        .as_str()
        .unwrap()
        .contains("WHERE lower(eventName) = 'deletetrail'"));
    let out = trailglass(&["search", "eventName:(", stratus]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the query"));
}
