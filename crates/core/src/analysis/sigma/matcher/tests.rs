//! Tests of `matcher`: each modifier of the specification's appendix, on
//! JSON events.

use super::*;
use crate::analysis::sigma::yaml::{parse_documents, YamlLimits};
use serde_json::json;

/// `field|mods: value` written as YAML, compiled, tested on `event`.
fn test(spec: &str, event: &Json) -> Result<bool, String> {
    let doc = parse_documents(spec, YamlLimits::default())
        .map_err(|e| e.message)?
        .remove(0);
    let Value::Map(entries) = &doc.value else {
        panic!("a map")
    };
    let (key, values) = &entries[0];
    let bytes = serde_json::to_vec(event).unwrap();
    Ok(FieldTest::compile(key, values)?.matches(&Event::new(&bytes), None))
}

fn yes(spec: &str, event: &Json) {
    assert_eq!(test(spec, event), Ok(true), "{spec} on {event}");
}

fn no(spec: &str, event: &Json) {
    assert_eq!(test(spec, event), Ok(false), "{spec} on {event}");
}

fn error(spec: &str) -> String {
    test(spec, &json!({})).expect_err(spec)
}

#[test]
fn plain_values_are_case_insensitive_whole_values() {
    let e = json!({"eventName": "DeleteTrail", "n": 4625, "ok": true});
    yes("eventName: deletetrail", &e);
    no("eventName: Delete", &e);
    yes("eventName: [StopLogging, DeleteTrail]", &e);
    yes("n: 4625", &e);
    yes("n: '4625'", &e);
    no("n: 4626", &e);
    yes("ok: true", &e);
    yes("eventName|cased: DeleteTrail", &e);
    no("eventName|cased: deletetrail", &e);
}

