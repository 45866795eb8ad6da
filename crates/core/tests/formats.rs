//! Every input shape Trailglass accepts, and every broken or foreign input it
//! must report without losing anything else, through the public `Loader`.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use trailglass_core::load::ingest::Loader;

fn event(id: &str, name: &str, time: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"}},"eventTime":"{time}","eventSource":"s3.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2.15","requestParameters":{{"bucketName":"b"}},"responseElements":null,"eventID":"{id}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}}"#
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn load(files: &[(&str, &[u8])]) -> Loader {
    let mut loader = Loader::default();
    for (name, bytes) in files {
        loader.load(name, bytes);
    }
    loader
}

fn messages(loader: &Loader) -> Vec<String> {
    loader
        .report
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn shape<'l>(loader: &'l Loader, file: &str) -> &'l str {
    loader
        .report
        .file_reports
        .iter()
        .find(|r| r.name == file)
        .map(|r| r.shape.label())
        .unwrap()
}

#[test]
fn trail_file_plain_and_gzipped_load_the_same_events_once() {
    let trail = format!(
        r#"{{"Records":[{},{}]}}"#,
        event("1", "GetObject", "2024-05-01T10:00:00Z"),
        event("2", "PutObject", "2024-05-01T10:05:00Z")
    );
    let loader = load(&[
        ("a.json", trail.as_bytes()),
        ("a.json.gz", &gzip(trail.as_bytes())),
    ]);
    assert_eq!(loader.store.len(), 2);
    assert_eq!(loader.report.duplicates, 2);
    assert_eq!(shape(&loader, "a.json.gz"), "CloudTrail log file");
    assert!(
        loader.report.diagnostics.is_empty(),
        "{:?}",
        messages(&loader)
    );
}

