//! Owns the ingest worker: it holds the `Loader` (and so the store), reads
//! the files it is handed, evaluates view requests and answers with small
//! messages. The page never parses or filters anything.

use super::files::{FileHandle, Request};
use super::protocol::{
    DiagnosticView, EventDetail, ExportFormat, FileView, FindingView, FromWorker, LoadSummary,
    Progress, ToWorker, ViewRequest, ViewResult,
};
use crate::filter::{select, Filter};
use crate::identity::{CredentialFacts, CredentialKind};
use crate::ingest::Loader;
use crate::sample::{generate, SampleConfig};
use crate::store::flags;
use crate::time::format_utc;
use crate::view::{
    facet, principal_stats, table_row, time_order, timeline, window, Column, Selection, TableRow,
};
use gloo::worker::{HandlerId, Worker, WorkerScope};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Progress is reported at most this often.
const PROGRESS_INTERVAL_MS: f64 = 100.0;
/// The page shows at most this many diagnostics and file lines; totals are always given.
const DIAGNOSTICS_SHOWN: usize = 1000;
const FILES_SHOWN: usize = 1000;
const PRINCIPALS_SHOWN: usize = 500;
const FACET_VALUES: usize = 10;
const TIMELINE_BUCKETS: usize = 120;
const SPARKLINE_SLICES: usize = 24;
const FIRST_ROWS: usize = 100;
const DETAIL_LINES: usize = 4000;
/// Files whose reading is started before the current one is parsed.
const READS_AHEAD: usize = 16;

/// The store and what the page is looking at.
struct Session {
    loader: Loader,
    /// Every row in time order; rebuilt after a load.
    order: Selection,
    request: ViewRequest,
    selection: Selection,
    /// Which detection rules each row matched; rebuilt after a load.
    rules_by_row: rustc_hash::FxHashMap<u32, Vec<u16>>,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            loader: Loader::new(crate::ingest::Limits::browser()),
            order: Selection::default(),
            request: ViewRequest::default(),
            selection: Selection::default(),
            rules_by_row: Default::default(),
        }
    }
}

pub struct IngestWorker {
    session: Rc<RefCell<Session>>,
    /// Bumped by Cancel and Clear; a running load stops when it changes.
    generation: Rc<Cell<u64>>,
}

pub enum Never {}

impl Worker for IngestWorker {
    type Message = Never;
    type Input = Request;
    type Output = FromWorker;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            session: Rc::default(),
            generation: Rc::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, message: Never) {
        match message {}
    }

    fn received(&mut self, scope: &WorkerScope<Self>, input: Request, id: HandlerId) {
        match input {
            ToWorker::Load(files) => {
                let task = LoadTask::new(self, scope, id);
                wasm_bindgen_futures::spawn_local(task.load_files(files));
            }
            ToWorker::LoadSample { events } => {
                let task = LoadTask::new(self, scope, id);
                wasm_bindgen_futures::spawn_local(task.load_sample(events));
            }
            ToWorker::Cancel => self.generation.set(self.generation.get() + 1),
            ToWorker::Clear => {
                self.generation.set(self.generation.get() + 1);
                *self.session.borrow_mut() = Session::default();
                let session = self.session.borrow();
                scope.respond(
                    id,
                    FromWorker::Loaded(load_summary(&session.loader, 0.0, false)),
                );
                scope.respond(id, FromWorker::View(Box::default()));
                scope.respond(id, FromWorker::Findings(Vec::new()));
            }
            ToWorker::View(request) => {
                let mut session = self.session.borrow_mut();
                scope.respond(id, session.view(request));
            }
            ToWorker::Rows { offset, count } => {
                let session = self.session.borrow();
                let rows = session.badged(window(
                    &session.loader.store,
                    &session.selection,
                    offset,
                    count.min(500),
                    session.request.descending,
                ));
                scope.respond(id, FromWorker::Rows { offset, rows });
            }
            ToWorker::Event { id: event } => {
                let session = self.session.borrow();
                if let Some(mut detail) = event_detail(&session.loader, event) {
                    if let Some(badge) = crate::detect::badge(&session.rules_by_row, event) {
                        let rules = badge.titles.replace('\n', "; ");
                        detail.facts.push(("Detections".to_owned(), rules));
                    }
                    scope.respond(id, FromWorker::Event(Box::new(detail)));
                }
            }
            ToWorker::Export { format } => {
                let session = self.session.borrow();
                scope.respond(id, session.export(format));
            }
        }
    }
}

