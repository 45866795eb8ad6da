//! Owns "who did it": resolving a record's `userIdentity` into one principal
//! and the credential facts a responder asks about (DESIGN.md section 4).

use crate::record::{EventRecord, UserIdentity};
use serde::Serialize;

/// The kind of actor, one per CloudTrail `userIdentity.type` (plus the two
/// cases CloudTrail leaves implicit: service-only records and no identity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum PrincipalKind {
    Root,
    IamUser,
    AssumedRole,
    Role,
    FederatedUser,
    IdentityCenterUser,
    SamlUser,
    WebIdentityUser,
    AwsService,
    AwsAccount,
    Directory,
    Unknown,
    /// The record has no `userIdentity` at all.
    None,
}

impl PrincipalKind {
    pub const ALL: [PrincipalKind; 13] = [
        Self::Root,
        Self::IamUser,
        Self::AssumedRole,
        Self::Role,
        Self::FederatedUser,
        Self::IdentityCenterUser,
        Self::SamlUser,
        Self::WebIdentityUser,
        Self::AwsService,
        Self::AwsAccount,
        Self::Directory,
        Self::Unknown,
        Self::None,
    ];

    /// The `userIdentity.type` spelling (`none` when there was no identity).
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Root => "Root",
            Self::IamUser => "IAMUser",
            Self::AssumedRole => "AssumedRole",
            Self::Role => "Role",
            Self::FederatedUser => "FederatedUser",
            Self::IdentityCenterUser => "IdentityCenterUser",
            Self::SamlUser => "SAMLUser",
            Self::WebIdentityUser => "WebIdentityUser",
            Self::AwsService => "AWSService",
            Self::AwsAccount => "AWSAccount",
            Self::Directory => "Directory",
            Self::Unknown => "Unknown",
            Self::None => "none",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Root => "Root",
            Self::IamUser => "IAM user",
            Self::AssumedRole => "Role session",
            Self::Role => "Role",
            Self::FederatedUser => "Federated user",
            Self::IdentityCenterUser => "Identity Center user",
            Self::SamlUser => "SAML user",
            Self::WebIdentityUser => "Web identity user",
            Self::AwsService => "AWS service",
            Self::AwsAccount => "AWS account",
            Self::Directory => "Directory",
            Self::Unknown => "Unknown",
            Self::None => "No identity",
        }
    }

    fn from_type(type_name: &str) -> Self {
        match type_name {
            "Root" => Self::Root,
            "IAMUser" => Self::IamUser,
            "AssumedRole" => Self::AssumedRole,
            "Role" => Self::Role,
            "FederatedUser" => Self::FederatedUser,
            "IdentityCenterUser" => Self::IdentityCenterUser,
            "SAMLUser" => Self::SamlUser,
            "WebIdentityUser" => Self::WebIdentityUser,
            "AWSService" => Self::AwsService,
            "AWSAccount" => Self::AwsAccount,
            "Directory" => Self::Directory,
            _ => Self::Unknown,
        }
    }
}

/// How the caller was authenticated, as far as the record tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CredentialKind {
    RootCredentials,
    /// An `AKIA…` access key: an IAM user's long-term key.
    LongTermKey,
    /// An `ASIA…` key or a role/federation session.
    Temporary,
    IdentityCenter,
    Federation,
    AwsService,
    Unknown,
}

/// One principal: the unit of the per-principal breakdown. Equal principals
/// intern to the same id in the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// The name shown to people: user name, `Role/session`, service, e-mail…
    pub name: String,
    /// What this principal is grouped under: a role ARN for sessions, the
    /// issuer, provider, identity store or account.
    pub group: String,
    pub account: String,
}

/// Credential facts of one event (they vary per event for one principal).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CredentialFacts {
    pub root: bool,
    pub long_term_key: bool,
    pub temporary: bool,
    pub mfa: bool,
    pub console: bool,
    pub invoked_by_service: bool,
    pub identity_center: bool,
}