#[test]
fn format_is_sniffed_by_content_not_name() {
    let trail = format!(
        r#"{{"Records":[{}]}}"#,
        event("1", "GetObject", "2024-05-01T10:00:00Z")
    );
    // A gzip named .json and plain JSON named .gz.
    let loader = load(&[("x.json", &gzip(trail.as_bytes())), ("y.json.gz", br#"[]"#)]);
    assert_eq!(loader.store.len(), 1);
}

#[test]
fn arrays_single_events_and_json_lines_load() {
    let array = format!(
        "[{},{}]",
        event("1", "A", "2024-05-01T10:00:00Z"),
        event("2", "B", "2024-05-01T10:00:01Z")
    );
    let single = event("3", "C", "2024-05-01T10:00:02Z");
    let lines = format!(
        "{}\n{}\n",
        event("4", "D", "2024-05-01T10:00:03Z"),
        event("5", "E", "2024-05-01T10:00:04Z")
    );
    let loader = load(&[
        ("array.json", array.as_bytes()),
        ("one.json", single.as_bytes()),
        ("lines.jsonl", lines.as_bytes()),
    ]);
    assert_eq!(loader.store.len(), 5);
    assert_eq!(shape(&loader, "array.json"), "JSON array of events");
    assert_eq!(shape(&loader, "one.json"), "single event");
    assert_eq!(shape(&loader, "lines.jsonl"), "JSON Lines");
    assert!(
        loader.report.diagnostics.is_empty(),
        "{:?}",
        messages(&loader)
    );
}

#[test]
fn a_broken_json_line_costs_that_line_only() {
    let lines = format!(
        "{}\n{{\"eventName\": \"Broken\", \"eventTime\": \n{}\n",
        event("1", "A", "2024-05-01T10:00:00Z"),
        event("2", "B", "2024-05-01T10:00:01Z")
    );
    let loader = load(&[("lines.jsonl", lines.as_bytes())]);
    assert_eq!(loader.store.len(), 2);
    let diagnostics = &loader.report.diagnostics;
    assert_eq!(diagnostics.len(), 1, "{:?}", messages(&loader));
    assert_eq!(diagnostics[0].line, 2);
}

#[test]
fn logstash_lines_use_timestamp_when_event_time_is_missing() {
    let line = r#"{"eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com","@timestamp":"2020-09-14T00:44:23.000Z","@version":"1","eventID":"x"}"#;
    let loader = load(&[("logstash.json", line.as_bytes())]);
    assert_eq!(loader.store.len(), 1);
    assert_eq!(
        loader.store.rows[0].time_ms,
        trailglass_core::time::parse_rfc3339("2020-09-14T00:44:23Z").unwrap()
    );
    assert!(loader.report.diagnostics.is_empty());
}

#[test]
fn eventbridge_envelopes_yield_their_detail() {
    let envelope = format!(
        r#"{{"version":"0","id":"e1","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","account":"111122223333","time":"2024-05-01T10:00:00Z","region":"us-east-1","resources":[],"detail":{}}}"#,
        event("1", "CreateBucket", "2024-05-01T10:00:00Z")
    );
    let other = r#"{"version":"0","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{"state":"running"}}"#;
    let loader = load(&[
        ("eb.json", envelope.as_bytes()),
        ("ec2.json", other.as_bytes()),
    ]);
    assert_eq!(loader.store.len(), 1);
    assert_eq!(shape(&loader, "eb.json"), "EventBridge events");
    let raw_bytes = loader.store.raw_json(&loader.store.rows[0]);
    let raw = std::str::from_utf8(&raw_bytes).unwrap();
    assert!(
        raw.starts_with("{\"eventVersion\""),
        "the stored JSON is the event, not the envelope: {raw}"
    );
    let problems = messages(&loader);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("EC2 Instance State-change Notification"),
        "{problems:?}"
    );
}

#[test]
fn lookup_events_output_unwraps_the_cloudtrail_event_string() {
    let inner = event("1", "ConsoleLogin", "2024-05-01T10:00:00Z");
    let output = serde_json::json!({
        "Events": [
            {"EventId": "1", "EventName": "ConsoleLogin", "CloudTrailEvent": inner},
            {"EventId": "2", "EventName": "Broken", "CloudTrailEvent": "{\"eventName\": "},
        ],
        "NextToken": "abc"
    });
    let loader = load(&[("lookup.json", output.to_string().as_bytes())]);
    assert_eq!(loader.store.len(), 1);
    assert_eq!(shape(&loader, "lookup.json"), "lookup-events output");
    assert_eq!(
        loader.store.raw_json(&loader.store.rows[0]),
        inner.as_bytes()
    );
    assert_eq!(
        loader.report.diagnostics.len(),
        1,
        "{:?}",
        messages(&loader)
    );
}

#[test]
fn event_history_csv_reads_the_cloudtrail_event_column() {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "Event ID",
        "Event time",
        "User name",
        "Event name",
        "CloudTrail event",
    ])
    .unwrap();
    csv.write_record([
        "1",
        "2024-05-01T10:00:00Z",
        "alice",
        "GetObject",
        &event("1", "GetObject", "2024-05-01T10:00:00Z"),
    ])
    .unwrap();
    csv.write_record([
        "2",
        "2024-05-01T10:00:01Z",
        "alice",
        "PutObject",
        &event("2", "PutObject", "2024-05-01T10:00:01Z"),
    ])
    .unwrap();
    csv.write_record(["3", "2024-05-01T10:00:02Z", "alice", "Broken", "{not json"])
        .unwrap();
    let bytes = csv.into_inner().unwrap();
    let loader = load(&[("event_history.csv", &bytes)]);
    assert_eq!(loader.store.len(), 2);
    assert_eq!(shape(&loader, "event_history.csv"), "Event history CSV");
    let diagnostics = &loader.report.diagnostics;
    assert_eq!(diagnostics.len(), 1, "{:?}", messages(&loader));
    assert_eq!(diagnostics[0].line, 4);
}

#[test]
fn zip_members_load_recursively_and_odd_names_are_only_names() {
    let trail = format!(
        r#"{{"Records":[{}]}}"#,
        event("1", "GetObject", "2024-05-01T10:00:00Z")
    );
    let inner_zip = {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        writer.start_file("deep/trail.json.gz", options).unwrap();
        writer
            .write_all(&gzip(
                event("2", "PutObject", "2024-05-01T10:00:01Z").as_bytes(),
            ))
            .unwrap();
        writer.finish().unwrap().into_inner()
    };
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("../../etc/evil.json", options).unwrap();
    writer.write_all(trail.as_bytes()).unwrap();
    writer.start_file("nested.zip", options).unwrap();
    writer.write_all(&inner_zip).unwrap();
    let archive = writer.finish().unwrap().into_inner();
    let loader = load(&[("logs.zip", &archive)]);
    assert_eq!(loader.store.len(), 2);
    let names: Vec<&str> = loader
        .report
        .file_reports
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "logs.zip/../../etc/evil.json",
            "logs.zip/nested.zip/deep/trail.json.gz"
        ]
    );
}