impl Session {
    fn view(&mut self, request: ViewRequest) -> FromWorker {
        let started = js_sys::Date::now();
        let query = match crate::query::parse(&request.query) {
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
        self.selection = select(store, &self.order, &filter);
        self.request = request.clone();
        let selection = &self.selection;
        let principals = principal_stats(store, selection, SPARKLINE_SLICES);
        FromWorker::View(Box::new(ViewResult {
            total: store.len(),
            shown: selection.len(),
            timeline: timeline(store, selection, filter.range, TIMELINE_BUCKETS),
            facets: Column::FACETS
                .iter()
                .map(|&column| facet(store, selection, column, FACET_VALUES))
                .collect(),
            principals_total: principals.len(),
            principals: principals.into_iter().take(PRINCIPALS_SHOWN).collect(),
            rows: self.badged(window(store, selection, 0, FIRST_ROWS, request.descending)),
            request,
            elapsed_ms: js_sys::Date::now() - started,
        }))
    }

    /// Runs the built-in detections over everything loaded (once per load).
    fn detect(&mut self) -> Vec<FindingView> {
        let findings = crate::detect::evaluate(&self.loader.store, &self.order);
        self.rules_by_row = crate::detect::rules_by_row(&findings);
        let mut views: Vec<FindingView> = findings
            .into_iter()
            .map(|finding| {
                let rule = &crate::detect::RULES[finding.rule];
                FindingView {
                    id: rule.id.into(),
                    title: rule.title.into(),
                    severity: rule.severity,
                    technique: rule.technique.into(),
                    query: rule.query.into(),
                    condition: rule.condition.describe(),
                    search: finding.search,
                    exact: finding.exact,
                    count: finding.rows.len(),
                }
            })
            .collect();
        views.sort_by_key(|f| std::cmp::Reverse((f.severity, f.count)));
        views
    }

    fn badged(&self, mut rows: Vec<TableRow>) -> Vec<TableRow> {
        for row in &mut rows {
            row.rule_badge = crate::detect::badge(&self.rules_by_row, row.id);
        }
        rows
    }

    fn export(&self, format: ExportFormat) -> FromWorker {
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
                crate::export::principals_csv(&principals()).into_bytes(),
            ),
            ExportFormat::EventsJson => (
                "trailglass-events.json",
                "application/json",
                crate::export::records_json(store, &self.selection, false),
            ),
            ExportFormat::EventsJsonGz => (
                "trailglass-events.json.gz",
                "application/gzip",
                crate::export::records_json(store, &self.selection, true),
            ),
            ExportFormat::EventsCsv => (
                "trailglass-events.csv",
                "text/csv",
                crate::export::events_csv(store, &self.selection).into_bytes(),
            ),
        };
        FromWorker::Export {
            file_name: file_name.into(),
            mime: mime.into(),
            bytes,
        }
    }
}

struct LoadTask {
    session: Rc<RefCell<Session>>,
    generation: Rc<Cell<u64>>,
    started_generation: u64,
    scope: WorkerScope<IngestWorker>,
    id: HandlerId,
    started_ms: f64,
    last_progress_ms: f64,
    progress: Progress,
}

impl LoadTask {
    fn new(worker: &IngestWorker, scope: &WorkerScope<IngestWorker>, id: HandlerId) -> Self {
        Self {
            session: worker.session.clone(),
            generation: worker.generation.clone(),
            started_generation: worker.generation.get(),
            scope: scope.clone(),
            id,
            started_ms: js_sys::Date::now(),
            last_progress_ms: 0.0,
            progress: Progress::default(),
        }
    }

    fn cancelled(&self) -> bool {
        self.generation.get() != self.started_generation
    }

    fn file_done(&mut self, bytes: f64) {
        self.progress.files_done += 1;
        self.progress.bytes_done += bytes;
        self.progress.events = self.session.borrow().loader.store.len();
        let now = js_sys::Date::now();
        if now - self.last_progress_ms >= PROGRESS_INTERVAL_MS {
            self.last_progress_ms = now;
            self.progress.elapsed_ms = now - self.started_ms;
            self.scope
                .respond(self.id, FromWorker::Progress(self.progress.clone()));
        }
    }

    fn finish(self) {
        let elapsed = js_sys::Date::now() - self.started_ms;
        let mut session = self.session.borrow_mut();
        session.loader.store.seal();
        session.order = time_order(&session.loader.store);
        let findings = session.detect();
        let summary = load_summary(&session.loader, elapsed, self.cancelled());
        self.scope.respond(self.id, FromWorker::Loaded(summary));
        self.scope.respond(self.id, FromWorker::Findings(findings));
        let request = session.request.clone();
        let view = session.view(request);
        self.scope.respond(self.id, view);
    }

    /// Lets Cancel and Clear messages in.
    async fn yield_now() {
        gloo::timers::future::TimeoutFuture::new(0).await;
    }

