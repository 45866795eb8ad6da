//! Owns "who did it": resolving a record's `userIdentity` into one principal
//! and the credential facts a responder asks about (DESIGN.md section 4).

use crate::input::record::{EventRecord, UserIdentity};
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
    /// An `AWSAccount` caller: another account (or `ANONYMOUS_PRINCIPAL`).
    /// Appended last so the `u8` codes of the other kinds stay stable.
    OtherAccount,
}

impl CredentialKind {
    pub const ALL: [CredentialKind; 8] = [
        Self::RootCredentials,
        Self::LongTermKey,
        Self::Temporary,
        Self::IdentityCenter,
        Self::Federation,
        Self::AwsService,
        Self::Unknown,
        Self::OtherAccount,
    ];

    /// The kind stored as `self as u8`.
    pub fn from_code(code: u8) -> Self {
        Self::ALL
            .get(code as usize)
            .copied()
            .unwrap_or(Self::Unknown)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::RootCredentials => "root credentials",
            Self::LongTermKey => "long-term access key",
            Self::Temporary => "temporary credentials",
            Self::IdentityCenter => "IAM Identity Center",
            Self::Federation => "federation",
            Self::AwsService => "AWS service",
            Self::Unknown => "unknown",
            Self::OtherAccount => "another account",
        }
    }
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
    /// Labels of the facts set in `bits`, for people.
    pub fn labels(bits: u16) -> Vec<&'static str> {
        [
            (Self::ROOT, "root"),
            (Self::LONG_TERM_KEY, "long-term key (AKIA)"),
            (Self::TEMPORARY, "temporary (ASIA / session)"),
            (Self::MFA, "MFA"),
            (Self::CONSOLE, "console"),
            (Self::INVOKED_BY_SERVICE, "invoked by an AWS service"),
            (
                Self::IDENTITY_CENTER,
                "on behalf of an Identity Center user",
            ),
        ]
        .into_iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, label)| label)
        .collect()
    }

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
    arn.rsplit(['/', ':']).next().unwrap_or(arn).trim()
}

/// The ARN partition for ARNs built when the record carries none: taken from
/// any ARN in the identity, else from the region (`cn-*`, `us-gov-*`).
fn partition<'r>(identity: &'r UserIdentity<'_>, record: &EventRecord<'_>) -> &'r str {
    let from_arn = text(&identity.arn)
        .or_else(|| {
            identity
                .session_context
                .as_ref()
                .and_then(|c| c.session_issuer.as_ref())
                .and_then(|i| text(&i.arn))
        })
        .and_then(|arn| arn.strip_prefix("arn:"))
        .and_then(|rest| rest.split(':').next())
        .map(str::trim)
        .filter(|p| p.starts_with("aws"));
    match (from_arn, text(&record.aws_region)) {
        (Some(p), _) => p,
        (None, Some(region)) if region.starts_with("cn-") => "aws-cn",
        (None, Some(region)) if region.starts_with("us-gov-") => "aws-us-gov",
        _ => "aws",
    }
}

fn is_identity_center_role(role: &str) -> bool {
    role.starts_with(IDENTITY_CENTER_ROLE_PREFIX)
}

fn text<'b>(value: &'b Option<std::borrow::Cow<'_, str>>) -> Option<&'b str> {
    value.as_deref().filter(|s| !s.is_empty())
}

/// Resolves the principal and credential facts of one record.
pub fn resolve(record: &EventRecord<'_>) -> ResolvedIdentity {
    let (principal, credential) = resolve_principal(record);
    let facts = credential_facts(record, principal.kind, credential);
    ResolvedIdentity {
        principal,
        credential,
        facts,
        invoked_by: record
            .user_identity
            .as_ref()
            .and_then(|identity| text(&identity.invoked_by))
            .map(str::to_owned),
    }
}

fn kind_of(identity: &UserIdentity<'_>) -> PrincipalKind {
    match text(&identity.identity_type) {
        Some(type_name) => PrincipalKind::from_type(type_name),
        None if text(&identity.invoked_by).is_some() => PrincipalKind::AwsService,
        None => PrincipalKind::Unknown,
    }
}

