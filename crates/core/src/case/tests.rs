//! Tests of the case file and its report.

use super::report::{escape, html, ReportFile, ReportFinding, ReportInput};
use super::*;

fn event(key: &str, time: &str) -> CaseEvent {
    CaseEvent {
        key: key.into(),
        time: time.into(),
        event_name: "DeleteTrail".into(),
        event_source: "cloudtrail.amazonaws.com".into(),
        principal: "arn:aws:iam::1:user/eve".into(),
        json: format!(r#"{{"eventID":"{key}","eventTime":"{time}"}}"#),
        ..Default::default()
    }
}

#[test]
fn events_are_known_by_event_id_or_the_hash_of_their_json() {
    assert_eq!(event_key(br#"{"eventID":"abc-1","x":1}"#), "abc-1");
    let keyless = event_key(br#"{"eventName":"X"}"#);
    assert!(
        keyless.starts_with("sha256:") && keyless.len() == 7 + 64,
        "{keyless}"
    );
    assert_eq!(keyless, event_key(br#"{"eventName":"X"}"#));
    assert_ne!(keyless, event_key(br#"{"eventName":"Y"}"#));
    assert!(event_key(br#"{"eventID":""}"#).starts_with("sha256:"));
    assert!(event_key(b"not json").starts_with("sha256:"));
}

#[test]
fn marks_and_notes_keep_what_was_put_on_an_event_and_drop_bare_entries() {
    let mut case = Case::default();
    let a = event("a", "2024-05-01T10:00:00Z");
    let b = event("b", "2024-05-01T09:00:00Z");
    assert!(case.set_star(&a, true));
    assert!(case.set_note(&b, "the attacker's first step"));
    assert!(case.set_tags(&b, " exfil, persistence ,exfil,, "));
    assert_eq!(case.event("b").unwrap().tags, ["exfil", "persistence"]);
    // Time order, whatever the order of marking.
    let keys: Vec<&str> = case.timeline().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["b", "a"]);
    case.set_star(&a, false);
    assert!(case.event("a").is_none(), "nothing left on it");
    case.set_note(&b, "");
    assert!(case.event("b").is_some(), "its tags keep it");
    case.set_tags(&b, "");
    assert!(case.is_empty());
    case.set_principal_note("arn:aws:iam::1:user/eve", "the intruder");
    assert_eq!(
        case.principal_note("arn:aws:iam::1:user/eve"),
        "the intruder"
    );
    case.set_principal_note("arn:aws:iam::1:user/eve", "");
    assert!(case.is_empty());
}

#[test]
fn a_case_file_reads_back_what_was_written() {
    let mut case = Case {
        title: "Incident 42".into(),
        ..Case::default()
    };
    case.set_star(&event("a", "2024-05-01T10:00:00Z"), true);
    case.set_note(&event("a", "2024-05-01T10:00:00Z"), "line one\nline two");
    case.set_principal_note("root", "should never log in");
    let again = Case::from_file(case.to_file().as_bytes()).unwrap();
    assert_eq!(again, case);
}

#[test]
fn case_files_that_are_not_cases_or_too_big_are_refused_with_the_reason() {
    let refused = |bytes: &[u8]| Case::from_file(bytes).unwrap_err();
    assert!(
        refused(b"{\"Records\":[]}").contains("not a Trailglass case file"),
        "{}",
        refused(b"{\"Records\":[]}")
    );
    assert!(refused(br#"{"format":"other","version":1}"#).contains("\"other\""));
    assert!(refused(br#"{"format":"trailglass-case","version":99}"#).contains("newer"));
    assert!(refused(b"{").contains("line 1"));
    let huge = vec![b' '; MAX_CASE_FILE_BYTES + 1];
    assert!(refused(&huge).contains("at most 64 MB"));
    // Ten million entries: refused once the limit is passed, before holding them all.
    let many = format!(
        r#"{{"format":"trailglass-case","version":1,"events":[{}]}}"#,
        vec![r#"{"key":"k","starred":true}"#; MAX_CASE_EVENTS + 1].join(",")
    );
    let why = refused(many.as_bytes());
    assert!(why.contains("more than 20000 events"), "{why}");
}

#[test]
fn an_imported_case_is_bounded_and_cleaned() {
    let text = format!(
        r#"{{"format":"trailglass-case","version":1,"events":[
            {{"key":"a","starred":true,"note":"{}","tags":["x","x"," y "]}},
            {{"key":"","starred":true}},
            {{"key":"b"}}]}}"#,
        "n".repeat(MAX_NOTE_CHARS + 10)
    );
    let case = Case::from_file(text.as_bytes()).unwrap();
    assert_eq!(case.events.len(), 1, "the keyless and the bare entries go");
    assert_eq!(case.events[0].note.chars().count(), MAX_NOTE_CHARS);
    assert_eq!(case.events[0].tags, ["x", "y"]);
}

#[test]
fn merging_keeps_both_notes_and_every_mark() {
    let mut mine = Case::default();
    mine.set_note(&event("a", "t1"), "mine");
    let mut theirs = Case::default();
    theirs.set_note(&event("a", "t1"), "theirs");
    theirs.set_star(&event("a", "t1"), true);
    theirs.set_star(&event("b", "t2"), true);
    assert_eq!(mine.merge(theirs), 0);
    assert_eq!(mine.event("a").unwrap().note, "mine\n\ntheirs");
    assert!(mine.event("a").unwrap().starred);
    assert!(mine.event("b").unwrap().starred);
}

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&\u{202e}";

fn report_of(case: &Case) -> String {
    let findings = [ReportFinding {
        id: "TG-001".into(),
        title: HOSTILE.into(),
        level: "High".into(),
        technique: "T1078.004".into(),
        count: 3,
        author: Some(HOSTILE.into()),
    }];
    let files = [
        ReportFile {
            name: format!("{HOSTILE}.json.gz"),
            bytes: 10,
            sha256: Ok("ab".repeat(32)),
        },
        ReportFile {
            name: "gone.json".into(),
            bytes: 0,
            sha256: Err("the file could not be read".into()),
        },
    ];
    html(&ReportInput {
        case,
        generated: "2026-12-07T10:00:00Z".into(),
        events_loaded: 100,
        first_event: Some("2024-05-01T09:00:00Z".into()),
        last_event: Some(HOSTILE.into()),
        findings: &findings,
        lineage: &[],
        coverage: None,
        files: &files,
    })
}

#[test]
fn the_report_escapes_every_piece_of_log_and_case_text_and_has_no_script() {
    let mut case = Case {
        title: HOSTILE.into(),
        ..Case::default()
    };
    let mut hostile = event(HOSTILE, "2024-05-01T10:00:00Z");
    hostile.principal = HOSTILE.into();
    hostile.event_name = HOSTILE.into();
    hostile.json = serde_json::json!({ "userAgent": HOSTILE }).to_string();
    case.set_star(&hostile, true);
    case.set_note(&hostile, HOSTILE);
    case.set_tags(&hostile, HOSTILE);
    case.set_principal_note(HOSTILE, HOSTILE);
    let report = report_of(&case);
    let lower = report.to_lowercase();
    assert!(!lower.contains("<script"), "no script element");
    assert!(!lower.contains("<img"), "no element from log text");
    for tag in lower
        .split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>'))
        .map(|(t, _)| t)
    {
        assert!(!tag.contains(" on"), "no handler attribute in <{tag}>");
    }
    assert!(!report.contains('\u{202e}'), "no bidirectional override");
    assert!(report.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        report.contains("default-src 'none'"),
        "the policy forbids scripts and requests"
    );
    // Every element the report has is one it writes itself.
    let allowed = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "nav",
        "a", "table", "thead", "tbody", "tr", "th", "td", "section", "div", "span", "pre", "ul",
        "li",
    ];
    for tag in report.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect::<String>()
            .to_lowercase();
        assert!(
            allowed.contains(&name.as_str()),
            "unexpected element <{name}"
        );
    }
    assert!(
        !report.contains("http://") && !report.contains("https://"),
        "no address to call"
    );
}

#[test]
fn the_report_holds_the_case_its_notes_json_findings_and_files() {
    let mut case = Case::default();
    let a = event("evt-1", "2024-05-01T10:00:00Z");
    case.set_star(&a, true);
    case.set_note(&a, "Trail deleted by the intruder");
    case.set_tags(&a, "defense-evasion");
    let report = report_of(&case);
    assert!(report.contains("Trail deleted by the intruder"));
    assert!(report.contains("defense-evasion"));
    assert!(
        report.contains("&quot;eventID&quot;:&quot;evt-1&quot;"),
        "the event's JSON"
    );
    assert!(report.contains("T1078.004"));
    assert!(report.contains(&"ab".repeat(32)));
    assert!(report.contains("the file could not be read"));
    assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}
