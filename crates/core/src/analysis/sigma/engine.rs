//! Owns running a rule set over events: which rules an event can match at
//! all (by its `eventName` and `eventSource`, so most events parse no JSON),
//! testing them, applying filters, feeding correlations, and the hits per
//! rule; also which rules cannot fire on what is loaded, and why an event
//! matched.

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value as Json;

use super::correlate::{correlate, Record};
use super::detection::Why;
use super::matcher::{
    text_of, value_column_slot, ColumnValues, Event, ERROR_MESSAGE_SLOT, FIRST_KIND_SLOT,
};
use super::rule::Correlation;
use super::{Compiled, RuleSet, Status};

/// A detection rule that runs, and what hangs off it.
#[derive(Debug, Clone)]
struct Runnable {
    rule: usize,
    /// Indexes into the set's filters.
    filters: Vec<usize>,
    /// (plan, reference, through which correlation) for each correlation it feeds.
    feeds: Vec<(usize, usize, Option<usize>)>,
    /// The slots of [`COLUMN_FIELDS`] it, its filters and what its
    /// correlations group by read, when they read nothing else: then it
    /// runs on a row's columns (where the row knows them), not the JSON.
    column_needs: Option<u16>,
    /// The same for it and its filters alone: where only its correlations'
    /// grouping needs the JSON, it is tested on the columns and only the
    /// events it matches go to the JSON (it is *deferred* there).
    detect_needs: Option<u16>,
}

impl Runnable {
    /// The slots it reads where it is tested on the columns; `None` when
    /// it is tested on the JSON.
    fn column_slots(&self) -> Option<u16> {
        self.column_needs.or(self.detect_needs)
    }

    /// Tested on the columns, grouped on the JSON of the events it matches.
    fn deferred(&self) -> bool {
        self.column_needs.is_none() && self.detect_needs.is_some()
    }
}

#[derive(Debug, Clone)]
struct Plan {
    rule: usize,
    correlation: Correlation,
    /// Resolved references, in order.
    targets: Vec<usize>,
}

/// A rule set ready to run.
#[derive(Debug, Clone)]
pub struct Engine<'s> {
    set: &'s RuleSet,
    runnable: Vec<Runnable>,
    by_name: FxHashMap<String, Vec<u32>>,
    by_source: FxHashMap<String, Vec<u32>>,
    general: Vec<u32>,
    plans: Vec<Plan>,
}

/// The two columns every event has that most rules pin down.
pub const NAME_FIELD: &str = "eventName";
pub const SOURCE_FIELD: &str = "eventSource";

impl<'s> Engine<'s> {
    pub fn new(set: &'s RuleSet) -> Self {
        let mut engine = Engine {
            set,
            runnable: Vec::new(),
            by_name: FxHashMap::default(),
            by_source: FxHashMap::default(),
            general: Vec::new(),
            plans: Vec::new(),
        };
        let mut runnable_of: FxHashMap<usize, usize> = FxHashMap::default();
        for (index, entry) in set.rules.iter().enumerate() {
            let Some(detection) = entry.detection() else {
                continue;
            };
            let at = engine.runnable.len() as u32;
            runnable_of.insert(index, at as usize);
            let filters: Vec<usize> = set
                .filters
                .iter()
                .enumerate()
                .filter(|(_, f)| f.filter.is_some() && f.applies_to.contains(&index))
                .map(|(f, _)| f)
                .collect();
            let column_needs = detection.column_needs().and_then(|own| {
                filters.iter().try_fold(own, |needs, &f| {
                    let filter = set.filters[f].filter.as_ref();
                    Some(needs | filter.map_or(Some(0), |f| f.detection.column_needs())?)
                })
            });
            engine.runnable.push(Runnable {
                rule: index,
                filters,
                feeds: Vec::new(),
                column_needs,
                detect_needs: column_needs,
            });
            if let Some(names) = detection.required(NAME_FIELD) {
                for name in names {
                    engine.by_name.entry(name).or_default().push(at);
                }
            } else if let Some(sources) = detection.required(SOURCE_FIELD) {
                for source in sources {
                    engine.by_source.entry(source).or_default().push(at);
                }
            } else {
                engine.general.push(at);
            }
        }
        for (index, entry) in set.rules.iter().enumerate() {
            let Some(Compiled::Correlation(correlation, targets)) = &entry.compiled else {
                continue;
            };
            if entry.status != Status::Ok {
                continue;
            }
            let plan = engine.plans.len();
            engine.plans.push(Plan {
                rule: index,
                correlation: correlation.clone(),
                targets: targets.clone(),
            });
            for (reference, &target) in targets.iter().enumerate() {
                let mut bases = Vec::new();
                base_rules(set, target, &mut bases, 0);
                for base in bases {
                    let through = (base != target).then_some(target);
                    if let Some(&r) = runnable_of.get(&base) {
                        let runnable = &mut engine.runnable[r];
                        runnable.feeds.push((plan, reference, through));
                        runnable.column_needs = runnable
                            .column_needs
                            .zip(grouping_needs(correlation))
                            .map(|(a, b)| a | b);
                    }
                }
            }
        }
        engine
    }