impl CredentialFacts {
    pub const ROOT: u16 = 1;
    pub const LONG_TERM_KEY: u16 = 1 << 1;
    pub const TEMPORARY: u16 = 1 << 2;
    pub const MFA: u16 = 1 << 3;
    pub const CONSOLE: u16 = 1 << 4;
    pub const INVOKED_BY_SERVICE: u16 = 1 << 5;
    pub const IDENTITY_CENTER: u16 = 1 << 6;

    pub fn bits(self) -> u16 {
        [
            (self.root, Self::ROOT),
            (self.long_term_key, Self::LONG_TERM_KEY),
            (self.temporary, Self::TEMPORARY),
            (self.mfa, Self::MFA),
            (self.console, Self::CONSOLE),
            (self.invoked_by_service, Self::INVOKED_BY_SERVICE),
            (self.identity_center, Self::IDENTITY_CENTER),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit)
    }
}

/// The resolved identity of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedIdentity {
    pub principal: Principal,
    pub credential: CredentialKind,
    pub facts: CredentialFacts,
    /// The AWS service that acted for the principal, when any.
    pub invoked_by: Option<String>,
}

const IDENTITY_CENTER_ROLE_PREFIX: &str = "AWSReservedSSO_";

fn arn_tail(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

fn text<'b>(value: &'b Option<std::borrow::Cow<'_, str>>) -> Option<&'b str> {
    value.as_deref().filter(|s| !s.is_empty())
}

/// Resolves the principal and credential facts of one record.
pub fn resolve(record: &EventRecord<'_>) -> ResolvedIdentity {
    let Some(identity) = record.user_identity.as_ref() else {
        return ResolvedIdentity {
            principal: Principal {
                kind: PrincipalKind::None,
                name: "unknown".into(),
                group: String::new(),
                account: text(&record.recipient_account_id)
                    .unwrap_or_default()
                    .into(),
            },
            credential: CredentialKind::Unknown,
            facts: CredentialFacts::default(),
            invoked_by: None,
        };
    };
    let invoked_by = text(&identity.invoked_by).map(str::to_owned);
    let kind = match text(&identity.identity_type) {
        Some(type_name) => PrincipalKind::from_type(type_name),
        None if invoked_by.is_some() => PrincipalKind::AwsService,
        None => PrincipalKind::Unknown,
    };
    let account = text(&identity.account_id)
        .or_else(|| text(&record.recipient_account_id))
        .unwrap_or_default()
        .to_owned();
    let (name, group, credential) = name_and_group(kind, identity, record, &account);

    let key = text(&identity.access_key_id).unwrap_or_default();
    let attributes = identity
        .session_context
        .as_ref()
        .and_then(|c| c.attributes.as_ref());
    let additional = record.additional();
    let identity_center = kind == PrincipalKind::IdentityCenterUser
        || identity.on_behalf_of.is_some()
        || group.contains(IDENTITY_CENTER_ROLE_PREFIX);
    let facts = CredentialFacts {
        root: kind == PrincipalKind::Root,
        long_term_key: key.starts_with("AKIA"),
        temporary: key.starts_with("ASIA")
            || matches!(
                kind,
                PrincipalKind::AssumedRole | PrincipalKind::Role | PrincipalKind::FederatedUser
            ),
        mfa: attributes.and_then(|a| a.mfa_authenticated) == Some(true)
            || text(&additional.mfa_used) == Some("Yes"),
        console: record.session_credential_from_console == Some(true)
            || text(&record.event_type) == Some("AwsConsoleSignIn"),
        invoked_by_service: invoked_by.is_some(),
        identity_center,
    };
    ResolvedIdentity {
        principal: Principal {
            kind,
            name,
            group,
            account,
        },
        credential,
        facts,
        invoked_by,
    }
}

fn name_and_group(
    kind: PrincipalKind,
    identity: &UserIdentity<'_>,
    record: &EventRecord<'_>,
    account: &str,
) -> (String, String, CredentialKind) {
    let arn = text(&identity.arn);
    let user_name = text(&identity.user_name);
    let principal_id = text(&identity.principal_id);
    let issuer = identity
        .session_context
        .as_ref()
        .and_then(|c| c.session_issuer.as_ref());
    let issuer_name = issuer.and_then(|i| text(&i.user_name));
    let issuer_arn = issuer.and_then(|i| text(&i.arn));
    let best_effort = || {
        user_name
            .or(arn.map(arn_tail))
            .or(principal_id)
            .unwrap_or("unknown")
            .to_owned()
    };
    match kind {
        PrincipalKind::Root => {
            let name =
                user_name.map_or_else(|| "root".to_owned(), |alias| format!("root ({alias})"));
            (name, account.to_owned(), CredentialKind::RootCredentials)
        }
        PrincipalKind::IamUser => {
            let credential = match text(&identity.access_key_id) {
                Some(key) if key.starts_with("ASIA") => CredentialKind::Temporary,
                Some(key) if key.starts_with("AKIA") => CredentialKind::LongTermKey,
                _ => CredentialKind::Unknown,
            };
            (
                best_effort(),
                arn.unwrap_or_default().to_owned(),
                credential,
            )
        }
        PrincipalKind::AssumedRole => {
            // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
            let mut parts = arn
                .and_then(|a| a.split_once(":assumed-role/"))
                .map(|(_, rest)| rest.splitn(2, '/'))
                .into_iter()
                .flatten();
            let arn_role = parts.next();
            let session = parts
                .next()
                .or_else(|| principal_id.and_then(|p| p.split_once(':')).map(|(_, s)| s));
            let role = issuer_name.or(arn_role).unwrap_or("unknown-role");
            let group = issuer_arn.map_or_else(
                || format!("arn:aws:iam::{account}:role/{role}"),
                str::to_owned,
            );
            let credential = if role.starts_with(IDENTITY_CENTER_ROLE_PREFIX) {
                CredentialKind::IdentityCenter
            } else {
                CredentialKind::Temporary
            };
            let name = session.map_or_else(|| role.to_owned(), |session| format!("{role}/{session}"));
            (name, group, credential)
        }
        PrincipalKind::Role => (
            best_effort(),
            arn.unwrap_or_default().to_owned(),
            CredentialKind::Temporary,
        ),
        PrincipalKind::FederatedUser => {
            let name = arn
                .and_then(|a| a.split_once(":federated-user/"))
                .map(|(_, n)| n)
                .or(principal_id.and_then(|p| p.split_once(':')).map(|(_, n)| n))
                .or(user_name)
                .unwrap_or("unknown");
            let group = issuer_arn.or(issuer_name).unwrap_or(account).to_owned();
            (name.to_owned(), group, CredentialKind::Temporary)
        }
        PrincipalKind::IdentityCenterUser => {
            let on_behalf = identity.on_behalf_of.as_ref();
            let additional = record.additional();
            let name = text(&additional.user_name)
                .or(on_behalf.and_then(|o| text(&o.user_id)))
                .or(user_name)
                .or(principal_id)
                .unwrap_or("unknown")
                .to_owned();
            let store = on_behalf
                .and_then(|o| text(&o.identity_store_arn))
                .unwrap_or(account)
                .to_owned();
            (name, store, CredentialKind::IdentityCenter)
        }
        PrincipalKind::SamlUser | PrincipalKind::WebIdentityUser => {
            let provider = text(&identity.identity_provider).unwrap_or("unknown-provider");
            let who = user_name.or(principal_id).unwrap_or("unknown");
            (
                format!("{who} @ {provider}"),
                provider.to_owned(),
                CredentialKind::Federation,
            )
        }
        PrincipalKind::AwsService => {
            let service = text(&identity.invoked_by)
                .or(principal_id)
                .unwrap_or("unknown-service");
            (
                service.to_owned(),
                service.to_owned(),
                CredentialKind::AwsService,
            )
        }
        PrincipalKind::AwsAccount => {
            let name = match principal_id {
                Some(id) if id != account => format!("{account} ({id})"),
                _ => account.to_owned(),
            };
            (name, account.to_owned(), CredentialKind::Unknown)
        }
        PrincipalKind::Directory | PrincipalKind::Unknown | PrincipalKind::None => (
            best_effort(),
            arn.unwrap_or_default().to_owned(),
            CredentialKind::Unknown,
        ),
    }
}
