//! Owns the summary of a Sigma run that the CLI prints and tests read:
//! per rule its id, title, level, status (with the error or reason) and
//! how many distinct events it hit; per filter what it silenced.

use serde::Serialize;

use super::engine::{run_store, statuses};
use super::rule::Level;
use super::{Origin, RuleSet};
use crate::store::EventStore;

#[derive(Debug, Clone, Serialize)]
pub struct SigmaReport {
    /// Distinct events (repeated deliveries dropped).
    pub events: usize,
    pub rules: Vec<RuleReport>,
    pub filters: Vec<FilterReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub status: &'static str,
    /// Why the status is not `ok`.
    pub error: Option<String>,
    pub hits: usize,
    pub author: Option<String>,
    pub file: String,
    pub line: usize,
    pub origin: Origin,
    /// Whether its hits are findings of their own (not only a
    /// correlation's input).
    pub reports: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterReport {
    pub id: String,
    pub title: String,
    pub file: String,
    pub error: Option<String>,
    /// (rule id, events it took out).
    pub silenced: Vec<(String, u32)>,
}

pub fn sigma_report(set: &RuleSet, store: &EventStore) -> SigmaReport {
    let results = run_store(set, store);
    let statuses = statuses(set, store);
    let rules = set
        .rules
        .iter()
        .zip(statuses)
        .zip(&results.hits)
        .map(|((entry, (status, reason)), hits)| RuleReport {
            id: entry.key.clone(),
            title: entry.meta.title.clone(),
            level: entry.level(),
            status: status.label(),
            error: reason,
            hits: hits.len(),
            author: entry.meta.author.clone(),
            file: entry.source.file.clone(),
            line: entry.source.line,
            origin: entry.source.origin,
            reports: entry.reports(),
        })
        .collect();
    let filters = set
        .filters
        .iter()
        .zip(&results.filtered)
        .map(|(entry, silenced)| FilterReport {
            id: entry.key.clone(),
            title: entry.meta.title.clone(),
            file: entry.source.file.clone(),
            error: entry.error.clone(),
            silenced: silenced
                .iter()
                .map(|&(rule, n)| (set.rules[rule].key.clone(), n))
                .collect(),
        })
        .collect();
    SigmaReport {
        events: store.len(),
        rules,
        filters,
    }
}
