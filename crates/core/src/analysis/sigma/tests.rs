//! Tests of the rule set and the engine: statuses, correlations, filters,
//! explanations.

use super::engine::{cannot_fire, explain, Engine};
use super::*;
use serde_json::{json, Value as Json};

fn set_of(files: &[(&str, &str)]) -> RuleSet {
    let mut set = RuleSet::default();
    for (name, text) in files {
        set.add_file(name, text, Origin::User);
    }
    set.resolve();
    set
}

/// Runs `set` over `events` (row = index, time = `eventTime`).
fn run(set: &RuleSet, events: &[Json]) -> engine::Results {
    let engine = Engine::new(set);
    let mut run = engine.start();
    let mut candidates = Vec::new();
    for (row, event) in events.iter().enumerate() {
        let name = event["eventName"].as_str().unwrap_or("");
        let source = event["eventSource"].as_str().unwrap_or("");
        let time = event["eventTime"]
            .as_str()
            .and_then(crate::time::parse_rfc3339)
            .unwrap_or(0);
        engine.candidates(name, source, &mut candidates);
        if !candidates.is_empty() {
            let bytes = serde_json::to_vec(event).unwrap();
            run.event(row as u32, time, &bytes, &candidates);
        }
    }
    run.covered(events.len());
    run.finish()
}

fn hits_of(set: &RuleSet, results: &engine::Results, key: &str) -> Vec<u32> {
    let index = set.rules.iter().position(|r| r.key == key).expect(key);
    results.hits[index].clone()
}

#[test]
fn every_builtin_rule_reads_and_runs() {
    let set = RuleSet::builtin();
    assert_eq!(set.rules.len(), builtin::SIGMAHQ.len());
    for rule in &set.rules {
        assert_eq!(
            rule.status,
            Status::Ok,
            "{}: {:?}",
            rule.source.file,
            rule.reason
        );
        assert!(
            rule.meta.author.is_some(),
            "{} names its author",
            rule.source.file
        );
        assert_eq!(rule.source.origin, Origin::Builtin);
    }
    let engine = Engine::new(&set);
    // Most rules are pinned to event names: few run on every event.
    assert!(engine.general_rules() <= 6, "{}", engine.general_rules());
}

#[test]
fn the_builtin_list_is_the_rules_folder() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/sigmahq");
    let mut on_disk: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yml"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = builtin::SIGMAHQ.iter().map(|(n, _)| *n).collect();
    assert_eq!(on_disk, listed);
}

const DELETE_TRAIL: &str = "title: Trail deleted
id: r-delete
author: Test
level: high
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventSource: cloudtrail.amazonaws.com
        eventName: [DeleteTrail, StopLogging]
    filter_ci:
        userIdentity.arn|endswith: ':role/ci'
    condition: selection and not filter_ci
";

#[test]
fn a_rule_matches_and_says_why() {
    let set = set_of(&[("r.yml", DELETE_TRAIL)]);
    let events = [
        json!({"eventSource": "cloudtrail.amazonaws.com", "eventName": "DeleteTrail", "userIdentity": {"arn": "arn:aws:iam::1:user/bob"}}),
        json!({"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging", "userIdentity": {"arn": "arn:aws:iam::1:role/ci"}}),
        json!({"eventSource": "s3.amazonaws.com", "eventName": "GetObject"}),
    ];
    let results = run(&set, &events);
    assert_eq!(hits_of(&set, &results, "r-delete"), [0]);
    let why = explain(&set, 0, &serde_json::to_vec(&events[0]).unwrap());
    assert_eq!(why.len(), 1);
    assert_eq!(why[0].0, "r-delete");
    let reasons = &why[0].1;
    assert_eq!(reasons.len(), 1, "only the positive search: {reasons:?}");
    assert_eq!(reasons[0].search, "selection");
    assert_eq!(
        reasons[0].fields,
        [
            (
                "eventSource".to_owned(),
                vec!["cloudtrail.amazonaws.com".to_owned()]
            ),
            ("eventName".to_owned(), vec!["DeleteTrail".to_owned()])
        ]
    );
}

#[test]
fn statuses_errors_with_lines_other_sources_and_duplicates() {
    let broken =
        "title: Broken\nid: b1\ndetection:\n    sel:\n        a|bogus: 1\n    condition: sel\n";
    let windows = "title: Windows\nid: w1\nlogsource: {product: windows}\ndetection:\n    sel: {EventID: 1}\n    condition: sel\n";
    let unparsable = "title: [unclosed\n";
    let set = set_of(&[
        ("a.yml", DELETE_TRAIL),
        ("b.yml", broken),
        ("w.yml", windows),
        ("u.yml", unparsable),
        ("dup.yml", DELETE_TRAIL),
    ]);
    let by_file = |file: &str| set.rules.iter().find(|r| r.source.file == file).unwrap();
    assert_eq!(by_file("a.yml").status, Status::Ok);
    let b = by_file("b.yml");
    assert_eq!(b.status, Status::Error);
    let reason = b.reason.as_deref().unwrap();
    assert!(reason.starts_with("line 5:"), "{reason}");
    assert!(reason.contains("unknown modifier 'bogus'"), "{reason}");
    let w = by_file("w.yml");
    assert_eq!(w.status, Status::NotApplicable);
    assert!(w.reason.as_deref().unwrap().contains("product: windows"));
    assert_eq!(by_file("u.yml").status, Status::Error);
    let dup = by_file("dup.yml");
    assert_eq!(dup.status, Status::Error);
    assert!(dup
        .reason
        .as_deref()
        .unwrap()
        .contains("already used by the rule at a.yml:1"));
}