    /// The runnable rules an event with this name and source can match.
    pub fn candidates(&self, event_name: &str, event_source: &str, out: &mut Vec<u32>) {
        out.clear();
        let lower = |s: &str| s.to_lowercase();
        if let Some(rules) = self.by_name.get(&lower(event_name)) {
            out.extend_from_slice(rules);
        }
        if let Some(rules) = self.by_source.get(&lower(event_source)) {
            out.extend_from_slice(rules);
        }
        out.extend_from_slice(&self.general);
    }

    /// The runnable rules an event with this name and source can match
    /// that run on its JSON (`json`: those that need it, and those that read
    /// a slot of `unknown`, what its row does not know), or those that run
    /// on its row's columns (the others).
    pub fn candidates_needing(
        &self,
        event_name: &str,
        event_source: &str,
        json: bool,
        unknown: u16,
        out: &mut Vec<u32>,
    ) {
        self.candidates(event_name, event_source, out);
        out.retain(|&at| {
            let on_json = self.runnable[at as usize]
                .column_slots()
                .is_none_or(|slots| slots & unknown != 0);
            on_json == json
        });
    }

    /// How the events of `store` are to be checked: which rows' JSON must
    /// be read (and whether for every rule or only those that need JSON),
    /// and which rows' columns answer the rest.
    pub fn plan_store(&self, store: &crate::store::EventStore) -> StorePlan {
        #[derive(Clone, Copy)]
        struct Needs {
            json: bool,
            /// The slots the rules that run on columns read, if any do.
            columns: Option<u16>,
        }
        let mut by_pair: FxHashMap<(u32, u32), Needs> = FxHashMap::default();
        let mut candidates = Vec::new();
        let mut plan = StorePlan::default();
        for (index, row) in store.rows.iter().enumerate() {
            let needs = *by_pair
                .entry((row.event_name, row.event_source))
                .or_insert_with(|| {
                    self.candidates(
                        store.strings.get(row.event_name),
                        store.strings.get(row.event_source),
                        &mut candidates,
                    );
                    let mut needs = Needs {
                        json: false,
                        columns: None,
                    };
                    for &at in &candidates {
                        match self.runnable[at as usize].column_slots() {
                            Some(slots) => needs.columns = Some(needs.columns.unwrap_or(0) | slots),
                            None => needs.json = true,
                        }
                    }
                    needs
                });
            let unknown = unknown_slots(row);
            if needs.columns.is_some() && unknown != u16::MAX {
                plan.columns.push(index);
            }
            let unknown_read = needs.columns.unwrap_or(0) & unknown;
            if needs.json || unknown_read != 0 {
                plan.json.push(index);
                if unknown_read != 0 {
                    plan.unknown.push((plan.json.len() as u32 - 1, unknown));
                }
            }
        }
        plan
    }

    /// How many of the runnable rules are tested on columns, how many of
    /// those read the JSON of the events they match (to group them), and
    /// how many rules there are.
    pub fn rules_on_columns(&self) -> (usize, usize, usize) {
        let on_columns = self
            .runnable
            .iter()
            .filter(|r| r.column_slots().is_some())
            .count();
        let deferred = self.runnable.iter().filter(|r| r.deferred()).count();
        (on_columns, deferred, self.runnable.len())
    }

    /// How many rules run on every event, whatever its name or source.
    pub fn general_rules(&self) -> usize {
        self.general.len()
    }

    pub fn start(&self) -> Run<'_, 's> {
        Run {
            engine: self,
            hits: vec![Vec::new(); self.set.rules.len()],
            filtered: vec![FxHashMap::default(); self.set.filters.len()],
            records: vec![Vec::new(); self.plans.len()],
            events: 0,
        }
    }
}

