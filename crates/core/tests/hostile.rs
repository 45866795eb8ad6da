//! Hostile inputs at the doors other than log files: rule files, case files,
//! digests. Each is refused or cut with a message that says why, within
//! bounded time, and what was loaded beside it keeps working.

mod common;

use std::time::{Duration, Instant};
use trailglass_core::analysis::digest::MAX_DIGEST_LOG_FILES;
use trailglass_core::analysis::sigma::engine::{run_store, statuses};
use trailglass_core::analysis::sigma::{Origin, RuleSet, Status, MAX_RULES};
use trailglass_core::case::Case;
use trailglass_core::load::ingest::{Limits, Loader};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn stratus() -> Loader {
    let mut loader = Loader::new(Limits::default());
    let mut paths = Vec::new();
    common::files_under(
        std::path::Path::new(&format!("{FIXTURES}/stratus-red-team")),
        &mut paths,
    );
    for path in paths {
        loader.load(&path.display().to_string(), &std::fs::read(&path).unwrap());
    }
    assert_eq!(loader.store.len(), 310);
    loader
}

/// A digest naming `count` log files (short names: the structure is what is hostile).
fn digest_naming(count: usize) -> String {
    let entries: Vec<String> = (0..count)
        .map(|n| format!(r#"{{"s3Bucket":"b","s3Object":"l/{n:07}.json.gz","hashValue":"00","hashAlgorithm":"SHA-256"}}"#))
        .collect();
    format!(
        r#"{{"awsAccountId":"111122223333","digestStartTime":"2024-05-01T00:00:00Z","digestEndTime":"2024-05-01T01:00:00Z","digestS3Bucket":"b","digestS3Object":"d/huge.json.gz","digestPublicKeyFingerprint":"f","digestSignatureAlgorithm":"SHA256withRSA","previousDigestSignature":null,"logFiles":[{}]}}"#,
        entries.join(",")
    )
}

#[test]
fn a_digest_naming_too_many_log_files_is_refused_and_the_logs_beside_it_load() {
    let mut loader = stratus();
    let started = Instant::now();
    loader.load(
        "huge-digest.json",
        digest_naming(MAX_DIGEST_LOG_FILES + 1).as_bytes(),
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let problem = loader
        .report
        .diagnostics
        .iter()
        .find(|d| d.file == "huge-digest.json")
        .expect("the digest is reported");
    assert!(
        problem.message.contains("more than 100000 log files"),
        "{}",
        problem.message
    );
    assert_eq!(loader.store.len(), 310, "the logs stay loaded");
    // A digest within the bound is read.
    loader.load("fair-digest.json", digest_naming(3).as_bytes());
    let fair = loader
        .report
        .file_reports
        .iter()
        .find(|f| f.name == "fair-digest.json")
        .unwrap();
    assert_eq!(fair.digest.as_ref().map(|d| d.log_files.len()), Some(3));
}

#[test]
fn case_files_with_millions_of_entries_are_refused_before_they_are_held() {
    // Ten million entries do not fit in a case file's 64 MB.
    let ten_million = format!(
        r#"{{"format":"trailglass-case","version":1,"events":[{}{{"key":"k"}}]}}"#,
        r#"{"key":"k"},"#.repeat(10_000_000 - 1)
    );
    let started = Instant::now();
    let why = Case::from_file(ten_million.as_bytes()).unwrap_err();
    assert!(why.contains("a case file is at most 64 MB"), "{why}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // A million entries do (11 MB): reading stops at the 20,001st.
    let million = format!(
        r#"{{"format":"trailglass-case","version":1,"events":[{}{{"key":"k"}}]}}"#,
        r#"{"key":"k"},"#.repeat(999_999)
    );
    let started = Instant::now();
    let why = Case::from_file(million.as_bytes()).unwrap_err();
    assert!(why.contains("more than 20000 events"), "{why}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Hostile notes are kept as text, bounded.
    let hostile = r#"{"format":"trailglass-case","version":1,"events":[{"key":"k","note":"<script>alert(1)</script>","tags":["<img src=x onerror=alert(2)>"]}]}"#;
    let case = Case::from_file(hostile.as_bytes()).unwrap();
    assert_eq!(case.events[0].note, "<script>alert(1)</script>");
}

#[test]
fn a_hundred_thousand_rules_in_one_file_are_cut_with_a_message() {
    let mut text = String::new();
    for n in 0..100_000 {
        text.push_str(&format!(
            "title: R{n}\nid: r{n}\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    s:\n        eventName: E{n}\n    condition: s\n---\n"
        ));
    }
    let started = Instant::now();
    let mut set = RuleSet::default();
    set.add_file("many.yml", &text, Origin::User);
    set.resolve();
    assert_eq!(set.rules.len(), MAX_RULES + 1);
    let last = set.rules.last().unwrap();
    assert_eq!(last.status, Status::Error);
    assert!(
        last.reason
            .as_deref()
            .unwrap()
            .contains("more than 20000 rules"),
        "{:?}",
        last.reason
    );
    let loader = stratus();
    let _ = run_store(&set, &loader.store);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn regular_expressions_built_to_backtrack_run_in_linear_time() {
    // A user agent of 100,000 `a`s and one `!`: a backtracking engine would
    // take longer than the universe's age on each of these.
    let agent = format!("{}!", "a".repeat(100_000));
    let event = format!(
        r#"{{"Records":[{{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"{agent}","eventID":"e1","requestParameters":{{"bucketName":"{agent}"}}}}]}}"#
    );
    let mut loader = Loader::new(Limits::default());
    loader.load("long-agent.json", event.as_bytes());
    assert_eq!(loader.store.len(), 1);
    let mut set = RuleSet::default();
    for (n, pattern) in [
        "^(a+)+$",
        "^(a|a)*$",
        "^(a|aa)+$",
        "(a*)*b",
        "^(([a-z])+.)+[A-Z]([a-z])+$",
    ]
    .iter()
    .enumerate()
    {
        for field in ["userAgent", "requestParameters.bucketName"] {
            set.add_file(
                &format!("redos-{n}-{field}.yml"),
                &format!("title: ReDoS {n}\nid: redos-{n}-{field}\ndetection:\n    s:\n        {field}|re: '{pattern}'\n    condition: s\n"),
                Origin::User,
            );
        }
    }
    set.resolve();
    let started = Instant::now();
    let results = run_store(&set, &loader.store);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    assert!(statuses(&set, &loader.store)
        .iter()
        .all(|(s, _)| *s != Status::Error));
    assert!(
        results.hits.iter().all(Vec::is_empty),
        "none of them matches"
    );
}

#[test]
fn the_busiest_principals_are_the_first_lines_of_every_principal() {
    use trailglass_core::query::view::{busiest_principals, principal_stats, time_order};
    // Many principals with tied counts and names, over a real trail and a
    // generated one where a thousand users act once or twice.
    let mut loader = stratus();
    let records: Vec<String> = (0..3000)
        .map(|n| {
            let user = format!("user-{}", n % 1000);
            format!(
                r#"{{"eventVersion":"1.08","eventTime":"2024-05-01T00:{:02}:{:02}Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.{}","eventID":"g{n}","userIdentity":{{"type":"IAMUser","userName":"{user}","arn":"arn:aws:iam::{:012}:user/{user}","accountId":"{:012}"}}}}"#,
                (n / 60) % 60,
                n % 60,
                n % 7,
                n % 3,
                n % 3
            )
        })
        .collect();
    loader.load(
        "users.json",
        format!(r#"{{"Records":[{}]}}"#, records.join(",")).as_bytes(),
    );
    let store = &loader.store;
    let order = time_order(store);
    let every = principal_stats(store, &order, 24);
    assert!(every.len() > 1000, "{}", every.len());
    for limit in [0, 1, 7, 500, every.len(), every.len() + 5] {
        let (total, busiest) = busiest_principals(store, &order, 24, limit);
        assert_eq!(total, every.len());
        assert_eq!(busiest, every[..limit.min(every.len())], "limit {limit}");
    }
    // Over a part of the events too.
    let part: Vec<u32> = order.iter().copied().filter(|i| i % 3 == 0).collect();
    let every = principal_stats(store, &part, 24);
    assert_eq!(busiest_principals(store, &part, 24, 50).1, every[..50]);
}