#[test]
fn digest_files_are_read_and_s3_notifications_refused_by_name() {
    let loader = load(&[
        ("digest.json", include_bytes!("../../../tests/fixtures/aws-docs/cloudtrail-log-file-validation-digest-file-structure__block03.json")),
        ("s3.json", include_bytes!("../../../tests/fixtures/aws-docs/notification-content-structure__block01.json")),
    ]);
    assert_eq!(loader.store.len(), 0);
    let problems = messages(&loader);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("S3 event notification"),
        "{problems:?}"
    );
    assert_eq!(shape(&loader, "digest.json"), "CloudTrail digest file");
    let digest = loader.report.file_reports[0]
        .digest
        .as_ref()
        .expect("the digest is kept");
    assert_eq!(digest.aws_account_id.as_deref(), Some("111122223333"));
    assert_eq!(digest.log_files.len(), 1);
    assert_eq!(
        digest.log_files[0].hash_value,
        "9bb6196fc6b84d6f075a56548feca262bd99ba3c2de41b618e5b6e22c1fc71f6"
    );
}

#[test]
fn truncated_gzip_keeps_the_records_before_the_cut() {
    let records: Vec<String> = (0..200)
        .map(|i| event(&i.to_string(), "GetObject", "2024-05-01T10:00:00Z"))
        .collect();
    let trail = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let packed = gzip(trail.as_bytes());
    let loader = load(&[("cut.json.gz", &packed[..packed.len() * 2 / 3])]);
    assert!(
        loader.store.len() > 50 && loader.store.len() < 200,
        "{}",
        loader.store.len()
    );
    let problems = messages(&loader);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("cut.json.gz: the gzip stream is truncated")),
        "{problems:?}"
    );
}

#[test]
fn empty_zero_event_bom_binary_and_non_utf8_inputs() {
    let with_bom = [
        b"\xEF\xBB\xBF".as_slice(),
        format!(
            r#"{{"Records":[{}]}}"#,
            event("1", "A", "2024-05-01T10:00:00Z")
        )
        .as_bytes(),
    ]
    .concat();
    let non_utf8 = format!(
        r#"{{"Records":[{},{}]}}"#,
        event("2", "B\u{1}", "2024-05-01T10:00:00Z"),
        event("3", "C", "2024-05-01T10:00:00Z")
    )
    .replace('\u{1}', "\u{7f}")
    .into_bytes()
    .into_iter()
    .map(|b| if b == 0x7f { 0xff } else { b })
    .collect::<Vec<u8>>();
    let loader = load(&[
        ("empty.json", b""),
        ("zero.json", br#"{"Records":[]}"#),
        ("bom.json", &with_bom),
        (
            "junk.json.gz",
            &[0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02],
        ),
        ("latin1.json", &non_utf8),
    ]);
    assert_eq!(loader.store.len(), 3, "{:?}", messages(&loader));
    let problems = messages(&loader);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("empty.json: empty file")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("junk.json.gz: not CloudTrail: binary data")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("latin1.json:1:") && p.contains("not UTF-8")),
        "{problems:?}"
    );
    assert!(
        !problems
            .iter()
            .any(|p| p.starts_with("zero.json") || p.starts_with("bom.json")),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 3, "{problems:?}");
}

#[test]
fn records_without_a_usable_time_are_kept_and_flagged() {
    let no_time = r#"{"eventName":"GetObject","eventSource":"s3.amazonaws.com","eventID":"1"}"#;
    let bad_time = r#"{"eventName":"GetObject","eventSource":"s3.amazonaws.com","eventTime":"yesterday","eventID":"2"}"#;
    let loader = load(&[("t.jsonl", format!("{no_time}\n{bad_time}\n").as_bytes())]);
    assert_eq!(loader.store.len(), 2);
    assert!(loader
        .store
        .rows
        .iter()
        .all(|r| r.flags & trailglass_core::store::flags::NO_TIME != 0));
    let problems = messages(&loader);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("no eventTime") && problems[1].contains("`yesterday`"),
        "{problems:?}"
    );
}

