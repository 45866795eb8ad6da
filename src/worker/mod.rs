//! Owns the store worker's dispatch: it takes the page's messages and hands
//! each to the part that answers it. The worker holds the store
//! ([`session`]), runs loads on its pool of parsers ([`loading`]), reads
//! the raw JSON the parsers keep ([`fanout`]) and words its answers
//! ([`display`]); the page never parses or filters anything. Everything but
//! a load's files and Cancel is answered in turn, one command at a time.

mod case;
mod display;
mod fanout;
mod loading;
mod session;
mod sigma;

use super::handle::{FileHandle, Request};
use super::protocol::{FromWorker, ToWorker};
use display::{event_detail, load_summary};
use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use loading::LoadTask;
use session::{verify_against_digests, Session};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use trailglass_core::analysis::coverage::CoverageReport;
use trailglass_core::query::view::window;

pub struct IngestWorker {
    session: Rc<RefCell<Session>>,
    /// Bumped by Cancel and Clear; a running load stops when it changes.
    generation: Rc<Cell<u64>>,
    /// Where the slices of the newest file load go (see `FileSlice`).
    incoming: RefCell<Option<(u32, UnboundedSender<Vec<FileHandle>>)>>,
    /// The parsers (see [`loading::WarmPool`]).
    pool: loading::WarmPool,
    gate: Rc<session::Gate>,
    commands: Commands,
    /// Tells the newest finished load that the page has drawn its view.
    shown: loading::ShownSignal,
}

/// What is answered in turn.
enum Command {
    Page(HandlerId, Request),
    /// Run the detections of the load that answered `HandlerId`.
    Detect(HandlerId),
}

type Commands = UnboundedSender<Command>;

pub enum Never {}

impl Worker for IngestWorker {
    type Message = Never;
    type Input = Request;
    type Output = FromWorker;

    fn create(scope: &WorkerScope<Self>) -> Self {
        let (commands, queue) = futures_channel::mpsc::unbounded();
        let worker = Self {
            session: Rc::default(),
            generation: Rc::default(),
            incoming: RefCell::default(),
            pool: loading::WarmPool::started(),
            gate: Rc::default(),
            commands,
            shown: loading::ShownSignal::default(),
        };
        let served = Served {
            session: worker.session.clone(),
            pool: worker.pool.clone(),
            gate: worker.gate.clone(),
            scope: scope.clone(),
        };
        wasm_bindgen_futures::spawn_local(served.serve(queue));
        worker
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
                    task.finish().await;
                });
            }
            ToWorker::LoadSample { events } => {
                let task = LoadTask::new(self, scope, id);
                wasm_bindgen_futures::spawn_local(task.load_sample(events));
            }
            ToWorker::Cancel => self.generation.set(self.generation.get() + 1),
            ToWorker::Shown => self.shown.give(),
            ToWorker::Clear => {
                // The running load stops now; the session is emptied in turn.
                self.generation.set(self.generation.get() + 1);
                let _ = self
                    .commands
                    .unbounded_send(Command::Page(id, ToWorker::Clear));
            }
            other => {
                let _ = self.commands.unbounded_send(Command::Page(id, other));
            }
        }
    }
}

/// What answers commands in turn.
struct Served {
    session: Rc<RefCell<Session>>,
    pool: loading::WarmPool,
    gate: Rc<session::Gate>,
    scope: WorkerScope<IngestWorker>,
}

impl Served {
    async fn serve(self, mut queue: UnboundedReceiver<Command>) {
        while let Some(command) = queue.next().await {
            // A load's last view may hold the session while the parsers answer.
            let session = self.session.clone();
            session::Gate::until(|| session.try_borrow_mut().is_err()).await;
            match command {
                Command::Page(id, input) => {
                    self.answer(id, input).await;
                    report_losses(&self.session, &self.scope, id);
                }
                // Beside the queue: the user's first query after a load is not kept
                // waiting while the detections fetch raw JSON from the parsers.
                Command::Detect(id) => wasm_bindgen_futures::spawn_local(detect(
                    self.session.clone(),
                    self.pool.clone(),
                    self.scope.clone(),
                    id,
                )),
            }
        }
    }

    /// Sends an event's detail: its lineage, the rules it matched and why.
    async fn send_event(&self, id: HandlerId, asker: &crate::pool::Asker, event: u32) {
        let scope = &self.scope;
        let detail = fanout::with_raw(&self.session, asker, |session| {
            let mut detail = event_detail(&session.loader, event)?;
            let (lineage, store) = session.lineage();
            detail.lineage = lineage.for_event(store, event);
            if let Some(badge) =
                trailglass_core::analysis::detect::badge(&session.rules_by_row, event)
            {
                let rules = badge.rules.join("; ");
                detail.facts.push(("Detections".to_owned(), rules));
            }
            let row = *session.loader.store.rows.get(event as usize)?;
            let json = session.loader.store.raw_reader().json(&row).to_vec();
            detail.matches = sigma::matches_of(&session.sigma, session.changes, event, &json);
            Some(detail)
        })
        .await;
        if let Some(detail) = detail {
            scope.respond(id, FromWorker::Event(Box::new(detail)));
        }
    }

