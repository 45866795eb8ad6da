//! Owns the case file: the events a responder starred, tagged and wrote
//! notes on, notes on principals, and the one JSON file that carries a case
//! between browsers (export, and an import that refuses what it cannot hold
//! before holding it). The report written from a case is in [`report`].
//!
//! An event is known by its CloudTrail `eventID` (the same in every delivery
//! and every export of it), or, when it has none, by the SHA-256 of its JSON:
//! so loading the same files again, in another tab or tomorrow, finds the
//! case's events again.

pub mod report;

use serde::{Deserialize, Deserializer, Serialize};

/// What the case file says it is, so a stray JSON file is told apart.
pub const CASE_FORMAT: &str = "trailglass-case";
pub const CASE_VERSION: u32 = 1;
/// A case file past this is not read.
pub const MAX_CASE_FILE_BYTES: usize = 64 << 20;
/// Events one case holds: far past what a person marks by hand, and small
/// enough that the page keeps them all.
pub const MAX_CASE_EVENTS: usize = 20_000;
pub const MAX_CASE_PRINCIPALS: usize = 20_000;
/// Characters in one note.
pub const MAX_NOTE_CHARS: usize = 100_000;
pub const MAX_TAGS: usize = 64;
pub const MAX_TAG_CHARS: usize = 100;
/// An event's JSON kept in the case (CloudTrail's own limit on a record is 256 KB).
pub const MAX_EVENT_JSON_BYTES: usize = 1 << 20;

/// A case: what was marked, in the order it was marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub title: String,
    #[serde(default, deserialize_with = "bounded_events")]
    pub events: Vec<CaseEvent>,
    #[serde(default, deserialize_with = "bounded_principals")]
    pub principals: Vec<PrincipalNote>,
}

impl Default for Case {
    fn default() -> Self {
        Self {
            format: CASE_FORMAT.to_owned(),
            version: CASE_VERSION,
            title: String::new(),
            events: Vec::new(),
            principals: Vec::new(),
        }
    }
}

/// One marked event, with enough of it to list and report it without the
/// files it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseEvent {
    /// `eventID`, or `sha256:` and the hex SHA-256 of the event's JSON.
    pub key: String,
    /// `eventTime` as the event has it.
    pub time: String,
    pub event_name: String,
    pub event_source: String,
    pub principal: String,
    pub source_ip: String,
    pub error_code: String,
    pub starred: bool,
    pub tags: Vec<String>,
    pub note: String,
    /// The event's JSON as loaded.
    pub json: String,
}

/// A note on a principal, by the name the principals table shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalNote {
    pub principal: String,
    pub note: String,
}

/// The key a case knows an event by: its `eventID`, else the SHA-256 of its JSON.
pub fn event_key(json: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Id<'a> {
        #[serde(rename = "eventID", borrow)]
        event_id: Option<std::borrow::Cow<'a, str>>,
    }
    match serde_json::from_slice::<Id>(json) {
        Ok(Id { event_id: Some(id) }) if !id.is_empty() => id.into_owned(),
        _ => format!("sha256:{}", sha256_hex(json)),
    }
}

/// The SHA-256 of `bytes` in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Tags as typed: split on commas, trimmed, empty ones and repeats dropped, bounded.
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',') {
        let tag: String = tag.trim().chars().take(MAX_TAG_CHARS).collect();
        if !tag.is_empty() && !tags.contains(&tag) && tags.len() < MAX_TAGS {
            tags.push(tag);
        }
    }
    tags
}

fn bounded(text: &str, limit: usize) -> String {
    text.chars().take(limit).collect()
}

impl Case {
    pub fn event(&self, key: &str) -> Option<&CaseEvent> {
        self.events.iter().find(|e| e.key == key)
    }