/// Which events a run over a store reads, and how (see [`Engine::plan_store`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StorePlan {
    /// Rows whose JSON is read, ascending.
    pub json: Vec<usize>,
    /// Positions in `json` (ascending) of the rows that do not know some
    /// slots of [`COLUMN_FIELDS`] their rules read, and those slots: the
    /// rules that read them run on the JSON too (all of them where the
    /// columns are not exactly the JSON's).
    pub unknown: Vec<(u32, u16)>,
    /// Rows the rules that need no JSON run on, from their columns, ascending.
    pub columns: Vec<usize>,
}

/// The slots of [`COLUMN_FIELDS`] what `correlation` groups by and
/// aggregates are, when they are all columns.
fn grouping_needs(correlation: &Correlation) -> Option<u16> {
    let slot = |field: &str| {
        let path: Vec<String> = field.split('.').map(str::to_owned).collect();
        value_column_slot(&path).map(|slot| 1u16 << slot)
    };
    let mut needs = 0;
    for field in &correlation.group_by {
        needs |= slot(field)?;
    }
    for field in correlation.field.iter().flat_map(|f| f.split(',')) {
        needs |= slot(field)?;
    }
    for (_, mapped) in correlation
        .aliases
        .iter()
        .flat_map(|(_, per_rule)| per_rule)
    {
        needs |= slot(mapped)?;
    }
    Some(needs)
}

/// The slots of [`COLUMN_FIELDS`] a row does not know exactly: all when its
/// columns are not exactly its JSON's, else the codes it could not keep.
fn unknown_slots(row: &crate::store::EventRow) -> u16 {
    if row.flags & crate::store::flags::COLUMNS_EXACT == 0 {
        return u16::MAX;
    }
    (0..crate::store::kinds::FIELDS.len())
        .filter(|&field| crate::store::kinds::decode(row.kinds, field).is_none())
        .fold(0, |slots, field| slots | 1 << (FIRST_KIND_SLOT + field))
}

/// The detection rules that feed `rule` (itself, if a detection).
fn base_rules(set: &RuleSet, rule: usize, out: &mut Vec<usize>, depth: usize) {
    if depth > 16 {
        return;
    }
    match &set.rules[rule].compiled {
        Some(Compiled::Detection(_)) => out.push(rule),
        Some(Compiled::Correlation(_, targets)) => {
            for &t in targets {
                base_rules(set, t, out, depth + 1);
            }
        }
        None => {}
    }
}

/// One pass of an engine over events.
pub struct Run<'e, 's> {
    engine: &'e Engine<'s>,
    /// Rows per rule, in the order seen.
    hits: Vec<Vec<u32>>,
    /// Per filter, per rule: events the filter took out.
    filtered: Vec<FxHashMap<usize, u32>>,
    records: Vec<Vec<Record>>,
    events: usize,
}

/// What a run found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    /// Rows per rule (index into the set), sorted, each once.
    pub hits: Vec<Vec<u32>>,
    /// Per filter: (rule, events it took out of that rule's hits).
    pub filtered: Vec<Vec<(usize, u32)>>,
    /// Events the run was given.
    pub events: usize,
}

/// What one event did to the rules: the detection rules it matched (after
/// filters), the (filter, rule) pairs a filter took it out of, and what
/// each correlation it feeds groups it by. Worked out where the event's
/// JSON is (a parser, for the events it keeps) and absorbed by a [`Run`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checked {
    pub rules: Vec<u32>,
    pub filtered: Vec<(u32, u32)>,
    /// (plan, reference, group, value) per correlation input.
    pub records: Vec<(u32, u32, String, Option<String>)>,
    /// Runnable rules the event's columns matched that group on its JSON:
    /// they are tested again there (see [`Engine::spread`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deferred: Vec<u32>,
}

impl Checked {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.filtered.is_empty() && self.deferred.is_empty()
    }
}

