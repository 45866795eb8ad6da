//! Owns aggregations of the store that people read: totals, time span and
//! the per-principal breakdown.

use crate::identity::PrincipalKind;
use crate::ingest::LoadReport;
use crate::store::{flags, EventStore};
use crate::time::format_utc;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PrincipalSummary {
    #[serde(skip)]
    pub principal_kind: PrincipalKind,
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

/// Per-principal counts, most active first.
pub fn principals(store: &EventStore) -> Vec<PrincipalSummary> {
    let mut counts = vec![(0usize, 0usize, 0usize); store.principals.len()];
    for row in &store.rows {
        let entry = &mut counts[row.principal as usize];
        entry.0 += 1;
        entry.1 += usize::from(row.flags & flags::ERROR != 0);
        entry.2 += usize::from(row.flags & flags::ACCESS_DENIED != 0);
    }
    let mut summaries: Vec<PrincipalSummary> = store
        .principals
        .iter()
        .zip(counts)
        .map(
            |(entry, (events, errors, access_denied))| PrincipalSummary {
                principal_kind: entry.principal.kind,
                kind: entry.principal.kind.type_name(),
                principal: entry.principal.name.clone(),
                account: entry.principal.account.clone(),
                events,
                errors,
                access_denied,
            },
        )
        .collect();
    summaries.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| a.principal.cmp(&b.principal))
    });
    summaries
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
