//! Tests of `scan`.

use super::*;

#[test]
fn skips_containers_with_strings_and_junk() {
    let text = br#"{"a": "}]\"{", "b": [1, {"c": 2}] ed, "d": {}} tail"#;
    let end = skip_container(text, 0).unwrap();
    assert_eq!(&text[end..], b" tail");
    assert_eq!(skip_container(b"{\"a\": [1, 2}", 0), None);
    assert_eq!(skip_container(b"{\"a\": {", 0), None);
}

#[test]
fn reads_first_key_and_value_offset() {
    let text = br#"  { "Records" : [ ] }"#;
    assert_eq!(first_key(text, 2), Some(&b"Records"[..]));
    let key_at = 5;
    assert_eq!(text[value_after_key(text, key_at).unwrap()], b'[');
}

#[test]
fn finds_values_by_path_without_decoding() {
    let json = br#"{"a": 1, "requestParameters": {"bucketName": "prod-logs", "x": [10, {"k": "v"}], "Odd": true}, "s": "}"}"#;
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        value_at_path(json, &path(&["requestParameters", "bucketName"])),
        Some(&b"\"prod-logs\""[..])
    );
    assert_eq!(
        value_at_path(json, &path(&["requestParameters", "x", "1", "k"])),
        Some(&b"\"v\""[..])
    );
    assert_eq!(
        value_at_path(json, &path(&["requestparameters", "odd"])),
        Some(&b"true"[..])
    );
    assert_eq!(value_at_path(json, &path(&["a"])), Some(&b"1"[..]));
    assert_eq!(
        value_at_path(json, &path(&["requestParameters", "x"])),
        Some(&br#"[10, {"k": "v"}]"#[..])
    );
    assert_eq!(value_at_path(json, &path(&["missing"])), None);
    assert_eq!(value_at_path(json, &path(&["a", "deeper"])), None);
    assert_eq!(
        value_at_path(json, &path(&["requestParameters", "x", "5"])),
        None
    );
}

#[test]
fn finds_values_through_arrays() {
    let json = br#"{"p": {"items": [{"r": {"items": [{"c": "10.0.0.0/8"}, {"c": "0.0.0.0/0"}]}}, {"r": {"items": []}}, 7, {"r": {"items": [{"c": "::/0"}]}}]}}"#;
    let path: Vec<String> = ["p", "items", "r", "items", "c"].map(String::from).to_vec();
    let mut found = Vec::new();
    values_at_path(json, &path, &mut found);
    assert_eq!(
        found,
        [&b"\"10.0.0.0/8\""[..], b"\"0.0.0.0/0\"", b"\"::/0\""]
    );
    let mut one = Vec::new();
    let indexed: Vec<String> = ["p", "items", "0", "r", "items", "1", "c"]
        .map(String::from)
        .to_vec();
    values_at_path(json, &indexed, &mut one);
    assert_eq!(one, [&b"\"0.0.0.0/0\""[..]]);
    let mut deep = Vec::new();
    let nested = format!("{{\"a\": {}1{}}}", "[".repeat(5000), "]".repeat(5000));
    values_at_path(nested.as_bytes(), &["a".into(), "b".into()], &mut deep);
    assert!(deep.is_empty());
}

#[test]
fn finds_next_line_object() {
    let text = b"{bad\n  {nested}\n{good}";
    assert_eq!(next_line_object(text, 0), Some(16));
}
