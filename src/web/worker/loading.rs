//! Owns running a load in the store worker: the page's files arrive in
//! slices, the [`crate::schedule`] batches them for the pool of parsers,
//! their segments are merged into the store as they come back; progress is
//! reported on the way and the first view sent at the end. Samples are
//! generated and loaded here too.

use super::display::{load_summary, FIRST_ROWS};
use super::session::Session;
use super::IngestWorker;
use crate::container::Container;
use crate::ingest::{Limits, Loader};
use crate::sample::{generate, SampleConfig};
use crate::schedule::{Crash, Job, Next, Schedule, Settings};
use crate::segment::Segment;
use crate::split::SplitLoads;
use crate::view::{time_order, window};
use crate::web::fault;
use crate::web::files::FileHandle;
use crate::web::pool::{ParsePool, PoolEvent};
use crate::web::protocol::{FromWorker, LoadSummary, Progress};
use futures_channel::mpsc::UnboundedReceiver;
use futures_util::StreamExt;
use gloo::worker::{HandlerId, WorkerScope};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Progress is reported at most this often.
const PROGRESS_INTERVAL_MS: f64 = 100.0;
/// Files whose reading is started before the current one is parsed.
const READS_AHEAD: usize = 16;
/// How often a wait for parsers looks at the clock for one that hangs.
const WATCH_MS: u32 = 500;

pub(super) struct LoadTask {
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
    /// Zips whose members were spread over the parsers.
    split_zips: usize,
    /// Parts of split texts waiting for their file's other parts.
    split: SplitLoads<FileHandle>,
    pool: WarmPool,
}

/// Parsers started before they are needed: starting one (a new worker that
/// compiles and instantiates its WebAssembly) takes a few hundred
/// milliseconds, which a load would otherwise wait for. A load takes the
/// pool and ends it (its parsers' memory goes with them); a fresh one is
/// started once the load's answers are out.
#[derive(Clone)]
pub(super) struct WarmPool(Rc<RefCell<Option<ParsePool>>>);

impl WarmPool {
    pub(super) fn started() -> Self {
        Self(Rc::new(RefCell::new(ParsePool::start().ok())))
    }

    fn take(&self) -> Option<ParsePool> {
        self.0
            .borrow_mut()
            .take()
            .or_else(|| ParsePool::start().ok())
    }

    fn refill(&self) {
        let mut slot = self.0.borrow_mut();
        if slot.is_none() {
            *slot = ParsePool::start().ok();
        }
    }
}

/// The slices of a file load, as the page sends them.
pub(super) type Incoming = UnboundedReceiver<Vec<FileHandle>>;

