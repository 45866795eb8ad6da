//! Tests `identity::resolve` against DESIGN.md section 4: one principal, credential and set of facts per `userIdentity` shape.
#![cfg(not(target_arch = "wasm32"))]

use trailglass_core::input::identity::{
    resolve, CredentialFacts, CredentialKind, Principal, PrincipalKind, ResolvedIdentity,
};
use trailglass_core::input::record::EventRecord;

/// Decodes one event the way ingest does and resolves its identity.
fn resolve_json(json: &str) -> ResolvedIdentity {
    let record: EventRecord<'_> = serde_json::from_str(json)
        .unwrap_or_else(|error| panic!("test event does not parse: {error}\n{json}"));
    resolve(&record)
}

/// Wraps a documentation `"userIdentity": {...}` fragment into a full event.
fn event_around(fragment: &str, recipient: &str) -> String {
    format!(
        r#"{{
            "eventVersion": "1.08",
            {},
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "sts.amazonaws.com",
            "eventName": "GetCallerIdentity",
            "awsRegion": "us-east-1",
            "eventType": "AwsApiCall",
            "recipientAccountId": "{recipient}"
        }}"#,
        fragment.trim()
    )
}

/// Builds a full API-call event around a hand-written `userIdentity` object.
fn api_call(user_identity: &str) -> String {
    format!(
        r#"{{
            "eventVersion": "1.09",
            "userIdentity": {user_identity},
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "s3.amazonaws.com",
            "eventName": "ListBuckets",
            "awsRegion": "us-east-1",
            "eventType": "AwsApiCall",
            "recipientAccountId": "111122223333"
        }}"#
    )
}

fn principal(kind: PrincipalKind, name: &str, group: &str, account: &str) -> Principal {
    Principal {
        kind,
        name: name.into(),
        group: group.into(),
        account: account.into(),
    }
}

fn no_facts() -> CredentialFacts {
    CredentialFacts::default()
}

/// Asserts every part of a resolution exactly.
fn assert_resolved(
    resolved: &ResolvedIdentity,
    expected: Principal,
    credential: CredentialKind,
    facts: CredentialFacts,
    invoked_by: Option<&str>,
) {
    assert_eq!(resolved.principal, expected, "principal");
    assert_eq!(resolved.credential, credential, "credential");
    assert_eq!(resolved.facts, facts, "facts");
    assert_eq!(resolved.invoked_by.as_deref(), invoked_by, "invoked_by");
}

// ---------------------------------------------------------------- Root

