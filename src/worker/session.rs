//! Owns the store worker's session: the loaded store and what the page is
//! looking at (query, selection, detections, lineage), answering view,
//! row, export and digest-check requests; and the [`Gate`] that keeps
//! loads and views which wait on the parsers from changing it under each other.

use super::display::{
    FACET_VALUES, FIRST_ROWS, PRINCIPALS_SHOWN, SPARKLINE_SLICES, TIMELINE_BUCKETS,
};
use crate::handle::FileHandle;
use crate::protocol::{ExportFormat, FindingView, FromWorker, ViewRequest, ViewResult};
use std::cell::Cell;
use trailglass_core::analysis::coverage::CoverageReport;
use trailglass_core::analysis::digest::log_content_sha256;
use trailglass_core::analysis::lineage::LineageIndex;
use trailglass_core::load::ingest::Loader;
use trailglass_core::query::filter::Selection;
use trailglass_core::query::filter::{select_with, Filter, RawScan};
use trailglass_core::query::view::{
    busiest_principals, facet, principal_stats, timeline, window, TableRow,
};

/// The store and what the page is looking at.
pub(super) struct Session {
    pub(super) loader: Loader,
    /// Every row in time order; rebuilt after a load.
    pub(super) order: Selection,
    pub(super) request: ViewRequest,
    pub(super) selection: Selection,
    /// Built on the first lineage question after a load, then kept.
    pub(super) lineage: Option<LineageIndex>,
    /// Which detection rules each row matched; rebuilt after a load.
    pub(super) rules_by_row: rustc_hash::FxHashMap<u32, Vec<u16>>,
    /// How many times its data changed (every load and every Clear count):
    /// work that spans awaits checks it to know its rows still mean the same.
    pub(super) changes: u64,
    /// The built-in detections' findings of the last load.
    pub(super) tg_findings: Vec<FindingView>,
    pub(super) sigma: super::sigma::SigmaState,
    /// How many problems the page's load report holds (see `report_losses`).
    pub(super) reported_diagnostics: usize,
}

/// A tab's limits; the end-to-end tests may lower the store's ceiling.
fn limits() -> trailglass_core::load::ingest::Limits {
    let mut limits = trailglass_core::load::ingest::Limits::browser();
    if let Some(bytes) = crate::fault::store_limit_bytes(&crate::fault::location_search()) {
        limits.max_store_bytes = bytes;
    }
    limits
}

impl Default for Session {
    fn default() -> Self {
        Self {
            loader: Loader::new(limits()),
            order: Selection::default(),
            request: ViewRequest::default(),
            selection: Selection::default(),
            lineage: None,
            rules_by_row: Default::default(),
            changes: 0,
            tg_findings: Vec::new(),
            sigma: Default::default(),
            reported_diagnostics: 0,
        }
    }
}

impl Session {
    /// The lineage index of the store as loaded now, and the store.
    pub(super) fn lineage(&mut self) -> (&LineageIndex, &trailglass_core::store::EventStore) {
        let store = &self.loader.store;
        (
            self.lineage
                .get_or_insert_with(|| LineageIndex::build(store)),
            store,
        )
    }

    /// Answers a view; free text and JSON paths read the raw JSON through
    /// `scan` (see [`super::fanout::FanOut`]).
    pub(super) async fn view(&mut self, request: ViewRequest, scan: &impl RawScan) -> FromWorker {
        let started = js_sys::Date::now();
        let query = match trailglass_core::query::parse(&request.query) {
            Ok(query) => query,
            Err(error) => {
                return FromWorker::QueryError {
                    message: error.to_string(),
                    position: error.position,
                }
            }
        };
        let filter = Filter {
            query,
            range: request.range.map(|(from, to)| (from as i64, to as i64)),
            principal: request.principal,
        };
        let store = &self.loader.store;
        self.selection = select_with(store, &self.order, &filter, scan).await;
        self.request = request.clone();
        let selection = &self.selection;
        let (principals_total, principals) =
            busiest_principals(store, selection, SPARKLINE_SLICES, PRINCIPALS_SHOWN);
        FromWorker::View(Box::new(ViewResult {
            total: store.len(),
            shown: selection.len(),
            timeline: timeline(store, selection, filter.range, TIMELINE_BUCKETS),
            facets: trailglass_core::store::columns::facets()
                .into_iter()
                .map(|column| facet(store, selection, column, FACET_VALUES))
                .collect(),
            principals_total,
            principals,
            rows: self.badged(window(store, selection, 0, FIRST_ROWS, request.descending)),
            request,
            elapsed_ms: js_sys::Date::now() - started,
        }))
    }

    /// Runs the built-in detections over everything loaded (once per load).
    pub(super) fn detect(&mut self) -> Vec<FindingView> {
        let findings = self.loader.findings(&self.order);
        self.take_findings(findings)
    }

    /// Keeps each row's rules (for badges) and turns findings into what the panel shows.
    pub(super) fn take_findings(
        &mut self,
        findings: Vec<trailglass_core::analysis::detect::Finding>,
    ) -> Vec<FindingView> {
        self.rules_by_row = trailglass_core::analysis::detect::rules_by_row(&findings);
        let views: Vec<FindingView> = findings
            .into_iter()
            .map(|finding| {
                let rule = &trailglass_core::analysis::detect::RULES[finding.rule];
                FindingView {
                    id: rule.id.into(),
                    title: rule.title.into(),
                    level: rule.severity.into(),
                    sigma: None,
                    technique: rule.technique.into(),
                    query: rule.query.into(),
                    condition: rule.condition.describe(),
                    search: finding.search,
                    exact: finding.exact,
                    count: finding.rows.len(),
                }
            })
            .collect();
        self.tg_findings = views;
        self.findings()
    }

