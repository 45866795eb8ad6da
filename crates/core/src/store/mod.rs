//! Owns the event store: one fixed-size row of interned ids per event, the
//! string tables behind those ids, the principals, and each event's raw JSON.
//! It knows nothing of files or formats; `ingest` feeds it.
//!
//! Its parts: [`columns`], the registry that says once what each column is
//! and where it shows; [`rawstore`], the compressed raw JSON blocks;
//! [`segment`], a parser's store as bytes for another worker; [`partition`],
//! raw JSON kept by other workers that answer for it.

pub mod columns;
pub mod partition;
pub mod rawstore;
pub mod segment;

use crate::input::identity::{CredentialFacts, CredentialKind, Principal, PrincipalKind};
use crate::input::record::EventRecord;
use crate::store::rawstore::{RawRef, RawStore};
use crate::time::{parse_rfc3339, EpochMs};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Interned strings: id 0 is always the empty string (field absent).
#[derive(Debug)]
pub struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    values: Vec<Box<str>>,
    /// Kept as values are added: asked for after every file.
    bytes: usize,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Self {
            ids: FxHashMap::default(),
            values: Vec::new(),
            bytes: 0,
        };
        interner.intern("");
        interner
    }
}

impl Interner {
    pub fn intern(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = u32::try_from(self.values.len()).expect("fewer than 4 billion distinct values");
        self.values.push(value.into());
        self.ids.insert(value.into(), id);
        // Both copies, plus map and vector slots.
        self.bytes += value.len() * 2 + 48;
        id
    }

    pub fn get(&self, id: u32) -> &str {
        &self.values[id as usize]
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.len() <= 1
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as u32, &**v))
    }

    fn heap_bytes(&self) -> usize {
        self.bytes
    }
}

/// `userIdentity.type`, `eventType` and the session issuer's `type` as
/// codes in one byte of the row: each field's code is 0 when absent, the
/// position + 1 of its value among the usual spellings, or all ones when it
/// is something else (or not known exactly): then only the JSON can say.
pub mod kinds {
    /// The fields, in the order of their codes in the byte.
    pub const FIELDS: [&str; 3] = [
        "userIdentity.type",
        "eventType",
        "userIdentity.sessionContext.sessionIssuer.type",
    ];
    const VALUES: [&[&str]; 3] = [
        &[
            "Root",
            "IAMUser",
            "AssumedRole",
            "AWSService",
            "FederatedUser",
            "IdentityCenterUser",
        ],
        &[
            "AwsApiCall",
            "AwsServiceEvent",
            "AwsConsoleSignIn",
            "AwsConsoleAction",
            "AwsVpceEvent",
            "AwsCloudTrailInsight",
        ],
        &["Role", "IAMUser"],
    ];
    const SHIFT: [u8; 3] = [0, 3, 6];
    const WIDTH: [u8; 3] = [3, 3, 2];
    /// Nothing known exactly.
    pub const UNKNOWN: u8 = 0xff;

    fn mask(field: usize) -> u8 {
        ((1u16 << WIDTH[field]) - 1) as u8
    }

    /// The byte for these values (each absent, or a non-empty string).
    pub fn encode(values: [Option<&str>; 3]) -> u8 {
        let mut byte = 0;
        for (field, value) in values.into_iter().enumerate() {
            let code = match value {
                None => 0,
                Some(text) => VALUES[field]
                    .iter()
                    .position(|known| *known == text)
                    .map_or(mask(field), |at| at as u8 + 1),
            };
            byte |= code << SHIFT[field];
        }
        byte
    }

    /// Field `field`'s value: `Some(None)` when absent, `None` when the
    /// byte does not know it.
    pub fn decode(byte: u8, field: usize) -> Option<Option<&'static str>> {
        let code = (byte >> SHIFT[field]) & mask(field);
        match code {
            0 => Some(None),
            code if code == mask(field) => None,
            code => VALUES[field].get(code as usize - 1).map(|v| Some(*v)),
        }
    }
}