    /// Whether the case has anything in it.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.principals.is_empty()
    }

    /// The entry for `event`, added (unstarred, no note) if the case lacks it.
    /// `None` when the case is full.
    fn entry(&mut self, event: &CaseEvent) -> Option<&mut CaseEvent> {
        match self.events.iter().position(|e| e.key == event.key) {
            Some(at) => Some(&mut self.events[at]),
            None if self.events.len() < MAX_CASE_EVENTS => {
                let mut added = event.clone();
                added.starred = false;
                added.tags.clear();
                added.note.clear();
                if added.json.len() > MAX_EVENT_JSON_BYTES {
                    added.json.clear();
                }
                self.events.push(added);
                self.events.last_mut()
            }
            None => None,
        }
    }

    /// Drops entries with nothing on them (not starred, no note, no tag).
    fn prune(&mut self) {
        self.events
            .retain(|e| e.starred || !e.note.is_empty() || !e.tags.is_empty());
        self.principals.retain(|p| !p.note.is_empty());
    }

    /// Stars or unstars `event`; false when the case is full.
    pub fn set_star(&mut self, event: &CaseEvent, starred: bool) -> bool {
        let Some(entry) = self.entry(event) else {
            return false;
        };
        entry.starred = starred;
        self.prune();
        true
    }

    pub fn set_note(&mut self, event: &CaseEvent, note: &str) -> bool {
        let Some(entry) = self.entry(event) else {
            return false;
        };
        entry.note = bounded(note, MAX_NOTE_CHARS);
        self.prune();
        true
    }

    pub fn set_tags(&mut self, event: &CaseEvent, tags: &str) -> bool {
        let Some(entry) = self.entry(event) else {
            return false;
        };
        entry.tags = parse_tags(tags);
        self.prune();
        true
    }

    pub fn principal_note(&self, principal: &str) -> &str {
        self.principals
            .iter()
            .find(|p| p.principal == principal)
            .map_or("", |p| p.note.as_str())
    }

    pub fn set_principal_note(&mut self, principal: &str, note: &str) -> bool {
        let note = bounded(note, MAX_NOTE_CHARS);
        match self
            .principals
            .iter()
            .position(|p| p.principal == principal)
        {
            Some(at) => self.principals[at].note = note,
            None if self.principals.len() < MAX_CASE_PRINCIPALS => {
                self.principals.push(PrincipalNote {
                    principal: principal.to_owned(),
                    note,
                })
            }
            None => return false,
        }
        self.prune();
        true
    }

    /// The marked events in time order (then by key, so equal times keep one order).
    pub fn timeline(&self) -> Vec<&CaseEvent> {
        let mut events: Vec<&CaseEvent> = self.events.iter().collect();
        crate::sorting::sort_by(&mut events, |a, b| {
            (&a.time, &a.key).cmp(&(&b.time, &b.key))
        });
        events
    }

    /// The case as its file: pretty JSON.
    pub fn to_file(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a case file, refusing, with the reason, one that is too big, is
    /// not a case, or holds more than a case can.
    pub fn from_file(bytes: &[u8]) -> Result<Case, String> {
        if bytes.len() > MAX_CASE_FILE_BYTES {
            return Err(format!(
                "the file is {} MB; a case file is at most {} MB",
                bytes.len() >> 20,
                MAX_CASE_FILE_BYTES >> 20
            ));
        }
        let mut case: Case = serde_json::from_slice(bytes).map_err(|error| {
            format!(
                "not a Trailglass case file (line {}, column {}: {error})",
                error.line(),
                error.column()
            )
        })?;
        if case.format != CASE_FORMAT {
            return Err(format!(
                "not a Trailglass case file: its \"format\" is {:?}, not {CASE_FORMAT:?}",
                case.format
            ));
        }
        if case.version > CASE_VERSION {
            return Err(format!(
                "a case file of version {}, newer than this Trailglass reads ({CASE_VERSION})",
                case.version
            ));
        }
        case.title = bounded(&case.title, 1_000);
        for event in &mut case.events {
            event.note = bounded(&event.note, MAX_NOTE_CHARS);
            event.tags = parse_tags(&event.tags.join(","));
            if event.json.len() > MAX_EVENT_JSON_BYTES {
                event.json.clear();
            }
        }
        case.events.retain(|e| !e.key.is_empty());
        for note in &mut case.principals {
            note.note = bounded(&note.note, MAX_NOTE_CHARS);
        }
        case.prune();
        Ok(case)
    }

    /// Takes in an imported case: its events and notes join this one's; where
    /// both have a note on the same thing and they differ, both are kept.
    /// Returns how many entries could not be taken (the case was full).
    pub fn merge(&mut self, other: Case) -> usize {
        let mut refused = 0;
        let join = |mine: &mut String, theirs: &str| {
            if mine.is_empty() {
                *mine = theirs.to_owned();
            } else if !theirs.is_empty() && mine != theirs {
                *mine = bounded(&format!("{mine}\n\n{theirs}"), MAX_NOTE_CHARS);
            }
        };
        if self.title.is_empty() {
            self.title = other.title;
        }
        for event in other.events {
            match self.events.iter().position(|e| e.key == event.key) {
                Some(at) => {
                    let mine = &mut self.events[at];
                    mine.starred |= event.starred;
                    join(&mut mine.note, &event.note);
                    mine.tags = parse_tags(&[mine.tags.join(","), event.tags.join(",")].join(","));
                    if mine.json.is_empty() {
                        mine.json = event.json;
                    }
                }
                None if self.events.len() < MAX_CASE_EVENTS => self.events.push(event),
                None => refused += 1,
            }
        }
        for note in other.principals {
            match self
                .principals
                .iter()
                .position(|p| p.principal == note.principal)
            {
                Some(at) => join(&mut self.principals[at].note, &note.note),
                None if self.principals.len() < MAX_CASE_PRINCIPALS => self.principals.push(note),
                None => refused += 1,
            }
        }
        refused
    }
}

fn bounded_events<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<CaseEvent>, D::Error> {
    crate::input::bounded::list(d, MAX_CASE_EVENTS, "events", "a case holds no more")
}

fn bounded_principals<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PrincipalNote>, D::Error> {
    crate::input::bounded::list(
        d,
        MAX_CASE_PRINCIPALS,
        "principal notes",
        "a case holds no more",
    )
}

#[cfg(test)]
mod tests;
