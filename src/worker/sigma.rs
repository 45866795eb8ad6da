//! Owns Sigma in the store worker: the rule set (built-in rules and the
//! user's files), a run of it (each parser checks the events it keeps, in
//! parallel; see `run_sigma` in the dispatch), and what the page gets from
//! it: findings, the rule lab, the `rule:` rows, and why an event matched.

use crate::protocol::{
    FilterView, FindingView, RuleAbout, RuleFile, RuleLab, RuleMatch, RuleStatusView,
};
use rustc_hash::FxHashMap;
use std::rc::Rc;
use trailglass_core::analysis::sigma::builtin::{SIGMAHQ_LICENSE, SIGMAHQ_LINK};
use trailglass_core::analysis::sigma::correlate::describe;
use trailglass_core::analysis::sigma::engine::{explain, statuses, Results};
use trailglass_core::analysis::sigma::{Compiled, Origin, RuleEntry, RuleSet};
use trailglass_core::store::EventStore;

/// The rule set and what it found on the session's events.
pub(super) struct SigmaState {
    pub(super) set: Rc<RuleSet>,
    pub(super) files: Vec<RuleFile>,
    /// Counts the rule sets this worker made (see [`Planned::number`]).
    pub(super) number: u32,
    /// The last run's hits, for the `changes` it ran on.
    found: Option<(u64, Found)>,
    pub(super) run_ms: f64,
}

struct Found {
    results: Results,
    /// Reporting rules each row matched.
    by_row: FxHashMap<u32, Vec<u32>>,
    /// Every rule's rows by its id, for `rule:ID`.
    rows: Rc<FxHashMap<String, Vec<u32>>>,
}

impl Default for SigmaState {
    fn default() -> Self {
        Self {
            set: Rc::new(RuleSet::builtin()),
            files: Vec::new(),
            number: 0,
            found: None,
            run_ms: 0.0,
        }
    }
}

impl SigmaState {
    /// The built-in rules and `files`, read afresh (the `number`th set).
    pub(super) fn with_files(files: Vec<RuleFile>, number: u32) -> Self {
        Self {
            set: Rc::new(crate::parser::rule_set(&files)),
            files,
            number,
            found: None,
            run_ms: 0.0,
        }
    }

    /// What the last run found, if it ran on the data as it is (`changes`).
    fn found(&self, changes: u64) -> Option<&Found> {
        self.found
            .as_ref()
            .filter(|(at, _)| *at == changes)
            .map(|(_, found)| found)
    }

    /// Every rule's rows by id, for the `rule:` term.
    pub(super) fn rule_rows(&self, changes: u64) -> Option<Rc<FxHashMap<String, Vec<u32>>>> {
        self.found(changes).map(|found| found.rows.clone())
    }
}

/// A run of the rule set on the session's data as it was: the parsers
/// check the events they keep, this worker those it holds.
pub(super) struct Planned {
    pub(super) set: Rc<RuleSet>,
    /// Numbers the rule files, so a parser reads them once.
    pub(super) number: u32,
    pub(super) files: Vec<RuleFile>,
    changes: u64,
    started: f64,
}

impl Planned {
    pub(super) fn new(sigma: &SigmaState, changes: u64) -> Self {
        Self {
            set: sigma.set.clone(),
            number: sigma.number,
            files: sigma.files.clone(),
            changes,
            started: js_sys::Date::now(),
        }
    }

    /// Whether the session still has the data and rules this was planned on.
    pub(super) fn current(&self, sigma: &SigmaState, changes: u64) -> bool {
        changes == self.changes && Rc::ptr_eq(&sigma.set, &self.set)
    }

    /// Keeps what the run found, unless the data or the rules changed.
    pub(super) fn keep(self, sigma: &mut SigmaState, changes: u64, results: Results) -> bool {
        if !self.current(sigma, changes) {
            return false;
        }
        let set = &self.set;
        let mut by_row: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut rows: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (index, hits) in results.hits.iter().enumerate() {
            let entry = &set.rules[index];
            if entry.reports() {
                for &row in hits {
                    by_row.entry(row).or_default().push(index as u32);
                }
            }
            if !hits.is_empty() {
                rows.insert(entry.key.clone(), hits.clone());
            }
        }
        sigma.found = Some((
            self.changes,
            Found {
                results,
                by_row,
                rows: Rc::new(rows),
            },
        ));
        sigma.run_ms = js_sys::Date::now() - self.started;
        true
    }
}

