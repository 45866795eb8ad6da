//! Owns session lineage: which event handed out the temporary credentials a
//! principal or event used, and who called it, hop by hop back to a
//! long-term identity (or to the point where the loaded logs stop).
//!
//! Built from the finished store, never during ingest: only the few
//! credential-issuing events are read back from the raw JSON, so the rows
//! stay as they are. Questions about one principal or event read that
//! principal's or event's own JSON once.

use crate::input::identity::{CredentialKind, PrincipalKind};
use crate::input::scan::value_at_path;
use crate::store::{flags, EventRow, EventStore};
use crate::time::format_utc;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

/// Events whose response hands out temporary credentials.
pub const ISSUING_EVENTS: [&str; 6] = [
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetFederationToken",
    "GetSessionToken",
    // Identity Center's portal; its response is usually redacted, but when a
    // key is there it is the session's origin.
    "GetRoleCredentials",
];

/// Role chaining deeper than this is reported as too long rather than followed.
pub const MAX_HOPS: usize = 16;
/// Distinct chains listed for one principal (the rest are counted).
const CHAINS_PER_PRINCIPAL: usize = 5;
/// Sessions of one principal followed when asked about it.
const SESSIONS_PER_PRINCIPAL: usize = 64;

/// One credential-issuing event, with what lineage needs from its JSON.
#[derive(Debug, Clone)]
struct Issue {
    row: u32,
    /// `userIdentity.accessKeyId` of the caller: the previous hop's key.
    caller_key: Option<Box<str>>,
    /// `userIdentity.arn` of the caller, for when its key is missing.
    caller_arn: Option<Box<str>>,
    /// `responseElements.assumedRoleUser.arn` or `federatedUser.arn`.
    session_arn: Option<Box<str>>,
    source_identity: Option<Box<str>>,
}

/// Credential-issuing events by the key and by the session ARN they hand out.
#[derive(Debug, Default)]
pub struct LineageIndex {
    issues: Vec<Issue>,
    by_key: FxHashMap<Box<str>, u32>,
    /// Issues per session ARN, in time order.
    by_session: FxHashMap<Box<str>, Vec<u32>>,
    /// Issuing events seen, including duplicates logged in a second account.
    pub issuing_events: usize,
}

/// The event that created a hop's session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedBy {
    /// The issuing event's row id in the store.
    pub event: u32,
    pub event_name: String,
    pub time: String,
}

/// One identity in a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The principal's id in the store; `None` for an inferred identity.
    pub principal: Option<u32>,
    pub name: String,
    pub kind: String,
    pub account: String,
    /// How this hop's session was created; `None` for the origin.
    pub issued_by: Option<IssuedBy>,
    /// Named from what the session says about itself, not matched to an event.
    pub inferred: bool,
}

/// Why a chain stops where it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainEnd {
    /// The first hop is a long-term identity (user, root, federation, service).
    Origin,
    /// The first hop's session was created by an event not in the loaded logs.
    NotInLogs,
    /// An Identity Center session without its sign-in in the logs: the
    /// person is taken from the session name.
    Inferred,
    /// The credentials loop back on themselves (hostile or broken logs).
    Cycle,
    /// More than [`MAX_HOPS`] hops.
    TooLong,
}

/// A session's lineage, origin first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub hops: Vec<Hop>,
    pub end: ChainEnd,
    /// `sourceIdentity` set on any session of the chain.
    pub source_identity: Option<String>,
    /// Sessions of the asked-about principal that share this chain.
    pub sessions: u32,
}

impl Chain {
    /// A chain that says nothing beyond the principal itself.
    fn is_trivial(&self) -> bool {
        self.hops.len() <= 1 && self.end == ChainEnd::Origin
    }

    /// Hops by identity, ignoring which session: chains equal by this are one line.
    fn signature(&self) -> Vec<(Option<u32>, &str)> {
        self.hops
            .iter()
            .map(|hop| (hop.principal, hop.name.as_str()))
            .collect()
    }
}

/// What a walk starts from: a principal and, when known, the credentials it used.
struct Start {
    principal: u32,
    key: Option<String>,
    arn: Option<String>,
    source_identity: Option<String>,
    time_ms: i64,
}

