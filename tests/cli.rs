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
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");
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
    for file in trailglass::sample::generate(&trailglass::sample::SampleConfig {
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
    let summaries: Vec<serde_json::Value> = ["1", "3"]
        .iter()
        .map(|threads| {
            let out = trailglass(&["summary", "--threads", threads, zip_arg]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();
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