fn about(entry: &RuleEntry) -> RuleAbout {
    let builtin = entry.source.origin == Origin::Builtin;
    RuleAbout {
        file: entry.source.file.clone(),
        line: entry.source.line,
        builtin,
        author: entry.meta.author.clone(),
        link: if builtin {
            Some(format!("{SIGMAHQ_LINK}{}", entry.source.file))
        } else {
            // A user's rule is outside text: only a web address becomes a link.
            entry
                .meta
                .references
                .iter()
                .find(|r| r.starts_with("https://") || r.starts_with("http://"))
                .cloned()
        },
        license: if builtin {
            Some(SIGMAHQ_LICENSE.to_owned())
        } else {
            entry.meta.license.clone()
        },
    }
}

fn correlation_of(entry: &RuleEntry) -> Option<String> {
    match &entry.compiled {
        Some(Compiled::Correlation(correlation, _)) => Some(describe(correlation)),
        _ => None,
    }
}

/// The findings of the Sigma rules that report and hit something.
pub(super) fn findings(sigma: &SigmaState, changes: u64) -> Vec<FindingView> {
    let Some(found) = sigma.found(changes) else {
        return Vec::new();
    };
    let set = &sigma.set;
    set.rules
        .iter()
        .zip(&found.results.hits)
        .filter(|(entry, hits)| entry.reports() && !hits.is_empty())
        .map(|(entry, hits)| FindingView {
            id: entry.key.clone(),
            title: entry.meta.title.clone(),
            level: entry.level(),
            sigma: Some(about(entry)),
            technique: entry
                .meta
                .tags
                .iter()
                .find_map(|t| t.strip_prefix("attack.t"))
                .map(|t| format!("T{}", t.to_uppercase()))
                .unwrap_or_default(),
            query: String::new(),
            condition: correlation_of(entry),
            search: trailglass_core::query::Query::Field {
                field: trailglass_core::query::Field::Rule,
                test: trailglass_core::query::Test::Equals(entry.key.clone()),
            }
            .to_string(),
            exact: true,
            count: hits.len(),
        })
        .collect()
}

/// Every rule and filter with its status on the loaded events.
pub(super) fn lab(sigma: &SigmaState, store: &EventStore, changes: u64) -> RuleLab {
    let set = &sigma.set;
    let found = sigma.found(changes);
    let statuses = statuses(set, store);
    let loaded = !store.is_empty();
    let rules = set
        .rules
        .iter()
        .zip(statuses)
        .enumerate()
        .map(|(index, (entry, (status, reason)))| {
            // Before anything is loaded, nothing can fire: say so only then.
            let (status, reason) = match status {
                trailglass_core::analysis::sigma::Status::CannotFire if !loaded => {
                    (trailglass_core::analysis::sigma::Status::Ok, None)
                }
                _ => (status, reason),
            };
            RuleStatusView {
                id: entry.key.clone(),
                title: entry.meta.title.clone(),
                level: entry.level(),
                status: status.label().to_owned(),
                reason,
                about: about(entry),
                hits: found.map_or(0, |f| f.results.hits[index].len()),
                reports: entry.reports(),
                correlation: correlation_of(entry),
            }
        })
        .collect();
    let filters = set
        .filters
        .iter()
        .enumerate()
        .map(|(index, entry)| FilterView {
            id: entry.key.clone(),
            title: entry.meta.title.clone(),
            file: entry.source.file.clone(),
            error: entry.error.clone(),
            rules: entry.applies_to.len(),
            silenced: found.map_or_else(Vec::new, |f| {
                f.results.filtered[index]
                    .iter()
                    .map(|&(rule, n)| (set.rules[rule].key.clone(), n))
                    .collect()
            }),
        })
        .collect();
    RuleLab {
        rules,
        filters,
        files: sigma.files.iter().map(|f| f.name.clone()).collect(),
        ran: found.is_some(),
        run_ms: sigma.run_ms,
    }
}

/// The Sigma rules that matched row `event` (whose JSON is `json`), and why.
pub(super) fn matches_of(
    sigma: &SigmaState,
    changes: u64,
    event: u32,
    json: &[u8],
) -> Vec<RuleMatch> {
    let Some(found) = sigma.found(changes) else {
        return Vec::new();
    };
    let set = &sigma.set;
    let Some(rules) = found.by_row.get(&event) else {
        return Vec::new();
    };
    let mut matches: Vec<RuleMatch> = rules
        .iter()
        .map(|&rule| {
            let entry = &set.rules[rule as usize];
            RuleMatch {
                id: entry.key.clone(),
                title: entry.meta.title.clone(),
                level: entry.level(),
                author: entry.meta.author.clone(),
                reasons: explain(set, rule as usize, json),
            }
        })
        .collect();
    trailglass_core::sorting::sort_by(&mut matches, |a, b| {
        b.level.cmp(&a.level).then(a.title.cmp(&b.title))
    });
    matches
}