/// Per-event flags packed into the row.
pub mod flags {
    pub const READ_ONLY: u16 = 1 << 7;
    pub const ERROR: u16 = 1 << 8;
    pub const ACCESS_DENIED: u16 = 1 << 9;
    pub const MANAGEMENT: u16 = 1 << 10;
    pub const NO_TIME: u16 = 1 << 11;
    /// `readOnly` was present (so a clear READ_ONLY bit means "false", not "unknown").
    pub const READ_ONLY_KNOWN: u16 = 1 << 12;
    /// The string columns that are JSON fields (all but the principal) are
    /// exactly the event's: an empty one means the key is absent. Rules
    /// that read only those fields run on the row, not the JSON.
    pub const COLUMNS_EXACT: u16 = 1 << 13;
    /// With `COLUMNS_EXACT`: the event has an `errorMessage` key (rules
    /// test its presence far more often than its value).
    pub const HAS_ERROR_MESSAGE: u16 = 1 << 14;
}

/// One event: small integers only. Its size is asserted below, because it
/// is multiplied by millions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct EventRow {
    /// Milliseconds since the epoch; `i64::MIN` when the record had no usable time.
    pub time_ms: EpochMs,
    /// Where the raw JSON is in the raw store: block, offset, length.
    pub raw_block: u32,
    pub raw_offset: u32,
    pub raw_len: u32,
    pub principal: u32,
    pub event_name: u32,
    pub event_source: u32,
    pub region: u32,
    pub account: u32,
    pub source_ip: u32,
    pub user_agent: u32,
    pub error_code: u32,
    /// `CredentialFacts` bits (0..=6) and `flags`.
    pub flags: u16,
    pub credential: u8,
    /// See [`kinds`].
    pub kinds: u8,
}

/// A loop over rows that reads one column's ids, written once and compiled
/// once per column: see [`StringField::with_getter`] and
/// `columns::Ids::with_getter`.
pub trait RowLoop {
    type Output;
    fn run(self, id_of: impl Fn(&EventRow) -> u32) -> Self::Output;
}

/// Declares the row's string columns once: the [`StringField`] names, and
/// the lists of their ids that the segment codec, the merge and the loops
/// over rows read. A new string column is its field in [`EventRow`] and one
/// line here.
macro_rules! string_fields {
    ($($variant:ident => $field:ident,)*) => {
        /// A string column of [`EventRow`], by name: what the column registry
        /// points at.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum StringField {
            $($variant,)*
        }

        impl StringField {
            /// The row's id for this field.
            #[inline]
            pub fn of(self, row: &EventRow) -> u32 {
                match self {
                    $(Self::$variant => row.$field,)*
                }
            }

            /// Runs `loop_over` with this field's getter as a closure of its
            /// own type, so a loop over millions of rows reads the field
            /// directly (a `match` per row is a jump through a table, which
            /// measured 2-3 times slower).
            #[inline]
            pub fn with_getter<L: RowLoop>(self, loop_over: L) -> L::Output {
                match self {
                    $(Self::$variant => loop_over.run(|row| row.$field),)*
                }
            }
        }

        impl EventRow {
            /// The ids this row holds into the store's strings.
            pub fn string_ids(&self) -> [u32; [$(stringify!($field)),*].len()] {
                [$(self.$field),*]
            }

            /// The same ids, to change in place (a merge maps them to its
            /// store's strings; a segment reads them back).
            pub fn string_ids_mut(&mut self) -> [&mut u32; [$(stringify!($field)),*].len()] {
                [$(&mut self.$field),*]
            }
        }
    };
}

string_fields! {
    EventName => event_name,
    EventSource => event_source,
    Region => region,
    Account => account,
    SourceIp => source_ip,
    UserAgent => user_agent,
    ErrorCode => error_code,
}

pub const EVENT_ROW_BYTES: usize = 56;
const _: () = assert!(std::mem::size_of::<EventRow>() == EVENT_ROW_BYTES);

/// Who acted in one event, resolved: the principal's id in this store, how
/// it authenticated, and the event's credential facts.
#[derive(Debug, Clone, Copy)]
pub struct Who {
    pub principal: u32,
    pub credential: CredentialKind,
    pub facts: CredentialFacts,
}

/// The per-principal facts that do not vary per event.
#[derive(Debug, Clone)]
pub struct PrincipalEntry {
    pub principal: Principal,
    pub credential: CredentialKind,
}

/// Every loaded event, queryable without touching the raw JSON.
#[derive(Debug, Default)]
pub struct EventStore {
    pub rows: Vec<EventRow>,
    pub strings: Interner,
    pub principals: Vec<PrincipalEntry>,
    principal_ids: FxHashMap<Principal, u32>,
    raw: RawStore,
}

