//! Owns the ingest worker: it holds the `Loader` (and so the store), reads
//! the files it is handed, evaluates view requests and answers with small
//! messages. The page never parses or filters anything.

use super::files::{FileHandle, Request};
use super::pool::{ParsePool, PoolEvent};
use super::protocol::{
    DiagnosticView, EventDetail, ExportFormat, FileView, FindingView, FromWorker, LoadSummary,
    Progress, ToWorker, ViewRequest, ViewResult,
};
use crate::coverage::CoverageReport;
use crate::digest::log_content_sha256;
use crate::filter::{select, Filter};
use crate::identity::{CredentialFacts, CredentialKind};
use crate::ingest::Loader;
use crate::lineage::LineageIndex;
use crate::sample::{generate, SampleConfig};
use crate::segment::Segment;
use crate::store::flags;
use crate::time::format_utc;
use crate::view::{
    facet, principal_stats, table_row, time_order, timeline, window, Column, Selection, TableRow,
};
use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
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
/// Batches given to each parser at once, so it never waits for the next.
const BATCHES_QUEUED_PER_PARSER: usize = 2;
/// A batch for a parser ends at this many bytes of files, or this many files
/// (see [`crate::batch`]).
const BATCH_BYTES: f64 = crate::batch::BATCH_BYTES as f64;
const BATCH_FILES: usize = crate::batch::BATCH_FILES;

/// Whether the files waiting make a full batch.
fn batch_ready(pending: &VecDeque<FileHandle>) -> bool {
    let mut bytes = 0.0;
    for (count, file) in pending.iter().enumerate() {
        bytes += file.file.size();
        if bytes >= BATCH_BYTES || count + 1 >= BATCH_FILES {
            return true;
        }
    }
    false
}

/// The next batch of files for a parser (empty when none are left).
fn next_batch(pending: &mut VecDeque<FileHandle>) -> Vec<FileHandle> {
    let mut batch = Vec::new();
    let mut bytes = 0.0;
    while bytes < BATCH_BYTES && batch.len() < BATCH_FILES {
        let Some(file) = pending.pop_front() else {
            break;
        };
        bytes += file.file.size();
        batch.push(file);
    }
    batch
}

/// The store and what the page is looking at.
struct Session {
    loader: Loader,
    /// Every row in time order; rebuilt after a load.
    order: Selection,
    request: ViewRequest,
    selection: Selection,
    /// The files loaded, by name: read again only to check them against digests.
    files: std::collections::HashMap<String, web_sys::File>,
    /// Built on the first lineage question after a load, then kept.
    lineage: Option<LineageIndex>,
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
            files: Default::default(),
            lineage: None,
            rules_by_row: Default::default(),
        }
    }
}

pub struct IngestWorker {
    session: Rc<RefCell<Session>>,
    /// Bumped by Cancel and Clear; a running load stops when it changes.
    generation: Rc<Cell<u64>>,
    /// Where the slices of the newest file load go (see `FileSlice`).
    incoming: RefCell<Option<(u32, UnboundedSender<Vec<FileHandle>>)>>,
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
            incoming: RefCell::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, message: Never) {
        match message {}
    }

    fn received(&mut self, scope: &WorkerScope<Self>, input: Request, id: HandlerId) {
        match input {
            ToWorker::Load(slice) => {
                let mut incoming = self.incoming.borrow_mut();
                if !slice.first {
                    if let Some((load, sender)) = incoming.as_ref() {
                        if *load == slice.load {
                            // Fails only when that load was cancelled: then the slice is not wanted.
                            let _ = sender.unbounded_send(slice.files);
                        }
                    }
                    return;
                }
                let (sender, receiver) = futures_channel::mpsc::unbounded();
                let _ = sender.unbounded_send(slice.files);
                *incoming = Some((slice.load, sender));
                let mut task = LoadTask::new(self, scope, id);
                wasm_bindgen_futures::spawn_local(async move {
                    task.load_files(receiver, slice.total_files).await;
                    task.finish();
                });
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
                let mut session = self.session.borrow_mut();
                if let Some(mut detail) = event_detail(&session.loader, event) {
                    let (lineage, store) = session.lineage();
                    detail.lineage = lineage.for_event(store, event);
                    if let Some(badge) = crate::detect::badge(&session.rules_by_row, event) {
                        let rules = badge.titles.replace('\n', "; ");
                        detail.facts.push(("Detections".to_owned(), rules));
                    }
                    scope.respond(id, FromWorker::Event(Box::new(detail)));
                }
            }
            ToWorker::Lineage { principal } => {
                let mut session = self.session.borrow_mut();
                let (lineage, store) = session.lineage();
                let chains = lineage.for_principal(store, principal);
                scope.respond(id, FromWorker::Lineage { principal, chains });
            }
            ToWorker::Export { format } => {
                let session = self.session.borrow();
                scope.respond(id, session.export(format));
            }
            ToWorker::Coverage { verify } => {
                let report = {
                    let session = self.session.borrow();
                    CoverageReport::build(&session.loader.report, &session.loader.store)
                };
                if verify {
                    let task = verify_against_digests(self.session.clone(), report);
                    let scope = scope.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        scope.respond(id, FromWorker::Coverage(Box::new(task.await)));
                    });
                } else {
                    scope.respond(id, FromWorker::Coverage(Box::new(report)));
                }
            }
        }
    }
}