#[test]
fn json_nested_ten_thousand_deep_loads_without_recursion() {
    let deep = format!(
        r#"{{"Records":[{{"eventName":"Deep","eventTime":"2024-05-01T10:00:00Z","requestParameters":{}1{}}},{}]}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000),
        event("1", "B", "2024-05-01T10:00:00Z")
    );
    let loader = load(&[("deep.json", deep.as_bytes())]);
    assert_eq!(loader.store.len(), 2);
    assert!(
        loader.report.diagnostics.is_empty(),
        "{:?}",
        messages(&loader)
    );
    assert!(loader.store.raw_json(&loader.store.rows[0]).len() > 20_000);
}

#[test]
fn non_ascii_access_keys_do_not_break_identity_resolution() {
    let odd = r#"{"eventName":"GetObject","eventTime":"2024-05-01T10:00:00Z","eventID":"1","userIdentity":{"type":"IAMUser","userName":"x","accessKeyId":"AKé€xyz"}}"#;
    let raw_utf8 = "{\"eventName\":\"GetObject\",\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventID\":\"2\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"y\",\"accessKeyId\":\"Aé€\"}}";
    let loader = load(&[("odd.jsonl", format!("{odd}\n{raw_utf8}\n").as_bytes())]);
    assert_eq!(loader.store.len(), 2);
    assert!(
        loader.report.diagnostics.is_empty(),
        "{:?}",
        messages(&loader)
    );
}

#[test]
fn not_cloudtrail_is_said_plainly() {
    let loader = load(&[
        ("notes.txt", b"hello world"),
        ("config.json", br#"{"foo": 1}"#),
    ]);
    let problems = messages(&loader);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("not CloudTrail"), "{problems:?}");
    assert!(
        problems[1].contains("not a CloudTrail event"),
        "{problems:?}"
    );
}

#[test]
fn at_the_memory_limit_further_files_are_refused_with_one_clear_message() {
    let mut loader = Loader::new(trailglass_core::load::ingest::Limits {
        max_store_bytes: 300_000,
        ..Default::default()
    });
    let files: Vec<String> = (0..40)
        .map(|f| {
            let records: Vec<String> = (0..50)
                .map(|i| event(&format!("{f}-{i}"), "GetObject", "2024-05-01T10:00:00Z"))
                .collect();
            format!(r#"{{"Records":[{}]}}"#, records.join(","))
        })
        .collect();
    for (n, file) in files.iter().enumerate() {
        loader.load(&format!("f{n}.json"), file.as_bytes());
    }
    let loaded = loader.store.len();
    assert!(loaded > 0 && loaded < 2000, "{loaded}");
    assert_eq!(loaded % 50, 0, "whole files only");
    assert_eq!(loader.report.files, 40);
    assert_eq!(loader.report.files_refused, 40 - loaded / 50);
    let problems = messages(&loader);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("memory limit") && problems[0].contains(&format!("{loaded} events")),
        "{problems:?}"
    );
    assert!(
        loader.store.heap_bytes() < 300_000 + 400_000,
        "the store stopped near the limit"
    );
}

#[test]
fn a_200_mb_single_line_file_loads() {
    // CloudTrail writes each delivery as one line; a big one must not be special.
    let one = event("x", "GetObject", "2024-05-01T10:00:00Z");
    let count = 200_000_000 / (one.len() + 1) + 1;
    let mut text = String::with_capacity(count * (one.len() + 12) + 16);
    text.push_str(r#"{"Records":["#);
    for i in 0..count {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&event(
            &format!("line-{i}"),
            "GetObject",
            "2024-05-01T10:00:00Z",
        ));
    }
    text.push_str("]}");
    assert!(text.len() >= 200_000_000 && !text.contains('\n'));
    let loader = load(&[("one-line.json", text.as_bytes())]);
    assert_eq!(loader.store.len(), count);
    assert!(loader.report.diagnostics.is_empty());
}
