//! Tests session lineage on `tests/fixtures/lineage/`: a three-hop role chain
//! across two accounts, federation and session-token origins, a session whose
//! origin is not in the logs, and an Identity Center session named by itself.
#![cfg(not(target_arch = "wasm32"))]

use trailglass_core::analysis::lineage::{Chain, ChainEnd, LineageIndex};
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::store::EventStore;

const ACCOUNT_A: &str = "111122223333";
const ACCOUNT_B: &str = "444455556666";

fn load_fixture() -> Loader {
    let dir = concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "/tests/fixtures/lineage"
    );
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let mut loader = Loader::new(Limits::default());
    for path in names {
        let bytes = std::fs::read(&path).expect("fixture file");
        loader.load(&path.display().to_string(), &bytes);
    }
    loader.store.seal();
    assert!(
        loader.report.diagnostics.is_empty(),
        "{:?}",
        loader.report.diagnostics
    );
    loader
}

fn principal(store: &EventStore, name: &str) -> u32 {
    store
        .principals
        .iter()
        .position(|p| p.principal.name == name)
        .unwrap_or_else(|| panic!("no principal {name}")) as u32
}

/// The row id of the (only) event with this name done by this principal.
fn event(store: &EventStore, principal: u32, event_name: &str) -> u32 {
    let rows: Vec<u32> = (0..store.rows.len() as u32)
        .filter(|&id| {
            let row = &store.rows[id as usize];
            row.principal == principal && store.strings.get(row.event_name) == event_name
        })
        .collect();
    assert_eq!(rows.len(), 1, "{event_name} by principal {principal}");
    rows[0]
}

fn names(chain: &Chain) -> Vec<&str> {
    chain.hops.iter().map(|hop| hop.name.as_str()).collect()
}

#[test]
fn a_three_hop_chain_across_two_accounts_leads_back_to_the_iam_user() {
    let loader = load_fixture();
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let deploy = principal(store, "DeployRole/alice-deploy");
    let chain = index
        .for_event(store, event(store, deploy, "PutObject"))
        .expect("a chain");
    assert_eq!(
        names(&chain),
        [
            "alice",
            "DevOps/alice-devops",
            "CrossAccountAdmin/alice-xacct",
            "DeployRole/alice-deploy"
        ]
    );
    assert_eq!(chain.end, ChainEnd::Origin);
    let accounts: Vec<&str> = chain.hops.iter().map(|h| h.account.as_str()).collect();
    assert_eq!(accounts, [ACCOUNT_A, ACCOUNT_A, ACCOUNT_B, ACCOUNT_B]);
    assert_eq!(chain.hops[0].kind, "IAM user");
    assert!(
        chain.hops[0].issued_by.is_none(),
        "the origin was not issued"
    );
    assert_eq!(chain.source_identity.as_deref(), Some("alice"));
    // Each session hop links to the AssumeRole that created it, done by the hop before.
    for pair in chain.hops.windows(2) {
        let issued = pair[1].issued_by.as_ref().expect("issued");
        assert_eq!(issued.event_name, "AssumeRole");
        let issuing_row = &store.rows[issued.event as usize];
        assert_eq!(Some(issuing_row.principal), pair[0].principal);
    }
    assert_eq!(
        chain.hops[1].issued_by.as_ref().unwrap().time,
        "2024-07-10T09:00:05Z"
    );
    // The cross-account AssumeRole is logged in both accounts; the hop is one,
    // and it points at the copy logged in the caller's account.
    let cross = chain.hops[2].issued_by.as_ref().unwrap().event;
    assert_eq!(
        store.strings.get(store.rows[cross as usize].account),
        ACCOUNT_A
    );
    assert_eq!(index.issuing_events, 8);
    assert_eq!(index.len(), 7, "the duplicated key counts once");
}

