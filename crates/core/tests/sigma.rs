//! Tests Sigma over real files: SigmaHQ's built-in rules and suzaku's 738
//! rules over the invictus-ir trail (hits cross-checked with another
//! engine), the TG rules written as Sigma firing exactly where the TG rules
//! fire, and saved searches selecting exactly what the search selects.
#![cfg(not(target_arch = "wasm32"))]

use trailglass_core::analysis::detect::{self, RULES};
use trailglass_core::analysis::sigma::engine::run_store;
use trailglass_core::analysis::sigma::export::{
    search_as_rule, tg_rule_as_sigma, tg_rules_as_sigma,
};
use trailglass_core::analysis::sigma::report::sigma_report;
use trailglass_core::analysis::sigma::{Origin, RuleSet, Status};
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::query::filter::{select, Filter};
use trailglass_core::query::view::time_order;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn load(folders: &[&str]) -> Loader {
    let mut loader = Loader::new(Limits::default());
    for folder in folders {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{FIXTURES}/{folder}"))
            .expect("fixture folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("fixture");
            loader.load(&path.display().to_string(), &bytes);
        }
    }
    loader.store.seal();
    loader
}

fn rules_in(folder: &str) -> RuleSet {
    let mut set = RuleSet::default();
    let mut paths: Vec<_> = std::fs::read_dir(format!("{FIXTURES}/{folder}"))
        .expect("rules folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("rule");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        set.add_file(&name, &text, Origin::User);
    }
    set.resolve();
    set
}

#[test]
fn sigmahq_rules_over_the_invictus_trail() {
    let loader = load(&["invictus-ir"]);
    let report = sigma_report(&RuleSet::builtin(), &loader.store);
    assert_eq!(report.events, 2900);
    let mut hits: Vec<(String, usize)> = report
        .rules
        .iter()
        .filter(|r| r.hits > 0)
        .map(|r| (r.title.clone(), r.hits))
        .collect();
    hits.sort();
    // The same rules and counts as rsigma 0.23 over the same 2,900 events.
    let expected: Vec<(String, usize)> = [
        ("AWS Bucket Deleted", 5),
        ("AWS CloudTrail Important Change", 6),
        ("AWS IAM Backdoor Users Keys", 2),
        ("AWS STS AssumeRole Misuse", 76),
        ("AWS Snapshot Backup Exfiltration", 2),
        ("AWS Successful Console Login Without MFA", 1),
        ("AWS VPC Flow Logs Deleted", 1),
        ("Ingress/Egress Security Group Modification", 6),
        ("New Network Route Added", 6),
        ("Potential Bucket Enumeration on AWS", 3),
        ("Potential Malicious Usage of CloudTrail System Manager", 1),
    ]
    .iter()
    .map(|(t, n)| (t.to_string(), *n))
    .collect();
    assert_eq!(hits, expected);
    for rule in &report.rules {
        assert!(rule.author.is_some(), "{} shows its author", rule.id);
        assert!(
            rule.status == "ok" || rule.status == "cannot-fire",
            "{}: {} {:?}",
            rule.id,
            rule.status,
            rule.error
        );
    }
}

#[test]
fn suzaku_rules_over_the_invictus_trail() {
    let loader = load(&["invictus-ir"]);
    let set = rules_in("sigma/suzaku");
    let report = sigma_report(&set, &loader.store);
    let errors: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.status == "error")
        .collect();
    // suzaku ships "Failed Console Login" twice with one id: in its own
    // file and inside the correlation that uses it.
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].error.as_deref().unwrap().contains("already used"));
    let detections = set
        .rules
        .iter()
        .filter(|r| {
            matches!(
                r.compiled,
                Some(trailglass_core::analysis::sigma::Compiled::Detection(_))
            )
        })
        .count();
    // 733 files of one rule, 7 rules inside the 5 correlation files, less
    // the duplicate.
    assert_eq!(detections, 739);
    // rsigma 0.23 (an independent engine), run on these files with the
    // correlations' title references turned into ids, hits the same 145
    // detection rules with the same counts, and fires the same 3 of the 5
    // correlations.
    let with_hits = report.rules.iter().filter(|r| r.hits > 0).count();
    assert_eq!(with_hits, 148);
    let hits = |title: &str| {
        report
            .rules
            .iter()
            .find(|r| r.title == title)
            .unwrap_or_else(|| panic!("{title}"))
            .hits
    };
    // A correlation (event_count by title) and a fieldref rule.
    assert_eq!(hits("Many Recon Events"), 208);
}