impl Engine<'_> {
    /// Tests one event against `candidates` (from [`Engine::candidates`]).
    pub fn check(&self, json: &[u8], candidates: &[u32]) -> Checked {
        self.check_event(&Event::new(json), candidates, false)
    }

    /// Tests an event known by its row's columns against `candidates`
    /// that need nothing else (see [`Engine::candidates_needing`]).
    pub fn check_columns(&self, columns: ColumnValues<'_>, candidates: &[u32]) -> Checked {
        self.check_event(&Event::from_columns(columns), candidates, true)
    }

    fn check_event(&self, event: &Event, candidates: &[u32], on_columns: bool) -> Checked {
        let mut checked = Checked::default();
        for &at in candidates {
            let runnable = &self.runnable[at as usize];
            let entry = &self.set.rules[runnable.rule];
            let Some(detection) = entry.detection() else {
                continue;
            };
            if !detection.matches(event) {
                continue;
            }
            let mut kept = true;
            for &f in &runnable.filters {
                let filter = self.set.filters[f].filter.as_ref();
                if filter.is_some_and(|filter| !filter.detection.matches(event)) {
                    checked.filtered.push((f as u32, runnable.rule as u32));
                    kept = false;
                }
            }
            if !kept {
                continue;
            }
            if on_columns && runnable.deferred() {
                checked.deferred.push(at);
                continue;
            }
            checked.rules.push(runnable.rule as u32);
            for &(plan, reference, through) in &runnable.feeds {
                let (group, value) = grouping(
                    self.set,
                    &self.plans[plan],
                    reference,
                    runnable.rule,
                    through,
                    event,
                );
                checked
                    .records
                    .push((plan as u32, reference as u32, group, value));
            }
        }
        checked
    }

    /// [`Self::check`] for each event a worker keeps that `work` names
    /// (blocks and spans, as [`crate::store::partition::split_scan`] cuts
    /// them): the events that did something, by position in the work.
    /// Each event runs the rules `rules` gives its position (the store
    /// worked them out from its columns: see [`Engine::spread`]).
    pub fn check_work(
        &self,
        keep: &crate::store::rawstore::RawStore,
        work: &[u8],
        rules: &WorkRules,
    ) -> Result<Vec<(u32, Checked)>, String> {
        let mut answers = Vec::new();
        let mut position = 0u32;
        for (id, spans) in crate::store::partition::work_blocks(work)? {
            let block = if id < keep.block_count() {
                keep.block(id)
            } else {
                std::borrow::Cow::Borrowed(&[][..])
            };
            for (offset, len) in spans {
                let start = offset as usize;
                let json = block.get(start..start + len as usize).unwrap_or_default();
                let checked = self.check(json, rules.of(position));
                if !checked.is_empty() {
                    answers.push((position, checked));
                }
                position += 1;
            }
        }
        Ok(answers)
    }
}

impl Engine<'_> {
    /// Runs the rules that need no JSON over `rows` of `store` (exact
    /// columns only: see [`StorePlan::columns`]), from their columns: the
    /// rows that did something.
    pub fn check_store_columns(
        &self,
        store: &crate::store::EventStore,
        rows: &[usize],
    ) -> Vec<(usize, Checked)> {
        use crate::store::StringField as F;
        use std::rc::Rc;
        const SLOTS: [F; 7] = [
            F::EventName,
            F::EventSource,
            F::Region,
            F::Account,
            F::SourceIp,
            F::UserAgent,
            F::ErrorCode,
        ];
        // Rows repeat a few values: each is made a JSON value once.
        let mut values: FxHashMap<u32, Rc<Vec<Json>>> = FxHashMap::default();
        let (absent, present) = (Rc::new(Vec::new()), Rc::new(vec![Json::Null]));
        let mut kinds: FxHashMap<(usize, &'static str), Rc<Vec<Json>>> = FxHashMap::default();
        let mut by_row = RowCandidates::default();
        // Rows with the same values in the slots their rules read do the
        // same: each distinct set of values is checked once.
        let mut memo: FxHashMap<[u32; 3 + COLUMN_SLOTS], Checked> = FxHashMap::default();
        let mut answers = Vec::new();
        for &index in rows {
            let row = &store.rows[index];
            let unknown = unknown_slots(row);
            let (candidates, needs) = by_row.with_needs(self, store, row, unknown);
            if candidates.is_empty() {
                continue;
            }
            let ids = SLOTS.map(|field| field.of(row));
            let has_message = row.flags & crate::store::flags::HAS_ERROR_MESSAGE != 0;
            let mut key = [0u32; 3 + COLUMN_SLOTS];
            key[..3].copy_from_slice(&[row.event_name, row.event_source, u32::from(unknown)]);
            for slot in (0..COLUMN_SLOTS).filter(|slot| needs & 1 << slot != 0) {
                key[3 + slot] = match slot {
                    ERROR_MESSAGE_SLOT => u32::from(has_message),
                    slot if slot >= FIRST_KIND_SLOT => u32::from(row.kinds),
                    slot => ids[slot],
                };
            }
            if let Some(checked) = memo.get(&key) {
                if !checked.is_empty() {
                    answers.push((index, checked.clone()));
                }
                continue;
            }
            let cache = std::cell::RefCell::new((&mut values, &mut kinds));
            let columns = |slot: usize| {
                if slot == ERROR_MESSAGE_SLOT {
                    return if has_message { &present } else { &absent }.clone();
                }
                let (values, kinds) = &mut *cache.borrow_mut();
                if slot >= FIRST_KIND_SLOT {
                    let field = slot - FIRST_KIND_SLOT;
                    // The plan sends rows whose code is not known to the JSON.
                    let Some(Some(value)) = crate::store::kinds::decode(row.kinds, field) else {
                        return absent.clone();
                    };
                    return kinds
                        .entry((slot, value))
                        .or_insert_with(|| Rc::new(vec![Json::String(value.to_owned())]))
                        .clone();
                }
                let id = ids[slot];
                values
                    .entry(id)
                    .or_insert_with(|| {
                        let text = store.strings.get(id);
                        Rc::new(if text.is_empty() {
                            Vec::new()
                        } else {
                            vec![Json::String(text.to_owned())]
                        })
                    })
                    .clone()
            };
            let checked = self.check_columns(&columns, candidates);
            if !checked.is_empty() {
                answers.push((index, checked.clone()));
            }
            // Bounded, for stores where nearly every row is unlike the rest.
            if memo.len() >= MAX_MEMO {
                memo.clear();
            }
            memo.insert(key, checked);
        }
        answers
    }
}

