//! The page's one handle on the store worker: it starts the worker, and every
//! message the page sends is built here, by a method named for what the page
//! wants. What comes back goes to the page's reducer, except exports (saved
//! as files here) and the bookkeeping of rows already asked for.

use super::codec::PageCodec;
use super::download::download;
use super::files::parsed_bytes;
use super::handle::FileHandle;
use super::protocol::{ExportFormat, FileSlice, FromWorker, RuleFile, ToWorker, ViewRequest};
use super::state::Action;
use super::ui::table::WINDOW;
use super::worker::IngestWorker;
use gloo::worker::{Spawnable, WorkerBridge};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use yew::Callback;

/// A cheap, shared handle: clones talk to the same worker.
#[derive(Clone)]
pub struct Client {
    bridge: Rc<WorkerBridge<IngestWorker>>,
    /// Tells the page a load starts, before its first message goes.
    dispatch: Callback<Action>,
    /// Windows of rows asked for and not yet answered, so scrolling does
    /// not ask twice; a new view forgets them.
    pending_rows: Rc<RefCell<HashSet<usize>>>,
}

impl PartialEq for Client {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.bridge, &other.bridge)
    }
}

impl Client {
    /// Starts the store worker; its answers go to `dispatch`.
    pub fn spawn(dispatch: Callback<Action>) -> Self {
        let pending_rows = Rc::new(RefCell::new(HashSet::new()));
        let bridge = {
            let dispatch = dispatch.clone();
            let pending_rows = pending_rows.clone();
            IngestWorker::spawner()
                .callback(move |output| match output {
                    FromWorker::Export {
                        file_name,
                        mime,
                        bytes,
                        gzip,
                    } => {
                        download(file_name, mime, &bytes, gzip);
                        dispatch.emit(Action::ExportSaved);
                    }
                    other => {
                        match &other {
                            FromWorker::Progress(progress) => parsed_bytes(progress.bytes_done),
                            FromWorker::View(_) => pending_rows.borrow_mut().clear(),
                            FromWorker::Rows { offset, .. } => {
                                pending_rows.borrow_mut().remove(offset);
                            }
                            _ => {}
                        }
                        dispatch.emit(Action::Worker(other));
                    }
                })
                .encoding::<PageCodec>()
                .spawn_with_loader(&super::worker_script(&format!(
                    "{}{}",
                    super::WORKER_LOADER,
                    // The test-only fault switch reaches the workers this way (see `fault`).
                    super::fault::forwarded(&super::fault::location_search())
                )))
        };
        Self {
            bridge: Rc::new(bridge),
            dispatch,
            pending_rows,
        }
    }

    fn send(&self, message: ToWorker<FileHandle>) {
        self.bridge.send(message);
    }

    /// Where [`super::files::hand_over`] sends a load's files, a slice at a time.
    pub fn loads(&self) -> Callback<FileSlice<FileHandle>> {
        let client = self.clone();
        Callback::from(move |slice: FileSlice<FileHandle>| {
            if slice.first {
                client.dispatch.emit(Action::Started);
            }
            client.send(ToWorker::Load(slice));
        })
    }

    /// Loads the built-in sample of `events` events.
    pub fn load_sample(&self, events: usize) {
        self.dispatch.emit(Action::Started);
        self.send(ToWorker::LoadSample { events });
    }

    pub fn cancel(&self) {
        self.send(ToWorker::Cancel);
    }

    /// The newest load's first view is on screen (see `ToWorker::Shown`).
    pub fn shown(&self) {
        self.send(ToWorker::Shown);
    }

    pub fn clear(&self) {
        self.send(ToWorker::Clear);
    }

    /// Asks for the view of `request`: count, timeline, facets, principals, first rows.
    pub fn view(&self, request: ViewRequest) {
        self.send(ToWorker::View(request));
    }

    /// Asks for the window of rows from `offset`, unless it is already asked for.
    pub fn rows(&self, offset: usize) {
        if self.pending_rows.borrow_mut().insert(offset) {
            self.send(ToWorker::Rows {
                offset,
                count: WINDOW,
            });
        }
    }

    /// Opens one event's detail.
    pub fn event(&self, id: u32) {
        self.send(ToWorker::Event { id });
    }

    /// Exports the view (or the principals) as `format`; the file comes back to be saved.
    pub fn export(&self, format: ExportFormat) {
        self.send(ToWorker::Export { format });
    }

    /// Asks for the coverage report; with `verify`, these files are hashed
    /// first and the digests checked (`signatures`: `OBJECT=HEX` the user gives).
    pub fn coverage(&self, verify: Option<Vec<FileHandle>>, signatures: Vec<String>) {
        self.send(ToWorker::Coverage { verify, signatures });
    }

    /// Sets the user's Sigma rule files (the built-in rules always run).
    pub fn set_rules(&self, files: Vec<RuleFile>) {
        self.send(ToWorker::SetRules { files });
    }

    /// Opens the event a case knows by `key`, if it is loaded.
    pub fn find_event(&self, key: String) {
        self.send(ToWorker::FindEvent { key });
    }

    /// Asks for the case report; `files` are hashed for it.
    pub fn report(&self, case: trailglass_core::case::Case, files: Vec<FileHandle>) {
        self.send(ToWorker::Report {
            case: Box::new(case),
            files,
        });
    }

    /// Asks who is behind a principal's sessions.
    pub fn lineage(&self, principal: u32) {
        self.send(ToWorker::Lineage { principal });
    }
}