    // A view holds the session while the parsers answer: see `session::Gate`.
    #[allow(clippy::await_holding_refcell_ref)]
    async fn answer(&self, id: HandlerId, input: Request) {
        let scope = &self.scope;
        let asker = self.pool.asker();
        match input {
            // Handled as they arrive (see `received`).
            ToWorker::Load(_)
            | ToWorker::LoadSample { .. }
            | ToWorker::Cancel
            | ToWorker::Shown => {}
            ToWorker::Clear => {
                let changes = self.session.borrow().changes + 1;
                let sigma = std::mem::take(&mut self.session.borrow_mut().sigma);
                *self.session.borrow_mut() = Session {
                    changes,
                    sigma,
                    ..Session::default()
                };
                self.pool.restart();
                let session = self.session.borrow();
                scope.respond(
                    id,
                    FromWorker::Loaded(load_summary(&session.loader, 0.0, false)),
                );
                scope.respond(id, FromWorker::View(Box::default()));
                scope.respond(id, FromWorker::Findings(Vec::new()));
            }
            ToWorker::View(request) => {
                let reads_raw = trailglass_core::query::parse(&request.query)
                    .is_ok_and(|query| trailglass_core::query::filter::reads_raw(&query));
                if reads_raw {
                    // It holds the session while the parsers answer: no load may change it meanwhile.
                    let gate = self.gate.clone();
                    session::Gate::until(|| gate.loads.get() > 0).await;
                }
                self.gate.views.set(self.gate.views.get() + 1);
                let rule_rows = {
                    let session = self.session.borrow();
                    session.sigma.rule_rows(session.changes)
                };
                let fan_out = fanout::FanOut::new(&asker).with_rule_rows(rule_rows);
                let mut session = self.session.borrow_mut();
                let view = session.view(request, &fan_out).await;
                fan_out.settle(&mut session);
                drop(session);
                self.gate.views.set(self.gate.views.get() - 1);
                scope.respond(id, view);
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
            ToWorker::Event { id: event } => self.send_event(id, &asker, event).await,
            ToWorker::FindEvent { key } => {
                match case::find(&self.session, &self.gate, &asker, &key).await {
                    Some(event) => self.send_event(id, &asker, event).await,
                    None => scope.respond(id, FromWorker::NotLoaded { key }),
                }
            }
            ToWorker::Report { case, files } => {
                let report = case::report(&self.session, &asker, &case, files).await;
                scope.respond(id, report);
            }
            ToWorker::Lineage { principal } => {
                let chains = fanout::with_raw(&self.session, &asker, |session| {
                    let (lineage, store) = session.lineage();
                    lineage.for_principal(store, principal)
                })
                .await;
                scope.respond(id, FromWorker::Lineage { principal, chains });
            }
            ToWorker::SetRules { files } => {
                let number = self.session.borrow().sigma.number + 1;
                self.session.borrow_mut().sigma = sigma::SigmaState::with_files(files, number);
                send_rules(&self.session.borrow(), scope, id);
                // Beside the queue, as the detections after a load.
                let (session, pool, scope) =
                    (self.session.clone(), self.pool.clone(), scope.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    run_sigma(&session, &pool.asker(), &scope, id).await;
                });
            }
            ToWorker::Export { format } => {
                let export =
                    fanout::with_raw(&self.session, &asker, |session| session.export(format)).await;
                scope.respond(id, export);
            }
            ToWorker::Coverage { verify, signatures } => {
                let report = {
                    let session = self.session.borrow();
                    CoverageReport::build(&session.loader.report, &session.loader.store)
                };
                let report = match verify {
                    Some(files) => {
                        verify_against_digests(&self.session, report, files, &signatures).await
                    }
                    None => report,
                };
                scope.respond(id, FromWorker::Coverage(Box::new(report)));
            }
        }
    }
}

/// Raw blocks (256 KB of JSON each, about 50 KB compressed) the detections
/// fetch from the parsers per round.
const DETECTION_BLOCKS_PER_ROUND: usize = 512;

