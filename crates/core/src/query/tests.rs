//! Tests of `query`.

use super::*;

#[rustfmt::skip]
mod build {
    use super::super::*;
    pub fn t(s: &str) -> Query { Query::Text(s.to_string()) }
    pub fn fld(field: Field, test: Test) -> Query { Query::Field { field, test } }
    pub fn eq(s: &str) -> Test { Test::Equals(s.to_string()) }
    pub fn glob(s: &str) -> Test { Test::Glob(s.to_string()) }
    pub fn re(s: &str) -> Test { Test::Regex(Regex::new(s).unwrap()) }
    pub fn path(parts: &[&str]) -> Field {
        Field::Path(parts.iter().map(|&p| p.into()).collect())
    }
    pub fn not(q: Query) -> Query { Query::Not(Box::new(q)) }
    pub fn and(items: &[Query]) -> Query { Query::And(items.to_vec()) }
    pub fn or(items: &[Query]) -> Query { Query::Or(items.to_vec()) }
    pub fn range(from: Option<&str>, to: Option<&str>) -> Test {
        let ms = |s: &str| crate::time::parse_rfc3339(s).unwrap();
        Test::TimeRange { from: from.map(ms), to: to.map(ms) }
    }
}
use build::*;

/// `input => expected tree` rows; each input must parse to exactly that tree.
macro_rules! parses {
    ($($input:expr => $want:expr,)*) => {$(
        assert_eq!(parse($input), Ok($want), "{}", $input);
    )*};
}

#[test]
fn everything_free_text_and_phrases() {
    parses! {
        "" => Query::All,
        " \t\n " => Query::All,
        "*" => Query::All,
        "-*" => not(Query::All),
        "AccessDenied" => t("AccessDenied"),
        r#""exact \"phrase\" a\\b \x""# => t(r#"exact "phrase" a\b \x"#),
        "é🦀 Delete*" => and(&[t("é🦀"), t("Delete*")]),
        r#""OR" "and" :x"# => and(&[t("OR"), t("and"), t(":x")]),
    }
}

#[test]
fn field_values_globs_presence_and_booleans() {
    parses! {
        "eventName:ConsoleLogin" => fld(Field::EventName, eq("ConsoleLogin")),
        "principal:arn:aws:iam::1:user/b" => fld(Field::Principal, eq("arn:aws:iam::1:user/b")),
        r#"errorMessage:"not * here""# => fld(path(&["errorMessage"]), eq("not * here")),
        "eventName:Delete*" => fld(Field::EventName, glob("Delete*")),
        "requestParameters.bucketName:prod-?" =>
            fld(path(&["requestParameters", "bucketName"]), glob("prod-?")),
        "userIdentity.ARN:x" => fld(path(&["userIdentity", "ARN"]), eq("x")),
        "errorCode:*" => fld(Field::ErrorCode, Test::Present),
        "-errorCode:*" => not(fld(Field::ErrorCode, Test::Present)),
        "errorCode:**" => fld(Field::ErrorCode, glob("**")),
        "readOnly:false" => fld(Field::ReadOnly, Test::Bool(false)),
        "readonly:TRUE" => fld(Field::ReadOnly, Test::Bool(true)),
    }
}

#[test]
fn regexes() {
    parses! {
        r"agent:/aws-cli\/2\.\d/" => fld(Field::UserAgent, re(r"aws-cli/2\.\d")),
        "(ip:/a (b)\"/)" => fld(Field::SourceIp, re("a (b)\"")),
        r"x:/a\\/" => fld(path(&["x"]), re(r"a\\")),
    }
    assert_ne!(re("a"), re("b"));
}

#[test]
fn aliases_and_known_names() {
    let twice = |field: Field| and(&[fld(field.clone(), eq("x")), fld(field, eq("x"))]);
    parses! {
        "ACTION:x eventname:x" => twice(Field::EventName),
        "kind:x USERIDENTITY.TYPE:x" => twice(Field::Kind),
        "ip:x SourceIpAddress:x" => twice(Field::SourceIp),
        "TIME:* readonly:*" =>
            and(&[fld(Field::Time, Test::Present), fld(Field::ReadOnly, Test::Present)]),
    }
    // Every short and long name (matched case-insensitively) prints as its
    // field's canonical name.
    let names: Vec<String> = known_fields()
        .iter()
        .map(|(n, _)| format!("{n}:*"))
        .collect();
    let shown = "principal:* kind:* kind:* eventName:* eventName:* eventSource:* \
            eventSource:* awsRegion:* awsRegion:* recipientAccountId:* recipientAccountId:* \
            sourceIPAddress:* sourceIPAddress:* errorCode:* errorCode:* userAgent:* userAgent:* \
            eventTime:* eventTime:* readOnly:*";
    assert_eq!(
        parse(&names.join(" ").to_uppercase()).unwrap().to_string(),
        shown
    );
}