/// A run over a store whose raw JSON is partly kept by other workers: what
/// was checked where the store is, and the work for each worker that keeps
/// the rest (see [`Engine::spread`]).
pub struct Spread {
    /// (row, what it did), from the store's columns and the JSON kept here.
    pub here: Vec<(usize, Checked)>,
    /// Per worker: its share of rows and work, and the rules to run on
    /// each of its events (for [`Engine::check_work`]).
    pub shares: Vec<(u32, crate::store::partition::ScanShare, WorkRules)>,
}

/// The rules to run on each event of some work, by its position: a few
/// distinct lists of runnable rules, and per event the index of its list
/// (little-endian `u32`s: they cross between workers as bytes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkRules {
    pub lists: Vec<Vec<u32>>,
    pub of_event: Vec<u8>,
}

impl WorkRules {
    /// The rules for the event at `position` (none, for a position or a
    /// list the work does not have).
    pub fn of(&self, position: u32) -> &[u32] {
        (position as usize)
            .checked_mul(4)
            .and_then(|at| self.of_event.get(at..at.checked_add(4)?))
            .and_then(|bytes| {
                let list = u32::from_le_bytes(bytes.try_into().ok()?);
                self.lists.get(list as usize)
            })
            .map_or(&[], Vec::as_slice)
    }
}

/// Positions in some work, and the column slots the row there does not know
/// (see [`StorePlan::unknown`]).
pub type Unknown = Vec<(u32, u16)>;

