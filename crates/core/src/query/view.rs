//! Owns the aggregations the viewer shows over a selection of events: the
//! timeline histogram, facet counts, the per-principal breakdown and windows
//! of table rows. A selection is a list of row indexes in time order; how it
//! was chosen (query, time range, principal) is `filter`'s business.

use crate::query::filter::Selection;
use crate::store::columns::{Column, RowLoop, Value, COLUMNS};
use crate::store::{flags, EventRow, EventStore};
use crate::time::EpochMs;
use serde::{Deserialize, Serialize};

/// Every row, in time order.
pub fn time_order(store: &EventStore) -> Selection {
    let mut order: Vec<u32> = (0..store.rows.len() as u32).collect();
    // Stable and keyed on one i64: radix-like speed from the std sort on nearly sorted input.
    order.sort_by_key(|&i| store.rows[i as usize].time_ms);
    order
}

/// Bucket widths the timeline may use, in milliseconds.
const BUCKET_LADDER_MS: [i64; 17] = [
    1_000,
    5_000,
    10_000,
    30_000,
    60_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
    604_800_000,
    2_592_000_000,
    31_536_000_000,
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Start of the first bucket, epoch ms.
    pub start_ms: EpochMs,
    pub bucket_ms: EpochMs,
    /// Per bucket: successful events.
    pub ok: Vec<u32>,
    /// Per bucket: errors other than AccessDenied.
    pub errors: Vec<u32>,
    /// Per bucket: AccessDenied and its spellings.
    pub denied: Vec<u32>,
    /// Events that had no usable time (not in any bucket).
    pub untimed: u32,
}

impl Timeline {
    pub fn max_bucket(&self) -> u32 {
        (0..self.ok.len())
            .map(|i| self.ok[i] + self.errors[i] + self.denied[i])
            .max()
            .unwrap_or(0)
    }
}

/// The smallest ladder width that fits the span in at most `max_buckets`.
pub fn bucket_width(span_ms: EpochMs, max_buckets: usize) -> EpochMs {
    let max = max_buckets.max(1) as i64;
    BUCKET_LADDER_MS
        .iter()
        .copied()
        .find(|w| span_ms / w < max)
        .unwrap_or(*BUCKET_LADDER_MS.last().unwrap())
}

/// A histogram of the selection over `[from, to)` (the selection's own span
/// when not given), stacked by outcome.
pub fn timeline(
    store: &EventStore,
    selection: &[u32],
    range: Option<(EpochMs, EpochMs)>,
    max_buckets: usize,
) -> Timeline {
    let timed = |i: &&u32| store.rows[**i as usize].time_ms != i64::MIN;
    let untimed = selection.iter().take_while(|i| !timed(i)).count() as u32;
    let (from, to) = match range {
        Some(range) => range,
        None => {
            let mut times = selection
                .iter()
                .filter(timed)
                .map(|&i| store.rows[i as usize].time_ms);
            match (
                times.next(),
                selection.last().map(|&i| store.rows[i as usize].time_ms),
            ) {
                (Some(lo), Some(hi)) => (lo, hi + 1),
                _ => {
                    return Timeline {
                        untimed,
                        ..Timeline::default()
                    }
                }
            }
        }
    };
    let bucket_ms = bucket_width((to - from).max(1), max_buckets);
    let start_ms = from.div_euclid(bucket_ms) * bucket_ms;
    let buckets = ((to - start_ms + bucket_ms - 1) / bucket_ms).max(1) as usize;
    let mut line = Timeline {
        start_ms,
        bucket_ms,
        ok: vec![0; buckets],
        errors: vec![0; buckets],
        denied: vec![0; buckets],
        untimed,
    };
    for &index in selection {
        let row = &store.rows[index as usize];
        if row.time_ms < from || row.time_ms >= to {
            continue;
        }
        let bucket = ((row.time_ms - start_ms) / bucket_ms) as usize;
        let Some(slot) = (if row.flags & flags::ACCESS_DENIED != 0 {
            line.denied.get_mut(bucket)
        } else if row.flags & flags::ERROR != 0 {
            line.errors.get_mut(bucket)
        } else {
            line.ok.get_mut(bucket)
        }) else {
            continue;
        };
        *slot += 1;
    }
    line
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u32,
    /// Set when `value` is only the first [`VIEW_CHARS`] characters.
    #[serde(default)]
    pub cut: bool,
}

impl FacetValue {
    fn new(mut value: String, count: u32) -> Self {
        let cut = cut_for_view(&mut value);
        Self { value, count, cut }
    }
}

/// The most characters of one logged value a view carries to the page: a
/// 10 MB user agent is cut here rather than copied into every message and
/// laid out in every cell that shows it (an event's detail has it whole).
pub const VIEW_CHARS: usize = 2_000;