#[test]
fn root_with_alias_and_access_key() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "Root",
            "principalId": "111122223333",
            "arn": "arn:aws:iam::111122223333:root",
            "accountId": "111122223333",
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "userName": "example-corp",
            "sessionContext": {
                "attributes": {"mfaAuthenticated": "true", "creationDate": "2024-05-01T11:00:00Z"}
            }
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::Root,
            "root (example-corp)",
            "111122223333",
            "111122223333",
        ),
        CredentialKind::RootCredentials,
        CredentialFacts {
            root: true,
            long_term_key: true,
            mfa: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn root_console_login_without_alias_shows_the_account() {
    let resolved = resolve_json(include_str!(
        "../../../tests/fixtures/aws-docs/cloudtrail-event-reference-aws-console-sign-in-events__block06.json"
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::Root,
            "root (111122223333)",
            "111122223333",
            "111122223333",
        ),
        CredentialKind::RootCredentials,
        CredentialFacts {
            root: true,
            console: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn root_console_login_mfa_used_in_capitals() {
    // The docs print `"MFAUsed": "YES"` for this example.
    let resolved = resolve_json(include_str!(
        "../../../tests/fixtures/aws-docs/cloudtrail-event-reference-aws-console-sign-in-events__block07.json"
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::Root,
            "root (111122223333)",
            "111122223333",
            "111122223333",
        ),
        CredentialKind::RootCredentials,
        CredentialFacts {
            root: true,
            mfa: true,
            console: true,
            ..no_facts()
        },
        None,
    );
}

// ---------------------------------------------------------------- IAMUser

#[test]
fn iam_user_from_docs_without_key() {
    let resolved = resolve_json(&event_around(
        include_str!("../../../tests/fixtures/aws-docs/cloudtrail-event-reference-user-identity__block01.json"),
        "123456789012",
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IamUser,
            "Alice",
            "arn:aws:iam::123456789012:user/Alice",
            "123456789012",
        ),
        CredentialKind::Unknown,
        no_facts(),
        None,
    );
}

#[test]
fn iam_user_akia_key_is_long_term() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "IAMUser",
            "principalId": "AIDAJ45Q7YFFAREXAMPLE",
            "arn": "arn:aws:iam::123456789012:user/Alice",
            "accountId": "123456789012",
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "userName": "Alice"
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IamUser,
            "Alice",
            "arn:aws:iam::123456789012:user/Alice",
            "123456789012",
        ),
        CredentialKind::LongTermKey,
        CredentialFacts {
            long_term_key: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn iam_user_asia_console_session_is_temporary_and_console() {
    let resolved = resolve_json(
        r#"{
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                "arn": "arn:aws:iam::111122223333:user/anaya",
                "accountId": "111122223333",
                "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
                "userName": "anaya",
                "sessionContext": {
                    "sessionIssuer": {},
                    "webIdFederationData": {},
                    "attributes": {"creationDate": "2024-05-01T11:58:00Z", "mfaAuthenticated": "false"}
                }
            },
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "iam.amazonaws.com",
            "eventName": "ListUsers",
            "awsRegion": "us-east-1",
            "eventType": "AwsApiCall",
            "recipientAccountId": "111122223333",
            "sessionCredentialFromConsole": "true"
        }"#,
    );
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IamUser,
            "anaya",
            "arn:aws:iam::111122223333:user/anaya",
            "111122223333",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            console: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn mfa_from_session_context_attributes() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "IAMUser",
            "principalId": "AIDACKCEVSQ6C2EXAMPLE",
            "arn": "arn:aws:iam::111122223333:user/anaya",
            "accountId": "111122223333",
            "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "userName": "anaya",
            "sessionContext": {
                "attributes": {"creationDate": "2024-05-01T11:58:00Z", "mfaAuthenticated": "true"}
            }
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IamUser,
            "anaya",
            "arn:aws:iam::111122223333:user/anaya",
            "111122223333",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            mfa: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn console_login_mfa_used_yes() {
    let resolved = resolve_json(include_str!(
        "../../../tests/fixtures/aws-docs/cloudtrail-event-reference-aws-console-sign-in-events__block02.json"
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IamUser,
            "anaya",
            "arn:aws:iam::111122223333:user/anaya",
            "111122223333",
        ),
        CredentialKind::Unknown,
        CredentialFacts {
            mfa: true,
            console: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn console_login_mfa_used_no() {
    // block01 is a `Records` file: resolve its one event.
    let file: serde_json::Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/aws-docs/cloudtrail-event-reference-aws-console-sign-in-events__block01.json"
    ))
    .unwrap();
    let event = file["Records"][0].to_string();
    let resolved = resolve_json(&event);
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IamUser,
            "anaya",
            "arn:aws:iam::111122223333:user/anaya",
            "111122223333",
        ),
        CredentialKind::Unknown,
        CredentialFacts {
            console: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn console_login_without_arn_is_the_same_principal() {
    // block03 (a failed sign-in) omits `arn`; it is still the user of block02.
    let with_arn = resolve_json(include_str!(
        "../../../tests/fixtures/aws-docs/cloudtrail-event-reference-aws-console-sign-in-events__block02.json"
    ));
    let without_arn = resolve_json(include_str!(
        "../../../tests/fixtures/aws-docs/cloudtrail-event-reference-aws-console-sign-in-events__block03.json"
    ));
    assert_eq!(
        without_arn.principal.group,
        "arn:aws:iam::111122223333:user/anaya"
    );
    assert_eq!(without_arn.principal, with_arn.principal);
}

#[test]
fn rebuilt_user_arn_follows_the_partition() {
    let resolved = resolve_json(
        r#"{
            "userIdentity": {"type": "IAMUser", "accountId": "111122223333", "userName": "li"},
            "eventName": "ConsoleLogin",
            "awsRegion": "cn-north-1",
            "eventType": "AwsConsoleSignIn",
            "recipientAccountId": "111122223333"
        }"#,
    );
    assert_eq!(
        resolved.principal.group,
        "arn:aws-cn:iam::111122223333:user/li"
    );
}

// ---------------------------------------------------------------- AssumedRole

#[test]
fn assumed_role_from_docs() {
    let resolved = resolve_json(&event_around(
        include_str!("../../../tests/fixtures/aws-docs/cloudtrail-event-reference-user-identity__block02.json"),
        "123456789012",
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AssumedRole,
            "RoleToBeAssumed/MySessionName",
            "arn:aws:iam::123456789012:role/RoleToBeAssumed",
            "123456789012",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn assumed_role_with_spaced_out_docs_arn() {
    // The docs print this ARN as "arn: aws: sts: : 123456789012: assumed-role/DevRole/Dev1".
    let resolved = resolve_json(include_str!(
        "../../../tests/fixtures/aws-docs/cloudtrail-event-reference-user-identity__block06.json"
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AssumedRole,
            "DevRole/Dev1",
            "arn: aws: iam: : 123456789012: role/DevRole",
            "123456789012",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn assumed_role_without_issuer_uses_the_arn_and_principal_id() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:ci-runner",
            "arn": "arn:aws:sts::444455556666assumed-role/Deployer/ci-runner",
            "accountId": "444455556666",
            "accessKeyId": "ASIAEXAMPLEKEY"
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AssumedRole,
            "Deployer/ci-runner",
            "arn:aws:iam::444455556666:role/Deployer",
            "444455556666",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn assumed_role_invoked_by_service() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:AutoScalingDescribeHandlerSession",
            "arn": "arn:aws:sts::111122223333:assumed-role/ConfigRole/AutoScalingDescribeHandlerSession",
            "accountId": "111122223333",
            "accessKeyId": "ASIAEXAMPLEKEY",
            "sessionContext": {
                "attributes": {"mfaAuthenticated": "false", "creationDate": "2024-05-01T11:00:00Z"},
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLEID",
                    "arn": "arn:aws:iam::111122223333:role/service-role/ConfigRole",
                    "accountId": "111122223333",
                    "userName": "ConfigRole"
                }
            },
            "invokedBy": "config.amazonaws.com"
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AssumedRole,
            "ConfigRole/AutoScalingDescribeHandlerSession",
            "arn:aws:iam::111122223333:role/service-role/ConfigRole",
            "111122223333",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            invoked_by_service: true,
            ..no_facts()
        },
        Some("config.amazonaws.com"),
    );
}

#[test]
fn identity_center_permission_set_session_shows_the_person() {
    let resolved = resolve_json(
        r#"{
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEID:alice@example.com",
                "arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com",
                "accountId": "111122223333",
                "accessKeyId": "ASIAEXAMPLEKEY",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROAEXAMPLEID",
                        "arn": "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
                        "accountId": "111122223333",
                        "userName": "AWSReservedSSO_AdministratorAccess_0123456789abcdef"
                    },
                    "attributes": {"creationDate": "2024-05-01T11:00:00Z", "mfaAuthenticated": "false"}
                }
            },
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "ec2.amazonaws.com",
            "eventName": "DescribeInstances",
            "awsRegion": "eu-west-1",
            "eventType": "AwsApiCall",
            "recipientAccountId": "111122223333",
            "sessionCredentialFromConsole": "true"
        }"#,
    );
    assert!(
        resolved.principal.name.contains("alice@example.com"),
        "the person must be visible: {}",
        resolved.principal.name
    );
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AssumedRole,
            "alice@example.com (AdministratorAccess via Identity Center)",
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            "111122223333",
        ),
        CredentialKind::IdentityCenter,
        CredentialFacts {
            temporary: true,
            console: true,
            identity_center: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn assumed_role_on_behalf_of_identity_center_user() {
    // Trusted identity propagation: a role session acting for a person.
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:app-session",
            "arn": "arn:aws:sts::111122223333:assumed-role/QAppRole/app-session",
            "accountId": "111122223333",
            "accessKeyId": "ASIAEXAMPLEKEY",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLEID",
                    "arn": "arn:aws:iam::111122223333:role/QAppRole",
                    "accountId": "111122223333",
                    "userName": "QAppRole"
                }
            },
            "onBehalfOf": {
                "userId": "544894e8-80c1-707f-60e3-3ba6510dfac1",
                "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-1234567890"
            }
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AssumedRole,
            "QAppRole/app-session",
            "arn:aws:iam::111122223333:role/QAppRole",
            "111122223333",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            identity_center: true,
            ..no_facts()
        },
        None,
    );
}

