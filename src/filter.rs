//! Owns choosing events: a parsed query, a time range and a principal,
//! evaluated over the store into a time-ordered selection. Column terms are
//! decided once per distinct value (interned ids), so only free text and JSON
//! paths read the raw events, block by block and only for rows still in play.

use crate::identity::PrincipalKind;
use crate::query::{Field, Query, Test};
use crate::store::{flags, EventRow, EventStore};
use crate::time::EpochMs;
use crate::view::Selection;

/// What the viewer is looking at.
#[derive(Debug, Clone)]
pub struct Filter {
    pub query: Query,
    /// `[from, to)` in epoch ms.
    pub range: Option<(EpochMs, EpochMs)>,
    pub principal: Option<u32>,
}

impl Default for Filter {
    fn default() -> Self {
        Self {
            query: Query::All,
            range: None,
            principal: None,
        }
    }
}

/// A set of row indexes as bits, in storage order.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize, on: bool) -> Self {
        let mut bits = Bits(vec![if on { u64::MAX } else { 0 }; len.div_ceil(64)]);
        if on && !len.is_multiple_of(64) {
            *bits.0.last_mut().unwrap() = (1u64 << (len % 64)) - 1;
        }
        bits
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn and(mut self, other: &Bits) -> Self {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
        self
    }
    fn or(mut self, other: &Bits) -> Self {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
        self
    }
    fn not(mut self, len: usize) -> Self {
        self.0.iter_mut().for_each(|a| *a = !*a);
        if !len.is_multiple_of(64) {
            if let Some(last) = self.0.last_mut() {
                *last &= (1u64 << (len % 64)) - 1;
            }
        }
        self
    }
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(word_index, &word)| {
            let mut word = word;
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let bit = word.trailing_zeros() as usize;
                    word &= word - 1;
                    word_index * 64 + bit
                })
            })
        })
    }
}

/// Evaluates the filter; the result is in time order (`order` is `view::time_order`).
pub fn select(store: &EventStore, order: &[u32], filter: &Filter) -> Selection {
    let matching = matches(store, &filter.query);
    order
        .iter()
        .copied()
        .filter(|&i| {
            let row = &store.rows[i as usize];
            matching.as_ref().is_none_or(|bits| bits.get(i as usize))
                && filter
                    .range
                    .is_none_or(|(from, to)| row.time_ms >= from && row.time_ms < to)
                && filter.principal.is_none_or(|p| row.principal == p)
        })
        .collect()
}

/// `None` means every row.
fn matches(store: &EventStore, query: &Query) -> Option<Bits> {
    match query {
        Query::All => None,
        _ => Some(eval(store, query, None)),
    }
}

fn eval(store: &EventStore, query: &Query, candidates: Option<&Bits>) -> Bits {
    let len = store.rows.len();
    match query {
        Query::All => Bits::new(len, true),
        Query::And(parts) => {
            // Cheap terms first, so raw-reading terms see fewer candidates.
            let mut ordered: Vec<&Query> = parts.iter().collect();
            ordered.sort_by_key(|q| reads_raw(q));
            let mut acc = candidates.cloned().unwrap_or_else(|| Bits::new(len, true));
            for part in ordered {
                acc = eval(store, part, Some(&acc)).and(&acc);
            }
            acc
        }
        Query::Or(parts) => parts.iter().fold(Bits::new(len, false), |acc, part| {
            acc.or(&eval(store, part, candidates))
        }),
        Query::Not(inner) => {
            let inside = eval(store, inner, candidates).not(len);
            match candidates {
                Some(c) => inside.and(c),
                None => inside,
            }
        }
        Query::Text(text) => raw_scan(store, candidates, |json| {
            contains_ignore_case(json, text.as_bytes())
        }),
        Query::Field { field, test } => eval_field(store, field, test, candidates),
    }
}

fn reads_raw(query: &Query) -> bool {
    match query {
        Query::Text(_)
        | Query::Field {
            field: Field::Path(_),
            ..
        } => true,
        Query::And(parts) | Query::Or(parts) => parts.iter().any(reads_raw),
        Query::Not(inner) => reads_raw(inner),
        _ => false,
    }
}