#[test]
fn tg_rules_as_sigma_fire_where_the_tg_rules_fire() {
    let loader = load(&["detect", "invictus-ir"]);
    let store = &loader.store;
    let findings = detect::evaluate(store, &time_order(store));
    let mut compared = 0;
    for (index, rule) in RULES.iter().enumerate() {
        let Ok(yaml) = tg_rule_as_sigma(rule) else {
            continue;
        };
        let mut set = RuleSet::default();
        set.add_file(&format!("{}.yml", rule.id), &yaml, Origin::User);
        set.resolve();
        for entry in &set.rules {
            assert_eq!(
                entry.status,
                Status::Ok,
                "{}: {:?}\n{yaml}",
                rule.id,
                entry.reason
            );
        }
        let results = run_store(&set, store);
        // The rule that reports: the correlation when there is one.
        let reporting = set.rules.iter().position(|r| r.reports()).unwrap();
        let mut sigma_rows = results.hits[reporting].clone();
        sigma_rows.sort_unstable();
        let mut tg_rows = findings
            .iter()
            .find(|f| f.rule == index)
            .map(|f| f.rows.clone())
            .unwrap_or_default();
        tg_rows.sort_unstable();
        assert!(!tg_rows.is_empty(), "{} fires on its fixture", rule.id);
        assert_eq!(sigma_rows, tg_rows, "{}\n{yaml}", rule.id);
        compared += 1;
    }
    assert!(compared >= RULES.len() - 2, "{compared} of {}", RULES.len());
    let all = tg_rules_as_sigma();
    assert!(all.contains("Left out"));
    let mut set = RuleSet::default();
    set.add_file("all.yml", &all, Origin::User);
    set.resolve();
    assert!(set.rules.iter().all(|r| r.status == Status::Ok));
}

#[test]
fn saved_searches_select_what_the_search_selects() {
    let loader = load(&["detect", "invictus-ir"]);
    let store = &loader.store;
    let order = time_order(store);
    let searches = [
        "action:DeleteBucket",
        "service:s3.amazonaws.com -action:Get*",
        "kind:AssumedRole (error:AccessDenied OR error:*Unauthorized*)",
        "requestParameters.bucketName:* ip:1.2.3.4",
        r#"userAgent:/boto3|aws-cli/ region:us-east-1"#,
        "readOnly:false service:iam.amazonaws.com",
        "StopLogging",
        "requestParameters.instanceType:t2.micro",
        r#"action:"ConsoleLogin" responseElements.ConsoleLogin:Success"#,
        "region:us-east-1 NOT (action:List* OR action:Describe*)",
    ];
    for text in searches {
        let query = trailglass_core::query::parse(text).unwrap();
        let yaml = search_as_rule(text, &query, "saved").unwrap();
        let mut set = RuleSet::default();
        set.add_file("saved.yml", &yaml, Origin::User);
        set.resolve();
        assert_eq!(
            set.rules[0].status,
            Status::Ok,
            "{text}: {:?}\n{yaml}",
            set.rules[0].reason
        );
        let results = run_store(&set, store);
        let mut expected = select(
            store,
            &order,
            &Filter {
                query,
                ..Filter::default()
            },
        );
        expected.sort_unstable();
        assert_eq!(results.hits[0], expected, "{text}\n{yaml}");
    }
}