/// Who acted, and with which kind of credential: the part of `resolve` that
/// is the same for every event of one principal (so it can be cached under
/// [`principal_fingerprint`]).
pub fn resolve_principal(record: &EventRecord<'_>) -> (Principal, CredentialKind) {
    let Some(identity) = record.user_identity.as_ref() else {
        let principal = Principal {
            kind: PrincipalKind::None,
            name: "unknown".into(),
            group: String::new(),
            account: text(&record.recipient_account_id)
                .unwrap_or_default()
                .into(),
        };
        return (principal, CredentialKind::Unknown);
    };
    let kind = kind_of(identity);
    let account = text(&identity.account_id)
        .or_else(|| text(&record.recipient_account_id))
        .unwrap_or_default()
        .to_owned();
    let (name, group, credential) = name_and_group(kind, identity, record, &account);
    let principal = Principal {
        kind,
        name,
        group,
        account,
    };
    (principal, credential)
}

/// A hash of every field [`resolve_principal`] reads: records with equal
/// fingerprints resolve to the same principal and credential kind.
pub fn principal_fingerprint(record: &EventRecord<'_>) -> u128 {
    let mut fingerprint = crate::input::fingerprint::Fingerprint::default();
    let mut put = |value: Option<&str>| {
        fingerprint.field(value);
    };
    put(text(&record.recipient_account_id));
    put(text(&record.aws_region));
    if let Some(identity) = record.user_identity.as_ref() {
        put(Some("identity"));
        put(text(&identity.identity_type));
        put(text(&identity.arn));
        put(text(&identity.user_name));
        put(text(&identity.principal_id));
        put(text(&identity.account_id));
        put(text(&identity.invoked_by));
        put(text(&identity.identity_provider));
        // The key's prefix (AKIA/ASIA) decides the credential kind; cut on a
        // character boundary, since keys in hostile logs need not be ASCII.
        put(text(&identity.access_key_id)
            .map(|key| key.char_indices().nth(4).map_or(key, |(at, _)| &key[..at])));
        let issuer = identity
            .session_context
            .as_ref()
            .and_then(|c| c.session_issuer.as_ref());
        put(issuer.and_then(|i| text(&i.user_name)));
        put(issuer.and_then(|i| text(&i.arn)));
        let on_behalf = identity.on_behalf_of.as_ref();
        put(on_behalf.and_then(|o| text(&o.user_id)));
        put(on_behalf.and_then(|o| text(&o.identity_store_arn)));
        if kind_of(identity) == PrincipalKind::IdentityCenterUser {
            put(text(&record.additional().user_name));
        }
    }
    fingerprint.finish()
}

/// The credential facts of one event (they vary between events of one principal).
pub fn credential_facts(
    record: &EventRecord<'_>,
    kind: PrincipalKind,
    credential: CredentialKind,
) -> CredentialFacts {
    let Some(identity) = record.user_identity.as_ref() else {
        return CredentialFacts::default();
    };
    let key = text(&identity.access_key_id).unwrap_or_default();
    let attributes = identity
        .session_context
        .as_ref()
        .and_then(|c| c.attributes.as_ref());
    // Decoding additionalEventData costs a parse: only when it can say something.
    let mfa_used = record
        .additional_event_data
        .filter(|raw| raw.get().contains("MFAUsed"))
        .is_some_and(|_| {
            text(&record.additional().mfa_used).is_some_and(|used| used.eq_ignore_ascii_case("yes"))
        });
    let on_behalf_of_user = identity
        .on_behalf_of
        .as_ref()
        .is_some_and(|o| text(&o.user_id).is_some() || text(&o.identity_store_arn).is_some());
    CredentialFacts {
        root: kind == PrincipalKind::Root,
        long_term_key: key.starts_with("AKIA"),
        temporary: key.starts_with("ASIA")
            || matches!(
                kind,
                PrincipalKind::AssumedRole | PrincipalKind::Role | PrincipalKind::FederatedUser
            ),
        // The docs print both "Yes" and "YES" for ConsoleLogin.
        mfa: attributes.and_then(|a| a.mfa_authenticated) == Some(true) || mfa_used,
        console: record.session_credential_from_console == Some(true)
            || text(&record.event_type) == Some("AwsConsoleSignIn"),
        invoked_by_service: text(&identity.invoked_by).is_some(),
        identity_center: kind == PrincipalKind::IdentityCenterUser
            || credential == CredentialKind::IdentityCenter
            || on_behalf_of_user,
    }
}

