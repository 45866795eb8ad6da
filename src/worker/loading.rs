//! Owns running a load in the store worker: the page's files arrive in
//! slices, the [`trailglass_core::load::schedule`] batches them for the pool of parsers,
//! their segments are merged into the store as they come back; progress is
//! reported on the way and the first view sent at the end. The parsers
//! stay after the load: they keep the raw JSON they parsed. Samples are
//! generated and loaded here too.

use super::display::load_summary;
use super::session::{Gate, Session};
use super::IngestWorker;
use crate::fault;
use crate::handle::FileHandle;
use crate::pool::{Asker, ParsePool, PoolEvent};
use crate::protocol::{FromWorker, LoadSummary, Progress};
use futures_channel::mpsc::UnboundedReceiver;
use futures_util::StreamExt;
use gloo::worker::{HandlerId, WorkerScope};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use trailglass_core::input::container::Container;
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::load::parts::SplitLoads;
use trailglass_core::load::schedule::{Crash, Job, Next, Schedule, Settings};
use trailglass_core::query::view::time_order;
use trailglass_core::sample::{generate, SampleConfig};
use trailglass_core::store::rawstore::Away;
use trailglass_core::store::segment::Segment;

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
    gate: Rc<Gate>,
    /// Where the detections are queued once the load has answered.
    after: super::Commands,
    /// When the page has drawn this load's view.
    shown: ShownSignal,
    /// The batches each parser parsed in this load, by home: a parser that
    /// stops takes their raw JSON, and another parses them again.
    kept: rustc_hash::FxHashMap<u32, Vec<KeptBatch>>,
    /// Batches of parsers that stopped, to parse again (with the home that had them).
    orphans: Vec<(u32, KeptBatch)>,
    parsed_again: usize,
}

/// A batch whose raw blocks a parser keeps: `first..` there, each `lens` long.
struct KeptBatch {
    jobs: Vec<Job<FileHandle>>,
    first: u32,
    lens: Vec<usize>,
}

/// How long a batch parsed again may take before its blocks are given up.
const PARSE_AGAIN_MS: u32 = 60_000;
/// How long a load's detections wait for the page to say its view is drawn
/// (a page in a background tab draws nothing).
const SHOWN_WAIT_MS: u32 = 2_000;

/// The page's word that it has drawn the newest load's first view. The
/// load's detections wait for it: on a machine with few cores they would
/// otherwise take every core while the page lays out the new view, and its
/// frames would take several times their work.
#[derive(Clone, Default)]
pub(super) struct ShownSignal(Rc<RefCell<Option<futures_channel::oneshot::Sender<()>>>>);

impl ShownSignal {
    /// Waits for the page's word (or [`SHOWN_WAIT_MS`]); a later load's
    /// wait ends this one.
    fn wait(&self) -> impl std::future::Future<Output = ()> {
        let (sender, receiver) = futures_channel::oneshot::channel();
        *self.0.borrow_mut() = Some(sender);
        async move {
            let timeout = gloo::timers::future::TimeoutFuture::new(SHOWN_WAIT_MS);
            futures_util::future::select(receiver, timeout).await;
        }
    }

    pub(super) fn give(&self) {
        if let Some(sender) = self.0.borrow_mut().take() {
            let _ = sender.send(());
        }
    }
}

/// The parsers: started before they are needed (starting one, a new worker
/// that compiles and instantiates its WebAssembly, takes a few hundred
/// milliseconds, which a load would otherwise wait for), and kept after a
/// load, since they keep the raw JSON they parsed. A load takes the pool and
/// gives it back; Clear ends it and starts a fresh one.
#[derive(Clone, Default)]
pub(super) struct WarmPool(Rc<RefCell<Pools>>);

#[derive(Default)]
struct Pools {
    ready: Option<ParsePool>,
    /// Pools of loads that ran side by side: they keep raw JSON too.
    more: Vec<ParsePool>,
    asker: Asker,
}

impl WarmPool {
    pub(super) fn started() -> Self {
        let pools = Self::default();
        pools.restart();
        pools
    }

    /// Reaches every parser's raw JSON.
    pub(super) fn asker(&self) -> Asker {
        self.0.borrow().asker.clone()
    }

    fn take(&self) -> Option<ParsePool> {
        if fault::no_parsers(&fault::location_search()) {
            return None;
        }
        let mut pools = self.0.borrow_mut();
        let asker = pools.asker.clone();
        pools.ready.take().or_else(|| ParsePool::start(&asker).ok())
    }