// ---------------------------------------------------------------- Role

#[test]
fn role() {
    // Not in any public corpus: built from the userIdentity field reference.
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "Role",
            "principalId": "AROAEXAMPLEROLEID",
            "arn": "arn:aws:iam::111122223333:role/service-role/DataSyncRole",
            "accountId": "111122223333",
            "userName": "DataSyncRole"
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::Role,
            "DataSyncRole",
            "arn:aws:iam::111122223333:role/service-role/DataSyncRole",
            "111122223333",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn role_without_user_name_uses_the_arn_tail() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "Role",
            "principalId": "AROAEXAMPLEROLEID",
            "arn": "arn:aws:iam::111122223333:role/ops/BackupRole",
            "accountId": "111122223333"
        }"#,
    ));
    assert_eq!(
        resolved.principal,
        principal(
            PrincipalKind::Role,
            "BackupRole",
            "arn:aws:iam::111122223333:role/ops/BackupRole",
            "111122223333",
        )
    );
    assert_eq!(resolved.credential, CredentialKind::Temporary);
}

// ---------------------------------------------------------------- FederatedUser

#[test]
fn federated_user_grouped_under_issuer() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "FederatedUser",
            "principalId": "123456789012:Bob",
            "arn": "arn:aws:sts::123456789012:federated-user/Bob",
            "accountId": "123456789012",
            "accessKeyId": "ASIAEXAMPLEKEY",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "IAMUser",
                    "principalId": "AIDAEXAMPLEBROKER",
                    "arn": "arn:aws:iam::123456789012:user/TokenBroker",
                    "accountId": "123456789012",
                    "userName": "TokenBroker"
                },
                "attributes": {"mfaAuthenticated": "false", "creationDate": "2024-05-01T11:00:00Z"}
            }
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::FederatedUser,
            "Bob",
            "arn:aws:iam::123456789012:user/TokenBroker",
            "123456789012",
        ),
        CredentialKind::Temporary,
        CredentialFacts {
            temporary: true,
            ..no_facts()
        },
        None,
    );
}