/// `AdministratorAccess` for `AWSReservedSSO_AdministratorAccess_0123456789abcdef`.
pub fn identity_center_permission_set(role: &str) -> Option<&str> {
    let rest = role.strip_prefix(IDENTITY_CENTER_ROLE_PREFIX)?;
    Some(match rest.rsplit_once('_') {
        Some((set, suffix)) if !set.is_empty() && suffix.chars().all(|c| c.is_ascii_hexdigit()) => {
            set
        }
        _ => rest,
    })
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
            // `root` plus the account, by its alias when `userName` carries one.
            let name = match (user_name, account) {
                (Some(alias), _) => format!("root ({alias})"),
                (None, "") => "root".to_owned(),
                (None, account) => format!("root ({account})"),
            };
            (name, account.to_owned(), CredentialKind::RootCredentials)
        }
        PrincipalKind::IamUser => {
            let credential = match text(&identity.access_key_id) {
                Some(key) if key.starts_with("ASIA") => CredentialKind::Temporary,
                Some(key) if key.starts_with("AKIA") => CredentialKind::LongTermKey,
                _ => CredentialKind::Unknown,
            };
            let name = best_effort();
            // Console sign-in events often omit `arn`: rebuild it so the same
            // user does not split into two principals.
            let group = arn.map_or_else(
                || {
                    format!(
                        "arn:{}:iam::{account}:user/{name}",
                        partition(identity, record)
                    )
                },
                str::to_owned,
            );
            (name, group, credential)
        }
        PrincipalKind::AssumedRole => {
            // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (documentation
            // examples drop or space out the colons, so match loosely).
            let mut parts = arn
                .and_then(|a| a.split_once("assumed-role/"))
                .map(|(_, rest)| rest.splitn(2, '/'))
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|part| !part.is_empty());
            let arn_role = parts.next();
            let session = parts.next().or_else(|| {
                principal_id
                    .and_then(|p| p.split_once(':'))
                    .map(|(_, s)| s.trim())
                    .filter(|s| !s.is_empty())
            });
            let role = issuer_name.or(arn_role).unwrap_or("unknown-role");
            let group = issuer_arn.map_or_else(
                || {
                    format!(
                        "arn:{}:iam::{account}:role/{role}",
                        partition(identity, record)
                    )
                },
                str::to_owned,
            );
            let credential = if is_identity_center_role(role) {
                CredentialKind::IdentityCenter
            } else {
                CredentialKind::Temporary
            };
            let name = match (session, identity_center_permission_set(role)) {
                // An Identity Center session's name is the person: lead with it.
                (Some(person), Some(permission_set)) => {
                    format!("{person} ({permission_set} via Identity Center)")
                }
                (Some(session), None) => format!("{role}/{session}"),
                (None, _) => role.to_owned(),
            };
            (name, group, credential)
        }
        PrincipalKind::Role => {
            let name = best_effort();
            let group = arn.map_or_else(
                || {
                    format!(
                        "arn:{}:iam::{account}:role/{name}",
                        partition(identity, record)
                    )
                },
                str::to_owned,
            );
            let credential = if is_identity_center_role(&name) {
                CredentialKind::IdentityCenter
            } else {
                CredentialKind::Temporary
            };
            (name, group, credential)
        }
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
            let who = text(&additional.user_name)
                .or(on_behalf.and_then(|o| text(&o.user_id)))
                .or(user_name)
                .or(principal_id)
                .unwrap_or("unknown");
            let store_arn = on_behalf.and_then(|o| text(&o.identity_store_arn));
            // `USER @ d-1234567890`: the store id is the ARN's last part.
            let name = store_arn.map_or_else(
                || who.to_owned(),
                |store| format!("{who} @ {}", arn_tail(store)),
            );
            let store = store_arn.unwrap_or(account).to_owned();
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
            (name, account.to_owned(), CredentialKind::OtherAccount)
        }
        PrincipalKind::Directory | PrincipalKind::Unknown | PrincipalKind::None => (
            best_effort(),
            arn.unwrap_or_default().to_owned(),
            CredentialKind::Unknown,
        ),
    }
}
