//! Owns choosing events: a parsed query, a time range and a principal,
//! evaluated over the store into a time-ordered selection. Column terms are
//! decided once per distinct value (interned ids), so only free text and JSON
//! paths read the raw events, block by block and only for rows still in play.

use crate::query::{Field, Query, Test};
use crate::store::columns::{RowLoop, Value};
use crate::store::rawstore::RawStore;
use crate::store::{EventRow, EventStore};
use crate::time::EpochMs;

/// Row indexes into `EventStore::rows`, ascending by event time (events
/// without a time first), ties in load order.
pub type Selection = Vec<u32>;

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
    ready(select_with(store, order, filter, &ScanHere))
}

/// [`select`] with the raw JSON read by `scan`: here, or fanned out to the
/// workers that hold it. The answer is the same either way.
pub async fn select_with(
    store: &EventStore,
    order: &[u32],
    filter: &Filter,
    scan: &impl RawScan,
) -> Selection {
    let matching = match &filter.query {
        Query::All => None,
        query => Some(eval(store, query, None, scan).await),
    };
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

/// Reads raw JSON for the query terms that need it (free text, JSON paths).
pub trait RawScan {
    /// Of `rows` (store indexes, ascending), those whose raw JSON passes
    /// `term` (a [`Query::Text`] or a path [`Query::Field`]), ascending.
    fn scan(
        &self,
        store: &EventStore,
        term: &Query,
        rows: Vec<usize>,
    ) -> impl std::future::Future<Output = Vec<usize>>;

    /// The rows a detection rule matched, for `rule:ID`; `None` when no such
    /// rule ran (the term then matches nothing).
    fn rule_rows(&self, _rule: &str) -> Option<Vec<u32>> {
        None
    }
}

/// Reads the raw JSON in this worker (on every core natively).
pub struct ScanHere;

impl RawScan for ScanHere {
    async fn scan(&self, store: &EventStore, term: &Query, rows: Vec<usize>) -> Vec<usize> {
        scan_here(store, term, &rows)
    }
}

/// The answer of a future that never waits (a [`ScanHere`] evaluation, or
/// a scan whose answers are at hand).
pub fn ready<T>(future: impl std::future::Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(value) => value,
        std::task::Poll::Pending => unreachable!("a scan whose answers are at hand never waits"),
    }
}

/// Whether one event passes a query, given its raw JSON: the answer
/// [`select`] gives for that row, for callers that visit events one by one
/// (the detections read each block once for all their rules).
pub fn row_matches(store: &EventStore, index: usize, json: &[u8], query: &Query) -> bool {
    let row = &store.rows[index];
    match query {
        Query::All => true,
        Query::And(parts) => parts.iter().all(|q| row_matches(store, index, json, q)),
        Query::Or(parts) => parts.iter().any(|q| row_matches(store, index, json, q)),
        Query::Not(inner) => !row_matches(store, index, json, inner),
        Query::Text(text) => contains_ignore_case(json, text.as_bytes()),
        Query::Field {
            field: Field::Column(column),
            test,
        } => match column.def().value {
            Value::Ids(ids) => {
                ids.any_text(store, ids.id(store, row), |text| test.matches_text(text))
            }
            Value::Time => time_passes(row, test),
        },
        Query::Field {
            field: Field::Path(path),
            test,
        } => path_matches(json, path, test),
        // One event alone cannot tell which rules matched it.
        Query::Field {
            field: Field::Rule, ..
        } => false,
    }
}

