//! Owns aggregations of the store that people read: totals, time span and
//! the per-principal breakdown.

use crate::load::ingest::LoadReport;
use crate::query::view::principal_stats;
use crate::store::EventStore;
use crate::time::format_utc;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PrincipalSummary {
    /// The `userIdentity.type` it came from (`AWSService` for service-only records, `none` without identity).
    pub kind: &'static str,
    pub principal: String,
    pub account: String,
    pub events: usize,
    pub errors: usize,
    pub access_denied: usize,
}

/// The machine-readable summary of a load (`trailglass summary`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary<'r> {
    pub files: usize,
    pub events: usize,
    pub duplicates: usize,
    pub first_event: Option<String>,
    pub last_event: Option<String>,
    pub diagnostics: &'r [crate::diagnostic::Diagnostic],
    pub principals: Vec<PrincipalSummary>,
}

/// Per-principal counts, most active first: the viewer's breakdown, reduced.
pub fn principals(store: &EventStore) -> Vec<PrincipalSummary> {
    let everything: Vec<u32> = (0..store.rows.len() as u32).collect();
    principal_stats(store, &everything, 0)
        .into_iter()
        .map(|stats| PrincipalSummary {
            kind: store.principals[stats.id as usize]
                .principal
                .kind
                .type_name(),
            principal: stats.name,
            account: stats.account,
            events: stats.events as usize,
            errors: stats.errors as usize,
            access_denied: stats.denied as usize,
        })
        .collect()
}

pub fn summarize<'r>(store: &EventStore, report: &'r LoadReport) -> Summary<'r> {
    let span = store.time_span();
    Summary {
        files: report.files,
        events: store.len(),
        duplicates: report.duplicates,
        first_event: span.map(|(lo, _)| format_utc(lo)),
        last_event: span.map(|(_, hi)| format_utc(hi)),
        diagnostics: &report.diagnostics,
        principals: principals(store),
    }
}
