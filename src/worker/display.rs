//! Owns what the store worker says about a load and an event in words and
//! bounded lists: the load summary and an event's detail.

use crate::protocol::{EventDetail, LoadSummary};
use trailglass_core::diagnostic::Diagnostic;
use trailglass_core::input::identity::{CredentialFacts, CredentialKind};
use trailglass_core::load::ingest::Loader;
use trailglass_core::load::report::FileReport;
use trailglass_core::query::view::table_row;
use trailglass_core::store::columns::Column;
use trailglass_core::store::flags;
use trailglass_core::time::format_utc;
use wasm_bindgen::JsCast;

/// The page shows at most this many diagnostics and file lines; totals are always given.
const DIAGNOSTICS_SHOWN: usize = 1000;
const FILES_SHOWN: usize = 1000;
pub(super) const PRINCIPALS_SHOWN: usize = 500;
pub(super) const FACET_VALUES: usize = 10;
pub(super) const TIMELINE_BUCKETS: usize = 120;
pub(super) const SPARKLINE_SLICES: usize = 24;
pub(super) const FIRST_ROWS: usize = 100;
const DETAIL_LINES: usize = 4000;

/// The problems of the load report as the page shows them: the first
/// [`DIAGNOSTICS_SHOWN`], and how many there are.
pub(super) fn shown_diagnostics(loader: &Loader) -> (Vec<Diagnostic>, usize) {
    let diagnostics = &loader.report.diagnostics;
    (
        diagnostics
            .iter()
            .take(DIAGNOSTICS_SHOWN)
            .cloned()
            .collect(),
        diagnostics.len(),
    )
}

pub(super) fn load_summary(loader: &Loader, load_ms: f64, cancelled: bool) -> LoadSummary {
    let store = &loader.store;
    let report = &loader.report;
    let span = store.time_span();
    LoadSummary {
        files: report.files,
        events: store.len(),
        duplicates: report.duplicates,
        first_event: span.map(|(lo, _)| format_utc(lo)),
        last_event: span.map(|(_, hi)| format_utc(hi)),
        bytes_read: report.bytes_read as f64,
        text_bytes: report.text_bytes as f64,
        store_bytes: store.heap_bytes() as f64,
        raw_kept_bytes: store.raw_store().away_bytes() as f64,
        raw_fullest_parser_bytes: store.raw_store().fullest_home_bytes() as f64,
        files_refused: report.files_refused,
        wasm_memory_bytes: wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64,
        load_ms,
        parsers: 0,
        split_files: 0,
        parsed_again: 0,
        cancelled,
        diagnostics_total: report.diagnostics.len(),
        diagnostics: shown_diagnostics(loader).0,
        file_reports_total: report.file_reports.len(),
        file_reports: report
            .file_reports
            .iter()
            .take(FILES_SHOWN)
            // A file's line as the page shows it: no digest, no keys, no fingerprint.
            .map(|f| FileReport {
                name: f.name.clone(),
                shape: f.shape,
                events: f.events,
                duplicates: f.duplicates,
                problems: f.problems,
                events_fingerprint: 0,
                digest: None,
                public_keys: None,
            })
            .collect(),
    }
}

pub(super) fn event_detail(loader: &Loader, id: u32) -> Option<EventDetail> {
    let store = &loader.store;
    let row = store.rows.get(id as usize)?;
    let raw = store.raw_json(row);
    let table = table_row(store, id);
    let text = |column| table.text(column);
    let principal = &store.principals[row.principal as usize].principal;
    let outcome = if text(Column::ErrorCode).is_empty() {
        if row.flags & flags::ERROR != 0 {
            "failed".to_owned()
        } else {
            "success".to_owned()
        }
    } else {
        text(Column::ErrorCode).to_owned()
    };
    let mut facts = vec![
        (
            "Who".to_owned(),
            format!("{} ({})", principal.name, principal.kind.label()),
        ),
        ("Grouped under".to_owned(), principal.group.clone()),
        (
            "What".to_owned(),
            format!(
                "{} · {}",
                text(Column::EventSource),
                text(Column::EventName)
            ),
        ),
        ("When (UTC)".to_owned(), text(Column::Time).to_owned()),
        (
            "Where".to_owned(),
            format!("{} · from {}", text(Column::Region), text(Column::SourceIp)),
        ),
        ("Account".to_owned(), text(Column::Account).to_owned()),
        ("Outcome".to_owned(), outcome),
        (
            "Credential".to_owned(),
            CredentialKind::from_code(row.credential).label().to_owned(),
        ),
    ];
    let labels = CredentialFacts::labels(row.flags);
    if !labels.is_empty() {
        facts.push(("Facts".to_owned(), labels.join(", ")));
    }
    let agent = Column::UserAgent;
    facts.push((agent.label().to_owned(), text(agent).to_owned()));
    Some(EventDetail {
        id,
        key: trailglass_core::case::event_key(&raw),
        row: table,
        facts,
        lines: trailglass_core::query::pretty::pretty_lines(&raw, DETAIL_LINES),
        text: trailglass_core::query::pretty::pretty_text(&raw),
        lineage: None,
        matches: Vec::new(),
    })
}