fn eval<'a, S: RawScan>(
    store: &'a EventStore,
    query: &'a Query,
    candidates: Option<&'a Bits>,
    scan: &'a S,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Bits> + 'a>> {
    Box::pin(async move {
        let len = store.rows.len();
        match query {
            Query::All => Bits::new(len, true),
            Query::And(parts) => {
                // Cheap terms first, so raw-reading terms see fewer candidates.
                let mut ordered: Vec<&Query> = parts.iter().collect();
                crate::sorting::sort_by_key(&mut ordered, |q| reads_raw(q));
                let mut acc = candidates.cloned().unwrap_or_else(|| Bits::new(len, true));
                for part in ordered {
                    acc = eval(store, part, Some(&acc), scan).await.and(&acc);
                }
                acc
            }
            Query::Or(parts) => {
                let mut acc = Bits::new(len, false);
                for part in parts {
                    acc = acc.or(&eval(store, part, candidates, scan).await);
                }
                acc
            }
            Query::Not(inner) => {
                let inside = eval(store, inner, candidates, scan).await.not(len);
                match candidates {
                    Some(c) => inside.and(c),
                    None => inside,
                }
            }
            Query::Text(_)
            | Query::Field {
                field: Field::Path(_),
                ..
            } => {
                let rows: Vec<usize> = match candidates {
                    Some(c) => c.ones().collect(),
                    None => (0..len).collect(),
                };
                let mut bits = Bits::new(len, false);
                for i in scan.scan(store, query, rows).await {
                    bits.set(i);
                }
                bits
            }
            Query::Field {
                field: Field::Rule,
                test,
            } => {
                let mut bits = Bits::new(len, false);
                if let Test::Equals(id) = test {
                    for row in scan.rule_rows(id).unwrap_or_default() {
                        if (row as usize) < len {
                            bits.set(row as usize);
                        }
                    }
                }
                bits
            }
            Query::Field { field, test } => eval_field(store, field, test),
        }
    })
}

/// Whether evaluating `query` reads raw JSON (free text or a JSON path).
pub fn reads_raw(query: &Query) -> bool {
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

fn eval_field(store: &EventStore, field: &Field, test: &Test) -> Bits {
    let Field::Column(column) = field else {
        // Read from the raw JSON: see `eval`.
        return Bits::new(store.rows.len(), false);
    };
    match column.def().value {
        Value::Ids(ids) => {
            let accepted: Vec<bool> = (0..ids.count(store) as u32)
                .map(|id| ids.any_text(store, id, |text| test.matches_text(text)))
                .collect();
            struct Accepted<'a>(&'a EventStore, Vec<bool>);
            impl RowLoop for Accepted<'_> {
                type Output = Bits;
                fn run(self, id_of: impl Fn(&EventRow) -> u32) -> Bits {
                    let Accepted(store, accepted) = self;
                    rows_where(store, |row| accepted[id_of(row) as usize])
                }
            }
            ids.with_getter(store, Accepted(store, accepted))
        }
        Value::Time => rows_where(store, |row| time_passes(row, test)),
    }
}

