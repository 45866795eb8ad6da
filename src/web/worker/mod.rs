//! Owns the store worker's dispatch: it takes the page's messages and hands
//! each to the part that answers it. The worker holds the store
//! ([`session`]), runs loads on its pool of parsers ([`loading`]) and words
//! its answers ([`display`]); the page never parses or filters anything.

mod display;
mod loading;
mod session;

use super::files::{FileHandle, Request};
use super::protocol::{FromWorker, ToWorker};
use crate::coverage::CoverageReport;
use crate::view::window;
use display::{event_detail, load_summary};
use futures_channel::mpsc::UnboundedSender;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use loading::LoadTask;
use session::{verify_against_digests, Session};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub struct IngestWorker {
    session: Rc<RefCell<Session>>,
    /// Bumped by Cancel and Clear; a running load stops when it changes.
    generation: Rc<Cell<u64>>,
    /// Where the slices of the newest file load go (see `FileSlice`).
    incoming: RefCell<Option<(u32, UnboundedSender<Vec<FileHandle>>)>>,
    /// Parsers started ahead of the next load (see [`loading::WarmPool`]).
    pool: loading::WarmPool,
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
            pool: loading::WarmPool::started(),
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
                if let Some(files) = verify {
                    let task = verify_against_digests(report, files);
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
