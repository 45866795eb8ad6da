//! Property tests (proptest) for the query language: any query built from
//! the grammar's pieces that parses prints back to text that parses to the
//! same tree, and no input at all makes the parser panic.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use trailglass_core::query::parse;

fn term() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "eventName",
        "action",
        "service",
        "region",
        "ip",
        "error",
        "agent",
        "principal",
        "kind",
        "readOnly",
        "requestParameters.bucketName",
        "userIdentity.sessionContext.sessionIssuer.userName",
    ]);
    let value = prop::sample::select(vec![
        "ConsoleLogin",
        "Delete*",
        "Get?bject",
        "*",
        "\"Access Denied\"",
        "/^prod-.*$/",
        "true",
        "false",
        "\"quote \\\" inside\"",
        "é€",
        "s3.amazonaws.com",
        "\"\"",
    ]);
    let time = prop::sample::select(vec![
        "time>=2024-05-01T10:00Z",
        "time<2024-05-02",
        "time:2024-05-01",
        "time>2024-05-01T10:00:00.250Z",
        "time:2024-05-01..2024-05-03",
    ]);
    prop_oneof![
        (field, value).prop_map(|(f, v)| format!("{f}:{v}")),
        time.prop_map(str::to_owned),
        "[a-zA-Z][a-zA-Z0-9.-]{0,11}"
            .prop_filter("keywords are operators", |w| !["and", "or", "not"]
                .contains(&w.to_ascii_lowercase().as_str())),
        "\"[a-z ]{0,10}\"",
    ]
}

fn query() -> impl Strategy<Value = String> {
    term().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
            inner.clone().prop_map(|a| format!("NOT {a}")),
            inner.clone().prop_map(|a| format!("-({a})")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn printing_a_parsed_query_gives_the_same_query(text in query()) {
        if let Ok(parsed) = parse(&text) {
            let printed = parsed.to_string();
            prop_assert_eq!(parse(&printed), Ok(parsed), "{} printed as {}", text, printed);
        }
    }

    #[test]
    fn the_grammar_pieces_mostly_parse(text in query()) {
        // Everything generated here is valid except for `readOnly` with a non-boolean
        // value: those must be errors with a position inside the text.
        match parse(&text) {
            Ok(_) => {}
            Err(error) => {
                prop_assert!(text.contains("readOnly:") || text.contains("kind:/") , "{} failed: {}", text, error);
                prop_assert!(error.position <= text.chars().count());
            }
        }
    }

    #[test]
    fn no_input_panics(text in "\\PC{0,80}") {
        let _ = parse(&text);
    }
}