impl EventStore {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Appends one event whose identity the caller resolved (see [`EventStore::principal_id`]).
    pub fn push(&mut self, record: &EventRecord<'_>, who: Who, raw: &[u8]) {
        let Who {
            principal,
            credential,
            facts,
        } = who;
        let parsed_time = record.time_text().and_then(parse_rfc3339);
        let error_code = record.error_code.as_deref().unwrap_or_default();
        let mut row_flags = facts.bits();
        if parsed_time.is_none() {
            row_flags |= flags::NO_TIME;
        }
        if let Some(read_only) = record.read_only {
            row_flags |= flags::READ_ONLY_KNOWN;
            if read_only {
                row_flags |= flags::READ_ONLY;
            }
        }
        if record.management_event != Some(false) {
            row_flags |= flags::MANAGEMENT;
        }
        if !error_code.is_empty() || is_failed_console_login(record) {
            row_flags |= flags::ERROR;
        }
        if is_access_denied(error_code) {
            row_flags |= flags::ACCESS_DENIED;
        }
        let (columns_exact, has_error_message, kinds_exact) = if record.quick {
            (
                record.columns_exact,
                record.has_error_message,
                record.kinds_exact,
            )
        } else {
            crate::input::eventscan::quick_marks(raw)
        };
        if columns_exact {
            row_flags |= flags::COLUMNS_EXACT;
            if has_error_message {
                row_flags |= flags::HAS_ERROR_MESSAGE;
            }
        }
        let raw_ref = self.raw.push(raw);
        let strings = &mut self.strings;
        let mut intern = |value: &Option<std::borrow::Cow<'_, str>>| {
            strings.intern(value.as_deref().unwrap_or_default())
        };
        let row = EventRow {
            time_ms: parsed_time.unwrap_or(i64::MIN),
            raw_block: raw_ref.block,
            raw_offset: raw_ref.offset,
            raw_len: raw_ref.len,
            principal,
            event_name: intern(&record.event_name),
            event_source: intern(&record.event_source),
            region: intern(&record.aws_region),
            account: intern(&record.recipient_account_id),
            source_ip: intern(&record.source_ip_address),
            user_agent: intern(&record.user_agent),
            error_code: intern(&record.error_code),
            flags: row_flags,
            credential: credential as u8,
            kinds: if columns_exact && kinds_exact {
                let identity = record.user_identity.as_ref();
                let issuer = identity
                    .and_then(|i| i.session_context.as_ref())
                    .and_then(|c| c.session_issuer.as_ref());
                kinds::encode([
                    identity.and_then(|i| i.identity_type.as_deref()),
                    record.event_type.as_deref(),
                    issuer.and_then(|i| i.issuer_type.as_deref()),
                ])
            } else {
                kinds::UNKNOWN
            },
        };
        self.rows.push(row);
    }

    /// The id of a principal, interning it on first sight.
    pub fn principal_id(&mut self, principal: Principal, credential: CredentialKind) -> u32 {
        if let Some(&id) = self.principal_ids.get(&principal) {
            return id;
        }
        let id = self.principals.len() as u32;
        self.principal_ids.insert(principal.clone(), id);
        self.principals.push(PrincipalEntry {
            principal,
            credential,
        });
        id
    }

    /// The raw JSON of an event, as it was in the input.
    pub fn raw_json(&self, row: &EventRow) -> Cow<'_, [u8]> {
        self.raw.get(RawRef {
            block: row.raw_block,
            offset: row.raw_offset,
            len: row.raw_len,
        })
    }

    /// Reads many events' JSON in any order, keeping the last few inflated
    /// blocks: exports in time order touch blocks in near load order.
    pub fn raw_reader(&self) -> RawReader<'_> {
        RawReader {
            store: self,
            cache: Vec::new(),
        }
    }

    /// A whole block of raw JSON (events are contiguous in it), for scans.
    pub fn raw_block(&self, block: u32) -> Cow<'_, [u8]> {
        self.raw.block(block)
    }

    /// Takes the store apart for a segment: rows, strings, principals and
    /// sealed raw blocks (the open block is sealed first).
    pub fn into_parts(mut self) -> StoreParts {
        self.raw.seal();
        StoreParts {
            rows: self.rows,
            strings: self.strings.values.into_iter().map(String::from).collect(),
            principals: self.principals,
            blocks: self.raw.into_sealed(),
        }
    }

    /// Keeps full raw blocks uncompressed until [`EventStore::into_parts`]
    /// (a parser's batch: its detection rules read events back first).
    pub fn defer_compression(&mut self) {
        self.raw.defer_compression();
    }

    /// The raw JSON's blocks, for blocks that live in another worker (see
    /// [`crate::store::rawstore::Away`]).
    pub fn raw_store(&self) -> &RawStore {
        &self.raw
    }

    pub fn raw_store_mut(&mut self) -> &mut RawStore {
        &mut self.raw
    }

    /// Appends a raw block sealed elsewhere; returns its index in this store.
    pub fn append_raw_block(&mut self, compressed: Box<[u8]>, len: usize) -> u32 {
        self.raw.append_sealed(compressed, len)
    }

    /// Compresses the last, partly filled block of raw JSON, and gives back
    /// the rows' spare capacity (a merged load grows the vector in steps
    /// that can leave up to half of it unused).
    pub fn seal(&mut self) {
        self.raw.seal();
        self.rows.shrink_to_fit();
    }

    /// Earliest and latest event time, ignoring events without one.
    pub fn time_span(&self) -> Option<(EpochMs, EpochMs)> {
        self.rows
            .iter()
            .filter(|r| r.time_ms != i64::MIN)
            .fold(None, |span, r| match span {
                None => Some((r.time_ms, r.time_ms)),
                Some((lo, hi)) => Some((lo.min(r.time_ms), hi.max(r.time_ms))),
            })
    }

    /// Bytes held to answer queries and show any event.
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity() * EVENT_ROW_BYTES
            + self.raw.heap_bytes()
            + self.strings.heap_bytes()
            + self.principals.len() * 2 * std::mem::size_of::<Principal>()
    }

    pub fn principal_kind(&self, row: &EventRow) -> PrincipalKind {
        self.principals[row.principal as usize].principal.kind
    }
}