impl Engine<'_> {
    /// Checks what can be checked where `store` is (columns, and the JSON
    /// kept here) and cuts the rest into work for the workers that keep it.
    pub fn spread(&self, store: &crate::store::EventStore) -> Spread {
        let plan = self.plan_store(store);
        let mut here = self.check_store_columns(store, &plan.columns);
        let unknown: FxHashMap<usize, u16> = plan
            .unknown
            .iter()
            .map(|&(position, slots)| (plan.json[position as usize], slots))
            .collect();
        // Rows whose columns matched a deferred rule go to the JSON too.
        let mut deferred: FxHashMap<usize, Vec<u32>> = FxHashMap::default();
        for (row, checked) in &mut here {
            if !checked.deferred.is_empty() {
                deferred.insert(*row, std::mem::take(&mut checked.deferred));
            }
        }
        here.retain(|(_, checked)| !checked.is_empty());
        let mut json_rows = plan.json;
        if !deferred.is_empty() {
            json_rows.extend(deferred.keys());
            json_rows.sort_unstable();
            json_rows.dedup();
        }
        let mut by_row = RowCandidates::default();
        let rules_of = |row: usize| -> (u32, u32, u16, Vec<u32>) {
            let event = &store.rows[row];
            let slots = unknown.get(&row).copied().unwrap_or(0);
            let matched = deferred.get(&row).cloned().unwrap_or_default();
            (event.event_name, event.event_source, slots, matched)
        };
        let (local, shares) = crate::store::partition::split_scan(store, &json_rows);
        let mut reader = store.raw_reader();
        for row in local {
            let event = &store.rows[row];
            let (_, _, slots, mut list) = rules_of(row);
            list.extend_from_slice(by_row.of(self, store, event, true, slots));
            let checked = self.check(reader.json(event), &list);
            if !checked.is_empty() {
                here.push((row, checked));
            }
        }
        let shares = shares
            .into_iter()
            .map(|(home, share)| {
                let mut rules = WorkRules::default();
                let mut list_of: FxHashMap<(u32, u32, u16, Vec<u32>), u32> = FxHashMap::default();
                for &row in &share.rows {
                    let key = rules_of(row);
                    let list = match list_of.get(&key) {
                        Some(&list) => list,
                        None => {
                            let mut list = key.3.clone();
                            list.extend_from_slice(by_row.of(
                                self,
                                store,
                                &store.rows[row],
                                true,
                                key.2,
                            ));
                            rules.lists.push(list);
                            let at = rules.lists.len() as u32 - 1;
                            list_of.insert(key, at);
                            at
                        }
                    };
                    rules.of_event.extend_from_slice(&list.to_le_bytes());
                }
                (home, share, rules)
            })
            .collect();
        Spread { here, shares }
    }
}

impl Run<'_, '_> {
    /// Tests one event against `candidates` (from [`Engine::candidates`]).
    pub fn event(&mut self, row: u32, time_ms: i64, json: &[u8], candidates: &[u32]) {
        let checked = self.engine.check(json, candidates);
        self.events += 1;
        self.absorb(row, time_ms, checked);
    }

    /// Says how many events the run covered, where they were checked
    /// elsewhere and only what they did was absorbed.
    pub fn covered(&mut self, events: usize) {
        self.events = events;
    }

    /// Takes what [`Engine::check`] found for one event, wherever it ran
    /// (an event may come in more than one part: its columns' and its JSON's).
    pub fn absorb(&mut self, row: u32, time_ms: i64, checked: Checked) {
        for (filter, rule) in checked.filtered {
            if let Some(per_rule) = self.filtered.get_mut(filter as usize) {
                *per_rule.entry(rule as usize).or_default() += 1;
            }
        }
        for rule in checked.rules {
            if let Some(hits) = self.hits.get_mut(rule as usize) {
                hits.push(row);
            }
        }
        for (plan, reference, group, value) in checked.records {
            if let Some(records) = self.records.get_mut(plan as usize) {
                records.push(Record {
                    time_ms,
                    row,
                    reference: reference as usize,
                    group,
                    value,
                });
            }
        }
    }

    pub fn finish(self) -> Results {
        let Run {
            engine,
            mut hits,
            filtered,
            records,
            events,
        } = self;
        for rows in &mut hits {
            rows.sort_unstable();
            rows.dedup();
        }
        // Correlations over correlations run after the ones they use.
        let mut done = vec![false; engine.plans.len()];
        let mut records: Vec<Option<Vec<Record>>> = records.into_iter().map(Some).collect();
        for _ in 0..engine.plans.len() {
            for (p, plan) in engine.plans.iter().enumerate() {
                if done[p] {
                    continue;
                }
                let waits = plan.targets.iter().any(|&t| {
                    engine
                        .plans
                        .iter()
                        .position(|q| q.rule == t)
                        .is_some_and(|q| !done[q])
                });
                if waits {
                    continue;
                }
                let mut input = records[p].take().unwrap_or_default();
                // Through another correlation: only the events it kept.
                input.retain(|r| {
                    let through = plan.targets[r.reference];
                    match &engine.set.rules[through].compiled {
                        Some(Compiled::Correlation(..)) => {
                            hits[through].binary_search(&r.row).is_ok()
                        }
                        _ => true,
                    }
                });
                hits[plan.rule] = correlate(&plan.correlation, input);
                done[p] = true;
            }
        }
        let filtered = filtered
            .into_iter()
            .map(|per_rule| {
                let mut list: Vec<(usize, u32)> = per_rule.into_iter().collect();
                list.sort_unstable();
                list
            })
            .collect();
        Results {
            hits,
            filtered,
            events,
        }
    }
}