#[test]
fn rules_that_cannot_fire_say_which_value_is_missing() {
    let set = set_of(&[("r.yml", DELETE_TRAIL)]);
    let present = |field: &str, value: &str| field == "eventSource" && value == "s3.amazonaws.com";
    let reasons = cannot_fire(&set, &present);
    let reason = reasons[0].as_deref().unwrap();
    assert!(reason.contains("cloudtrail.amazonaws.com"), "{reason}");
    let present = |_: &str, _: &str| true;
    assert_eq!(cannot_fire(&set, &present)[0], None);
}

fn login(time: &str, ip: &str, ok: bool) -> Json {
    json!({
        "eventTime": time, "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
        "sourceIPAddress": ip, "responseElements": {"ConsoleLogin": if ok { "Success" } else { "Failure" }}
    })
}

const FAILED: &str = "title: Failed Console Login
id: failed
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: ConsoleLogin
        responseElements.ConsoleLogin: Failure
    condition: selection
level: low
";

const SUCCESS: &str = "title: Console Login
id: success
name: good_login
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: ConsoleLogin
        responseElements.ConsoleLogin: Success
    condition: selection
";

#[test]
fn event_count_correlations_by_title_with_group_and_span() {
    let many = "title: Many Failed Logins
id: many
correlation:
    type: event_count
    rules: [Failed Console Login]
    group-by: [sourceIPAddress]
    timespan: 5m
    condition: {gte: 3}
level: high
---
";
    let set = set_of(&[("c.yml", &format!("{many}{FAILED}"))]);
    assert!(
        set.rules.iter().all(|r| r.status == Status::Ok),
        "{:?}",
        set.rules.iter().map(|r| &r.reason).collect::<Vec<_>>()
    );
    let failed = set.find("failed").unwrap();
    assert!(
        !set.rules[failed].reports(),
        "a rule a correlation uses without generate reports through it"
    );
    let events = [
        login("2024-01-01T00:00:00Z", "1.1.1.1", false),
        login("2024-01-01T00:01:00Z", "1.1.1.1", false),
        login("2024-01-01T00:02:00Z", "2.2.2.2", false),
        login("2024-01-01T00:04:00Z", "1.1.1.1", false),
        login("2024-01-01T00:20:00Z", "1.1.1.1", false),
        login("2024-01-01T00:21:00Z", "2.2.2.2", false),
    ];
    let results = run(&set, &events);
    assert_eq!(hits_of(&set, &results, "many"), [0, 1, 3]);
    assert_eq!(hits_of(&set, &results, "failed"), [0, 1, 2, 3, 4, 5]);
}

#[test]
fn value_count_temporal_and_ordered_correlations() {
    let distinct = "title: Many IPs
id: ips
correlation:
    type: value_count
    rules: [failed_login]
    group-by: []
    timespan: 1h
    condition: {field: sourceIPAddress, gte: 2}
---
";
    let temporal = "title: Fail and succeed
id: both
correlation:
    type: temporal
    rules: [failed_login, good_login]
    group-by: [sourceIPAddress]
    timespan: 10m
---
";
    let ordered = "title: Succeed after fail
id: ordered
correlation:
    type: temporal_ordered
    rules: [good_login, failed_login]
    group-by: [sourceIPAddress]
    timespan: 10m
";
    let set = set_of(&[(
        "c.yml",
        &format!("{distinct}{temporal}{ordered}\n---\n{FAILED}---\n{SUCCESS}"),
    )]);
    assert!(
        set.rules.iter().all(|r| r.status == Status::Ok),
        "{:?}",
        set.rules.iter().map(|r| &r.reason).collect::<Vec<_>>()
    );
    let events = [
        login("2024-01-01T00:00:00Z", "1.1.1.1", false),
        login("2024-01-01T00:01:00Z", "1.1.1.1", true),
        login("2024-01-01T00:30:00Z", "2.2.2.2", true),
        login("2024-01-01T00:31:00Z", "2.2.2.2", false),
    ];
    let results = run(&set, &events);
    assert_eq!(hits_of(&set, &results, "ips"), [0, 3]);
    assert_eq!(hits_of(&set, &results, "both"), [0, 1, 2, 3]);
    // Success first, then failure: only 2.2.2.2's pair is in that order.
    assert_eq!(hits_of(&set, &results, "ordered"), [2, 3]);
}