#[test]
fn every_hop_of_the_chain_resolves_to_its_own_prefix() {
    let loader = load_fixture();
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let xacct = principal(store, "CrossAccountAdmin/alice-xacct");
    let chain = index
        .for_event(store, event(store, xacct, "DescribeInstances"))
        .expect("a chain");
    assert_eq!(
        names(&chain),
        [
            "alice",
            "DevOps/alice-devops",
            "CrossAccountAdmin/alice-xacct"
        ]
    );
    let devops = principal(store, "DevOps/alice-devops");
    let chain = index
        .for_event(store, event(store, devops, "ListBuckets"))
        .expect("a chain");
    assert_eq!(names(&chain), ["alice", "DevOps/alice-devops"]);
    // The IAM user on its long-term key has no lineage beyond itself.
    let alice = principal(store, "alice");
    assert_eq!(
        index.for_event(store, event(store, alice, "GetCallerIdentity")),
        None
    );
    assert!(index.for_principal(store, alice).is_empty());
}

#[test]
fn a_principal_shows_the_chain_of_its_sessions() {
    let loader = load_fixture();
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let deploy = principal(store, "DeployRole/alice-deploy");
    let chains = index.for_principal(store, deploy);
    assert_eq!(chains.len(), 1, "{chains:#?}");
    assert_eq!(chains[0].hops.len(), 4);
    assert_eq!(chains[0].hops[0].name, "alice");
    assert_eq!(chains[0].end, ChainEnd::Origin);
}

#[test]
fn a_session_created_outside_the_loaded_logs_says_so() {
    let loader = load_fixture();
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let orphan = principal(store, "ReportReader/nightly-report");
    let chain = index
        .for_event(store, event(store, orphan, "GetObject"))
        .expect("a chain");
    assert_eq!(chain.end, ChainEnd::NotInLogs);
    assert_eq!(names(&chain), ["ReportReader/nightly-report"]);
    assert!(chain.hops[0].issued_by.is_none());
    let chains = index.for_principal(store, orphan);
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0].end, ChainEnd::NotInLogs);
}

#[test]
fn saml_web_identity_federation_and_session_tokens_are_origins() {
    let loader = load_fixture();
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let cases = [
        (
            "okta-admin/dana@example.com",
            "ListRoles",
            "dana@example.com @ SampleUkh1i4+ExamplexL/jEvs=",
            "SAML user",
            "AssumeRoleWithSAML",
        ),
        (
            "github-actions-deploy/GitHubActions",
            "GetAuthorizationToken",
            "repo:acme/shop:ref:refs/heads/main @ arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com",
            "Web identity user",
            "AssumeRoleWithWebIdentity",
        ),
        (
            "carol",
            "ListBuckets",
            "federation-broker",
            "IAM user",
            "GetFederationToken",
        ),
    ];
    for (session, action, origin, kind, issuing) in cases {
        let id = principal(store, session);
        let chain = index
            .for_event(store, event(store, id, action))
            .unwrap_or_else(|| panic!("a chain for {session}"));
        assert_eq!(names(&chain), [origin, session], "{session}");
        assert_eq!(chain.hops[0].kind, kind);
        assert_eq!(chain.end, ChainEnd::Origin);
        assert_eq!(
            chain.hops[1].issued_by.as_ref().unwrap().event_name,
            issuing
        );
    }
    // GetSessionToken: bob's temporary session leads back to bob's own key.
    let bob = principal(store, "bob");
    let chain = index
        .for_event(store, event(store, bob, "DescribeInstances"))
        .expect("a chain");
    assert_eq!(names(&chain), ["bob", "bob"]);
    assert_eq!(
        chain.hops[1].issued_by.as_ref().unwrap().event_name,
        "GetSessionToken"
    );
    assert_eq!(chain.end, ChainEnd::Origin);
}

#[test]
fn an_identity_center_session_without_its_sign_in_names_the_person_as_inferred() {
    let loader = load_fixture();
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let sso = principal(
        store,
        "erin@example.com (AdministratorAccess via Identity Center)",
    );
    let chain = index
        .for_event(store, event(store, sso, "StopInstances"))
        .expect("a chain");
    assert_eq!(chain.end, ChainEnd::Inferred);
    assert_eq!(chain.hops.len(), 2);
    assert_eq!(chain.hops[0].name, "erin@example.com");
    assert!(chain.hops[0].inferred);
    assert_eq!(chain.hops[0].principal, None);
    assert!(!chain.hops[1].inferred);
}