/// A store taken apart (see [`EventStore::into_parts`]): row ids point into
/// `strings`, `principals` and `blocks` by index.
#[derive(Debug, Default)]
pub struct StoreParts {
    pub rows: Vec<EventRow>,
    pub strings: Vec<String>,
    pub principals: Vec<PrincipalEntry>,
    pub blocks: Vec<(Box<[u8]>, usize)>,
}

/// See [`EventStore::raw_reader`].
pub struct RawReader<'s> {
    store: &'s EventStore,
    /// Most recently used last.
    cache: Vec<(u32, Cow<'s, [u8]>)>,
}

impl RawReader<'_> {
    const BLOCKS_KEPT: usize = 8;

    /// The raw JSON of one event.
    pub fn json(&mut self, row: &EventRow) -> &[u8] {
        let at = match self
            .cache
            .iter()
            .position(|(block, _)| *block == row.raw_block)
        {
            Some(at) => at,
            None => {
                if self.cache.len() == Self::BLOCKS_KEPT {
                    self.cache.remove(0);
                }
                self.cache
                    .push((row.raw_block, self.store.raw.block(row.raw_block)));
                self.cache.len() - 1
            }
        };
        let entry = self.cache.remove(at);
        self.cache.push(entry);
        let block = &self.cache.last().expect("just pushed").1;
        event_bytes(block, row)
    }
}

/// One event's JSON within its inflated block: empty where the block is
/// damaged (see [`crate::store::rawstore::RawStore::block`]).
pub fn event_bytes<'b>(block: &'b [u8], row: &EventRow) -> &'b [u8] {
    let start = row.raw_offset as usize;
    block
        .get(start..start.saturating_add(row.raw_len as usize))
        .unwrap_or_default()
}

/// AccessDenied in all its spellings across services.
pub fn is_access_denied(error_code: &str) -> bool {
    error_code.contains("AccessDenied")
        || error_code.contains("UnauthorizedOperation")
        || error_code.contains("Unauthorized")
        || error_code == "Forbidden"
}

fn is_failed_console_login(record: &EventRecord<'_>) -> bool {
    record.event_name.as_deref() == Some("ConsoleLogin")
        && record
            .response_elements
            .is_some_and(|raw| raw.get().contains("\"Failure\""))
}