fn time_passes(row: &EventRow, test: &Test) -> bool {
    if row.time_ms == i64::MIN {
        return false;
    }
    match test {
        Test::TimeRange { from, to } => {
            from.is_none_or(|f| row.time_ms >= f) && to.is_none_or(|t| row.time_ms < t)
        }
        Test::Present => true,
        _ => test.matches_text(&crate::time::format_utc(row.time_ms)),
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

/// A raw-reading query term, ready to test events block by block: here,
/// or in the parser that holds the block.
pub enum RawMatcher<'q> {
    /// Lower-cased; each block is lower-cased once (when the needle has
    /// letters) and searched whole (SIMD substring search).
    Text(Box<memchr::memmem::Finder<'static>>),
    Path(&'q [String], &'q Test),
    /// Matches every event (empty free text).
    Everything,
}

impl<'q> RawMatcher<'q> {
    /// `None` for a term that does not read the raw JSON.
    pub fn new(term: &'q Query) -> Option<Self> {
        match term {
            Query::Text(text) if text.is_empty() => Some(Self::Everything),
            Query::Text(text) => Some(Self::Text(Box::new(
                memchr::memmem::Finder::new(text.to_ascii_lowercase().as_bytes()).into_owned(),
            ))),
            Query::Field {
                field: Field::Path(path),
                test,
            } => Some(Self::Path(path, test)),
            _ => None,
        }
    }

    /// Which of the events at `spans` (offset and length in block `index`
    /// of `raw`, ascending) pass, as indexes into `spans`. `scratch` holds
    /// the block: free text inflates it there and lower-cases it in place.
    pub fn hits(
        &self,
        raw: &RawStore,
        index: u32,
        spans: &[(u32, u32)],
        scratch: &mut Vec<u8>,
    ) -> Vec<u32> {
        match self {
            Self::Everything => (0..spans.len() as u32).collect(),
            Self::Path(path, test) => {
                let block = raw.block(index);
                (0..spans.len() as u32)
                    .filter(|&i| {
                        let (offset, len) = spans[i as usize];
                        let start = offset as usize;
                        let json = block.get(start..start + len as usize).unwrap_or_default();
                        path_matches(json, path, test)
                    })
                    .collect()
            }
            Self::Text(finder) => {
                raw.block_into(index, scratch);
                // A needle without letters is the same in any case: the
                // block is searched as it is (an IP, a number, an id).
                if finder.needle().iter().any(u8::is_ascii_alphabetic) {
                    scratch.make_ascii_lowercase();
                }
                let needle = finder.needle().len();
                let mut found = finder.find_iter(scratch).peekable();
                let mut hits = Vec::new();
                for (i, &(offset, len)) in spans.iter().enumerate() {
                    let (start, end) = (offset as usize, offset as usize + len as usize);
                    // An event's JSON is contiguous and events do not
                    // overlap: a hit counts only inside one event.
                    while found.next_if(|&hit| hit < start).is_some() {}
                    if found.peek().is_some_and(|&hit| hit + needle <= end) {
                        hits.push(i as u32);
                    }
                }
                hits
            }
        }
    }
}

/// Of `rows` (ascending), those whose raw JSON passes `term`, reading each
/// block once, over all cores natively; the browser's store worker runs it
/// on its one thread for the blocks it holds.
pub fn scan_here(store: &EventStore, term: &Query, rows: &[usize]) -> Vec<usize> {
    let Some(matcher) = RawMatcher::new(term) else {
        return Vec::new();
    };
    // Rows are stored in load order, so each block's rows are one run.
    let groups: Vec<&[usize]> = rows
        .chunk_by(|a, b| store.rows[*a].raw_block == store.rows[*b].raw_block)
        .collect();
    let run = |groups: &[&[usize]]| {
        let mut matched = Vec::new();
        let mut lower = Vec::new();
        for rows in groups {
            let spans: Vec<(u32, u32)> = rows
                .iter()
                .map(|&i| (store.rows[i].raw_offset, store.rows[i].raw_len))
                .collect();
            let block = store.rows[rows[0]].raw_block;
            let hits = matcher.hits(store.raw_store(), block, &spans, &mut lower);
            matched.extend(hits.into_iter().map(|hit| rows[hit as usize]));
        }
        matched
    };
    #[cfg(not(target_arch = "wasm32"))]
    let matched: Vec<usize> = {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(groups.len().max(1));
        let per_thread = groups.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = groups
                .chunks(per_thread)
                .map(|chunk| scope.spawn(|| run(chunk)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("scan threads do not panic"))
                .collect()
        })
    };
    #[cfg(target_arch = "wasm32")]
    let matched: Vec<usize> = run(&groups);
    matched
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

/// Looks a dotted path up in one event's JSON (by skipping, not decoding the
/// event) and tests its value.
fn path_matches(json: &[u8], path: &[String], test: &Test) -> bool {
    // Cheap reject: the last key must appear in the text at all.
    if let Some(last) = path.last().filter(|k| k.parse::<usize>().is_err()) {
        if !contains_ignore_case(json, last.as_bytes()) {
            return false;
        }
    }
    let mut found = Vec::new();
    crate::input::scan::values_at_path(json, path, &mut found);
    found.into_iter().any(|raw| {
        let values = match serde_json::from_slice::<serde_json::Value>(raw) {
            // A path ending at a list matches when any element does.
            Ok(serde_json::Value::Array(items)) if !matches!(test, Test::Present) => items,
            Ok(value) => vec![value],
            Err(_) => return false,
        };
        values.into_iter().any(|value| match value {
            serde_json::Value::Null => false,
            serde_json::Value::String(text) => test.matches_text(&text),
            other => test.matches_text(&other.to_string()),
        })
    })
}

#[cfg(test)]
mod tests;