fn path(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_owned()).collect()
}

/// The string at a JSON path, unescaped; `None` when absent, empty or not a string.
fn string_at(json: &[u8], parts: &[&str]) -> Option<String> {
    let raw = value_at_path(json, &path(parts))?;
    if raw.first() != Some(&b'"') {
        return None;
    }
    serde_json::from_slice::<String>(raw)
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Long-term identities: where a chain legitimately begins.
fn is_origin_kind(kind: PrincipalKind) -> bool {
    !matches!(
        kind,
        PrincipalKind::AssumedRole | PrincipalKind::Role | PrincipalKind::FederatedUser
    )
}

impl LineageIndex {
    /// Indexes every credential-issuing event of the store.
    pub fn build(store: &EventStore) -> Self {
        let names: FxHashSet<u32> = store
            .strings
            .iter()
            .filter(|(_, value)| ISSUING_EVENTS.contains(value))
            .map(|(id, _)| id)
            .collect();
        let mut index = Self::default();
        if names.is_empty() {
            return index;
        }
        let mut reader = store.raw_reader();
        // (score, issue) per issued key: the best-informed copy wins.
        let mut best: FxHashMap<Box<str>, (u8, u32)> = FxHashMap::default();
        for (row_id, row) in store.rows.iter().enumerate() {
            if !names.contains(&row.event_name) || row.flags & flags::ERROR != 0 {
                continue;
            }
            index.issuing_events += 1;
            let json = reader.json(row);
            // Each object is found once, then searched on its own: the
            // skip-scanner walks an event from its start for every path.
            let response = value_at_path(json, &path(&["responseElements"])).unwrap_or_default();
            let caller = value_at_path(json, &path(&["userIdentity"])).unwrap_or_default();
            let issued_key = string_at(response, &["credentials", "accessKeyId"]);
            let session_arn = string_at(response, &["assumedRoleUser", "arn"])
                .or_else(|| string_at(response, &["federatedUser", "arn"]));
            if issued_key.is_none() && session_arn.is_none() {
                continue;
            }
            let issue = Issue {
                row: row_id as u32,
                caller_key: string_at(caller, &["accessKeyId"]).map(Into::into),
                caller_arn: string_at(caller, &["arn"]).map(Into::into),
                session_arn: session_arn.map(Into::into),
                source_identity: string_at(response, &["sourceIdentity"])
                    .or_else(|| string_at(json, &["requestParameters", "sourceIdentity"]))
                    .map(Into::into),
            };
            let at = index.issues.len() as u32;
            let score = issue_score(store, row, &issue);
            index.issues.push(issue);
            match issued_key {
                Some(key) => {
                    let entry = best.entry(key.into()).or_insert((score, at));
                    if score > entry.0 {
                        *entry = (score, at);
                    }
                }
                // No key to match duplicates on: indexed by its session only.
                None => index.add_session(at),
            }
        }
        let mut kept: Vec<(Box<str>, u32)> = best.into_iter().map(|(k, (_, at))| (k, at)).collect();
        kept.sort_unstable_by_key(|(_, at)| *at);
        for (key, at) in kept {
            index.by_key.insert(key, at);
            index.add_session(at);
        }
        for issues in index.by_session.values_mut() {
            let rows = &index.issues;
            crate::sorting::sort_by_key(issues, |&at| {
                store.rows[rows[at as usize].row as usize].time_ms
            });
        }
        index
    }

    fn add_session(&mut self, at: u32) {
        if let Some(arn) = &self.issues[at as usize].session_arn {
            self.by_session.entry(arn.clone()).or_default().push(at);
        }
    }

    /// Distinct access keys handed out (a key logged in two accounts counts once).
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    /// The issue that handed out `key`, else the latest one for the session
    /// ARN at or before `time_ms`.
    fn issue_for(
        &self,
        store: &EventStore,
        key: Option<&str>,
        arn: Option<&str>,
        time_ms: i64,
    ) -> Option<u32> {
        if let Some(&at) = key.and_then(|k| self.by_key.get(k)) {
            return Some(at);
        }
        let candidates = self.by_session.get(arn?)?;
        candidates
            .iter()
            .rev()
            .find(|&&at| store.rows[self.issues[at as usize].row as usize].time_ms <= time_ms)
            .copied()
    }

    /// The lineage of the session one event was made with; `None` when the
    /// event's principal is itself a long-term identity.
    pub fn for_event(&self, store: &EventStore, event: u32) -> Option<Chain> {
        let row = store.rows.get(event as usize)?;
        let start = start_from(row, &store.raw_json(row));
        let first = self.issue_for(
            store,
            start.key.as_deref(),
            start.arn.as_deref(),
            start.time_ms,
        );
        let chain = self.walk(store, &start, first);
        (!chain.is_trivial()).then_some(chain)
    }

    /// The lineage of a principal's sessions, one chain per distinct path,
    /// most sessions first; empty when the principal is a long-term identity
    /// used directly.
    pub fn for_principal(&self, store: &EventStore, principal: u32) -> Vec<Chain> {
        // Its first and last events name its credentials; every issue of
        // its session ARN adds the sessions that event does not show.
        let of_principal = |row: &&EventRow| row.principal == principal;
        let first = store.rows.iter().find(of_principal);
        let last = store.rows.iter().rev().find(of_principal);
        let mut starts = Vec::new();
        let mut firsts = Vec::new();
        for row in first.into_iter().chain(last) {
            let start = start_from(row, &store.raw_json(row));
            let issue = self.issue_for(
                store,
                start.key.as_deref(),
                start.arn.as_deref(),
                start.time_ms,
            );
            if let Some(arn) = start.arn.as_deref() {
                if let Some(sessions) = self.by_session.get(arn) {
                    firsts.extend(sessions.iter().rev().take(SESSIONS_PER_PRINCIPAL).copied());
                }
            }
            firsts.push(issue.unwrap_or(u32::MAX));
            starts.push(start);
        }
        let Some(start) = starts.pop() else {
            return Vec::new();
        };
        let mut seen_issues = FxHashSet::default();
        let mut chains: Vec<Chain> = Vec::new();
        for first in firsts {
            if !seen_issues.insert(first) {
                continue;
            }
            let chain = self.walk(store, &start, (first != u32::MAX).then_some(first));
            if chain.is_trivial() {
                continue;
            }
            match chains
                .iter_mut()
                .find(|c| c.signature() == chain.signature())
            {
                Some(same) => same.sessions += 1,
                None => chains.push(chain),
            }
        }
        // A matched chain makes an unmatched view of the same principal noise.
        if chains.iter().any(|c| c.end == ChainEnd::Origin) {
            chains.retain(|c| c.end != ChainEnd::NotInLogs || c.hops.len() > 1);
        }
        crate::sorting::sort_by_key(&mut chains, |c| std::cmp::Reverse(c.sessions));
        chains.truncate(CHAINS_PER_PRINCIPAL);
        chains
    }

    /// Follows issuing events from `start` back to an origin.
    fn walk(&self, store: &EventStore, start: &Start, first: Option<u32>) -> Chain {
        let mut hops = Vec::new();
        let mut visited = FxHashSet::default();
        let mut source_identity = start.source_identity.clone();
        let mut current = start.principal;
        let mut issue = first;
        let end = loop {
            if hops.len() >= MAX_HOPS {
                break ChainEnd::TooLong;
            }
            let Some(at) = issue else {
                hops.push(hop(store, current, None));
                break self.end_at(store, current, &mut hops);
            };
            if !visited.insert(at) {
                hops.push(hop(store, current, None));
                break ChainEnd::Cycle;
            }
            let found = &self.issues[at as usize];
            let issuing_row = &store.rows[found.row as usize];
            hops.push(hop(store, current, Some(found.row)));
            if source_identity.is_none() {
                source_identity = found.source_identity.as_deref().map(str::to_owned);
            }
            current = issuing_row.principal;
            issue = self.issue_for(
                store,
                found.caller_key.as_deref(),
                found
                    .caller_arn
                    .as_deref()
                    .filter(|arn| is_session_arn(arn)),
                issuing_row.time_ms,
            );
        };
        hops.reverse();
        Chain {
            hops,
            end,
            source_identity,
            sessions: 1,
        }
    }

    /// How a chain ends at `principal`, whose session has no issuing event here.
    fn end_at(&self, store: &EventStore, principal: u32, hops: &mut Vec<Hop>) -> ChainEnd {
        let entry = &store.principals[principal as usize];
        if is_origin_kind(entry.principal.kind) {
            return ChainEnd::Origin;
        }
        if entry.credential == CredentialKind::IdentityCenter {
            if let Some(person) = identity_center_person(&entry.principal.name) {
                hops.push(Hop {
                    principal: None,
                    name: person.to_owned(),
                    kind: "Identity Center user (from the session name)".to_owned(),
                    account: String::new(),
                    issued_by: None,
                    inferred: true,
                });
                return ChainEnd::Inferred;
            }
        }
        ChainEnd::NotInLogs
    }
}

/// Role and federated sessions: the ARNs an issuing event's response names.
fn is_session_arn(arn: &str) -> bool {
    arn.contains(":assumed-role/") || arn.contains(":federated-user/")
}

/// The person of `erin@example.com (AdministratorAccess via Identity Center)`.
fn identity_center_person(name: &str) -> Option<&str> {
    name.strip_suffix(" via Identity Center)")
        .and_then(|rest| rest.rsplit_once(" ("))
        .map(|(person, _)| person)
        .filter(|person| !person.is_empty())
}

/// Prefers the copy of an issuing event that names its caller fully and
/// was logged in the caller's own account (a cross-account AssumeRole is
/// logged in both accounts, sometimes with less identity in the second).
fn issue_score(store: &EventStore, row: &EventRow, issue: &Issue) -> u8 {
    let caller = &store.principals[row.principal as usize].principal;
    let named = !matches!(
        caller.kind,
        PrincipalKind::AwsAccount | PrincipalKind::Unknown | PrincipalKind::None
    );
    u8::from(issue.caller_key.is_some()) * 2
        + u8::from(named) * 2
        + u8::from(store.strings.get(row.account) == caller.account)
}

fn start_from(row: &EventRow, json: &[u8]) -> Start {
    Start {
        principal: row.principal,
        key: string_at(json, &["userIdentity", "accessKeyId"]),
        arn: string_at(json, &["userIdentity", "arn"]).filter(|arn| is_session_arn(arn)),
        source_identity: string_at(json, &["userIdentity", "sessionContext", "sourceIdentity"]),
        // An event without a time may have used any session of its ARN.
        time_ms: if row.time_ms == i64::MIN {
            i64::MAX
        } else {
            row.time_ms
        },
    }
}

fn hop(store: &EventStore, principal: u32, issued_by: Option<u32>) -> Hop {
    let entry = &store.principals[principal as usize].principal;
    Hop {
        principal: Some(principal),
        name: entry.name.clone(),
        kind: entry.kind.label().to_owned(),
        account: entry.account.clone(),
        issued_by: issued_by.map(|event| {
            let row = &store.rows[event as usize];
            IssuedBy {
                event,
                event_name: store.strings.get(row.event_name).to_owned(),
                time: if row.time_ms == i64::MIN {
                    String::new()
                } else {
                    format_utc(row.time_ms)
                },
            }
        }),
        inferred: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_center_person_comes_from_the_session_name() {
        assert_eq!(
            identity_center_person("erin@example.com (AdministratorAccess via Identity Center)"),
            Some("erin@example.com")
        );
        assert_eq!(identity_center_person("DevOps/alice"), None);
        assert_eq!(identity_center_person(" (X via Identity Center)"), None);
    }

    #[test]
    fn strings_are_read_unescaped_and_empty_ones_are_absent() {
        let json = br#"{"userIdentity": {"accessKeyId": "ASIA\u0041B", "arn": "", "n": 3}}"#;
        assert_eq!(
            string_at(json, &["userIdentity", "accessKeyId"]).as_deref(),
            Some("ASIAAB")
        );
        assert_eq!(string_at(json, &["userIdentity", "arn"]), None);
        assert_eq!(string_at(json, &["userIdentity", "n"]), None);
    }
}