/// What a correlation groups an event by, and the value it aggregates.
fn grouping(
    set: &RuleSet,
    plan: &Plan,
    reference: usize,
    base: usize,
    through: Option<usize>,
    event: &Event,
) -> (String, Option<String>) {
    let reference_name = &plan.correlation.rules[reference];
    let base_meta = &set.rules[base].meta;
    let field_for = |field: &str| -> String {
        for (alias, per_rule) in &plan.correlation.aliases {
            if alias != field {
                continue;
            }
            for (name, mapped) in per_rule {
                let names_it = name == reference_name
                    || base_meta.name.as_deref() == Some(name)
                    || base_meta.id.as_deref() == Some(name)
                    || base_meta.title == *name
                    || through.is_some_and(|t| {
                        let m = &set.rules[t].meta;
                        m.name.as_deref() == Some(name) || m.id.as_deref() == Some(name)
                    });
                if names_it {
                    return mapped.clone();
                }
            }
        }
        field.to_owned()
    };
    let value_of = |field: &str| -> Option<String> {
        let path: Vec<String> = field.split('.').map(str::to_owned).collect();
        event
            .values(&path)
            .iter()
            .find(|v| !v.is_null())
            .map(|v| text_of(v).into_owned())
    };
    let group = plan
        .correlation
        .group_by
        .iter()
        .map(|g| value_of(&field_for(g)).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\u{1f}");
    let value = plan.correlation.field.as_ref().and_then(|fields| {
        let parts: Vec<String> = fields
            .split(',')
            .map(|f| value_of(&field_for(f)).unwrap_or_default())
            .collect();
        parts
            .iter()
            .any(|p| !p.is_empty())
            .then(|| parts.join("\u{1f}"))
    });
    (group, value)
}

/// Why `rule` matched `event`: its searches and values; for a correlation,
/// those of each rule it uses that matched the event.
pub fn explain(set: &RuleSet, rule: usize, json: &[u8]) -> Vec<(String, Vec<Why>)> {
    let event = &Event::new(json);
    let mut bases = Vec::new();
    base_rules(set, rule, &mut bases, 0);
    bases.dedup();
    bases
        .into_iter()
        .filter_map(|base| {
            let detection = set.rules[base].detection()?;
            detection
                .matches(event)
                .then(|| (set.rules[base].key.clone(), detection.explain(event)))
        })
        .collect()
}

/// Which rules cannot fire on the loaded events, and why: a rule whose
/// `eventSource` (or `eventName`) values appear in no event. `present`
/// says whether some loaded event has that value in that field.
pub fn cannot_fire(set: &RuleSet, present: &dyn Fn(&str, &str) -> bool) -> Vec<Option<String>> {
    let mut reasons: Vec<Option<String>> = vec![None; set.rules.len()];
    for (index, entry) in set.rules.iter().enumerate() {
        let Some(detection) = entry.detection() else {
            continue;
        };
        for field in [SOURCE_FIELD, NAME_FIELD] {
            if let Some(values) = detection.required(field) {
                if !values.iter().any(|v| present(field, v)) {
                    let list: Vec<&str> = values.iter().map(String::as_str).take(5).collect();
                    let more = if values.len() > 5 { ", …" } else { "" };
                    reasons[index] = Some(format!(
                        "needs {field} {}{more}, which no loaded event has",
                        list.join(" or ")
                    ));
                    break;
                }
            }
        }
    }
    // A correlation cannot fire when a rule it needs cannot.
    for _ in 0..4 {
        for (index, entry) in set.rules.iter().enumerate() {
            let Some(Compiled::Correlation(correlation, targets)) = &entry.compiled else {
                continue;
            };
            if entry.status != Status::Ok || reasons[index].is_some() {
                continue;
            }
            let temporal = correlation.condition.is_empty();
            let stuck: Vec<usize> = targets
                .iter()
                .copied()
                .filter(|&t| reasons[t].is_some())
                .collect();
            let all_stuck = !targets.is_empty() && stuck.len() == targets.len();
            if all_stuck || (temporal && !stuck.is_empty()) {
                reasons[index] = Some(format!(
                    "uses '{}', which cannot fire",
                    set.rules[stuck[0]].meta.title
                ));
            }
        }
    }
    reasons
}

/// Distinct lowercased values of a column, for [`cannot_fire`].
pub fn present_values<'a>(values: impl Iterator<Item = &'a str>) -> FxHashSet<String> {
    values.map(str::to_lowercase).collect()
}