/// Cuts `text` to its first [`VIEW_CHARS`] characters; whether it was cut.
pub fn cut_for_view(text: &mut String) -> bool {
    if text.len() <= VIEW_CHARS {
        return false;
    }
    match text.char_indices().nth(VIEW_CHARS) {
        Some((at, _)) => {
            text.truncate(at);
            true
        }
        None => false,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facet {
    pub column: Column,
    pub values: Vec<FacetValue>,
    /// Distinct values in the selection (including those not listed).
    pub distinct: u32,
}

/// The `top` most frequent values of a column over the selection (absent values left out).
pub fn facet(store: &EventStore, selection: &[u32], column: Column, top: usize) -> Facet {
    let Value::Ids(ids) = column.def().value else {
        unreachable!("a facet counts a column of ids (see the columns' tests)");
    };
    struct Count<'a>(&'a EventStore, &'a [u32], Vec<u32>);
    impl RowLoop for Count<'_> {
        type Output = Vec<u32>;
        fn run(self, id_of: impl Fn(&EventRow) -> u32) -> Vec<u32> {
            let Count(store, selection, mut counts) = self;
            for &index in selection {
                counts[id_of(&store.rows[index as usize]) as usize] += 1;
            }
            counts
        }
    }
    let counts = ids.with_getter(store, Count(store, selection, vec![0u32; ids.count(store)]));
    let absent = ids.absent();
    let mut present: Vec<(u32, u32)> = counts
        .iter()
        .enumerate()
        .filter(|&(id, &count)| count > 0 && Some(id as u32) != absent)
        .map(|(id, &count)| (id as u32, count))
        .collect();
    let distinct = present.len() as u32;
    let top = top.min(present.len());
    if top > 0 && top < present.len() {
        present.select_nth_unstable_by(top - 1, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    present.truncate(top);
    present.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Facet {
        column,
        distinct,
        values: present
            .into_iter()
            .map(|(id, count)| FacetValue::new(ids.text(store, id), count))
            .collect(),
    }
}

/// One line of the per-principal breakdown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrincipalStats {
    pub id: u32,
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub group: String,
    pub account: String,
    pub events: u32,
    pub errors: u32,
    pub denied: u32,
    pub first_ms: Option<EpochMs>,
    pub last_ms: Option<EpochMs>,
    pub source_ips: u32,
    pub top_actions: Vec<FacetValue>,
    pub top_services: Vec<FacetValue>,
    /// Events per slice of the selection's span, for a sparkline.
    pub activity: Vec<u32>,
    /// Credential facts seen on any of its events (`CredentialFacts` bits).
    pub facts: u16,
}

/// Per-principal statistics over the selection, most active first.
pub fn principal_stats(
    store: &EventStore,
    selection: &[u32],
    sparkline_slices: usize,
) -> Vec<PrincipalStats> {
    busiest_principals(store, selection, sparkline_slices, usize::MAX).1
}

/// How many principals acted in the selection, and the figures of the
/// `limit` with the most events (ties by name), in that order: the same
/// lines as the first `limit` of [`principal_stats`], without building the
/// others' (a million principals would cost seconds per view).
pub fn busiest_principals(
    store: &EventStore,
    selection: &[u32],
    sparkline_slices: usize,
    limit: usize,
) -> (usize, Vec<PrincipalStats>) {
    let mut events = vec![0u32; store.principals.len()];
    for &index in selection {
        events[store.rows[index as usize].principal as usize] += 1;
    }
    let mut acted: Vec<u32> = (0..events.len() as u32)
        .filter(|&id| events[id as usize] > 0)
        .collect();
    let total = acted.len();
    let order = |a: &u32, b: &u32| {
        events[*b as usize].cmp(&events[*a as usize]).then_with(|| {
            store.principals[*a as usize]
                .principal
                .name
                .cmp(&store.principals[*b as usize].principal.name)
                .then(a.cmp(b))
        })
    };
    if limit < acted.len() {
        acted.select_nth_unstable_by(limit, order);
        acted.truncate(limit);
    }
    // Slot of each kept principal; the others' rows are passed over.
    let mut slot = vec![u32::MAX; store.principals.len()];
    for (at, &id) in acted.iter().enumerate() {
        slot[id as usize] = at as u32;
    }
    let kept: Vec<u32> = selection
        .iter()
        .copied()
        .filter(|&index| slot[store.rows[index as usize].principal as usize] != u32::MAX)
        .collect();
    let mut stats = principal_lines(store, &kept, sparkline_slices, &acted, &slot, selection);
    stats.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
    (total, stats)
}

/// The figures of the principals `ids` (each at its `slot`) over `selection`
/// (their rows only); sparklines span the whole `span_of` selection.
fn principal_lines(
    store: &EventStore,
    selection: &[u32],
    sparkline_slices: usize,
    ids: &[u32],
    slot: &[u32],
    span_of: &[u32],
) -> Vec<PrincipalStats> {
    let span = selection_span(store, span_of);
    let n = ids.len();
    let mut stats: Vec<PrincipalStats> = ids
        .iter()
        .map(|&id| (id, &store.principals[id as usize]))
        .map(|(id, entry)| PrincipalStats {
            id,
            kind: entry.principal.kind.type_name().to_owned(),
            kind_label: entry.principal.kind.label().to_owned(),
            name: entry.principal.name.clone(),
            group: entry.principal.group.clone(),
            account: entry.principal.account.clone(),
            events: 0,
            errors: 0,
            denied: 0,
            first_ms: None,
            last_ms: None,
            source_ips: 0,
            top_actions: Vec::new(),
            top_services: Vec::new(),
            activity: vec![0; sparkline_slices],
            facts: 0,
        })
        .collect();
    let mut pairs_ip: Vec<(u32, u32)> = Vec::with_capacity(selection.len());
    let mut pairs_action: Vec<(u32, u32)> = Vec::with_capacity(selection.len());
    let mut pairs_service: Vec<(u32, u32)> = Vec::with_capacity(selection.len());
    for &index in selection {
        let row = &store.rows[index as usize];
        let at = slot[row.principal as usize];
        let s = &mut stats[at as usize];
        s.events += 1;
        s.errors += u32::from(row.flags & flags::ERROR != 0);
        s.denied += u32::from(row.flags & flags::ACCESS_DENIED != 0);
        s.facts |= row.flags & 0x7f;
        if row.time_ms != i64::MIN {
            s.first_ms = Some(s.first_ms.map_or(row.time_ms, |t| t.min(row.time_ms)));
            s.last_ms = Some(s.last_ms.map_or(row.time_ms, |t| t.max(row.time_ms)));
            if let (Some((lo, hi)), true) = (span, sparkline_slices > 0) {
                let slice = ((row.time_ms - lo) as i128 * sparkline_slices as i128
                    / ((hi - lo) as i128 + 1)) as usize;
                s.activity[slice.min(sparkline_slices - 1)] += 1;
            }
        }
        pairs_ip.push((at, row.source_ip));
        pairs_action.push((at, row.event_name));
        pairs_service.push((at, row.event_source));
    }
    pairs_ip.sort_unstable();
    pairs_ip.dedup();
    for (principal, _) in &pairs_ip {
        stats[*principal as usize].source_ips += 1;
    }
    for (pairs, top_actions) in [(&mut pairs_action, true), (&mut pairs_service, false)] {
        pairs.sort_unstable();
        let mut per_principal: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        for run in pairs.chunk_by(|a, b| a == b) {
            per_principal[run[0].0 as usize].push((run[0].1, run.len() as u32));
        }
        for (principal, mut values) in per_principal.into_iter().enumerate() {
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let top: Vec<FacetValue> = values
                .into_iter()
                .take(3)
                .map(|(id, count)| FacetValue::new(store.strings.get(id).to_owned(), count))
                .collect();
            if top_actions {
                stats[principal].top_actions = top;
            } else {
                stats[principal].top_services = top;
            }
        }
    }
    stats
}

/// First and last event time of a time-ordered selection.
pub fn selection_span(store: &EventStore, selection: &[u32]) -> Option<(EpochMs, EpochMs)> {
    let first = selection
        .iter()
        .map(|&i| store.rows[i as usize].time_ms)
        .find(|&t| t != i64::MIN)?;
    let last = store.rows[*selection.last()? as usize].time_ms;
    Some((first, last))
}

/// One row of the event table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    pub id: u32,
    /// Every column's text, by [`Column`] (see [`TableRow::text`]).
    pub cells: Vec<String>,
    pub denied: bool,
    /// Set by the worker when built-in detections matched this event.
    #[serde(default)]
    pub rule_badge: Option<crate::analysis::detect::RuleBadge>,
}

impl TableRow {
    /// A column's text ("" when absent).
    pub fn text(&self, column: Column) -> &str {
        self.cells.get(column as usize).map_or("", String::as_str)
    }
}

/// Rows `[offset, offset + count)` of the selection, newest first when `descending`.
pub fn window(
    store: &EventStore,
    selection: &[u32],
    offset: usize,
    count: usize,
    descending: bool,
) -> Vec<TableRow> {
    let len = selection.len();
    (offset..(offset + count).min(len))
        .map(|position| {
            let index = if descending {
                selection[len - 1 - position]
            } else {
                selection[position]
            };
            table_row(store, index)
        })
        .collect()
}

pub fn table_row(store: &EventStore, index: u32) -> TableRow {
    let row = &store.rows[index as usize];
    TableRow {
        id: index,
        cells: COLUMNS
            .iter()
            .map(|def| {
                let mut text = def.column.text(store, row);
                if cut_for_view(&mut text) {
                    text.push('…');
                }
                text
            })
            .collect(),
        denied: row.flags & flags::ACCESS_DENIED != 0,
        rule_badge: None,
    }
}
