//! Owns the quick path of decoding one record: a hand-written walk of the
//! object that fills [`EventRecord`] straight from the text, for the common
//! case, and gives up (`None`) on anything it is not sure serde_json would
//! read the same way. The caller then decodes the record with serde_json,
//! whose result and errors stay the reference: a record read here is always
//! exactly the record serde_json reads (tested on every fixture and on
//! generated variations, `tests` below and `tests/eventscan.rs`).
//!
//! It is quicker because the text was checked to be UTF-8 once for the
//! whole file (so no string is validated again), strings are scanned eight
//! bytes at a time on every target (serde_json scans a `usize` at a time,
//! four bytes on wasm32), and keys are matched without building a string.
//!
//! Given up on, left to serde_json: any escape in a key of the record or of
//! its identity objects, a number or a list or object where a text field is
//! expected, a field given twice, strings holding control characters,
//! anything that is not JSON, nesting past [`MAX_DEPTH`].

use crate::input::record::{
    EventRecord, OnBehalfOf, RawJson, SessionAttributes, SessionContext, SessionIssuer, Text,
    UserIdentity,
};
use std::borrow::Cow;

/// Containers nested deeper than this are left to serde_json (whose own
/// limit is 128).
const MAX_DEPTH: u32 = 100;

/// Decodes the object opening at `open` (a `{`) in `text`; returns the record
/// and the offset just past its closing brace, or `None` to leave it to serde_json.
pub fn event_at(text: &str, open: usize) -> Option<(EventRecord<'_>, usize)> {
    let mut walk = Walk {
        text,
        bytes: text.as_bytes(),
        at: open,
        depth: 0,
        kinds_exact: true,
    };
    let mut record = walk.event()?;
    record.kinds_exact = walk.kinds_exact;
    record.quick = true;
    Some((record, walk.at))
}

/// A key as its length and its first and last eight bytes (zero-padded):
/// equal codes are equal keys up to 16 bytes, longer keys are compared in
/// full once their code matches. Matching codes is a few integer compares,
/// where matching slices calls `memcmp` (a byte loop on wasm32).
type KeyCode = (usize, u64, u64);

const fn key_code(key: &[u8]) -> KeyCode {
    let len = key.len();
    let (mut first, mut last) = ([0u8; 8], [0u8; 8]);
    let mut i = 0;
    while i < 8 && i < len {
        first[i] = key[i];
        if len >= 8 {
            last[i] = key[len - 8 + i];
        }
        i += 1;
    }
    (len, u64::from_le_bytes(first), u64::from_le_bytes(last))
}

/// [`key_code`] at run time, without the byte loop.
fn code_of(key: &[u8]) -> KeyCode {
    let len = key.len();
    match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
        (Some(first), Some(last)) => (len, u64::from_le_bytes(*first), u64::from_le_bytes(*last)),
        _ => {
            let mut first = [0u8; 8];
            first[..len].copy_from_slice(key);
            (len, u64::from_le_bytes(first), 0)
        }
    }
}

macro_rules! keys {
    ($($name:ident = $key:literal,)*) => {
        $(const $name: KeyCode = key_code($key);)*
        #[cfg(test)]
        const ALL_KEYS: &[&[u8]] = &[$($key),*];
    };
}