    async fn load_files(mut self, files: Vec<FileHandle>) {
        self.progress.files_total = files.len();
        self.progress.bytes_total = files.iter().map(|f| f.file.size()).sum();
        // Reads are started ahead, so the browser fetches the next files
        // while this one is parsed (reading one at a time spent most of the
        // load waiting on the file system).
        let mut pending = files.into_iter();
        let mut in_flight = std::collections::VecDeque::new();
        loop {
            while in_flight.len() < READS_AHEAD {
                let Some(handle) = pending.next() else { break };
                let read = JsFuture::from(handle.file.array_buffer());
                in_flight.push_back((handle, read));
            }
            let Some((handle, read)) = in_flight.pop_front() else {
                break;
            };
            if self.cancelled() {
                break;
            }
            let size = handle.file.size();
            if self.session.borrow().loader.is_full() {
                // Refused without reading: the loader records why.
                self.session.borrow_mut().loader.load(&handle.name, &[]);
                self.file_done(size);
                continue;
            }
            match read.await {
                Ok(buffer) => {
                    let bytes =
                        js_sys::Uint8Array::new(&buffer.unchecked_into::<js_sys::ArrayBuffer>())
                            .to_vec();
                    self.session.borrow_mut().loader.load(&handle.name, &bytes);
                }
                Err(error) => {
                    let loader = &mut self.session.borrow_mut().loader;
                    loader.report.files += 1;
                    loader
                        .report
                        .diagnostics
                        .push(crate::diagnostic::Diagnostic::whole_file(
                            &handle.name,
                            format!("cannot read the file: {}", js_error_text(&error)),
                        ));
                }
            }
            self.file_done(size);
        }
        self.finish();
    }

    async fn load_sample(mut self, events: usize) {
        // Plain JSON: deflating here only to inflate again would triple the work.
        let config = SampleConfig {
            events,
            gzip: false,
            ..SampleConfig::default()
        };
        // One file per account, region and five minutes: about one per 250 events here.
        self.progress.files_total = events.div_ceil(250).max(1);
        for (index, file) in generate(&config).enumerate() {
            if self.cancelled() || self.session.borrow().loader.is_full() {
                break;
            }
            self.session
                .borrow_mut()
                .loader
                .load(&file.path, &file.bytes);
            self.progress.files_total = self.progress.files_total.max(index + 1);
            self.file_done(file.bytes.len() as f64);
            if index % 8 == 7 {
                Self::yield_now().await;
            }
        }
        self.finish();
    }
}

fn js_error_text(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

fn load_summary(loader: &Loader, load_ms: f64, cancelled: bool) -> LoadSummary {
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
        files_refused: report.files_refused,
        wasm_memory_bytes: wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64,
        load_ms,
        cancelled,
        diagnostics_total: report.diagnostics.len(),
        diagnostics: report
            .diagnostics
            .iter()
            .take(DIAGNOSTICS_SHOWN)
            .map(|d| DiagnosticView {
                file: d.file.clone(),
                line: d.line,
                column: d.column,
                message: d.message.clone(),
            })
            .collect(),
        file_reports_total: report.file_reports.len(),
        file_reports: report
            .file_reports
            .iter()
            .take(FILES_SHOWN)
            .map(|f| FileView {
                name: f.name.clone(),
                shape: f.shape.to_owned(),
                events: f.events,
                duplicates: f.duplicates,
                problems: f.problems,
            })
            .collect(),
    }
}

fn event_detail(loader: &Loader, id: u32) -> Option<EventDetail> {
    let store = &loader.store;
    let row = store.rows.get(id as usize)?;
    let raw = store.raw_json(row);
    let table = table_row(store, id);
    let principal = &store.principals[row.principal as usize].principal;
    let outcome = if table.error_code.is_empty() {
        if row.flags & flags::ERROR != 0 {
            "failed".to_owned()
        } else {
            "success".to_owned()
        }
    } else {
        table.error_code.clone()
    };
    let mut facts = vec![
        (
            "Who".to_owned(),
            format!("{} ({})", principal.name, principal.kind.label()),
        ),
        ("Grouped under".to_owned(), principal.group.clone()),
        (
            "What".to_owned(),
            format!("{} · {}", table.event_source, table.event_name),
        ),
        ("When (UTC)".to_owned(), table.time.clone()),
        (
            "Where".to_owned(),
            format!("{} · from {}", table.region, table.source_ip),
        ),
        ("Account".to_owned(), table.account.clone()),
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
    facts.push(("User agent".to_owned(), table.user_agent.clone()));
    Some(EventDetail {
        id,
        row: table,
        facts,
        lines: crate::pretty::pretty_lines(&raw, DETAIL_LINES),
        text: crate::pretty::pretty_text(&raw),
    })
}