    /// The built-in rules' findings and the Sigma rules', most severe first.
    pub(super) fn findings(&self) -> Vec<FindingView> {
        let mut views = self.tg_findings.clone();
        views.extend(super::sigma::findings(&self.sigma, self.changes));
        trailglass_core::sorting::sort_by(&mut views, |a, b| {
            (b.level, b.count)
                .cmp(&(a.level, a.count))
                .then_with(|| a.id.cmp(&b.id))
        });
        views
    }

    pub(super) fn badged(&self, mut rows: Vec<TableRow>) -> Vec<TableRow> {
        for row in &mut rows {
            row.rule_badge = trailglass_core::analysis::detect::badge(&self.rules_by_row, row.id);
        }
        rows
    }

    pub(super) fn export(&self, format: ExportFormat) -> FromWorker {
        let store = &self.loader.store;
        let principals = || principal_stats(store, &self.selection, 0);
        let (file_name, mime, bytes) = match format {
            ExportFormat::PrincipalsJson => (
                "trailglass-principals.json",
                "application/json",
                serde_json::to_vec_pretty(&principals()).unwrap_or_default(),
            ),
            ExportFormat::PrincipalsCsv => (
                "trailglass-principals.csv",
                "text/csv",
                trailglass_core::query::export::principals_csv(&principals()).into_bytes(),
            ),
            ExportFormat::EventsJson => (
                "trailglass-events.json",
                "application/json",
                trailglass_core::query::export::records_json(store, &self.selection, false),
            ),
            ExportFormat::EventsJsonGz => (
                "trailglass-events.json.gz",
                "application/gzip",
                trailglass_core::query::export::records_json(store, &self.selection, false),
            ),
            ExportFormat::EventsCsv => (
                "trailglass-events.csv",
                "text/csv",
                trailglass_core::query::export::events_csv(store, &self.selection).into_bytes(),
            ),
            ExportFormat::EventsTimesketch => (
                "trailglass-events.timesketch.jsonl",
                "application/x-ndjson",
                trailglass_core::query::export::timesketch_jsonl(store, &self.selection),
            ),
        };
        FromWorker::Export {
            file_name: file_name.into(),
            mime: mime.into(),
            bytes,
            gzip: format == ExportFormat::EventsJsonGz,
        }
    }
}

/// Verifies the load's integrity, never on the load path (a load of a
/// million events does not pay for it): every file the page hands over again
/// is hashed as it is (for the evidence manifest), the log files digests
/// name also by their uncompressed content (what digests hold), one at a
/// time; then each digest's signature and chain are checked.
pub(super) async fn verify_against_digests(
    session: &std::cell::RefCell<Session>,
    mut report: CoverageReport,
    files: Vec<FileHandle>,
    signatures: &[String],
) -> CoverageReport {
    use trailglass_core::analysis::digest::base_name;
    let named: std::collections::HashSet<String> = {
        let session = session.borrow();
        session
            .loader
            .report
            .file_reports
            .iter()
            .filter_map(|f| f.digest.as_deref())
            .flat_map(|d| {
                d.log_files
                    .iter()
                    .map(|e| base_name(&e.s3_object).to_owned())
            })
            .collect()
    };
    let limit = trailglass_core::load::ingest::Limits::browser().max_inflated_bytes;
    let mut content = std::collections::HashMap::new();
    let mut raw = Vec::with_capacity(files.len());
    for file in &files {
        match file.read().await {
            Ok(bytes) => {
                if named.contains(base_name(&file.name)) {
                    content.insert(file.name.clone(), log_content_sha256(&bytes, limit));
                }
                raw.push((
                    file.name.clone(),
                    bytes.len() as u64,
                    Ok(trailglass_core::case::sha256_hex(&bytes)),
                ));
            }
            Err(error) => {
                let why = format!("cannot read the file: {error}");
                if named.contains(base_name(&file.name)) {
                    content.insert(file.name.clone(), Err(why.clone()));
                }
                raw.push((file.name.clone(), file.size as u64, Err(why)));
            }
        }
    }
    for (name, sha256) in &content {
        report.record_hash(name, sha256.clone());
    }
    let signatures = trailglass_core::analysis::signature::parse_signatures(
        signatures.iter().map(String::as_str),
    )
    .unwrap_or_default();
    let session = session.borrow();
    let integrity = trailglass_core::analysis::integrity::integrity(
        &session.loader.report,
        &content,
        &signatures,
    );
    report.manifest =
        trailglass_core::analysis::integrity::manifest(&session.loader.report, &integrity, &raw);
    report.integrity = Some(integrity);
    report.finish_verification();
    report
}

/// Keeps loads and views that read raw JSON from the parsers apart: such a
/// view holds the session while it waits for the parsers' answers, and a
/// load changes the session as segments arrive.
#[derive(Default)]
pub(super) struct Gate {
    pub(super) loads: Cell<u32>,
    pub(super) views: Cell<u32>,
}

impl Gate {
    /// Waits until `busy` is false, looking every few milliseconds.
    pub(super) async fn until(busy: impl Fn() -> bool) {
        while busy() {
            gloo::timers::future::TimeoutFuture::new(5).await;
        }
    }
}