/// Runs the detections on the session as it is now, fetching the raw JSON
/// their conditions read a few blocks per round; drops them when the data
/// changes meanwhile (that load runs its own). Then sends the findings and
/// the first rows again with their badges.
async fn detect(
    session: Rc<RefCell<Session>>,
    pool: loading::WarmPool,
    scope: WorkerScope<IngestWorker>,
    id: HandlerId,
) {
    let asker = pool.asker();
    session::Gate::until(|| session.try_borrow_mut().is_err()).await;
    let (planned, changes) = {
        let session = session.borrow();
        (
            session.loader.plan_detection(&session.order),
            session.changes,
        )
    };
    let findings = match planned {
        None => fanout::with_raw(&session, &asker, Session::detect).await,
        Some(mut detection) => {
            // A few blocks per fetch round: the rules may hit events in most
            // blocks, and fetching them all at once would hold a copy of most
            // of the raw JSON here (at 10M events, more than this worker has).
            while !detection.done() {
                let read = fanout::with_raw(&session, &asker, |session| {
                    (session.changes == changes)
                        .then(|| {
                            detection.read_next(&session.loader.store, DETECTION_BLOCKS_PER_ROUND)
                        })
                        .flatten()
                })
                .await;
                // The data changed meanwhile: its own load runs the detections again.
                let Some((upto, read)) = read else { return };
                detection.keep(upto, read);
            }
            session::Gate::until(|| session.try_borrow_mut().is_err()).await;
            let mut session = session.borrow_mut();
            if session.changes != changes {
                return;
            }
            let Some(findings) = detection.finish(&session.loader.store) else {
                return;
            };
            session.take_findings(findings)
        }
    };
    scope.respond(id, FromWorker::Findings(findings));
    run_sigma(&session, &asker, &scope, id).await;
    session::Gate::until(|| session.try_borrow_mut().is_err()).await;
    let rows = {
        let session = session.borrow();
        session.badged(window(
            &session.loader.store,
            &session.selection,
            0,
            display::FIRST_ROWS,
            session.request.descending,
        ))
    };
    scope.respond(id, FromWorker::Rows { offset: 0, rows });
    report_losses(&session, &scope, id);
}

/// Sends the load report's problems again when they grew since the page
/// last got them: a question after the load found the JSON a parser kept
/// gone, and the report must say so (see [`fanout::lose_homes`]).
fn report_losses(session: &RefCell<Session>, scope: &WorkerScope<IngestWorker>, id: HandlerId) {
    let Ok(mut session) = session.try_borrow_mut() else {
        return; // Held across an await: the next command reports it.
    };
    let (diagnostics, total) = display::shown_diagnostics(&session.loader);
    if total != session.reported_diagnostics {
        session.reported_diagnostics = total;
        scope.respond(id, FromWorker::Diagnostics { diagnostics, total });
    }
}

/// Runs the Sigma rules over the session; when the run completes, sends the
/// rule lab and the findings with the Sigma rules' hits.
async fn run_sigma(
    session: &Rc<RefCell<Session>>,
    asker: &crate::pool::Asker,
    scope: &WorkerScope<IngestWorker>,
    id: HandlerId,
) {
    if session.borrow().loader.store.is_empty() {
        return;
    }
    use trailglass_core::analysis::sigma::engine::Engine;
    // Rules that read only columns run here on the rows; each parser runs
    // the rest on the events it keeps, all at once.
    let (planned, mut checked, asks) = {
        let session = session.borrow();
        let planned = sigma::Planned::new(&session.sigma, session.changes);
        let engine = Engine::new(&planned.set);
        let spread = engine.spread(&session.loader.store);
        let asks: Vec<_> = spread
            .shares
            .into_iter()
            .map(|(home, share, rules_of)| {
                let answer = asker.sigma(
                    home,
                    planned.number,
                    planned.files.clone(),
                    share.work,
                    rules_of,
                );
                (home, share.rows, answer)
            })
            .collect();
        (planned, spread.here, asks)
    };
    let mut gone = Vec::new();
    for (home, rows, answer) in asks {
        match answer.await {
            Ok(answers) => checked.extend(answers.into_iter().filter_map(|(position, found)| {
                rows.get(position as usize).map(|&row| (row, found))
            })),
            Err(_) => gone.push(home),
        }
    }
    session::Gate::until(|| session.try_borrow_mut().is_err()).await;
    let results = {
        let mut session = session.borrow_mut();
        fanout::lose_homes(&mut session, &gone);
        if !planned.current(&session.sigma, session.changes) {
            // The data or the rules changed meanwhile: that change runs them again.
            return;
        }
        let engine = Engine::new(&planned.set);
        let mut run = engine.start();
        let store = &session.loader.store;
        for (row, found) in checked {
            if let Some(event) = store.rows.get(row) {
                run.absorb(row as u32, event.time_ms, found);
            }
        }
        run.covered(store.len());
        run.finish()
    };
    {
        let mut session = session.borrow_mut();
        let changes = session.changes;
        if !planned.keep(&mut session.sigma, changes, results) {
            return;
        }
    }
    send_rules(&session.borrow(), scope, id);
}

/// The rule lab and the findings as the session has them now.
fn send_rules(session: &Session, scope: &WorkerScope<IngestWorker>, id: HandlerId) {
    let lab = sigma::lab(&session.sigma, &session.loader.store, session.changes);
    scope.respond(id, FromWorker::RuleLab(Box::new(lab)));
    scope.respond(id, FromWorker::Findings(session.findings()));
}