#[test]
fn times() {
    let (may1, may2) = (Some("2024-05-01"), Some("2024-05-02"));
    let ten = Some("2024-05-01T10:00:00Z");
    let exact = range(ten, Some("2024-05-01T10:00:00.001Z"));
    let time = |test| fld(Field::Time, test);
    parses! {
        "time>=2024-05-01T10:00Z" => time(range(ten, None)),
        "time<2024-05-02" => time(range(None, may2)),
        "time>2024-05-01" => time(range(may2, None)),
        "TIME<=2024-05-01" => time(range(None, may2)),
        "eventTime:2024-05-01" => time(range(may1, may2)),
        "time:2024-05-01T12:00+02:00" => time(exact.clone()),
        r#"time:"2024-05-01 10:00:00""# => time(exact.clone()),
        "time:2024-05-01..2024-05-02" => time(range(may1, may2)),
        "time:..2024-05-02" => time(range(None, may2)),
        "time:*" => time(Test::Present),
    }
}

#[test]
fn operators_and_precedence() {
    let (a, b, c) = (t("a"), t("b"), t("c"));
    parses! {
        "a b" => and(&[a.clone(), b.clone()]),
        "a and b" => and(&[a.clone(), b.clone()]),
        "a OR b AND c" => or(&[a.clone(), and(&[b.clone(), c.clone()])]),
        "a or b c" => or(&[a.clone(), and(&[b.clone(), c.clone()])]),
        "(a OR b) c" => and(&[or(&[a.clone(), b.clone()]), c.clone()]),
        "NOT a b" => and(&[not(a.clone()), b.clone()]),
        "-(a b)" => not(and(&[a.clone(), b.clone()])),
        r#"not -"a""# => not(not(a.clone())),
        "a-b" => t("a-b"),
        "(a)(b)" => and(&[a.clone(), b.clone()]),
        "((a b)) c" => and(&[and(&[a.clone(), b.clone()]), c.clone()]),
    }
}

#[test]
fn errors_have_position_and_expectation() {
    let cases: &[(&str, usize, &str)] = &[
        ("time:<", 5, EXPECT_TIME),
        ("time<", 5, EXPECT_TIME),
        ("time>=yesterday", 6, EXPECT_TIME),
        ("time:\"2024-05-01..soon\"", 18, EXPECT_TIME),
        ("readOnly:maybe", 9, EXPECT_BOOL),
        ("eventName:", 10, EXPECT_VALUE),
        ("(a b", 0, "')'"),
        ("a b)", 3, "the end of the query"),
        ("()", 1, EXPECT_TERM),
        ("a OR", 4, EXPECT_TERM),
        ("OR a", 0, EXPECT_TERM),
        ("NOT", 3, EXPECT_TERM),
        ("a - b", 3, EXPECT_TERM),
        ("say \"hi", 4, "a closing '\"'"),
        ("é🦀 \"x", 3, "a closing '\"'"),
        ("x:/ab", 2, "a closing '/'"),
        ("x:/a(/", 2, EXPECT_REGEX),
        ("x://", 2, EXPECT_REGEX),
        ("x:/a/i", 5, EXPECT_AFTER_REGEX),
        ("eventName>x", 9, "':'"),
        ("a..b:x", 2, "a field name"),
    ];
    for &(input, position, expected) in cases {
        let e = parse(input).expect_err(input);
        assert_eq!((e.position, &*e.expected), (position, expected), "{input}");
    }
    let shown = "at column 10: 'maybe' is not true or false (expected true, false or *)";
    assert_eq!(parse("readOnly:maybe").unwrap_err().to_string(), shown);
}