/// Distinct row values whose rule outcomes the column pass keeps at once.
const MAX_MEMO: usize = 1 << 18;
const COLUMN_SLOTS: usize = super::matcher::COLUMN_FIELDS.len();

/// The candidates of a store's rows ([`Engine::candidates_needing`]): a
/// store has few distinct (name, source, unknown slots), each worked out once.
#[derive(Default)]
struct RowCandidates {
    by_key: FxHashMap<(u32, u32, u16, bool), Candidates>,
}

/// Runnable rules, and the column slots they read.
type Candidates = (Vec<u32>, u16);

impl RowCandidates {
    /// The rules that run on the row's columns, and the slots they read.
    fn with_needs(
        &mut self,
        engine: &Engine<'_>,
        store: &crate::store::EventStore,
        row: &crate::store::EventRow,
        unknown: u16,
    ) -> (&[u32], u16) {
        let (candidates, needs) = self.entry(engine, store, row, false, unknown);
        (candidates, *needs)
    }

    fn of(
        &mut self,
        engine: &Engine<'_>,
        store: &crate::store::EventStore,
        row: &crate::store::EventRow,
        json: bool,
        unknown: u16,
    ) -> &[u32] {
        &self.entry(engine, store, row, json, unknown).0
    }

    fn entry(
        &mut self,
        engine: &Engine<'_>,
        store: &crate::store::EventStore,
        row: &crate::store::EventRow,
        json: bool,
        unknown: u16,
    ) -> &Candidates {
        self.by_key
            .entry((row.event_name, row.event_source, unknown, json))
            .or_insert_with(|| {
                let mut candidates = Vec::new();
                engine.candidates_needing(
                    store.strings.get(row.event_name),
                    store.strings.get(row.event_source),
                    json,
                    unknown,
                    &mut candidates,
                );
                let needs = candidates.iter().fold(0, |needs, &at| {
                    needs | engine.runnable[at as usize].column_slots().unwrap_or(0)
                });
                (candidates, needs)
            })
    }
}

/// Runs `set` over every event of `store`, reading an
/// event's JSON only when some rule may match it.
pub fn run_store(set: &RuleSet, store: &crate::store::EventStore) -> Results {
    let engine = Engine::new(set);
    let mut run = engine.start();
    // A store with all its raw JSON at hand has no shares for others.
    let spread = engine.spread(store);
    debug_assert!(spread.shares.is_empty());
    for (row, checked) in spread.here {
        run.absorb(row as u32, store.rows[row].time_ms, checked);
    }
    run.covered(store.len());
    run.finish()
}

/// Every rule on every event's JSON, as if no column could answer: the
/// reference a run from the columns ([`run_store`]) must agree with.
pub fn run_on_json_only(set: &RuleSet, store: &crate::store::EventStore) -> Results {
    let engine = Engine::new(set);
    let mut run = engine.start();
    let mut reader = store.raw_reader();
    let mut candidates = Vec::new();
    for (row, event) in store.rows.iter().enumerate() {
        engine.candidates(
            store.strings.get(event.event_name),
            store.strings.get(event.event_source),
            &mut candidates,
        );
        run.event(row as u32, event.time_ms, reader.json(event), &candidates);
    }
    run.finish()
}

/// Each rule's status and reason on `store`: the set's, or `cannot-fire`
/// where the loaded events lack what the rule needs.
pub fn statuses(set: &RuleSet, store: &crate::store::EventStore) -> Vec<(Status, Option<String>)> {
    let mut names = FxHashSet::default();
    let mut sources = FxHashSet::default();
    for row in &store.rows {
        names.insert(row.event_name);
        sources.insert(row.event_source);
    }
    let names = present_values(names.iter().map(|&id| store.strings.get(id)));
    let sources = present_values(sources.iter().map(|&id| store.strings.get(id)));
    let present = |field: &str, value: &str| match field {
        NAME_FIELD => names.contains(value),
        _ => sources.contains(value),
    };
    let reasons = cannot_fire(set, &present);
    set.rules
        .iter()
        .zip(reasons)
        .map(|(entry, reason)| match (entry.status, reason) {
            (Status::Ok, Some(reason)) => (Status::CannotFire, Some(reason)),
            (status, _) => (status, entry.reason.clone()),
        })
        .collect()
}