#[test]
fn rules_on_columns_find_what_they_find_on_the_json() {
    use trailglass_core::analysis::sigma::engine::Engine;
    use trailglass_core::store::flags::COLUMNS_EXACT;
    // The corpus's rules over a real trail: most run on the columns.
    let loader = load(&["invictus-ir"]);
    let mut set = rules_in("sigma/suzaku");
    for (name, text) in trailglass_core::analysis::sigma::builtin::SIGMAHQ {
        set.add_file(name, text, Origin::Builtin);
    }
    set.resolve();
    let engine = Engine::new(&set);
    let (on_columns, deferred, _) = engine.rules_on_columns();
    assert!(on_columns > 700, "{on_columns} rules tested on columns");
    assert!(
        deferred > 0,
        "a rule grouped on the JSON of what it matched"
    );
    let plan = engine.plan_store(&loader.store);
    assert!(
        plan.columns.len() > 1000,
        "{} rows checked on their columns",
        plan.columns.len()
    );
    assert_eq!(
        run_store(&set, &loader.store),
        trailglass_core::analysis::sigma::engine::run_on_json_only(&set, &loader.store)
    );

    // Columns that are not plain non-empty strings: null, empty, a boolean,
    // a number. Their rows are checked on the JSON, where `null`, `exists`
    // and empty values tell these apart.
    let records: Vec<String> = [
        "",
        r#""errorCode":null,"#,
        r#""errorCode":"","#,
        r#""userAgent":true,"#,
        r#""userAgent":"aws-cli\/2","#,
        r#""errorCode":"AccessDenied","userAgent":"curl","errorMessage":"no","#,
        r#""ErrorCode":"Folded","#,
        r#""errorMessage":null,"#,
        // userIdentity.type, eventType and the session issuer's type are
        // kept as codes for their usual spellings only.
        r#""userIdentity":{"type":"Root"},"eventType":"AwsApiCall","#,
        r#""userIdentity":{"type":"root"},"#,
        r#""userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"type":"Role"}}},"#,
        r#""userIdentity":{"Type":"Root"},"#,
        r#""userIdentity.type":"Root","#,
        r#""userIdentity":{"type":null},"#,
        r#""userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent","#,
    ]
    .iter()
    .enumerate()
    .map(|(n, extra)| {
        format!(
            r#"{{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","eventID":"e{n}",{extra}"recipientAccountId":"111111111111"}}"#
        )
    })
    .collect();
    let trail = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let mut loader = Loader::new(Limits::default());
    loader.load("odd.json", trail.as_bytes());
    loader.store.seal();
    let store = &loader.store;
    assert_eq!(store.len(), 15);
    let exact: Vec<bool> = store
        .rows
        .iter()
        .map(|r| r.flags & COLUMNS_EXACT != 0)
        .collect();
    assert_eq!(
        exact,
        [
            true, false, false, false, true, true, false, true, true, true, true, true, true, true,
            true
        ]
    );
    use trailglass_core::store::kinds;
    let identity_type = |row: usize| kinds::decode(store.rows[row].kinds, 0);
    assert_eq!(identity_type(0), Some(None));
    assert_eq!(identity_type(8), Some(Some("Root")));
    assert_eq!(
        identity_type(9),
        None,
        "another spelling is left to the JSON"
    );
    assert_eq!(kinds::decode(store.rows[10].kinds, 2), Some(Some("Role")));
    assert_eq!(identity_type(11), None, "a key in another case");
    assert_eq!(identity_type(12), None, "a key with dots");
    assert_eq!(identity_type(13), None, "null");
    assert_eq!(
        kinds::decode(store.rows[14].kinds, 1),
        Some(Some("AwsServiceEvent"))
    );
    let mut set = RuleSet::default();
    for (id, selection) in [
        ("null", "errorCode: null"),
        ("exists", "errorCode|exists: true"),
        ("empty", "errorCode: ''"),
        ("bool", "userAgent: 'true'"),
        ("slash", "userAgent|startswith: 'aws-cli/'"),
        ("neq", "errorCode|neq: AccessDenied"),
        ("ref", "userAgent|fieldref: errorCode"),
        ("message", "errorMessage|exists: true"),
        ("no-message", "errorMessage|exists: false"),
        ("root", "userIdentity.type: Root"),
        ("root-cased", "userIdentity.type|cased: Root"),
        ("type-null", "userIdentity.type: null"),
        (
            "issuer",
            "userIdentity.sessionContext.sessionIssuer.type: Role",
        ),
        ("console", "eventType|startswith: AwsConsole"),
    ] {
        let rule = format!(
            "title: column {id}\nid: column-{id}\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventName: GetObject\n    {selection}\n  condition: selection\n"
        );
        set.add_file(&format!("{id}.yml"), &rule, Origin::User);
    }
    set.resolve();
    let results = run_store(&set, store);
    assert_eq!(
        results,
        trailglass_core::analysis::sigma::engine::run_on_json_only(&set, store)
    );
    let hits = |id: &str| {
        let index = set
            .rules
            .iter()
            .position(|r| r.meta.id.as_deref() == Some(&format!("column-{id}")));
        results.hits[index.expect(id)].clone()
    };
    // A key in another case stands in for an absent one (row 6).
    assert_eq!(hits("null"), [0, 1, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert_eq!(hits("exists"), [1, 2, 5, 6]);
    assert_eq!(hits("empty"), [2]);
    assert_eq!(hits("bool"), [3]);
    assert_eq!(hits("slash"), [4]);
    assert_eq!(hits("neq"), [2, 6]);
    assert!(hits("ref").is_empty());
    assert_eq!(hits("message"), [5, 7]);
    assert_eq!(
        hits("no-message"),
        [0, 1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 13, 14]
    );
    assert_eq!(hits("root"), [8, 9, 11, 12, 14]);
    assert_eq!(hits("root-cased"), [8, 11, 12, 14]);
    assert_eq!(hits("type-null"), [0, 1, 2, 3, 4, 5, 6, 7, 13]);
    assert_eq!(hits("issuer"), [10]);
    assert!(hits("console").is_empty());
}
