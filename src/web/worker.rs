//! Owns the ingest worker: it holds the `Loader` (and so the store), reads
//! the files it is handed, and answers with progress and snapshots. The page
//! never parses anything.

use super::protocol::{
    DiagnosticView, FileHandle, FromWorker, PrincipalRow, Progress, Snapshot, ToWorker,
};
use crate::ingest::Loader;
use crate::summary::principals;
use crate::time::format_utc;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Progress is reported at most this often.
const PROGRESS_INTERVAL_MS: f64 = 100.0;
/// The page shows at most this many diagnostics; the total is always given.
const DIAGNOSTICS_SHOWN: usize = 500;
const PRINCIPALS_SHOWN: usize = 200;

pub struct IngestWorker {
    loader: Rc<RefCell<Loader>>,
    /// Bumped by Cancel and Clear; a running load stops when it changes.
    generation: Rc<Cell<u64>>,
}

pub enum Never {}

impl Worker for IngestWorker {
    type Message = Never;
    type Input = ToWorker;
    type Output = FromWorker;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            loader: Rc::default(),
            generation: Rc::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, message: Never) {
        match message {}
    }

    fn received(&mut self, scope: &WorkerScope<Self>, input: ToWorker, id: HandlerId) {
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
                *self.loader.borrow_mut() = Loader::default();
                scope.respond(
                    id,
                    FromWorker::Loaded(snapshot(&self.loader.borrow(), 0.0, false)),
                );
            }
        }
    }
}

struct LoadTask {
    loader: Rc<RefCell<Loader>>,
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
        let now = js_sys::Date::now();
        Self {
            loader: worker.loader.clone(),
            generation: worker.generation.clone(),
            started_generation: worker.generation.get(),
            scope: scope.clone(),
            id,
            started_ms: now,
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
        self.progress.events = self.loader.borrow().store.len();
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
        let loader = self.loader.borrow();
        let snap = snapshot(&loader, elapsed, self.cancelled());
        self.scope.respond(self.id, FromWorker::Loaded(snap));
    }

    async fn load_files(mut self, files: Vec<FileHandle>) {
        self.progress.files_total = files.len();
        self.progress.bytes_total = files.iter().map(|f| f.file.size()).sum();
        for handle in files {
            if self.cancelled() {
                break;
            }
            let size = handle.file.size();
            match read_file(&handle.file).await {
                Ok(bytes) => self.loader.borrow_mut().load(&handle.name, &bytes),
                Err(message) => {
                    let mut loader = self.loader.borrow_mut();
                    loader.report.files += 1;
                    loader
                        .report
                        .diagnostics
                        .push(crate::diagnostic::Diagnostic::whole_file(
                            &handle.name,
                            message,
                        ));
                }
            }
            self.file_done(size);
        }
        self.finish();
    }

    async fn load_sample(mut self, events: usize) {
        let _ = events;
        self.finish();
    }
}

async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|error| format!("cannot read the file: {}", js_error_text(&error)))?;
    let buffer: js_sys::ArrayBuffer = buffer.unchecked_into();
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn js_error_text(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

fn snapshot(loader: &Loader, load_ms: f64, cancelled: bool) -> Snapshot {
    let store = &loader.store;
    let report = &loader.report;
    let span = store.time_span();
    Snapshot {
        files: report.files,
        events: store.len(),
        shown: store.len(),
        duplicates: report.duplicates,
        first_event: span.map(|(lo, _)| format_utc(lo)),
        last_event: span.map(|(_, hi)| format_utc(hi)),
        bytes_read: report.bytes_read as f64,
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
        principals: principals(store)
            .into_iter()
            .take(PRINCIPALS_SHOWN)
            .map(|p| PrincipalRow {
                kind_label: p.principal_kind.label().to_owned(),
                kind: p.kind.to_owned(),
                name: p.principal,
                account: p.account,
                events: p.events,
                errors: p.errors,
                access_denied: p.access_denied,
            })
            .collect(),
    }
}
