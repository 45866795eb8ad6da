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
