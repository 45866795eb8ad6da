//! Tests of `export`.

use super::*;

fn store() -> EventStore {
    let mut loader = crate::load::ingest::Loader::default();
    let events: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"eventID":"{i}","eventName":"=cmd|' /C calc'!A0","eventTime":"2024-05-01T10:{:02}:{:02}Z","eventSource":"s3.amazonaws.com","userAgent":"+x {i}"}}"#,
                i / 60 % 60,
                i % 60
            )
        })
        .collect();
    loader.load("a.json", format!("[{}]", events.join(",")).as_bytes());
    loader.store.seal();
    loader.store
}

#[test]
fn exported_records_load_back_identically_plain_and_gzipped() {
    let store = store();
    let order = crate::query::view::time_order(&store);
    let picked: Vec<u32> = order.iter().copied().filter(|i| i % 3 == 0).collect();
    for gzip in [false, true] {
        let bytes = records_json(&store, &picked, gzip);
        let mut again = crate::load::ingest::Loader::default();
        again.load("export.json", &bytes);
        assert!(again.report.diagnostics.is_empty());
        assert_eq!(again.store.len(), picked.len());
        for (n, &index) in picked.iter().enumerate() {
            let original = store.raw_json(&store.rows[index as usize]);
            assert_eq!(again.store.raw_json(&again.store.rows[n]), original);
        }
    }
}

#[test]
fn events_csv_has_a_header_a_line_per_event_and_no_live_formulas() {
    let store = store();
    let order = crate::query::view::time_order(&store);
    let csv = events_csv(&store, &order[..10]);
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 11);
    assert!(lines[0].starts_with("eventTime,eventSource,eventName"));
    assert!(lines[1].contains(",'=cmd|' /C calc'!A0,"), "{}", lines[1]);
    assert!(lines[1].contains(",'+x "), "{}", lines[1]);
}

#[test]
fn cells_that_start_a_formula_are_neutralised() {
    assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    assert_eq!(csv_cell("+1"), "'+1");
    assert_eq!(csv_cell("-2"), "'-2");
    assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv_cell("\tx"), "'\tx");
    assert_eq!(csv_cell("a,b"), "\"a,b\"");
    assert_eq!(csv_cell("plain"), "plain");
}

/// Timesketch's documented JSON Lines import: one object per line with
/// `message` (string), `datetime` (ISO 8601) and `timestamp_desc` (string);
/// any other attribute flat.
fn assert_timesketch_line(line: &str) -> serde_json::Map<String, serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
    let object = value.as_object().expect("each line is an object").clone();
    assert!(
        object["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{line}"
    );
    assert!(
        object["timestamp_desc"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{line}"
    );
    let datetime = object["datetime"].as_str().expect("datetime is text");
    assert!(
        crate::time::parse_rfc3339(datetime).is_some(),
        "ISO 8601: {datetime}"
    );
    for (key, value) in &object {
        assert!(
            !value.is_object() && !value.is_array(),
            "{key} is flat in {line}"
        );
    }
    object
}

#[test]
fn timesketch_lines_carry_the_required_fields_and_every_field_flat() {
    let store = store();
    let order = crate::query::view::time_order(&store);
    let jsonl = timesketch_jsonl(&store, &order);
    let text = String::from_utf8(jsonl).unwrap();
    assert_eq!(text.lines().count(), order.len());
    for line in text.lines() {
        assert_timesketch_line(line);
    }
    let event = br#"{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventName":"DeleteTrail","eventSource":"cloudtrail.amazonaws.com",
        "sourceIPAddress":"203.0.113.9","errorCode":"AccessDenied","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/eve","sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},
        "resources":[{"ARN":"x"}],"responseElements":null}"#;
    let line = timesketch_line(event, &[("tag", serde_json::json!(["exfil"]))]).unwrap();
    let object = serde_json::from_str::<serde_json::Value>(&line).unwrap();
    assert_eq!(
        object["message"],
        "arn:aws:iam::1:user/eve DeleteTrail on cloudtrail.amazonaws.com from 203.0.113.9: AccessDenied"
    );
    assert_eq!(object["datetime"], "2024-05-01T10:00:00Z");
    assert_eq!(object["timestamp"], 1_714_557_600_000_000i64);
    assert_eq!(
        object["userIdentity.sessionContext.attributes.mfaAuthenticated"],
        "false"
    );
    assert_eq!(object["resources"], r#"[{"ARN":"x"}]"#);
    assert!(object.get("responseElements").is_none());
    assert_eq!(object["tag"], serde_json::json!(["exfil"]));
    assert!(timesketch_line(b"[1,2]", &[]).is_none());
    assert!(timesketch_line(b"not json", &[]).is_none());
}
