//! Tests of `sample`.

use super::*;
use serde_json::Value;
use std::collections::HashSet;
use std::io::Read as _;
use std::sync::OnceLock;

fn config(events: usize) -> SampleConfig {
    SampleConfig {
        events,
        ..SampleConfig::default()
    }
}

fn decode(file: &SampleFile) -> Vec<Value> {
    let mut json = file.bytes.clone();
    if file.path.ends_with(".gz") {
        json.clear();
        let mut gz = flate2::read::GzDecoder::new(&file.bytes[..]);
        gz.read_to_end(&mut json).expect("valid gzip");
    }
    let doc: Value = serde_json::from_slice(&json).expect("valid JSON");
    doc["Records"].as_array().expect("a Records array").clone()
}

/// The default 5000-event sample, decoded once: (path, records) per file.
fn sample() -> &'static [(String, Vec<Value>)] {
    static SAMPLE: OnceLock<Vec<(String, Vec<Value>)>> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        generate(&config(5000))
            .map(|f| (f.path.clone(), decode(&f)))
            .collect()
    })
}

fn records() -> impl Iterator<Item = &'static Value> {
    sample().iter().flat_map(|(_, r)| r)
}

fn count(pred: impl Fn(&Value) -> bool) -> usize {
    records().filter(|r| pred(r)).count()
}

#[test]
fn same_config_gives_identical_bytes() {
    let a: Vec<SampleFile> = generate(&config(3000)).collect();
    assert_eq!(a, generate(&config(3000)).collect::<Vec<_>>());
    assert_ne!(
        a,
        generate(&SampleConfig {
            seed: 7,
            ..config(3000)
        })
        .collect::<Vec<_>>()
    );
}

#[test]
fn total_events_match_config() {
    for (n, gzip) in [
        (0, true),
        (1, true),
        (999, false),
        (999, true),
        (5000, false),
    ] {
        let files: Vec<SampleFile> = generate(&SampleConfig { gzip, ..config(n) }).collect();
        assert_eq!(files.iter().map(|f| decode(f).len()).sum::<usize>(), n);
        let magic = if gzip {
            &b"\x1f\x8b"[..]
        } else {
            RECORDS_OPEN.as_bytes()
        };
        assert!(files.iter().all(|f| f.bytes.starts_with(magic)));
        assert!(files.iter().all(|f| f.path.ends_with(".json.gz") == gzip));
    }
    assert_eq!(sample().iter().map(|f| f.1.len()).sum::<usize>(), 5000);
}

#[test]
fn a_busier_pace_packs_the_same_events_into_fewer_files() {
    let files = |pace| {
        let files: Vec<SampleFile> = generate(&SampleConfig {
            pace,
            gzip: false,
            ..config(20_000)
        })
        .collect();
        assert_eq!(files.iter().map(|f| decode(f).len()).sum::<usize>(), 20_000);
        files.len()
    };
    let (calm, busy) = (files(1), files(10));
    assert!(busy * 5 < calm, "pace 10: {busy} files, pace 1: {calm}");
}

#[test]
fn paths_follow_the_s3_layout() {
    let mut seen = HashSet::new();
    for (path, records) in sample() {
        let parts: Vec<&str> = path.split('/').collect();
        let ["AWSLogs", acct, "CloudTrail", region, y, m, d, name] = parts[..] else {
            panic!("{path}")
        };
        assert!(
            acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()),
            "{path}"
        );
        let stem = name.strip_suffix(".json.gz").expect("gzip extension");
        let fields: Vec<&str> = stem.split('_').collect();
        let [a, "CloudTrail", r, stamp, random] = fields[..] else {
            panic!("{path}")
        };
        assert!(a == acct && r == region && stamp.starts_with(&format!("{y}{m}{d}T")));
        assert!(stamp.len() == 14 && stamp.ends_with('Z'), "{path}");
        assert!(random.len() == 16 && random.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(seen.insert(path), "duplicate {path}");
        assert!(records
            .iter()
            .all(|r| r["recipientAccountId"] == acct && r["awsRegion"] == region));
    }
}

#[test]
fn events_are_sorted_within_five_minute_files() {
    for (path, records) in sample() {
        let times: Vec<&str> = records
            .iter()
            .filter_map(|r| r["eventTime"].as_str())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "unsorted {path}");
        assert!(times
            .iter()
            .all(|t| t.len() == 20 && &t[10..11] == "T" && t.ends_with('Z')));
        let window = |t: &str| (t[..15].to_owned(), (t.as_bytes()[15] - b'0') / 5);
        assert_eq!(window(times[0]), window(times[times.len() - 1]), "{path}");
    }
    let first = records().filter_map(|r| r["eventTime"].as_str()).min();
    assert_eq!(first, Some("2026-11-02T00:00:00Z"));
}