#[test]
fn wildcards_and_escapes() {
    let e = json!({"a": "Console*Login", "b": "x?y", "c": "C:\\temp\\*", "d": "abc"});
    yes("a: 'console*'", &e);
    yes(r"a: 'Console\*Login'", &e);
    no(r"a: 'Console\*'", &e);
    yes("b: 'x?y'", &e);
    yes(r"b: 'x\?y'", &e);
    no(r"d: 'a\?c'", &e);
    yes("d: 'a?c'", &e);
    yes(r"c: 'C:\temp\\*'", &e); // `\\*`: a backslash, then any run
    yes(r"c: 'C:\temp\\\*'", &e); // `\\\*`: a backslash and a star
    no(r"c: 'C:\temp\\\*x'", &e);
    yes("d: '*'", &e);
    yes("d: 'a*b*c'", &e);
    no("d: 'a*b*d'", &e);
    // Backtracking stays linear even on hostile patterns.
    let long = json!({"s": "a".repeat(20_000)});
    let pattern = format!("s: '{}b'", "*a".repeat(50));
    let started = std::time::Instant::now();
    no(&pattern, &long);
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn position_modifiers_and_all() {
    let e = json!({"ua": "aws-cli/2.15 Python/3.11 Linux"});
    yes("ua|contains: python", &e);
    yes("ua|startswith: AWS-CLI", &e);
    yes("ua|endswith: linux", &e);
    no("ua|endswith: python", &e);
    yes("ua|contains|all: [cli, python]", &e);
    no("ua|contains|all: [cli, boto]", &e);
    yes("ua|contains: [boto, cli]", &e);
    assert!(error("ua|all: x").contains("list"));
    assert!(error("ua|contains|startswith: x").contains("contains"));
}

#[test]
fn null_exists_and_absent_fields() {
    let e = json!({"errorCode": null, "errorMessage": "", "x": 1});
    yes("errorCode: null", &e);
    yes("missing: null", &e);
    no("x: null", &e);
    yes("errorCode|exists: true", &e);
    yes("errorMessage|exists: true", &e);
    yes("missing|exists: false", &e);
    yes("list|exists: true", &json!({"list": []}));
    no("x|exists: false", &e);
    yes("errorMessage: ''", &e);
    no("missing: ''", &e);
    assert!(error("a: [x, null]").contains("null"));
    assert!(error("a|exists: maybe").contains("true or false"));
}

#[test]
fn nested_paths_lists_and_dotted_keys() {
    let e = json!({
        "userIdentity": {"type": "Root", "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}},
        "resources": [{"ARN": "arn:aws:s3:::a"}, {"ARN": "arn:aws:s3:::evil"}],
        "tags": ["x", "prod"],
        "requestParameters": {"a.b": "dotted"}
    });
    yes("userIdentity.type: root", &e);
    yes(
        "userIdentity.sessionContext.attributes.mfaAuthenticated: 'false'",
        &e,
    );
    yes("resources.ARN|endswith: evil", &e);
    yes("tags: prod", &e);
    yes("requestParameters.a.b: dotted", &e);
    no("userIdentity.type.deeper: root", &e);
    // A modifier on an object sees its JSON text.
    yes("userIdentity|contains: '\"type\":\"Root\"'", &e);
}

#[test]
fn regular_expressions_and_their_flags() {
    let e = json!({"ua": "Boto3/1.2 Python\nLine2"});
    yes("ua|re: '^Boto3/\\d'", &e);
    no("ua|re: '^boto3'", &e);
    yes("ua|re|i: '^boto3'", &e);
    no("ua|re: '^Line2'", &e);
    yes("ua|re|m: '^Line2'", &e);
    no("ua|re: 'Python.Line2'", &e);
    yes("ua|re|s: 'Python.Line2'", &e);
    assert!(error("ua|re: '(unclosed'").contains("regular expression"));
    assert!(error("ua|re|contains: x").contains("contains"));
    // Catastrophic backtracking patterns run in linear time here.
    let hostile = json!({"s": format!("{}!", "a".repeat(50_000))});
    let started = std::time::Instant::now();
    no("s|re: '^(a+)+$'", &hostile);
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn cidr_numbers_and_neq() {
    let e = json!({"sourceIPAddress": "10.1.2.3", "v6": "2001:db8::1", "size": 2048, "text": "15"});
    yes("sourceIPAddress|cidr: 10.0.0.0/8", &e);
    no("sourceIPAddress|cidr: 192.168.0.0/16", &e);
    yes("v6|cidr: '2001:db8::/32'", &e);
    yes("sourceIPAddress|cidr: [192.168.0.0/16, 10.1.0.0/16]", &e);
    assert!(error("x|cidr: nonsense").contains("CIDR"));
    yes("size|gt: 1024", &e);
    no("size|lt: 1024", &e);
    yes("size|gte: 2048", &e);
    yes("size|lte: 2048", &e);
    yes("text|gt: 9", &e);
    assert!(error("size|gt: big").contains("number"));
    yes("sourceIPAddress|neq: 10.9.9.9", &e);
    no("sourceIPAddress|neq: 10.1.2.3", &e);
    no("missing|neq: x", &e);
    no("sourceIPAddress|neq: [a, 10.1.2.3]", &e);
}

#[test]
fn encodings_match_what_the_specification_documents() {
    // The specification's example: `/bin/bash` at the three offsets.
    let values = base64_offsets(b"/bin/bash");
    let texts: Vec<String> = values
        .into_iter()
        .map(|v| String::from_utf8(v).unwrap())
        .collect();
    assert_eq!(texts, ["L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"]);
    let e = json!({"cmd": "echo L2Jpbi9iYXNo | base64 -d", "p": "Y21k", "w": "YwBtAGQA"});
    yes("cmd|base64offset|contains: /bin/bash", &e);
    yes("p|base64: cmd", &e);
    no("p|base64: CMD", &e);
    yes("w|wide|base64: cmd", &e);
    yes("w|utf16le|base64: cmd", &e);
    let be = json!({"w": "AGMAbQBk"});
    yes("w|utf16be|base64: cmd", &be);
    let bom = json!({"w": "//5jAG0AZAA="});
    yes("w|utf16|base64: cmd", &bom);
}

#[test]
fn windash_expands_every_dash() {
    let e = json!({"cmd": "net user /add"});
    yes("cmd|windash|contains: ' -add'", &e);
    let e = json!({"cmd": "x \u{2014}y"});
    yes("cmd|windash|contains: ' /y'", &e);
    assert!(error("cmd|windash: a-b-c-d-e-f").contains("dashes"));
}

#[test]
fn time_parts_of_dates() {
    let e = json!({"eventTime": "2024-03-09T23:41:05Z"});
    yes("eventTime|hour: 23", &e);
    yes("eventTime|minute: 41", &e);
    yes("eventTime|day: 9", &e);
    yes("eventTime|month: 3", &e);
    yes("eventTime|year: 2024", &e);
    yes("eventTime|week: 10", &e);
    yes("eventTime|hour|gte: 22", &e);
    no("eventTime|hour|lt: 6", &e);
    no("eventTime|hour: 22", &e);
}

#[test]
fn field_references() {
    let e = json!({
        "userIdentity": {"userName": "Alice"},
        "requestParameters": {"userName": "alice", "target": "bob-alice-x"}
    });
    yes(
        "userIdentity.userName|fieldref: requestParameters.userName",
        &e,
    );
    no(
        "userIdentity.userName|fieldref|cased: requestParameters.userName",
        &e,
    );
    no(
        "userIdentity.userName|fieldref|neq: requestParameters.userName",
        &e,
    );
    yes(
        "requestParameters.target|fieldref|contains: userIdentity.userName",
        &e,
    );
    no(
        "userIdentity.userName|fieldref: requestParameters.missing",
        &e,
    );
}

#[test]
fn unknown_and_unsupported_modifiers_are_errors() {
    assert!(error("a|bogus: x").contains("unknown modifier 'bogus'"));
    assert!(error("a|expand: '%Servers%'").contains("pipeline"));
    assert!(error("a|re|cidr: x").contains("cannot be combined"));
    assert!(error("a||contains: x").contains("empty modifier"));
    assert!(error("a: {b: c}").contains("not a map"));
}

#[test]
fn exact_values_pin_plain_equality_only() {
    let compile = |spec: &str| {
        let doc = parse_documents(spec, YamlLimits::default())
            .unwrap()
            .remove(0);
        let Value::Map(entries) = &doc.value else {
            panic!()
        };
        FieldTest::compile(&entries[0].0, &entries[0].1).unwrap()
    };
    assert_eq!(
        compile("eventName: [A, b]").exact_values(),
        Some(vec!["a".to_owned(), "b".to_owned()])
    );
    assert_eq!(compile("eventName: 'A*'").exact_values(), None);
    assert_eq!(compile("eventName|contains: A").exact_values(), None);
    assert_eq!(compile("eventName|neq: A").exact_values(), None);
    assert_eq!(compile("eventName|cased: A").exact_values(), None);
}

#[test]
fn regular_expressions_are_prefiltered_by_a_literal_they_require() {
    assert_eq!(
        required_literal(".+:assumed-role/aws:.+").as_deref(),
        Some(":assumed-role/aws:")
    );
    assert_eq!(required_literal(r"^Boto3/\d").as_deref(), Some("Boto3/"));
    assert_eq!(
        required_literal(r"abc\.example\.com").as_deref(),
        Some("abc.example.com")
    );
    // Optional characters end the run: "colou" then "r" is not required as "colour".
    assert_eq!(required_literal("colou?r").as_deref(), Some("colo"));
    assert_eq!(required_literal("ab{2}cdef").as_deref(), Some("cdef"));
    assert_eq!(required_literal("a|bcdef"), None);
    assert_eq!(required_literal("(abcd)?x"), None);
    assert_eq!(required_literal("[a-z]+"), None);
    assert_eq!(required_literal("(?i)abcd"), None);
    // The prefilter never changes an answer.
    let e = json!({"arn": "arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1", "ua": "BOTO3/1"});
    yes("arn|re: '.+:assumed-role/aws:.+'", &e);
    no("arn|re: '.+:assumed-role/AWS:.+'", &e);
    yes("ua|re|i: '^boto3/'", &e);
    no("ua|re: '^boto3/'", &e);
}