// ---------------------------------------------------------------- IdentityCenterUser

const IDENTITY_CENTER_USER: &str = r#"{
    "type": "IdentityCenterUser",
    "accountId": "123456789012",
    "onBehalfOf": {
        "userId": "544894e8-80c1-707f-60e3-3ba6510dfac1",
        "identityStoreArn": "arn:aws:identitystore::123456789012:identitystore/d-1234567890"
    },
    "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"
}"#;

#[test]
fn identity_center_user_on_behalf_of() {
    // Not in any public corpus unredacted: built from the field reference.
    let resolved = resolve_json(&format!(
        r#"{{
            "eventVersion": "1.09",
            "userIdentity": {IDENTITY_CENTER_USER},
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "sso.amazonaws.com",
            "eventName": "ListAccounts",
            "awsRegion": "us-east-1",
            "eventType": "AwsApiCall",
            "recipientAccountId": "123456789012"
        }}"#
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IdentityCenterUser,
            "544894e8-80c1-707f-60e3-3ba6510dfac1 @ d-1234567890",
            "arn:aws:identitystore::123456789012:identitystore/d-1234567890",
            "123456789012",
        ),
        CredentialKind::IdentityCenter,
        CredentialFacts {
            identity_center: true,
            ..no_facts()
        },
        None,
    );
}

#[test]
fn identity_center_user_prefers_additional_event_data_user_name() {
    let resolved = resolve_json(&format!(
        r#"{{
            "eventVersion": "1.09",
            "userIdentity": {IDENTITY_CENTER_USER},
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "sso.amazonaws.com",
            "eventName": "Federate",
            "awsRegion": "us-east-1",
            "additionalEventData": {{"UserName": "alice@example.com"}},
            "eventType": "AwsApiCall",
            "recipientAccountId": "123456789012"
        }}"#
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::IdentityCenterUser,
            "alice@example.com @ d-1234567890",
            "arn:aws:identitystore::123456789012:identitystore/d-1234567890",
            "123456789012",
        ),
        CredentialKind::IdentityCenter,
        CredentialFacts {
            identity_center: true,
            ..no_facts()
        },
        None,
    );
}

