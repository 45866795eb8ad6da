//! The built-in detections: every rule parses, fires on a fixture event and
//! not on its near miss, and the attack simulations light up the rules for
//! the techniques they contain.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use trailglass_core::analysis::detect::{evaluate, Finding, RULES};
use trailglass_core::load::ingest::Loader;
use trailglass_core::query::view::time_order;
use trailglass_core::store::EventStore;

fn fixtures() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures")
}

fn load(paths: &[PathBuf]) -> EventStore {
    let mut loader = Loader::default();
    for path in paths {
        let mut files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect()
        } else {
            vec![path.clone()]
        };
        files.sort();
        for file in files {
            loader.load(&file.display().to_string(), &std::fs::read(&file).unwrap());
        }
    }
    loader.store.seal();
    loader.store
}

fn findings(store: &EventStore) -> Vec<Finding> {
    evaluate(store, &time_order(store))
}

/// Rule id to number of events found.
fn counts(store: &EventStore) -> BTreeMap<&'static str, usize> {
    findings(store)
        .iter()
        .map(|f| (RULES[f.rule].id, f.rows.len()))
        .collect()
}

/// eventIDs of the rows a finding holds.
fn event_ids(store: &EventStore, rows: &[u32]) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .iter()
        .map(|&r| {
            let event: serde_json::Value =
                serde_json::from_slice(&store.raw_json(&store.rows[r as usize])).unwrap();
            event["eventID"].as_str().unwrap().to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn rules_are_well_formed() {
    assert!(RULES.len() >= 30, "at least 30 rules, got {}", RULES.len());
    let mut ids = std::collections::BTreeSet::new();
    for rule in RULES {
        assert!(ids.insert(rule.id), "duplicate rule id {}", rule.id);
        let parsed = trailglass_core::query::parse(rule.query);
        assert!(parsed.is_ok(), "{} does not parse: {parsed:?}", rule.id);
        let technique = rule.technique;
        assert!(
            technique.starts_with('T')
                && technique[1..]
                    .split('.')
                    .all(|part| part.len() >= 3 && part.bytes().all(|b| b.is_ascii_digit())),
            "{}: '{technique}' is not an ATT&CK technique id",
            rule.id
        );
        assert!(!rule.title.is_empty());
    }
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_its_near_miss() {
    let dir = fixtures().join("detect");
    for (index, rule) in RULES.iter().enumerate() {
        let fire = load(&[dir.join(format!("{}.fire.json", rule.id))]);
        let found = findings(&fire);
        let finding = found.iter().find(|f| f.rule == index);
        let finding = finding.unwrap_or_else(|| panic!("{} did not fire on its fixture", rule.id));
        let ids = event_ids(&fire, &finding.rows);
        let all = event_ids(&fire, &(0..fire.len() as u32).collect::<Vec<_>>());
        let expected: Vec<String> = all
            .into_iter()
            .filter(|id| id.starts_with("fire-"))
            .collect();
        assert_eq!(
            ids, expected,
            "{} found other events than its fixture's",
            rule.id
        );
        assert!(
            finding.exact,
            "{}: its search `{}` is not exact",
            rule.id, finding.search
        );

        let miss = load(&[dir.join(format!("{}.miss.json", rule.id))]);
        assert!(!miss.is_empty());
        let fired = findings(&miss).into_iter().find(|f| f.rule == index);
        assert!(
            fired.is_none(),
            "{} fired on its near miss: {fired:?}",
            rule.id
        );
    }
}

#[test]
fn the_finding_search_selects_exactly_the_finding() {
    let store = load(&[fixtures().join("stratus-red-team")]);
    let order = time_order(&store);
    let found = evaluate(&store, &order);
    assert!(found.iter().any(|f| f.search != RULES[f.rule].query));
    for finding in found {
        let filter = trailglass_core::query::filter::Filter {
            query: trailglass_core::query::parse(&finding.search).unwrap(),
            ..Default::default()
        };
        let selected = trailglass_core::query::filter::select(&store, &order, &filter);
        assert!(finding.exact);
        assert_eq!(selected, finding.rows, "{}", RULES[finding.rule].id);
    }
}

/// Stratus Red Team detonation logs: one file per technique.
#[test]
fn stratus_red_team_lights_up_its_techniques() {
    let found = counts(&load(&[fixtures().join("stratus-red-team")]));
    let expected = [
        ("TG-002", 1),  // initial-access.console-login-without-mfa
        ("TG-004", 1),  // defense-evasion.cloudtrail-stop
        ("TG-005", 1),  // defense-evasion.cloudtrail-delete
        ("TG-006", 1),  // defense-evasion.cloudtrail-event-selectors
        ("TG-010", 2),  // persistence.iam-backdoor-user, iam-create-admin-user
        ("TG-011", 2), // persistence.iam-create-user-login-profile, privilege-escalation.iam-update-user-login-profile
        ("TG-012", 2), // persistence.iam-create-admin-user, iam-create-backdoor-role
        ("TG-014", 2), // persistence.iam-create-admin-user: CreateUser + CreateAccessKey
        ("TG-019", 1), // exfiltration.ec2-security-group-open-port-22-ingress
        ("TG-020", 1), // execution.ec2-user-data
        ("TG-021", 1), // persistence.lambda-backdoor-function
        ("TG-022", 20), // credential-access.secretsmanager-retrieve-secrets
        ("TG-023", 5), // credential-access.secretsmanager-batch-retrieve-secrets
        ("TG-024", 5), // credential-access.ssm-retrieve-securestring-parameters
        ("TG-025", 1), // exfiltration.ec2-share-ebs-snapshot
        ("TG-026", 1), // exfiltration.ec2-share-ami
        ("TG-027", 1), // exfiltration.rds-share-snapshot
        ("TG-028", 45), // credential-access.ec2-get-password-data, discovery.ec2-download-user-data (denied)
        ("TG-030", 1),  // defense-evasion.dns-delete-logs
        ("TG-031", 1),  // defense-evasion.vpc-remove-flow-logs
        ("TG-032", 1),  // defense-evasion.organizations-leave
        ("TG-033", 1),  // persistence.iam-backdoor-role
        ("TG-034", 6), // lateral-movement.ec2-instance-connect, ec2-serial-console-send-ssh-public-key
        ("TG-035", 1), // lateral-movement.ec2-serial-console-send-ssh-public-key
        ("TG-036", 30), // credential-access.ec2-get-password-data
        ("TG-037", 2), // execution.ssm-send-command, credential-access.ec2-steal-instance-credentials
        ("TG-038", 3), // execution.ssm-start-session
        ("TG-039", 1), // persistence.sts-federation-token
        ("TG-040", 2), // persistence.rolesanywhere-create-trust-anchor
        ("TG-041", 2), // persistence.lambda-overwrite-code, lambda-layer-extension
        ("TG-042", 1), // execution.ec2-launch-unusual-instances
        ("TG-043", 3), // impact.bedrock-invoke-model
    ];
    for (id, count) in expected {
        assert_eq!(found.get(id), Some(&count), "{id} in {found:?}");
    }
    // Nothing in the detonations is done as root or fails to log in.
    assert!(!found.contains_key("TG-001") && !found.contains_key("TG-003"));
}

/// invictus-ir: one account attacked with Stratus Red Team on 2023-07-10.
#[test]
fn invictus_ir_lights_up_its_techniques() {
    let found = counts(&load(&[fixtures().join("invictus-ir")]));
    let expected = [
        ("TG-002", 1),  // the attacker's console login without MFA
        ("TG-004", 3),  // cloudtrail-stop
        ("TG-005", 3),  // cloudtrail-delete
        ("TG-006", 2),  // cloudtrail-event-selectors
        ("TG-010", 2),  // iam-backdoor-user, iam-create-admin-user
        ("TG-011", 2),  // iam-create-user-login-profile
        ("TG-012", 2),  // iam-create-admin-user, iam-create-backdoor-role
        ("TG-014", 4),  // two users created and given keys
        ("TG-019", 2),  // ec2-security-group-open-port-22-ingress
        ("TG-021", 1),  // lambda-backdoor-function
        ("TG-022", 60), // secretsmanager-retrieve-secrets
        ("TG-024", 87), // ssm-retrieve-securestring-parameters
        ("TG-025", 1),  // ec2-share-ebs-snapshot
        ("TG-026", 1),  // ec2-share-ami
        ("TG-027", 1),  // rds-share-snapshot
        ("TG-028", 44), // ec2-get-password-data, ec2-download-user-data: UnauthorizedOperation bursts
        ("TG-031", 1),  // vpc-remove-flow-logs
        ("TG-032", 1),  // organizations-leave
        ("TG-033", 2),  // iam-backdoor-role
        ("TG-036", 29), // ec2-get-password-data
        ("TG-037", 2),  // ec2-steal-instance-credentials
        ("TG-040", 2),  // rolesanywhere-create-trust-anchor
        ("TG-041", 2),  // lambda-overwrite-code
        ("TG-042", 2),  // ec2-launch-unusual-instances
        ("TG-045", 1),  // the flow-log group deleted at cleanup
    ];
    for (id, count) in expected {
        assert_eq!(found.get(id), Some(&count), "{id} in {found:?}");
    }
    // One account, one region, one hour: no region is new.
    assert!(!found.contains_key("TG-029"));
}

#[test]
fn rules_by_row_lists_every_rule_a_row_matched() {
    let store = load(&[fixtures().join("stratus-red-team")]);
    let found = findings(&store);
    let by_row = trailglass_core::analysis::detect::rules_by_row(&found);
    let total: usize = found.iter().map(|f| f.rows.len()).sum();
    assert_eq!(by_row.values().map(Vec::len).sum::<usize>(), total);
    for finding in &found {
        for row in &finding.rows {
            assert!(by_row[row].contains(&(finding.rule as u16)));
        }
    }
}

/// What the end-to-end test loads: every rule's firing fixture at once.
#[test]
fn all_firing_fixtures_together_fire_every_rule() {
    let dir = fixtures().join("detect");
    let fire: Vec<PathBuf> = RULES
        .iter()
        .map(|rule| dir.join(format!("{}.fire.json", rule.id)))
        .collect();
    let found = counts(&load(&fire));
    assert_eq!(found.len(), RULES.len(), "{found:?}");
    // The key given to the new user "dave" (TG-014) is also a key for another user.
    assert_eq!(found["TG-010"], 2);
    assert_eq!(found["TG-004"], 1);
    assert_eq!(found["TG-022"], 12);
    assert_eq!(found["TG-028"], 10);
}

/// Bursts are about people and their credentials: AWS services refused by a
/// bucket policy (log delivery, over and over) or reading secrets for a
/// deployment are not findings; the same events from a user are.
#[test]
fn bursts_leave_aws_service_principals_out() {
    let burst = |identity: &str, event: &str, extra: &str| -> String {
        let records: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    r#"{{"eventVersion":"1.08","userIdentity":{identity},"eventTime":"2024-05-01T10:0{}:{:02}Z","eventSource":"{}","eventName":"{event}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"x","eventID":"e-{event}-{i}","eventType":"AwsApiCall","recipientAccountId":"111122223333"{extra}}}"#,
                    i / 6,
                    i * 7 % 60,
                    if event == "PutObject" { "s3.amazonaws.com" } else { "secretsmanager.amazonaws.com" }
                )
            })
            .collect();
        format!(r#"{{"Records":[{}]}}"#, records.join(","))
    };
    let service = r#"{"type":"AWSService","invokedBy":"delivery.logs.amazonaws.com"}"#;
    let user = r#"{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","userName":"mallory","accessKeyId":"AKIAEXAMPLE"}"#;
    let denied = r#","errorCode":"AccessDenied","errorMessage":"Access Denied""#;
    let found = |text: String| {
        let mut loader = Loader::default();
        loader.load("burst.json", text.as_bytes());
        loader.store.seal();
        counts(&loader.store)
    };
    let from_service = found(burst(service, "PutObject", denied));
    assert_eq!(from_service.get("TG-028"), None, "{from_service:?}");
    assert_eq!(
        found(burst(user, "PutObject", denied)).get("TG-028"),
        Some(&12)
    );
    assert_eq!(
        found(burst(service, "GetSecretValue", "")).get("TG-022"),
        None
    );
    assert_eq!(
        found(burst(user, "GetSecretValue", "")).get("TG-022"),
        Some(&12)
    );
}