fn eval_field(store: &EventStore, field: &Field, test: &Test, candidates: Option<&Bits>) -> Bits {
    let string_column = |pick: fn(&EventRow) -> u32| {
        let accepted: Vec<bool> = store
            .strings
            .iter()
            .map(|(_, value)| test.matches_text(value))
            .collect();
        rows_where(store, |row| accepted[pick(row) as usize])
    };
    match field {
        Field::EventName => string_column(|r| r.event_name),
        Field::EventSource => string_column(|r| r.event_source),
        Field::Region => string_column(|r| r.region),
        Field::Account => string_column(|r| r.account),
        Field::SourceIp => string_column(|r| r.source_ip),
        Field::UserAgent => string_column(|r| r.user_agent),
        Field::ErrorCode => string_column(|r| r.error_code),
        Field::Principal => {
            let accepted: Vec<bool> = store
                .principals
                .iter()
                .map(|p| {
                    test.matches_text(&p.principal.name) || test.matches_text(&p.principal.group)
                })
                .collect();
            rows_where(store, |row| accepted[row.principal as usize])
        }
        Field::Kind => {
            let accepted: Vec<bool> = PrincipalKind::ALL
                .iter()
                .map(|k| test.matches_text(k.type_name()) || test.matches_text(k.label()))
                .collect();
            rows_where(store, |row| accepted[store.principal_kind(row) as usize])
        }
        Field::ReadOnly => rows_where(store, |row| {
            let known = row.flags & flags::READ_ONLY_KNOWN != 0;
            let value = if !known {
                ""
            } else if row.flags & flags::READ_ONLY != 0 {
                "true"
            } else {
                "false"
            };
            test.matches_text(value)
        }),
        Field::Time => match test {
            Test::TimeRange { from, to } => rows_where(store, |row| {
                row.time_ms != i64::MIN
                    && from.is_none_or(|f| row.time_ms >= f)
                    && to.is_none_or(|t| row.time_ms < t)
            }),
            Test::Present => rows_where(store, |row| row.time_ms != i64::MIN),
            _ => rows_where(store, |row| {
                row.time_ms != i64::MIN && test.matches_text(&crate::time::format_utc(row.time_ms))
            }),
        },
        Field::Path(path) => raw_scan(store, candidates, |json| path_matches(json, path, test)),
    }
}

fn rows_where(store: &EventStore, keep: impl Fn(&EventRow) -> bool) -> Bits {
    let mut bits = Bits::new(store.rows.len(), false);
    for (i, row) in store.rows.iter().enumerate() {
        if keep(row) {
            bits.set(i);
        }
    }
    bits
}

/// Runs `keep` on the raw JSON of each candidate row, inflating each block once.
fn raw_scan(store: &EventStore, candidates: Option<&Bits>, keep: impl Fn(&[u8]) -> bool) -> Bits {
    let len = store.rows.len();
    let mut bits = Bits::new(len, false);
    let all;
    let candidates = match candidates {
        Some(c) => c,
        None => {
            all = Bits::new(len, true);
            &all
        }
    };
    let mut current: Option<(u32, std::borrow::Cow<'_, [u8]>)> = None;
    for i in candidates.ones() {
        let row = &store.rows[i];
        if current
            .as_ref()
            .is_none_or(|(block, _)| *block != row.raw_block)
        {
            current = Some((row.raw_block, store.raw_block(row.raw_block)));
        }
        let (_, block) = current.as_ref().expect("set above");
        let json = &block[row.raw_offset as usize..(row.raw_offset + row.raw_len) as usize];
        if keep(json) {
            bits.set(i);
        }
    }
    bits
}

/// ASCII case-insensitive substring search; `needle` is compared as lowercase.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    let lower: Vec<u8> = needle.to_ascii_lowercase();
    let first = lower[0];
    let upper_first = first.to_ascii_uppercase();
    let mut at = 0;
    while let Some(found) = memchr::memchr2(first, upper_first, &haystack[at..]) {
        let start = at + found;
        let end = start + lower.len();
        if end > haystack.len() {
            return false;
        }
        if haystack[start..end].eq_ignore_ascii_case(&lower) {
            return true;
        }
        at = start + 1;
    }
    false
}

/// Looks a dotted path up in one event's JSON and tests its value.
fn path_matches(json: &[u8], path: &[String], test: &Test) -> bool {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return false;
    };
    let mut node = &value;
    for key in path {
        node = match node {
            serde_json::Value::Object(map) => match map.get(key) {
                Some(next) => next,
                None => match map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
                    Some((_, next)) => next,
                    None => return false,
                },
            },
            serde_json::Value::Array(items) => {
                match key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(next) => next,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    let values: Vec<&serde_json::Value> = match node {
        // A path into a list matches when any element does.
        serde_json::Value::Array(items) if !matches!(test, Test::Present) => items.iter().collect(),
        other => vec![other],
    };
    values.into_iter().any(|value| match value {
        serde_json::Value::Null => false,
        serde_json::Value::String(text) => test.matches_text(text),
        other => test.matches_text(&other.to_string()),
    })
}