keys! {
    EVENT_VERSION = b"eventVersion",
    USER_IDENTITY = b"userIdentity",
    EVENT_TIME = b"eventTime",
    EVENT_SOURCE = b"eventSource",
    EVENT_NAME = b"eventName",
    AWS_REGION = b"awsRegion",
    SOURCE_IPADDRESS = b"sourceIPAddress",
    USER_AGENT = b"userAgent",
    ERROR_CODE = b"errorCode",
    ERROR_MESSAGE = b"errorMessage",
    EVENT_ID = b"eventID",
    EVENT_TYPE = b"eventType",
    RECIPIENT_ACCOUNT_ID = b"recipientAccountId",
    READ_ONLY = b"readOnly",
    MANAGEMENT_EVENT = b"managementEvent",
    SESSION_CREDENTIAL_FROM_CONSOLE = b"sessionCredentialFromConsole",
    AT_TIMESTAMP = b"@timestamp",
    ADDITIONAL_EVENT_DATA = b"additionalEventData",
    RESPONSE_ELEMENTS = b"responseElements",
    DETAIL_TYPE = b"detail-type",
    DETAIL = b"detail",
    CLOUD_TRAIL_EVENT = b"CloudTrailEvent",
    RECORDS = b"Records",
    EVENTS = b"Events",
    LOG_FILES = b"logFiles",
    S3 = b"s3",
    TYPE = b"type",
    PRINCIPAL_ID = b"principalId",
    ARN = b"arn",
    ACCOUNT_ID = b"accountId",
    ACCESS_KEY_ID = b"accessKeyId",
    USER_NAME = b"userName",
    INVOKED_BY = b"invokedBy",
    IDENTITY_PROVIDER = b"identityProvider",
    CREDENTIAL_ID = b"credentialId",
    SESSION_CONTEXT = b"sessionContext",
    ON_BEHALF_OF = b"onBehalfOf",
    SESSION_ISSUER = b"sessionIssuer",
    ATTRIBUTES = b"attributes",
    SOURCE_IDENTITY = b"sourceIdentity",
    MFA_AUTHENTICATED = b"mfaAuthenticated",
    CREATION_DATE = b"creationDate",
    USER_ID = b"userId",
    IDENTITY_STORE_ARN = b"identityStoreArn",
}

/// Whether `key` is, but for case, one of the fields the store keeps as
/// columns (or whose presence it keeps).
fn folds_to_column(key: &[u8]) -> bool {
    const FIELDS: [&[u8]; 8] = [
        b"eventName",
        b"eventSource",
        b"awsRegion",
        b"recipientAccountId",
        b"sourceIPAddress",
        b"userAgent",
        b"errorCode",
        b"errorMessage",
    ];
    matches!(key.len(), 9 | 11 | 12 | 15 | 18)
        && FIELDS.iter().any(|field| field.eq_ignore_ascii_case(key))
}

struct Walk<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: u32,
    /// Cleared when `userIdentity.type`, `eventType` or the session
    /// issuer's `type` is not absent or a non-empty string, or a key could
    /// stand in for one of them (see [`EventRecord::kinds_exact`]).
    kinds_exact: bool,
}

/// Marks a field as read; `None` when it was read before (serde_json's
/// "duplicate field" error).
fn first_time(seen: &mut u32, field: u32) -> Option<()> {
    let bit = 1 << field;
    (*seen & bit == 0).then(|| *seen |= bit)
}

const ONES: u64 = u64::MAX / 255;
const HIGH: u64 = ONES << 7;

