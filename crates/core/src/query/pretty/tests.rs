//! Tests of `pretty`.

use super::*;

#[test]
fn keeps_key_order_and_types_tokens() {
    let json = br#"{"z":1,"a":{"k":"v","e":[]},"b":[true,null,"<script>"]}"#;
    let text = pretty_text(json);
    assert_eq!(
        text,
        "{\n  \"z\": 1,\n  \"a\": {\n    \"k\": \"v\",\n    \"e\": []\n  },\n  \"b\": [\n    true,\n    null,\n    \"<script>\"\n  ]\n}"
    );
    let lines = pretty_lines(json, 100);
    assert_eq!(lines[1].tokens[0], (TokenKind::Key, "\"z\"".to_owned()));
    assert_eq!(lines[1].tokens[2], (TokenKind::Number, "1".to_owned()));
    assert!(lines.iter().any(|l| l
        .tokens
        .contains(&(TokenKind::Str, "\"<script>\"".to_owned()))));
}

#[test]
fn caps_lines_and_says_how_many_were_left_out() {
    let json = format!("[{}]", vec!["1"; 1000].join(","));
    let lines = pretty_lines(json.as_bytes(), 50);
    assert_eq!(lines.len(), 51);
    assert!(
        lines[50].tokens[0].1.contains("952 more lines"),
        "{:?}",
        lines[50]
    );
}

#[test]
fn huge_values_are_cut_in_the_view_but_not_in_the_copy() {
    let json = format!(
        r#"{{"requestParameters":{{"blob":"{}"}}}}"#,
        "é".repeat(5_000_000)
    );
    let lines = pretty_lines(json.as_bytes(), 100);
    let value = &lines
        .iter()
        .flat_map(|l| &l.tokens)
        .find(|(k, _)| *k == TokenKind::Str)
        .unwrap()
        .1;
    assert!(value.chars().count() < 20_100, "{}", value.len());
    assert!(
        value.contains("4980002 more characters"),
        "{}",
        &value[value.len() - 80..]
    );
    assert!(pretty_text(json.as_bytes()).contains(&"é".repeat(5_000_000)));
}

#[test]
fn deep_nesting_and_garbage_do_not_panic() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(!pretty_lines(deep.as_bytes(), 10).is_empty());
    assert!(!pretty_lines(b"\xff\xfe garbage \"unterminated", 10).is_empty());
}