// ---------------------------------------------------------------- SAMLUser, WebIdentityUser

#[test]
fn saml_user() {
    // The userIdentity of cloudtrail-integration__block06 (that example as
    // printed misses a comma, so the event is rebuilt around it).
    let resolved = resolve_json(
        r#"{
            "eventVersion": "1.05",
            "userIdentity": {
                "type": "SAMLUser",
                "principalId": "SampleUkh1i4+ExamplexL/jEvs=:SamlExample",
                "userName": "SamlExample",
                "identityProvider": "bdGOnTesti4+ExamplexL/jEvs="
            },
            "eventTime": "2019-11-01T19:14:36Z",
            "eventSource": "sts.amazonaws.com",
            "eventName": "AssumeRoleWithSAML",
            "awsRegion": "us-east-2",
            "eventType": "AwsApiCall",
            "recipientAccountId": "444455556666"
        }"#,
    );
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::SamlUser,
            "SamlExample @ bdGOnTesti4+ExamplexL/jEvs=",
            "bdGOnTesti4+ExamplexL/jEvs=",
            "444455556666",
        ),
        CredentialKind::Federation,
        no_facts(),
        None,
    );
}

#[test]
fn web_identity_user_from_docs() {
    let resolved = resolve_json(&event_around(
        include_str!("../../../tests/fixtures/aws-docs/cloudtrail-event-reference-user-identity__block03.json"),
        "123456789012",
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::WebIdentityUser,
            "user-id @ accounts.google.com",
            "accounts.google.com",
            "123456789012",
        ),
        CredentialKind::Federation,
        no_facts(),
        None,
    );
}

// ---------------------------------------------------------------- AWSService

#[test]
fn aws_service() {
    let resolved = resolve_json(&api_call(
        r#"{"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AwsService,
            "cloudtrail.amazonaws.com",
            "cloudtrail.amazonaws.com",
            "111122223333",
        ),
        CredentialKind::AwsService,
        CredentialFacts {
            invoked_by_service: true,
            ..no_facts()
        },
        Some("cloudtrail.amazonaws.com"),
    );
}

#[test]
fn no_type_with_invoked_by_is_that_service() {
    // The shape of the invictus-ir `AwsServiceEvent` records.
    let resolved = resolve_json(
        r#"{
            "eventVersion": "1.08",
            "userIdentity": {"accountId": "123837392027", "invokedBy": "secretsmanager.amazonaws.com"},
            "eventTime": "2023-07-10T12:15:00Z",
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": "StartSecretVersionDelete",
            "awsRegion": "us-east-1",
            "eventType": "AwsServiceEvent",
            "recipientAccountId": "123837392027"
        }"#,
    );
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AwsService,
            "secretsmanager.amazonaws.com",
            "secretsmanager.amazonaws.com",
            "123837392027",
        ),
        CredentialKind::AwsService,
        CredentialFacts {
            invoked_by_service: true,
            ..no_facts()
        },
        Some("secretsmanager.amazonaws.com"),
    );
}

// ---------------------------------------------------------------- AWSAccount

#[test]
fn aws_account_cross_account() {
    // The userIdentity of cloudtrail-event-reference-user-identity__block04.
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "AWSAccount",
            "principalId": "AIDAJ45Q7YFFAREXAMPLE",
            "accountId": "123456789012"
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AwsAccount,
            "123456789012 (AIDAJ45Q7YFFAREXAMPLE)",
            "123456789012",
            "123456789012",
        ),
        CredentialKind::OtherAccount,
        no_facts(),
        None,
    );
}