impl<'t> Walk<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// From just inside a string to its closing quote (not consumed): the
    /// offset of the quote and whether a backslash was seen. `None` on a
    /// control character, a bad escape or the end of the text.
    fn string_end(&mut self) -> Option<bool> {
        let mut escaped = false;
        loop {
            // Eight bytes at a time: stop at a quote, a backslash or a control character.
            while let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
                let word = u64::from_le_bytes(chunk.try_into().ok()?);
                let quote = word ^ (ONES * u64::from(b'"'));
                let backslash = word ^ (ONES * u64::from(b'\\'));
                let found = (quote.wrapping_sub(ONES) & !quote)
                    | (backslash.wrapping_sub(ONES) & !backslash)
                    | (word.wrapping_sub(ONES * 0x20) & !word);
                let found = found & HIGH;
                if found != 0 {
                    self.at += (found.trailing_zeros() / 8) as usize;
                    break;
                }
                self.at += 8;
            }
            match self.peek()? {
                b'"' => return Some(escaped),
                b'\\' => {
                    escaped = true;
                    match self.bytes.get(self.at + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 2,
                        b'u' => {
                            let hex = self.bytes.get(self.at + 2..self.at + 6)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.at += 6;
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// A key without escapes, then the colon; the cursor is left on the value.
    fn key(&mut self) -> Option<&'t [u8]> {
        self.eat(b'"')?;
        let start = self.at;
        if self.string_end()? {
            return None;
        }
        let key = &self.bytes[start..self.at];
        self.at += 1;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(key)
    }

    /// Walks the members of the object at the cursor, handing each key to
    /// `member`, which must consume the value.
    fn members(&mut self, mut member: impl FnMut(&mut Self, &'t [u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        if self.eat(b'}').is_some() {
            self.depth -= 1;
            return Some(());
        }
        loop {
            let key = self.key()?;
            member(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.ws();
                }
                b'}' => {
                    self.at += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Skips any JSON value, checking it as strictly as serde_json does.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.string_end()?;
                self.at += 1;
            }
            b'{' => self.members(|walk, _| walk.skip())?,
            b'[' => {
                self.at += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                self.ws();
                if self.eat(b']').is_none() {
                    loop {
                        self.skip()?;
                        self.ws();
                        match self.peek()? {
                            b',' => {
                                self.at += 1;
                                self.ws();
                            }
                            b']' => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                self.depth -= 1;
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return None,
        }
        Some(())
    }

    /// JSON's number grammar, as serde_json checks it.
    fn number(&mut self) -> Option<()> {
        self.eat(b'-');
        match self.peek()? {
            b'0' => {
                self.at += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return None;
                }
            }
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }

    /// A field read by `loose_text`: strings (escapes decoded by
    /// serde_json), booleans and `null`; anything else is given up on.
    fn text_field(&mut self) -> Option<Text<'t>> {
        match self.peek()? {
            b'"' => {
                let open = self.at;
                self.at += 1;
                let escaped = self.string_end()?;
                let value = &self.text[open + 1..self.at];
                self.at += 1;
                if escaped {
                    let decoded: String = serde_json::from_str(&self.text[open..self.at]).ok()?;
                    Some(Some(Cow::Owned(decoded)))
                } else {
                    Some(Some(Cow::Borrowed(value)))
                }
            }
            b't' => self.literal(b"true").map(|()| Some(Cow::Borrowed("true"))),
            b'f' => self
                .literal(b"false")
                .map(|()| Some(Cow::Borrowed("false"))),
            b'n' => self.literal(b"null").map(|()| None),
            _ => None,
        }
    }

    /// A field read by `loose_bool`.
    fn bool_field(&mut self) -> Option<Option<bool>> {
        Some(match self.text_field()?.as_deref() {
            Some(text) if text.eq_ignore_ascii_case("true") => Some(true),
            Some(text) if text.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        })
    }

    /// An `Option<RawJson>` field: `null` is `None`, any other value its text.
    fn raw_field(&mut self) -> Option<Option<RawJson<'t>>> {
        if self.peek()? == b'n' {
            return self.literal(b"null").map(|()| None);
        }
        let start = self.at;
        self.skip()?;
        Some(Some(RawJson(&self.text[start..self.at])))
    }

    /// An `Option<IgnoredAny>` field.
    fn ignored_field(&mut self) -> Option<Option<serde::de::IgnoredAny>> {
        if self.peek()? == b'n' {
            return self.literal(b"null").map(|()| None);
        }
        self.skip().map(|()| Some(serde::de::IgnoredAny))
    }

    /// An optional nested object: `null` is `None`; anything but an object
    /// is given up on (serde_json would read a list as the fields in order).
    fn nested<T>(&mut self, object: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'{' => object(self).map(Some),
            _ => None,
        }
    }

    fn event(&mut self) -> Option<EventRecord<'t>> {
        let mut record = EventRecord::default();
        let mut seen = 0;
        let mut exact = true;
        self.members(|walk, key| {
            let r = &mut record;
            match code_of(key) {
                EVENT_VERSION => {
                    first_time(&mut seen, 0)?;
                    r.event_version = walk.text_field()?;
                }
                USER_IDENTITY => {
                    first_time(&mut seen, 1)?;
                    r.user_identity = walk.nested(Self::user_identity)?;
                }
                EVENT_TIME => {
                    first_time(&mut seen, 2)?;
                    r.event_time = walk.text_field()?;
                }
                EVENT_SOURCE => {
                    first_time(&mut seen, 3)?;
                    r.event_source = walk.column_field(&mut exact)?;
                }
                EVENT_NAME => {
                    first_time(&mut seen, 4)?;
                    r.event_name = walk.column_field(&mut exact)?;
                }
                AWS_REGION => {
                    first_time(&mut seen, 5)?;
                    r.aws_region = walk.column_field(&mut exact)?;
                }
                SOURCE_IPADDRESS => {
                    first_time(&mut seen, 6)?;
                    r.source_ip_address = walk.column_field(&mut exact)?;
                }
                USER_AGENT => {
                    first_time(&mut seen, 7)?;
                    r.user_agent = walk.column_field(&mut exact)?;
                }
                ERROR_CODE => {
                    first_time(&mut seen, 8)?;
                    r.error_code = walk.column_field(&mut exact)?;
                }
                EVENT_ID => {
                    first_time(&mut seen, 9)?;
                    r.event_id = walk.text_field()?;
                }
                EVENT_TYPE => {
                    first_time(&mut seen, 10)?;
                    r.event_type = walk.kind_field()?;
                }
                RECIPIENT_ACCOUNT_ID if key == b"recipientAccountId" => {
                    first_time(&mut seen, 11)?;
                    r.recipient_account_id = walk.column_field(&mut exact)?;
                }
                READ_ONLY => {
                    first_time(&mut seen, 12)?;
                    r.read_only = walk.bool_field()?;
                }
                MANAGEMENT_EVENT => {
                    first_time(&mut seen, 13)?;
                    r.management_event = walk.bool_field()?;
                }
                SESSION_CREDENTIAL_FROM_CONSOLE if key == b"sessionCredentialFromConsole" => {
                    first_time(&mut seen, 14)?;
                    r.session_credential_from_console = walk.bool_field()?;
                }
                AT_TIMESTAMP => {
                    first_time(&mut seen, 15)?;
                    r.logstash_timestamp = walk.text_field()?;
                }
                ADDITIONAL_EVENT_DATA if key == b"additionalEventData" => {
                    first_time(&mut seen, 16)?;
                    r.additional_event_data = walk.raw_field()?;
                }
                RESPONSE_ELEMENTS => {
                    first_time(&mut seen, 17)?;
                    r.response_elements = walk.raw_field()?;
                }
                DETAIL_TYPE => {
                    first_time(&mut seen, 18)?;
                    r.detail_type = walk.text_field()?;
                }
                DETAIL => {
                    first_time(&mut seen, 19)?;
                    r.detail = walk.raw_field()?;
                }
                CLOUD_TRAIL_EVENT => {
                    first_time(&mut seen, 20)?;
                    r.cloud_trail_event = walk.text_field()?;
                }
                RECORDS => {
                    first_time(&mut seen, 21)?;
                    r.records = walk.raw_field()?;
                }
                EVENTS => {
                    first_time(&mut seen, 22)?;
                    r.events = walk.raw_field()?;
                }
                LOG_FILES => {
                    first_time(&mut seen, 23)?;
                    r.log_files = walk.ignored_field()?;
                }
                S3 => {
                    first_time(&mut seen, 24)?;
                    r.s3 = walk.ignored_field()?;
                }
                ERROR_MESSAGE => {
                    r.has_error_message = true;
                    walk.skip()?;
                }
                _ => {
                    // A rule's field finds a key in another case when the
                    // exact one is absent, and a dotted path a key with dots
                    // (see `sigma::matcher::Event::values`).
                    if folds_to_column(key) {
                        exact = false;
                    }
                    walk.stands_in(key, &[b"userIdentity", b"eventType"]);
                    walk.skip()?
                }
            }
            Some(())
        })?;
        record.columns_exact = exact;
        Some(record)
    }

    /// One of the fields the store keeps as a code (see
    /// `store::kinds`): clears `kinds_exact` unless it is a non-empty string.
    fn kind_field(&mut self) -> Option<Text<'t>> {
        let mut exact = true;
        let value = self.column_field(&mut exact)?;
        self.kinds_exact &= exact;
        Some(value)
    }

    /// Clears `kinds_exact` when `key`, an unknown key beside one of
    /// `fields`, could be read in its place: the same but for case, or a
    /// key with dots (a dotted path tries those when the path is absent).
    fn stands_in(&mut self, key: &[u8], fields: &[&[u8]]) {
        if key.contains(&b'.') || fields.iter().any(|field| field.eq_ignore_ascii_case(key)) {
            self.kinds_exact = false;
        }
    }

    /// A field the store keeps as a column: `exact` is cleared unless it is
    /// a non-empty string, so that an empty column means the key is absent
    /// (see `store::flags::COLUMNS_EXACT`).
    fn column_field(&mut self, exact: &mut bool) -> Option<Text<'t>> {
        let string = self.peek()? == b'"';
        let value = self.text_field()?;
        if !string || value.as_deref().is_none_or(str::is_empty) {
            *exact = false;
        }
        Some(value)
    }

    fn user_identity(&mut self) -> Option<UserIdentity<'t>> {
        let mut identity = UserIdentity::default();
        let mut seen = 0;
        self.members(|walk, key| {
            let i = &mut identity;
            match code_of(key) {
                TYPE => {
                    first_time(&mut seen, 0)?;
                    i.identity_type = walk.kind_field()?;
                }
                PRINCIPAL_ID => {
                    first_time(&mut seen, 1)?;
                    i.principal_id = walk.text_field()?;
                }
                ARN => {
                    first_time(&mut seen, 2)?;
                    i.arn = walk.text_field()?;
                }
                ACCOUNT_ID => {
                    first_time(&mut seen, 3)?;
                    i.account_id = walk.text_field()?;
                }
                ACCESS_KEY_ID => {
                    first_time(&mut seen, 4)?;
                    i.access_key_id = walk.text_field()?;
                }
                USER_NAME => {
                    first_time(&mut seen, 5)?;
                    i.user_name = walk.text_field()?;
                }
                INVOKED_BY => {
                    first_time(&mut seen, 6)?;
                    i.invoked_by = walk.text_field()?;
                }
                IDENTITY_PROVIDER => {
                    first_time(&mut seen, 7)?;
                    i.identity_provider = walk.text_field()?;
                }
                CREDENTIAL_ID => {
                    first_time(&mut seen, 8)?;
                    i.credential_id = walk.text_field()?;
                }
                SESSION_CONTEXT => {
                    first_time(&mut seen, 9)?;
                    i.session_context = walk.nested(Self::session_context)?;
                }
                ON_BEHALF_OF => {
                    first_time(&mut seen, 10)?;
                    i.on_behalf_of = walk.nested(Self::on_behalf_of)?;
                }
                _ => {
                    walk.stands_in(key, &[b"type", b"sessionContext"]);
                    walk.skip()?
                }
            }
            Some(())
        })?;
        Some(identity)
    }

    fn session_context(&mut self) -> Option<SessionContext<'t>> {
        let mut context = SessionContext::default();
        let mut seen = 0;
        self.members(|walk, key| {
            let c = &mut context;
            match code_of(key) {
                SESSION_ISSUER => {
                    first_time(&mut seen, 0)?;
                    c.session_issuer = walk.nested(Self::session_issuer)?;
                }
                ATTRIBUTES => {
                    first_time(&mut seen, 1)?;
                    c.attributes = walk.nested(Self::session_attributes)?;
                }
                SOURCE_IDENTITY => {
                    first_time(&mut seen, 2)?;
                    c.source_identity = walk.text_field()?;
                }
                _ => {
                    walk.stands_in(key, &[b"sessionIssuer"]);
                    walk.skip()?
                }
            }
            Some(())
        })?;
        Some(context)
    }

    fn session_issuer(&mut self) -> Option<SessionIssuer<'t>> {
        let mut issuer = SessionIssuer::default();
        let mut seen = 0;
        self.members(|walk, key| {
            let i = &mut issuer;
            match code_of(key) {
                TYPE => {
                    first_time(&mut seen, 0)?;
                    i.issuer_type = walk.kind_field()?;
                }
                PRINCIPAL_ID => {
                    first_time(&mut seen, 1)?;
                    i.principal_id = walk.text_field()?;
                }
                ARN => {
                    first_time(&mut seen, 2)?;
                    i.arn = walk.text_field()?;
                }
                ACCOUNT_ID => {
                    first_time(&mut seen, 3)?;
                    i.account_id = walk.text_field()?;
                }
                USER_NAME => {
                    first_time(&mut seen, 4)?;
                    i.user_name = walk.text_field()?;
                }
                _ => {
                    walk.stands_in(key, &[b"type"]);
                    walk.skip()?
                }
            }
            Some(())
        })?;
        Some(issuer)
    }

    fn session_attributes(&mut self) -> Option<SessionAttributes<'t>> {
        let mut attributes = SessionAttributes::default();
        let mut seen = 0;
        self.members(|walk, key| {
            let a = &mut attributes;
            match code_of(key) {
                MFA_AUTHENTICATED => {
                    first_time(&mut seen, 0)?;
                    a.mfa_authenticated = walk.bool_field()?;
                }
                CREATION_DATE => {
                    first_time(&mut seen, 1)?;
                    a.creation_date = walk.text_field()?;
                }
                _ => walk.skip()?,
            }
            Some(())
        })?;
        Some(attributes)
    }

    fn on_behalf_of(&mut self) -> Option<OnBehalfOf<'t>> {
        let mut on_behalf = OnBehalfOf::default();
        let mut seen = 0;
        self.members(|walk, key| {
            let o = &mut on_behalf;
            match code_of(key) {
                USER_ID => {
                    first_time(&mut seen, 0)?;
                    o.user_id = walk.text_field()?;
                }
                IDENTITY_STORE_ARN => {
                    first_time(&mut seen, 1)?;
                    o.identity_store_arn = walk.text_field()?;
                }
                _ => walk.skip()?,
            }
            Some(())
        })?;
        Some(on_behalf)
    }
}