#[test]
fn loading_the_accounts_in_either_order_gives_the_same_chain() {
    let dir = concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "/tests/fixtures/lineage"
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files.reverse();
    let mut loader = Loader::new(Limits::default());
    for path in &files {
        loader.load(&path.display().to_string(), &std::fs::read(path).unwrap());
    }
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let deploy = principal(store, "DeployRole/alice-deploy");
    let chains = index.for_principal(store, deploy);
    assert_eq!(
        names(&chains[0]),
        [
            "alice",
            "DevOps/alice-devops",
            "CrossAccountAdmin/alice-xacct",
            "DeployRole/alice-deploy"
        ]
    );
    let cross = chains[0].hops[2].issued_by.as_ref().unwrap().event;
    assert_eq!(
        store.strings.get(store.rows[cross as usize].account),
        ACCOUNT_A,
        "the caller's account's copy is preferred whatever the load order"
    );
}

#[test]
fn a_cycle_of_keys_stops_instead_of_looping() {
    // Two hostile AssumeRole events that each hand out the key the other used.
    let assume = |caller_key: &str, caller_role: &str, issued_key: &str, role: &str, id: &str| {
        format!(
            r#"{{"eventVersion":"1.08","userIdentity":{{"type":"AssumedRole","principalId":"AROAX:{caller_role}","arn":"arn:aws:sts::{ACCOUNT_A}:assumed-role/{caller_role}/s","accountId":"{ACCOUNT_A}","accessKeyId":"{caller_key}"}},"eventTime":"2024-07-10T09:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","requestParameters":{{"roleArn":"arn:aws:iam::{ACCOUNT_A}:role/{role}","roleSessionName":"s"}},"responseElements":{{"credentials":{{"accessKeyId":"{issued_key}"}},"assumedRoleUser":{{"arn":"arn:aws:sts::{ACCOUNT_A}:assumed-role/{role}/s"}}}},"eventID":"{id}","recipientAccountId":"{ACCOUNT_A}"}}"#
        )
    };
    let file = format!(
        r#"{{"Records":[{},{}]}}"#,
        assume("ASIAKEYONE", "Two", "ASIAKEYTWO", "One", "e1"),
        assume("ASIAKEYTWO", "One", "ASIAKEYONE", "Two", "e2"),
    );
    let mut loader = Loader::new(Limits::default());
    loader.load("cycle.json", file.as_bytes());
    let store = &loader.store;
    let index = LineageIndex::build(store);
    let chain = index.for_event(store, 0).expect("a chain");
    assert_eq!(chain.end, ChainEnd::Cycle);
    assert!(chain.hops.len() <= 3, "{chain:#?}");
}

#[test]
fn the_sample_trail_shows_role_chains_without_cycles() {
    let mut loader = Loader::new(Limits::default());
    for file in trailglass_core::sample::generate(&trailglass_core::sample::SampleConfig {
        events: 5_000,
        gzip: false,
        ..Default::default()
    }) {
        loader.load(&file.path, &file.bytes);
    }
    let store = &loader.store;
    let index = LineageIndex::build(store);
    assert!(index.len() > 10, "{} keys issued", index.len());
    let chains: Vec<Chain> = (0..store.principals.len() as u32)
        .flat_map(|p| index.for_principal(store, p))
        .collect();
    assert!(
        chains.iter().any(|c| c.hops.len() >= 3),
        "role chaining: two AssumeRole hops or more"
    );
    assert!(
        chains
            .iter()
            .any(|c| c.end == ChainEnd::Origin && c.hops.len() >= 2),
        "a session traced back to a long-term identity"
    );
    assert!(chains.iter().all(|c| c.end != ChainEnd::Cycle));
}