    /// A load's pool back: kept unless the load was cleared away.
    fn give_back(&self, pool: ParsePool, cleared: bool) {
        if cleared {
            return;
        }
        let mut pools = self.0.borrow_mut();
        match pools.ready {
            None => pools.ready = Some(pool),
            Some(_) => pools.more.push(pool),
        }
    }

    /// Ends every parser (and the raw JSON they keep) and starts fresh ones.
    pub(super) fn restart(&self) {
        let mut pools = self.0.borrow_mut();
        pools.more.clear();
        pools.ready = None;
        if !fault::no_parsers(&fault::location_search()) {
            pools.ready = ParsePool::start(&pools.asker).ok();
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
            gate: worker.gate.clone(),
            after: worker.commands.clone(),
            shown: worker.shown.clone(),
            kept: Default::default(),
            orphans: Vec::new(),
            parsed_again: 0,
        }
    }

    /// Waits for views that hold the session, then counts this load in.
    pub(super) async fn begin(&self) {
        let gate = self.gate.clone();
        Gate::until(|| gate.views.get() > 0).await;
        self.gate.loads.set(self.gate.loads.get() + 1);
        let session = self.session.clone();
        Gate::until(|| session.try_borrow_mut().is_err()).await;
        self.session.borrow_mut().changes += 1;
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

    // The session is held while the parsers answer the first view: see `Gate`.
    #[allow(clippy::await_holding_refcell_ref)]
    pub(super) async fn finish(mut self) {
        let elapsed = js_sys::Date::now() - self.started_ms;
        let asker = self.pool.asker();
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
            parsed_again: self.parsed_again,
            ..load_summary(&session.loader, elapsed, self.cancelled())
        };
        session.reported_diagnostics = summary.diagnostics_total;
        self.scope.respond(self.id, FromWorker::Loaded(summary));
        let request = session.request.clone();
        let shown = self.shown.wait();
        // Views that read raw JSON wait for this load to end: the session
        // is this load's until then.
        let fan_out = super::fanout::FanOut::new(&asker);
        let view = session.view(request, &fan_out).await;
        fan_out.settle(&mut session);
        self.scope.respond(self.id, view);
        let (diagnostics, total) = super::display::shown_diagnostics(&session.loader);
        if total != session.reported_diagnostics {
            session.reported_diagnostics = total;
            self.scope
                .respond(self.id, FromWorker::Diagnostics { diagnostics, total });
        }
        drop(session);
        self.gate.loads.set(self.gate.loads.get() - 1);
        // Detections come after the first view is drawn, so the events are on
        // screen and queryable first (the rules take seconds over a million events).
        let (after, id) = (self.after.clone(), self.id);
        wasm_bindgen_futures::spawn_local(async move {
            shown.await;
            let _ = after.unbounded_send(super::Command::Detect(id));
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
        self.begin().await;
        let mut pool = self.pool.take();
        self.parsers = pool.as_ref().map_or(0, ParsePool::size);
        let mut settings = Settings::default();
        let search = fault::location_search();
        if let Some(watchdog) = fault::watchdog_ms(&search) {
            settings.answer_ms = watchdog;
        }
        if let Some(jobs) = fault::batch_jobs(&search) {
            settings.batch_jobs = jobs;
        }
        let mut schedule = Schedule::new(self.parsers, total_files, settings);
        let leftover = self
            .run_schedule(pool.as_mut(), &mut schedule, &mut incoming)
            .await;
        if let Some(pool) = pool.as_mut() {
            self.parse_orphans_again(pool).await;
        }
        // Its parsers stay: they keep the raw JSON they parsed.
        if let Some(pool) = pool {
            self.pool.give_back(pool, self.cancelled());
        }
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
                                let (restarted, home) = pool.kill(parser);
                                self.orphan(home);
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
            PoolEvent::Parsed {
                worker,
                home,
                segment,
            } => {
                let batch = schedule.parsed(worker);
                match Segment::decode(&segment) {
                    Ok(segment) => {
                        if let Some(first) = segment.kept {
                            self.kept.entry(home).or_default().push(KeptBatch {
                                jobs: batch.clone(),
                                first,
                                lens: segment.parts.blocks.iter().map(|(_, len)| *len).collect(),
                            });
                        }
                        self.arrived(&batch, segment, schedule, home);
                    }
                    Err(problem) => {
                        // Parsed again a file at a time, so only a file
                        // whose answer is always damaged is lost.
                        if let Crash::Culprit(job) = schedule.unreadable(batch) {
                            let why =
                                format!("the parser's answer for it was unreadable: {problem}");
                            self.not_parsed(&job, &why);
                        }
                        return;
                    }
                }
                for job in &batch {
                    self.job_done(job);
                }
            }
            PoolEvent::Crashed {
                worker,
                home,
                message,
                restarted,
            } => {
                self.orphan(home);
                if let Crash::Culprit(job) = schedule.crashed(worker, restarted) {
                    let why = format!("the parser stopped on this file ({message})");
                    self.not_parsed(&job, &why);
                }
            }
        }
    }

    /// A parser stopped: the batches it parsed in this load are parsed
    /// again once the load's files are in ([`LoadTask::parse_orphans_again`]).
    fn orphan(&mut self, home: u32) {
        let batches = self.kept.remove(&home).unwrap_or_default();
        self.orphans
            .extend(batches.into_iter().map(|batch| (home, batch)));
        if self.orphans.iter().all(|(orphaned, _)| *orphaned != home) {
            // Nothing of this load; what it kept of earlier loads is gone.
            super::fanout::lose_homes(&mut self.session.borrow_mut(), &[home]);
        }
    }

    /// Parses the batches of parsers that stopped again, one at a time, and
    /// points the store at their blocks' new home (parsing is
    /// deterministic: the blocks are the same). What cannot be parsed again
    /// (and what those parsers kept of earlier loads) is reported lost.
    async fn parse_orphans_again(&mut self, pool: &mut ParsePool) {
        let orphans = std::mem::take(&mut self.orphans);
        let mut homes: Vec<u32> = orphans.iter().map(|(home, _)| *home).collect();
        homes.sort_unstable();
        homes.dedup();
        for (old_home, batch) in orphans {
            if self.cancelled() || pool.send(0, &batch.jobs).is_err() {
                break;
            }
            // Answers of batches still out (a load cut short) are passed over.
            let answer = {
                let own = async {
                    loop {
                        match pool.next().await {
                            Some(PoolEvent::Parsed {
                                worker: 0,
                                home,
                                segment,
                            }) => return Some((home, segment)),
                            Some(PoolEvent::Crashed { worker: 0, .. }) | None => return None,
                            Some(_) => {}
                        }
                    }
                };
                let give_up = gloo::timers::future::TimeoutFuture::new(PARSE_AGAIN_MS);
                match futures_util::future::select(std::pin::pin!(own), give_up).await {
                    futures_util::future::Either::Left((answer, _)) => answer,
                    futures_util::future::Either::Right(_) => None,
                }
            };
            let Some((home, segment)) = answer else {
                break;
            };
            let Ok(again) = Segment::decode(&segment) else {
                continue;
            };
            let sizes: Vec<(usize, u32)> = again
                .parts
                .blocks
                .iter()
                .map(|(_, len)| *len)
                .zip(again.kept_sizes.iter().copied())
                .collect();
            if let Some(first) = again.kept {
                self.kept.entry(home).or_default().push(KeptBatch {
                    jobs: batch.jobs,
                    first,
                    lens: sizes.iter().map(|(len, _)| *len).collect(),
                });
                let moved = self
                    .session
                    .borrow_mut()
                    .loader
                    .store
                    .raw_store_mut()
                    .rehome(
                        Away {
                            home: old_home,
                            id: batch.first,
                        },
                        &batch.lens,
                        Away { home, id: first },
                        &sizes,
                    );
                self.parsed_again += usize::from(moved > 0);
            }
        }
        super::fanout::lose_homes(&mut self.session.borrow_mut(), &homes);
    }

    /// A batch's segment: merged, or (a part of a split text) held until
    /// its file's other parts are in; a file whose parts could not be
    /// joined is parsed again whole.
    fn arrived(
        &mut self,
        batch: &[Job<FileHandle>],
        segment: Segment,
        schedule: &mut Schedule<FileHandle>,
        home: u32,
    ) {
        let loader = &mut self.session.borrow_mut().loader;
        let Some(job) = batch.first() else {
            return loader.merge_from(segment, home);
        };
        if let Some(file) = self.split.arrived(
            loader,
            job.file.clone(),
            &job.file.name,
            job.part,
            segment,
            home,
        ) {
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
        self.begin().await;
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
        self.finish().await;
    }
}