#[test]
fn correlation_errors_name_the_missing_rule() {
    let bad = "title: Bad\nid: bad\ncorrelation:\n    type: event_count\n    rules: [nowhere]\n    group-by: [a]\n    timespan: 5m\n    condition: {gte: 2}\n";
    let set = set_of(&[("bad.yml", bad)]);
    assert_eq!(set.rules[0].status, Status::Error);
    assert!(set.rules[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("'nowhere'"));
    let span = "title: Span\nid: s\ncorrelation:\n    type: event_count\n    rules: [x]\n    group-by: [a]\n    timespan: soon\n    condition: {gte: 2}\n";
    let set = set_of(&[("s.yml", span)]);
    assert!(
        set.rules[0].reason.as_deref().unwrap().contains("line 7"),
        "{:?}",
        set.rules[0].reason
    );
}

#[test]
fn filters_silence_and_count_what_they_silenced() {
    let filter = "title: Not from the office
id: f1
logsource: {product: aws, service: cloudtrail}
filter:
    rules: [failed]
    selection:
        sourceIPAddress|cidr: 1.1.1.0/24
    condition: not selection
";
    let any = "title: Quiet everywhere
logsource: {product: aws}
filter:
    selection:
        sourceIPAddress: 9.9.9.9
    condition: not selection
";
    let set = set_of(&[
        ("r.yml", FAILED),
        ("s.yml", SUCCESS),
        ("f.yml", filter),
        ("g.yml", any),
    ]);
    assert_eq!(set.filters.len(), 2);
    assert_eq!(set.filters[0].applies_to, [set.find("failed").unwrap()]);
    assert_eq!(
        set.filters[1].applies_to.len(),
        2,
        "no rules: every rule of its source"
    );
    let events = [
        login("2024-01-01T00:00:00Z", "1.1.1.7", false),
        login("2024-01-01T00:00:00Z", "5.5.5.5", false),
        login("2024-01-01T00:00:00Z", "9.9.9.9", true),
        login("2024-01-01T00:00:00Z", "1.1.1.8", true),
    ];
    let results = run(&set, &events);
    assert_eq!(hits_of(&set, &results, "failed"), [1]);
    assert_eq!(hits_of(&set, &results, "success"), [3]);
    assert_eq!(results.filtered[0], [(set.find("failed").unwrap(), 1)]);
    assert_eq!(results.filtered[1], [(set.find("success").unwrap(), 1)]);
}

#[test]
fn keyword_searches_look_everywhere() {
    let rule = "title: Keywords
id: k
detection:
    keywords:
        - 'evil.example'
        - 'mimikatz'
    both:
        '|all':
            - 'alpha'
            - 'beta'
    condition: keywords or both
";
    let set = set_of(&[("k.yml", rule)]);
    assert_eq!(set.rules[0].status, Status::Ok, "{:?}", set.rules[0].reason);
    let events = [
        json!({"eventName": "A", "requestParameters": {"host": "api.EVIL.example.com"}}),
        json!({"eventName": "B", "userAgent": "alpha", "x": ["beta"]}),
        json!({"eventName": "C", "userAgent": "alpha"}),
    ];
    let results = run(&set, &events);
    assert_eq!(results.hits[0], [0, 1]);
}

#[test]
fn hostile_rule_files_are_refused_quickly() {
    let started = std::time::Instant::now();
    let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";
    let set = set_of(&[("bomb.yml", bomb)]);
    assert_eq!(set.rules[0].status, Status::Error);
    assert!(set.rules[0].reason.as_deref().unwrap().contains("aliases"));
    let mut many = String::new();
    for i in 0..(MAX_RULES + 10) {
        many.push_str(&format!(
            "title: R{i}\nid: r{i}\ndetection:\n    s: {{eventName: E{i}}}\n    condition: s\n---\n"
        ));
    }
    let set = set_of(&[("many.yml", &many)]);
    assert_eq!(set.rules.len(), MAX_RULES + 1);
    let last = set.rules.last().unwrap();
    assert_eq!(last.status, Status::Error);
    assert!(last.reason.as_deref().unwrap().contains("not read"));
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn work_rules_give_each_position_its_list_and_nothing_past_them() {
    let rules = engine::WorkRules {
        lists: vec![vec![3, 5], vec![]],
        of_event: [0u32, 1, 0, 7]
            .iter()
            .flat_map(|i| i.to_le_bytes())
            .collect(),
    };
    assert_eq!(rules.of(0), [3, 5]);
    assert!(rules.of(1).is_empty());
    assert_eq!(rules.of(2), [3, 5]);
    assert!(rules.of(3).is_empty(), "a list the work does not have");
    assert!(rules.of(4).is_empty(), "a position past the work");
    assert!(rules.of(u32::MAX).is_empty());
}