impl LoadTask {
    pub(super) fn new(
        worker: &IngestWorker,
        scope: &WorkerScope<IngestWorker>,
        id: HandlerId,
    ) -> Self {
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
            split_zips: 0,
            split: SplitLoads::default(),
            pool: worker.pool.clone(),
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

    pub(super) fn finish(mut self) {
        let elapsed = js_sys::Date::now() - self.started_ms;
        let mut session = self.session.borrow_mut();
        let why = if self.cancelled() {
            "the load was cancelled"
        } else {
            "a part of it was lost"
        };
        self.split.finish(&mut session.loader, why);
        session.loader.store.seal();
        session.order = time_order(&session.loader.store);
        session.lineage = None;
        session.rules_by_row.clear();
        let summary = LoadSummary {
            parsers: self.parsers,
            split_files: self.split_zips + self.split.joined(),
            ..load_summary(&session.loader, elapsed, self.cancelled())
        };
        self.scope.respond(self.id, FromWorker::Loaded(summary));
        let request = session.request.clone();
        let view = session.view(request);
        self.scope.respond(self.id, view);
        drop(session);
        // Detections come after the first view, so the events are on screen
        // and queryable first (the rules take seconds over a million events).
        let (session, scope, id, pool) = (self.session, self.scope, self.id, self.pool);
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
            // Warm for the next load, now that this one has answered.
            pool.refill();
        });
    }

    /// Lets Cancel and Clear messages in.
    async fn yield_now() {
        gloo::timers::future::TimeoutFuture::new(0).await;
    }

    /// Job done: progress moves by its share of the file.
    fn job_done(&mut self, job: &Job<FileHandle>) {
        self.files_done(job.files(), job.bytes() as f64);
    }

    pub(super) async fn load_files(&mut self, mut incoming: Incoming, total_files: usize) {
        self.progress.files_total = total_files;
        // Without a pool (no parse worker could start), the schedule hands
        // every file back once all have arrived, and they are parsed here.
        let mut pool = self.pool.take();
        self.parsers = pool.as_ref().map_or(0, ParsePool::size);
        let mut settings = Settings::default();
        if let Some(watchdog) = fault::watchdog_ms(&fault::location_search()) {
            settings.answer_ms = watchdog;
        }
        let mut schedule = Schedule::new(self.parsers, total_files, settings);
        let leftover = self
            .run_schedule(pool.as_mut(), &mut schedule, &mut incoming)
            .await;
        // Its parsers end here, and their memory with them.
        drop(pool);
        self.load_here(leftover).await;
    }

    /// Drives the load's schedule: files in as the page hands them over,
    /// batches out to the parsers, segments merged as they come back.
    /// Returns the jobs left for this worker to parse.
    async fn run_schedule(
        &mut self,
        mut pool: Option<&mut ParsePool>,
        schedule: &mut Schedule<FileHandle>,
        incoming: &mut Incoming,
    ) -> Vec<Job<FileHandle>> {
        loop {
            if self.cancelled() {
                return Vec::new();
            }
            while let Ok(slice) = incoming.try_recv() {
                self.absorb(slice, schedule).await;
            }
            if self.session.borrow().loader.is_full() {
                self.refuse_unread(schedule.take_unsent());
            }
            schedule.tick(js_sys::Date::now());
            match schedule.step() {
                Next::Send { parser, batch } => {
                    let sent = match pool.as_deref_mut() {
                        Some(pool) => pool.send(parser, &batch),
                        None => Err("no parser".to_owned()),
                    };
                    if let Err(message) = sent {
                        if let Some(job) = schedule.send_failed(parser) {
                            self.unreadable(&job, &message);
                        }
                    }
                }
                Next::WaitForFiles => match incoming.next().await {
                    Some(slice) => self.absorb(slice, schedule).await,
                    None => return schedule.take_unsent(),
                },
                Next::Done { leftover } => return leftover,
                Next::WaitForParsers => {
                    let Some(pool) = pool.as_deref_mut() else {
                        return schedule.take_unsent();
                    };
                    // A parser that never answers is found by the clock.
                    let answer = {
                        let next = std::pin::pin!(pool.next());
                        let tick = gloo::timers::future::TimeoutFuture::new(WATCH_MS);
                        match futures_util::future::select(next, tick).await {
                            futures_util::future::Either::Left((answer, _)) => Some(answer),
                            futures_util::future::Either::Right(_) => None,
                        }
                    };
                    schedule.tick(js_sys::Date::now());
                    match answer {
                        Some(Some(event)) => self.pool_event(event, schedule),
                        Some(None) => return schedule.take_unsent(),
                        None => {
                            if let Some(parser) = schedule.overdue() {
                                let restarted = pool.kill(parser);
                                if let Crash::Culprit(job) = schedule.crashed(parser, restarted) {
                                    self.not_parsed(
                                        &job,
                                        "the parser stopped answering on this file",
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn pool_event(&mut self, event: PoolEvent, schedule: &mut Schedule<FileHandle>) {
        match event {
            PoolEvent::Parsed { worker, segment } => {
                let batch = schedule.parsed(worker);
                match Segment::decode(&segment) {
                    Ok(segment) => self.arrived(&batch, segment, schedule),
                    Err(problem) => {
                        let why = format!("its parse was lost: {problem}");
                        let loader = &mut self.session.borrow_mut().loader;
                        for job in &batch {
                            loader.not_parsed(&job.label(), &why);
                        }
                    }
                }
                for job in &batch {
                    self.job_done(job);
                }
            }
            PoolEvent::Crashed {
                worker,
                message,
                restarted,
            } => {
                if let Crash::Culprit(job) = schedule.crashed(worker, restarted) {
                    let why = format!("the parser stopped on this file ({message})");
                    self.not_parsed(&job, &why);
                }
            }
        }
    }

    /// A batch's segment: merged, or (a part of a split text) held until
    /// its file's other parts are in; a file whose parts could not be
    /// joined is parsed again whole.
    fn arrived(
        &mut self,
        batch: &[Job<FileHandle>],
        segment: Segment,
        schedule: &mut Schedule<FileHandle>,
    ) {
        let loader = &mut self.session.borrow_mut().loader;
        let Some(job) = batch.first() else {
            return loader.merge(segment);
        };
        if let Some(file) =
            self.split
                .arrived(loader, job.file.clone(), &job.file.name, job.part, segment)
        {
            schedule.redo(file);
        }
    }

    fn not_parsed(&mut self, job: &Job<FileHandle>, why: &str) {
        self.session
            .borrow_mut()
            .loader
            .not_parsed(&job.label(), why);
        self.job_done(job);
    }

    fn unreadable(&mut self, job: &Job<FileHandle>, why: &str) {
        self.session
            .borrow_mut()
            .loader
            .unreadable(&job.label(), why);
        self.job_done(job);
    }

    /// Takes in a slice of the load's files as it arrives from the page.
    /// A big zip or uncompressed text becomes one job per parser (only big
    /// files have their first bytes read here, to tell).
    async fn absorb(&mut self, slice: Vec<FileHandle>, schedule: &mut Schedule<FileHandle>) {
        let mut slice = slice;
        for handle in &mut slice {
            handle.learn_size();
        }
        self.progress.bytes_total += slice.iter().map(|f| f.size).sum::<f64>();
        for handle in slice {
            let mut parts = schedule.parts_for(handle.size as u64);
            if parts > 1 {
                // A gzip stream is read from its start; a text is counted
                // as split once its parts are joined.
                match handle.container().await {
                    Container::Gzip => parts = 1,
                    Container::Zip => self.split_zips += 1,
                    Container::Plain => {}
                }
            }
            schedule.arrive(handle, parts);
        }
    }

    /// Records files never read because the store is full.
    fn refuse_unread(&mut self, jobs: Vec<Job<FileHandle>>) {
        for job in jobs {
            if job.files() == 1 {
                self.session
                    .borrow_mut()
                    .loader
                    .refuse_unread(&job.file.name);
            }
            self.job_done(&job);
        }
    }

    /// Reads and parses in this worker, a job at a time: where no parse
    /// worker can be started, or none is left.
    async fn load_here(&mut self, jobs: Vec<Job<FileHandle>>) {
        // Reads are started ahead, so the browser fetches the next files
        // while this one is parsed (reading one at a time spent most of the
        // load waiting on the file system).
        let mut pending = jobs.into_iter();
        let mut in_flight = std::collections::VecDeque::new();
        while !self.cancelled() {
            while in_flight.len() < READS_AHEAD {
                let Some(job) = pending.next() else { break };
                let read = job.file.read_part(job.part);
                in_flight.push_back((job, read));
            }
            let Some((job, read)) = in_flight.pop_front() else {
                break;
            };
            let bytes = read.await;
            if self.session.borrow().loader.is_full() {
                self.refuse_unread(vec![job]);
                continue;
            }
            match bytes {
                Ok(read) if !job.part.is_whole() => {
                    // Parsed as a parser would, to be joined with the other parts.
                    let (file, name) = (job.file.clone(), &job.file.name);
                    let load =
                        |part: &mut Loader| part.load_bytes(name, read.file_bytes(), job.part);
                    let redo = {
                        let loader = &mut self.session.borrow_mut().loader;
                        self.split
                            .parse_here(loader, file, name, job.part, Limits::browser(), load)
                    };
                    if let Some(file) = redo {
                        // Parts that could not be joined: the file whole, here.
                        if let Ok(bytes) = file.read().await {
                            self.session.borrow_mut().loader.load(&file.name, &bytes);
                        }
                    }
                    self.job_done(&job);
                }
                Ok(read) => {
                    self.session.borrow_mut().loader.load_bytes(
                        &job.file.name,
                        read.file_bytes(),
                        job.part,
                    );
                    self.job_done(&job);
                }
                Err(error) => self.unreadable(&job, &error),
            }
        }
    }

    pub(super) async fn load_sample(mut self, events: usize) {
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