/// Whether the quick path agrees with serde_json on the object at `open`
/// (a `{` of `text`): it either gives up, or reads the record serde_json
/// reads, ending at the same place. For tests and the fuzz target.
#[doc(hidden)]
pub fn agrees_with_serde(text: &str, open: usize) -> bool {
    quick_reading(text, open).is_none_or(|quick| Some(quick) == serde_reading(text, open))
}

/// What the quick path makes of the record at `open`, as [`serde_reading`]
/// reports it: what only the quick path knows (whether the columns are
/// exact, and so on) is left out.
fn quick_reading(text: &str, open: usize) -> Option<(String, usize)> {
    let (mut record, end) = event_at(text, open)?;
    record.columns_exact = false;
    record.has_error_message = false;
    record.kinds_exact = false;
    record.quick = false;
    Some((format!("{record:?}"), end))
}

/// What the quick reader marks on the event whose JSON is `raw` (columns
/// exact, an `errorMessage` key, codes exact); all false where it gives up.
pub fn quick_marks(raw: &[u8]) -> (bool, bool, bool) {
    std::str::from_utf8(raw)
        .ok()
        .and_then(|text| event_at(text, text.find('{')?))
        .map_or((false, false, false), |(record, _)| {
            (
                record.columns_exact,
                record.has_error_message,
                record.kinds_exact,
            )
        })
}

/// What serde_json makes of the record at `open`, as the quick path would
/// report it: the record's `Debug` text and where it ends.
fn serde_reading(text: &str, open: usize) -> Option<(String, usize)> {
    let mut stream =
        serde_json::Deserializer::from_str(&text[open..]).into_iter::<EventRecord<'_>>();
    match stream.next() {
        Some(Ok(record)) => Some((format!("{record:?}"), open + stream.byte_offset())),
        _ => None,
    }
}

/// Checks the quick path against serde_json on one record: when the quick
/// path reads it, serde_json must read the same record ending at the same
/// place. Returns whether the quick path read it.
#[cfg(test)]
fn check_against_serde(text: &str, open: usize) -> bool {
    let Some(quick) = quick_reading(text, open) else {
        return false;
    };
    assert_eq!(
        Some(quick),
        serde_reading(text, open),
        "the quick path and serde_json disagree on {:?}",
        &text[open..text.len().min(open + 400)]
    );
    true
}

#[cfg(test)]
mod tests;