#[test]
fn nesting_is_limited() {
    let nest = |n| format!("{}a{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(parse(&nest(MAX_DEPTH)), Ok(t("a")));
    assert_eq!(parse(&nest(MAX_DEPTH + 1)).unwrap_err().position, MAX_DEPTH);
    let nots = "NOT ".repeat(MAX_DEPTH + 1);
    assert_eq!(parse(&nots).unwrap_err().position, 4 * MAX_DEPTH);
    assert!(parse(&format!("{}a", "-".repeat(MAX_DEPTH))).is_ok());
    for unit in ["(", "-", "not ", "-("] {
        assert!(parse(&unit.repeat(50_000)).is_err());
    }
    assert!(parse(&"a OR b ".repeat(20_000)).is_ok());
}

#[test]
fn display_round_trips() {
    let queries = [
        r#"AccessDenied "exact \"phrase\"" "and" "-x" "a:b" "" "*""#,
        "eventName:Delete* OR (region:us-east-1 -readOnly:true)",
        r#"principal:"Bob Smith" errorCode:* -errorCode:"*" ip:"""#,
        r"agent:/aws-cli\/2 (x)\\/ requestParameters.bucketName:prod-?",
        "time>=2024-05-01T10:00Z time<2024-05-02 time>2024-05-01 time<=2024-05-03",
        "time:2024-05-01 time:2024-05-01T10:00:00.250Z time:2024-05-01..2024-05-01T12:00Z",
        "time:.. time:..2024-05-02 time:2024-05-02..",
        "NOT (a OR b) -(c d) --e ((a b) c) (a OR (b OR c)) * OR x",
        "kind:AssumedRole account:123 service:s3.amazonaws.com agent:x readOnly:false",
    ];
    for text in queries {
        let q = parse(text).unwrap();
        assert_eq!(parse(&q.to_string()), Ok(q.clone()), "{text} -> {q}");
    }
    let chip = fld(Field::EventName, eq("Console Login"));
    let q = and(&[t("x"), chip, not(fld(Field::ReadOnly, Test::Bool(true)))]);
    let shown = r#"x eventName:"Console Login" -readOnly:true"#;
    assert_eq!(q.to_string(), shown);
    let q = or(&[and(&[t("a"), t("b")]), t("c")]);
    assert_eq!(q.to_string(), "a b OR c");
    assert_eq!(Query::All.to_string(), "");
}

/// Random strings from the grammar's pieces (deterministic xorshift).
#[test]
fn never_panics_and_round_trips() {
    let pieces = "a|Bb|Delete*|?| |  |(|)|\"|\\|/|-|:|<|>|=|.|..|*|AND|or|NOT|time|readOnly|true|\
            eventName|2024-05-01|T10:00Z|é|🦀|\u{0}|\t|[|+|x.y|\u{200b}";
    let pieces: Vec<&str> = pieces.split('|').collect();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut parsed = 0;
    for _ in 0..20_000 {
        let len = next() % 16;
        let input: String = (0..len)
            .map(|_| pieces[next() as usize % pieces.len()])
            .collect();
        let result = parse(&input);
        parsed += usize::from(result.is_ok());
        match result {
            Ok(q) => assert_eq!(parse(&q.to_string()), Ok(q.clone()), "{input:?} -> {q}"),
            Err(e) => assert!(e.position <= input.chars().count(), "{input:?}: {e}"),
        }
    }
    assert!(
        (1000..19_000).contains(&parsed),
        "only {parsed} of 20000 parsed"
    );
}

#[test]
fn matches_text_and_globs() {
    let g = |p: &str, s: &str| glob(p).matches_text(s);
    assert!(g("Delete*", "DeleteBucket") && g("delete*", "DELETEBUCKET"));
    assert!(!g("Delete*", "xDeleteBucket") && !g("Delete", "DeleteBucket"));
    assert!(g("*", "") && g("*", "anything"));
    assert!(g("a?c", "abc") && g("a?c", "a🦀c"));
    assert!(!g("a?c", "ac") && !g("a?c", "abbc"));
    assert!(g("*Bucket*", "s3:ListBucketVersions") && !g("*Bucket*", "s3:ListObjects"));
    let long = "a".repeat(100_000);
    let started = std::time::Instant::now();
    assert!(!g("a*a*a*a*a*b", &long));
    assert!(g("a*a*a*a*a*", &long));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(eq("ConsoleLogin").matches_text("consolelogin"));
    assert!(!eq("ConsoleLogin").matches_text("ConsoleLogins"));
    assert!(Test::Present.matches_text("x") && !Test::Present.matches_text(""));
    assert!(Test::Bool(false).matches_text("false") && !Test::Bool(true).matches_text("false"));
    assert!(re("cli/2").matches_text("AWS-CLI/2.1") && !re("^cli").matches_text("aws-cli"));
    let day = range(Some("2024-05-01"), Some("2024-05-02"));
    assert!(day.matches_text("2024-05-01T23:59:59Z") && !day.matches_text("junk"));
    assert!(!day.matches_text("2024-05-02T00:00:00Z"));
}