#[test]
fn aws_account_anonymous_principal() {
    // Anonymous S3 requests: `accountId` is ANONYMOUS_PRINCIPAL, `principalId` empty.
    let resolved = resolve_json(
        r#"{
            "eventVersion": "1.09",
            "userIdentity": {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"},
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "s3.amazonaws.com",
            "eventName": "GetObject",
            "awsRegion": "us-east-1",
            "eventType": "AwsApiCall",
            "managementEvent": false,
            "recipientAccountId": "111122223333"
        }"#,
    );
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::AwsAccount,
            "ANONYMOUS_PRINCIPAL",
            "ANONYMOUS_PRINCIPAL",
            "ANONYMOUS_PRINCIPAL",
        ),
        CredentialKind::OtherAccount,
        no_facts(),
        None,
    );
}

// ---------------------------------------------------------------- Directory, Unknown

#[test]
fn directory() {
    // Not in any public corpus: built from the field reference.
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "Directory",
            "principalId": "S-1-5-21-1111111111-2222222222-3333333333-1104",
            "arn": "arn:aws:ds:us-east-1:111122223333:directory/d-9067e0a1b2",
            "accountId": "111122223333",
            "userName": "jdoe"
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(
            PrincipalKind::Directory,
            "jdoe",
            "arn:aws:ds:us-east-1:111122223333:directory/d-9067e0a1b2",
            "111122223333",
        ),
        CredentialKind::Unknown,
        no_facts(),
        None,
    );
}

#[test]
fn unknown_with_user_name() {
    let resolved = resolve_json(&api_call(
        r#"{
            "type": "Unknown",
            "principalId": "94482488-3041-7026-18f3-be45837cd0e4",
            "accountId": "123456789012",
            "userName": "alice"
        }"#,
    ));
    assert_resolved(
        &resolved,
        principal(PrincipalKind::Unknown, "alice", "", "123456789012"),
        CredentialKind::Unknown,
        no_facts(),
        None,
    );
}

#[test]
fn unknown_falls_back_to_arn_tail_then_principal_id() {
    let by_arn = resolve_json(&api_call(
        r#"{
            "type": "Unknown",
            "principalId": "ABCDEFGHIJKLMNOP12345",
            "arn": "arn:aws:iam::123456789010:user/CloudTrailTestUser",
            "accountId": "123456789010",
            "accessKeyId": "ABCDEFGHIJKLMNOP123"
        }"#,
    ));
    assert_resolved(
        &by_arn,
        principal(
            PrincipalKind::Unknown,
            "CloudTrailTestUser",
            "arn:aws:iam::123456789010:user/CloudTrailTestUser",
            "123456789010",
        ),
        CredentialKind::Unknown,
        no_facts(),
        None,
    );
    let by_id = resolve_json(&api_call(
        r#"{"type": "Unknown", "principalId": "94482488-3041-7026-18f3-be45837cd0e4"}"#,
    ));
    assert_eq!(
        by_id.principal,
        principal(
            PrincipalKind::Unknown,
            "94482488-3041-7026-18f3-be45837cd0e4",
            "",
            "111122223333",
        )
    );
}

#[test]
fn unrecognised_type_is_unknown() {
    let resolved = resolve_json(&api_call(
        r#"{"type": "SomethingNew", "principalId": "XYZ", "accountId": "111122223333"}"#,
    ));
    assert_eq!(resolved.principal.kind, PrincipalKind::Unknown);
    assert_eq!(resolved.principal.name, "XYZ");
    assert_eq!(resolved.credential, CredentialKind::Unknown);
}

// ---------------------------------------------------------------- no userIdentity

#[test]
fn no_user_identity() {
    let resolved = resolve_json(
        r#"{
            "eventVersion": "1.08",
            "eventTime": "2024-05-01T12:00:00Z",
            "eventSource": "ec2.amazonaws.com",
            "eventName": "SharedSnapshotCopyInitiated",
            "awsRegion": "us-east-1",
            "eventType": "AwsServiceEvent",
            "recipientAccountId": "111122223333"
        }"#,
    );
    assert_resolved(
        &resolved,
        principal(PrincipalKind::None, "unknown", "", "111122223333"),
        CredentialKind::Unknown,
        no_facts(),
        None,
    );
}

#[test]
fn empty_user_identity_object_is_unknown() {
    let resolved = resolve_json(&api_call("{}"));
    assert_resolved(
        &resolved,
        principal(PrincipalKind::Unknown, "unknown", "", "111122223333"),
        CredentialKind::Unknown,
        no_facts(),
        None,
    );
}