impl Session {
    /// The lineage index of the store as loaded now, and the store.
    fn lineage(&mut self) -> (&LineageIndex, &crate::store::EventStore) {
        let store = &self.loader.store;
        (
            self.lineage
                .get_or_insert_with(|| LineageIndex::build(store)),
            store,
        )
    }

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
        let findings = crate::detect::evaluate_loaded(&self.loader, &self.order);
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
    /// Parse workers used by this load (0: parsed in this worker).
    parsers: usize,
    /// Files of this load received from the page so far.
    arrived: usize,
}

/// The slices of a file load, as the page sends them.
type Incoming = UnboundedReceiver<Vec<FileHandle>>;

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
            parsers: 0,
            arrived: 0,
        }
    }

    fn cancelled(&self) -> bool {
        self.generation.get() != self.started_generation
    }

    fn files_done(&mut self, files: usize, bytes: f64) {
        self.progress.files_done += files;
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
        session.lineage = None;
        session.rules_by_row.clear();
        let summary = LoadSummary {
            parsers: self.parsers,
            ..load_summary(&session.loader, elapsed, self.cancelled())
        };
        self.scope.respond(self.id, FromWorker::Loaded(summary));
        let request = session.request.clone();
        let view = session.view(request);
        self.scope.respond(self.id, view);
        drop(session);
        // Detections come after the first view, so the events are on screen
        // and queryable first (the rules take seconds over a million events).
        let (session, scope, id) = (self.session, self.scope, self.id);
        wasm_bindgen_futures::spawn_local(async move {
            Self::yield_now().await;
            let mut session = session.borrow_mut();
            let findings = session.detect();
            scope.respond(id, FromWorker::Findings(findings));
            let rows = session.badged(window(
                &session.loader.store,
                &session.selection,
                0,
                FIRST_ROWS,
                session.request.descending,
            ));
            scope.respond(id, FromWorker::Rows { offset: 0, rows });
        });
    }

    /// Lets Cancel and Clear messages in.
    async fn yield_now() {
        gloo::timers::future::TimeoutFuture::new(0).await;
    }

    async fn load_files(&mut self, mut incoming: Incoming, total_files: usize) {
        self.progress.files_total = total_files;
        let mut pending = VecDeque::new();
        let files = match ParsePool::start() {
            Ok(pool) => {
                self.load_in_parallel(pool, &mut incoming, &mut pending)
                    .await
            }
            Err(_) => {
                while self.arrived < total_files && !self.cancelled() {
                    let Some(slice) = incoming.next().await else {
                        break;
                    };
                    self.absorb(slice, &mut pending);
                }
                pending.into()
            }
        };
        self.load_here(files).await;
    }

    /// Takes in a slice of the load's files as it arrives from the page.
    fn absorb(&mut self, slice: Vec<FileHandle>, pending: &mut VecDeque<FileHandle>) {
        self.arrived += slice.len();
        self.progress.bytes_total += slice.iter().map(|f| f.file.size()).sum::<f64>();
        self.session
            .borrow_mut()
            .files
            .extend(slice.iter().map(|f| (f.name.clone(), f.file.clone())));
        pending.extend(slice);
    }

    /// Parses on the pool, merging each batch's segment as it comes back.
    /// Returns the files no parser could take (every worker failed to start
    /// again after a crash): they are loaded here.
    async fn load_in_parallel(
        &mut self,
        mut pool: ParsePool,
        incoming: &mut Incoming,
        pending: &mut VecDeque<FileHandle>,
    ) -> Vec<FileHandle> {
        self.parsers = pool.size();
        // Files of a batch a parser died on, retried one per batch so only
        // the file at fault is lost.
        let mut retry: VecDeque<FileHandle> = VecDeque::new();
        let mut in_flight: Vec<VecDeque<Vec<FileHandle>>> =
            (0..pool.size()).map(|_| VecDeque::new()).collect();
        let mut alive = vec![true; pool.size()];
        loop {
            if self.cancelled() {
                return Vec::new();
            }
            while let Ok(slice) = incoming.try_recv() {
                self.absorb(slice, pending);
            }
            if self.session.borrow().loader.is_full() {
                self.refuse_unread(retry.drain(..).chain(pending.drain(..)));
            }
            for worker in 0..pool.size() {
                while alive[worker] && in_flight[worker].len() < BATCHES_QUEUED_PER_PARSER {
                    // While the page is still handing files over, a busy parser
                    // waits for a full batch: many small segments would each
                    // end in a short, badly compressed raw block.
                    let more_coming = self.arrived < self.progress.files_total;
                    if retry.is_empty()
                        && more_coming
                        && !in_flight[worker].is_empty()
                        && !batch_ready(pending)
                    {
                        break;
                    }
                    let batch = match retry.pop_front() {
                        Some(file) => vec![file],
                        None => next_batch(pending),
                    };
                    if batch.is_empty() {
                        break;
                    }
                    if let Err(message) = pool.send(worker, &batch) {
                        self.session
                            .borrow_mut()
                            .loader
                            .unreadable(&batch[0].name, &message);
                        self.files_done(1, batch[0].file.size());
                        retry.extend(batch.into_iter().skip(1));
                        alive[worker] = false;
                    } else {
                        in_flight[worker].push_back(batch);
                    }
                }
            }
            if in_flight.iter().all(VecDeque::is_empty) {
                if self.arrived < self.progress.files_total
                    && pending.is_empty()
                    && retry.is_empty()
                {
                    match incoming.next().await {
                        Some(slice) => {
                            self.absorb(slice, pending);
                            continue;
                        }
                        None => return Vec::new(),
                    }
                }
                // Everything is parsed, or no parser is left for the rest.
                return retry.into_iter().chain(pending.drain(..)).collect();
            }
            let Some(event) = pool.next().await else {
                return retry.into_iter().chain(pending.drain(..)).collect();
            };
            match event {
                PoolEvent::Parsed { worker, segment } => {
                    let batch = in_flight[worker].pop_front().unwrap_or_default();
                    let bytes: f64 = batch.iter().map(|f| f.file.size()).sum();
                    let merged = match Segment::decode(&segment) {
                        Ok(segment) => {
                            self.session.borrow_mut().loader.merge(segment);
                            Ok(())
                        }
                        Err(problem) => Err(problem),
                    };
                    if let Err(problem) = merged {
                        let loader = &mut self.session.borrow_mut().loader;
                        for file in &batch {
                            loader
                                .unreadable(&file.name, &format!("its parse was lost: {problem}"));
                        }
                    }
                    self.files_done(batch.len(), bytes);
                }
                PoolEvent::Crashed {
                    worker,
                    message,
                    restarted,
                } => {
                    let mut lost = std::mem::take(&mut in_flight[worker]);
                    let culprit = lost.pop_front().unwrap_or_default();
                    if let [file] = culprit.as_slice() {
                        self.session.borrow_mut().loader.unreadable(
                            &file.name,
                            &format!("the parser stopped on this file ({message})"),
                        );
                        self.files_done(1, file.file.size());
                    } else {
                        retry.extend(culprit);
                    }
                    retry.extend(lost.into_iter().flatten());
                    alive[worker] = restarted;
                }
            }
        }
    }

    /// Records files never read because the store is full.
    fn refuse_unread(&mut self, files: impl Iterator<Item = FileHandle>) {
        for file in files {
            self.session.borrow_mut().loader.refuse_unread(&file.name);
            self.files_done(1, file.file.size());
        }
    }

    /// Reads and parses in this worker, a file at a time: where no parse
    /// worker can be started.
    async fn load_here(&mut self, files: Vec<FileHandle>) {
        // Reads are started ahead, so the browser fetches the next files
        // while this one is parsed (reading one at a time spent most of the
        // load waiting on the file system).
        let mut pending = files.into_iter();
        let mut in_flight = std::collections::VecDeque::new();
        while !self.cancelled() {
            while in_flight.len() < READS_AHEAD {
                let Some(handle) = pending.next() else { break };
                let read = JsFuture::from(handle.file.array_buffer());
                in_flight.push_back((handle, read));
            }
            let Some((handle, read)) = in_flight.pop_front() else {
                break;
            };
            let size = handle.file.size();
            if self.session.borrow().loader.is_full() {
                self.refuse_unread(std::iter::once(handle));
                continue;
            }
            match read.await {
                Ok(buffer) => {
                    let bytes =
                        js_sys::Uint8Array::new(&buffer.unchecked_into::<js_sys::ArrayBuffer>())
                            .to_vec();
                    self.session.borrow_mut().loader.load(&handle.name, &bytes);
                }
                Err(error) => self
                    .session
                    .borrow_mut()
                    .loader
                    .unreadable(&handle.name, &js_error_text(&error)),
            }
            self.files_done(1, size);
        }
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
            self.files_done(1, file.bytes.len() as f64);
            if index % 8 == 7 {
                Self::yield_now().await;
            }
        }
        self.finish();
    }
}

/// Hashes the loaded files that digests name, one at a time, never on the
/// load path: a load of a million events does not pay for it.
async fn verify_against_digests(
    session: Rc<RefCell<Session>>,
    mut report: CoverageReport,
) -> CoverageReport {
    for name in report.files_to_hash() {
        let file = session.borrow().files.get(&name).cloned();
        let sha256 = match file {
            None => Err("the file is no longer open here".to_owned()),
            Some(file) => match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => log_content_sha256(
                    &js_sys::Uint8Array::new(&buffer).to_vec(),
                    crate::ingest::Limits::browser().max_inflated_bytes,
                ),
                Err(error) => Err(format!("cannot read the file: {}", js_error_text(&error))),
            },
        };
        report.record_hash(&name, sha256);
    }
    report.finish_verification();
    report
}

pub(super) fn js_error_text(error: &wasm_bindgen::JsValue) -> String {
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
        parsers: 0,
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
        lineage: None,
    })
}
