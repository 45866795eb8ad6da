//! Tests of `filter`.

use super::*;
use crate::input::identity::PrincipalKind;
use crate::load::ingest::Loader;

/// 3,000 events across several raw blocks: every third an AccessDenied,
/// every fifth from root, alternating buckets, readOnly on even ids.
fn store() -> (EventStore, Selection) {
    let mut loader = Loader::default();
    let events: Vec<String> = (0..3000)
        .map(|i| {
            let identity = if i % 5 == 0 {
                r#"{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"}"#.to_owned()
            } else {
                format!(r#"{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u{}","userName":"u{}","accountId":"111122223333"}}"#, i % 7, i % 7)
            };
            let error = if i % 3 == 0 { r#","errorCode":"AccessDenied""# } else { "" };
            format!(
                r#"{{"eventID":"e{i}","eventTime":"2024-05-01T{:02}:{:02}:00Z","eventSource":"s3.amazonaws.com","eventName":"{}","awsRegion":"us-east-1","userIdentity":{identity},"readOnly":{},"requestParameters":{{"bucketName":"{}","padding":"{}"}}{error}}}"#,
                i / 60 % 24,
                i % 60,
                if i % 2 == 0 { "GetObject" } else { "PutObject" },
                i % 2 == 0,
                if i % 4 == 0 { "prod-logs" } else { "dev-data" },
                "x".repeat(400),
            )
        })
        .collect();
    loader.load(
        "t.json",
        format!(r#"{{"Records":[{}]}}"#, events.join(",")).as_bytes(),
    );
    assert!(loader.report.diagnostics.is_empty());
    loader.store.seal();
    let order = crate::query::view::time_order(&loader.store);
    (loader.store, order)
}

fn count(store: &EventStore, order: &[u32], query: &str) -> usize {
    let filter = Filter {
        query: crate::query::parse(query).unwrap(),
        ..Filter::default()
    };
    select(store, order, &filter).len()
}

#[test]
fn queries_select_exactly_the_matching_events() {
    let (store, order) = store();
    assert!(
        store.rows.iter().map(|r| r.raw_block).max().unwrap() > 2,
        "spans blocks"
    );
    assert_eq!(count(&store, &order, ""), 3000);
    assert_eq!(count(&store, &order, "eventName:GetObject"), 1500);
    assert_eq!(count(&store, &order, "eventname:get*"), 1500);
    assert_eq!(count(&store, &order, "errorCode:*"), 1000);
    assert_eq!(count(&store, &order, "-errorCode:*"), 2000);
    assert_eq!(count(&store, &order, "accessdenied"), 1000);
    assert_eq!(
        count(&store, &order, "\"AccessDenied\" eventName:PutObject"),
        500
    );
    assert_eq!(count(&store, &order, "kind:Root"), 600);
    assert_eq!(
        count(&store, &order, "principal:u3"),
        (0..3000).filter(|i| i % 5 != 0 && i % 7 == 3).count()
    );
    assert_eq!(count(&store, &order, "readOnly:true"), 1500);
    assert_eq!(
        count(&store, &order, "requestParameters.bucketName:prod-*"),
        750
    );
    assert_eq!(
        count(&store, &order, "requestParameters.bucketName:/^dev/"),
        2250
    );
    assert_eq!(
        count(&store, &order, "kind:Root OR errorCode:AccessDenied"),
        (0..3000).filter(|i| i % 5 == 0 || i % 3 == 0).count()
    );
    assert_eq!(
        count(
            &store,
            &order,
            "time>=2024-05-01T01:00Z time<2024-05-01T02:00Z"
        ),
        (0..3000).filter(|i| i / 60 % 24 == 1).count()
    );
    assert_eq!(count(&store, &order, "nothing-like-this"), 0);
}

#[test]
fn one_row_at_a_time_gives_the_same_answer_as_select() {
    let (store, order) = store();
    for text in [
        "eventName:GetObject",
        "eventname:get* -errorCode:*",
        "accessdenied OR kind:Root",
        "principal:u3 readOnly:true",
        "requestParameters.bucketName:/^dev/ NOT time<2024-05-01T01:00Z",
        "time:2024-05-01 region:us-east-1 -account:*",
        "\"prod-logs\" -readOnly:false",
    ] {
        let query = crate::query::parse(text).unwrap();
        let mut selected = select(
            &store,
            &order,
            &Filter {
                query: query.clone(),
                ..Filter::default()
            },
        );
        selected.sort_unstable();
        let mut reader = store.raw_reader();
        let one_by_one: Vec<u32> = (0..store.len())
            .filter(|&i| row_matches(&store, i, reader.json(&store.rows[i]), &query))
            .map(|i| i as u32)
            .collect();
        assert!(!selected.is_empty(), "{text}");
        assert_eq!(one_by_one, selected, "{text}");
    }
}

#[test]
fn free_text_ignores_case_with_letters_and_matches_exactly_without() {
    let (store, order) = store();
    // Hour 1, minute 0: events 60, 1500 and 2940 (no letters: the block is not lower-cased).
    assert_eq!(count(&store, &order, "\"01:00:00\""), 3);
    assert_eq!(count(&store, &order, "E1234"), 1);
    assert_eq!(count(&store, &order, "\"PROD-LOGS\""), 750);
    assert_eq!(count(&store, &order, "\"-01T\""), 3000);
}

#[test]
fn free_text_never_matches_across_two_events() {
    let (store, order) = store();
    // `"}` closes one event and `{"` opens the next: only inside-event text may match.
    assert_eq!(count(&store, &order, "\"\\\"}{\\\"\""), 0);
}

#[test]
fn range_and_principal_narrow_the_query() {
    let (store, order) = store();
    let root = store
        .rows
        .iter()
        .find(|r| store.principal_kind(r) == PrincipalKind::Root)
        .unwrap()
        .principal;
    let filter = Filter {
        query: crate::query::parse("errorCode:AccessDenied").unwrap(),
        range: Some((
            crate::time::parse_rfc3339("2024-05-01T00:00:00Z").unwrap(),
            crate::time::parse_rfc3339("2024-05-01T01:00:00Z").unwrap(),
        )),
        principal: Some(root),
    };
    let expected = (0..3000)
        .filter(|i| i % 3 == 0 && i % 5 == 0 && i / 60 % 24 == 0)
        .count();
    let selection = select(&store, &order, &filter);
    assert_eq!(selection.len(), expected);
    assert!(selection
        .windows(2)
        .all(|w| store.rows[w[0] as usize].time_ms <= store.rows[w[1] as usize].time_ms));
}

/// Scans here, and knows one rule's rows.
struct WithRule(Vec<u32>);

impl RawScan for WithRule {
    async fn scan(&self, store: &EventStore, term: &Query, rows: Vec<usize>) -> Vec<usize> {
        scan_here(store, term, &rows)
    }

    fn rule_rows(&self, rule: &str) -> Option<Vec<u32>> {
        (rule == "r-1").then(|| self.0.clone())
    }
}

#[test]
fn rule_terms_select_a_rules_rows() {
    let (store, order) = store();
    let select_text = |text: &str| {
        let filter = Filter {
            query: crate::query::parse(text).unwrap(),
            ..Filter::default()
        };
        ready(select_with(
            &store,
            &order,
            &filter,
            &WithRule(vec![0, 3, 6, 7]),
        ))
    };
    assert_eq!(select_text("rule:r-1").len(), 4);
    // Combined with other terms; rows 0, 3, 6 are AccessDenied (i % 3 == 0).
    assert_eq!(select_text("rule:r-1 errorCode:AccessDenied").len(), 3);
    assert_eq!(select_text("rule:r-1 OR rule:other").len(), 4);
    assert_eq!(select_text("-rule:r-1").len(), 2996);
    assert_eq!(select_text("rule:unknown").len(), 0);
    // Without rule hits at hand, the term matches nothing.
    assert_eq!(count(&store, &order, "rule:r-1"), 0);
    assert!(crate::query::parse("rule:r*").is_err());
    assert_eq!(
        crate::query::parse("RULE:\"a b\"").unwrap().to_string(),
        "rule:\"a b\""
    );
}