#[test]
fn every_user_identity_type_appears() {
    let mut types = HashSet::new();
    for r in records() {
        let id = &r["userIdentity"];
        let kind = id["type"].as_str().unwrap_or("(service event)");
        if kind == "(service event)" {
            assert!(id["invokedBy"].is_string() && r["eventType"] == "AwsServiceEvent");
        }
        if kind == "AWSService" {
            assert!(id["invokedBy"].is_string() && id.get("principalId").is_none());
        }
        types.insert(kind);
    }
    let all = "Root IAMUser AssumedRole FederatedUser SAMLUser WebIdentityUser AWSService \
            AWSAccount IdentityCenterUser Unknown";
    for t in all.split(' ').chain(["(service event)"]) {
        assert!(types.contains(t), "missing {t} in {types:?}");
    }
    let sso = records().map(|r| &r["userIdentity"]).find(|id| {
        id["arn"]
            .as_str()
            .is_some_and(|a| a.contains("/AWSReservedSSO_Administrator"))
    });
    let sso = sso.expect("an Identity Center session");
    assert!(sso["arn"]
        .as_str()
        .is_some_and(|a| a.ends_with("@example.com")));
    assert_eq!(sso["sessionContext"]["sessionIssuer"]["type"], "Role");
}

#[test]
fn event_ids_are_unique_uuids() {
    let ids: HashSet<&str> = records().filter_map(|r| r["eventID"].as_str()).collect();
    assert_eq!(ids.len(), 5000);
    let shape = |id: &str| id.split('-').map(str::len).collect::<Vec<_>>();
    assert!(ids.iter().all(|id| shape(id) == [8, 4, 4, 4, 12]));
}

#[test]
fn size_errors_and_catalog_are_realistic() {
    let plain = generate(&SampleConfig {
        gzip: false,
        ..config(5000)
    });
    let per_event = plain.map(|f| f.bytes.len()).sum::<usize>() / 5000;
    assert!((900..1700).contains(&per_event), "{per_event} bytes/event");
    let errors = count(|r| r.get("errorCode").is_some());
    assert!((150..400).contains(&errors), "{errors} errors in 5000");
    let denied = count(|r| {
        r["errorCode"]
            .as_str()
            .is_some_and(|c| c.contains("AccessDenied"))
    });
    assert!(denied * 2 > errors && count(|r| r["errorMessage"].is_string()) >= errors);
    let names: HashSet<_> = records()
        .map(|r| (&r["eventSource"], &r["eventName"]))
        .collect();
    let sources: HashSet<_> = names.iter().map(|n| n.0).collect();
    assert!(
        names.len() >= 120 && sources.len() >= 35,
        "{} names",
        names.len()
    );
    assert!(
        count(|r| r["eventName"] == "AssumeRole") > 20 * count(|r| r["eventName"] == "CreateStack")
    );
    let arns: HashSet<_> = records()
        .filter_map(|r| r["userIdentity"]["arn"].as_str())
        .collect();
    assert!(arns.len() >= 120, "{} principals", arns.len());
}

#[test]
fn console_logins_data_events_and_the_incident_look_real() {
    let logins: Vec<&Value> = records()
        .filter(|r| r["eventName"] == "ConsoleLogin")
        .collect();
    assert!(!logins.is_empty());
    for r in logins {
        assert!(r["eventType"] == "AwsConsoleSignIn" && r["eventSource"] == "signin.amazonaws.com");
        let failed = r["responseElements"]["ConsoleLogin"] == "Failure";
        assert_eq!(failed, r["errorMessage"] == "Failed authentication");
        assert!(r["additionalEventData"]["MFAUsed"].is_string());
    }
    let data = records().find(|r| r["eventName"] == "GetObject" && r["eventCategory"] == "Data");
    let data = data.expect("an S3 data event");
    assert!(data["managementEvent"] == false && data["resources"][0]["type"] == "AWS::S3::Object");
    // The incident: one principal from one address, a burst of AccessDenied.
    let burst: Vec<&Value> = records()
        .filter(|r| r["sourceIPAddress"] == ATTACKER_IP)
        .collect();
    assert!(
        burst
            .iter()
            .filter(|r| r.get("errorCode").is_some())
            .count()
            >= 60
    );
    let who: HashSet<_> = burst.iter().map(|r| &r["userIdentity"]["arn"]).collect();
    assert_eq!(who.len(), 1);
}

#[test]
fn civil_time_round_trips() {
    let ms = days_from_civil(2026, 11, 2) * 86_400_000 + 3_607_000;
    assert_eq!(civil(ms), [2026, 11, 2, 1, 0, 7]);
    assert_eq!(
        civil(days_from_civil(2024, 3, 1) * 86_400_000 - 1),
        [2024, 2, 29, 23, 59, 59]
    );
    let mut s = String::new();
    push_human_time(&mut s, ms + 12 * 3_600_000);
    assert_eq!(s, "Nov 2, 2026, 1:00:07 PM");
}
