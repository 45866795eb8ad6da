//! Owns the store worker's pool of parse workers: starting them (the worker
//! binary again, under the parser's name), handing them batches of files,
//! and turning their answers, or their crashes, into events for the load.
//! Each parser keeps the raw JSON it parsed: an [`Asker`] asks it scans and
//! fetches for that JSON, during a load or after it.

use super::handle::FileHandle;
use super::parser::{ParserSays, ToParser, PARSER_NAME};
use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures_channel::oneshot;
use futures_util::StreamExt;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use trailglass_core::load::schedule::Job;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// What a parse worker did with the oldest batch it was given.
pub enum PoolEvent {
    /// An encoded segment; the raw blocks it names stay in `home`.
    Parsed {
        worker: usize,
        home: u32,
        segment: Vec<u8>,
    },
    /// The worker died on that batch. Batches queued behind it are lost
    /// with it, and the raw JSON it kept (`home`); it was started again
    /// unless `restarted` is false.
    Crashed {
        worker: usize,
        home: u32,
        message: String,
        restarted: bool,
    },
}

/// A parser's answer to an ask.
enum Reply {
    Scanned(Result<Vec<u8>, String>),
    Fetched(Vec<Vec<u8>>),
    Checked(Result<Vec<u8>, String>),
    /// Its checksum did not match: it is asked once more.
    Damaged,
}

/// Why an ask whose answer came damaged twice has no answer.
const DAMAGED_TWICE: &str = "the parser's answer was damaged on its way, twice";

/// Asks in flight, by number, with the home asked; shared by every pool
/// the store worker starts, so homes never repeat.
#[derive(Default)]
struct Asks {
    next: Cell<u32>,
    /// The last home given to a worker (0 is the store worker's own).
    last_home: Cell<u32>,
    waiting: RefCell<rustc_hash::FxHashMap<u32, (u32, oneshot::Sender<Reply>)>>,
    /// The live parsers: home and worker.
    homes: RefCell<Vec<(u32, web_sys::Worker)>>,
}

impl Asks {
    fn answer(&self, ask: u32, reply: Reply) {
        if let Some((_, sender)) = self.waiting.borrow_mut().remove(&ask) {
            let _ = sender.send(reply);
        }
    }

    /// A parser is gone: what was asked of it is answered with nothing.
    fn home_gone(&self, home: u32) {
        self.waiting
            .borrow_mut()
            .retain(|_, (asked, _)| *asked != home);
        self.homes.borrow_mut().retain(|(live, _)| *live != home);
    }
}

/// Asks the parsers about the raw JSON they keep; cheap to clone, usable
/// while a load drives a pool.
#[derive(Clone, Default)]
pub struct Asker(Rc<Asks>);

impl Asker {
    fn ask(
        &self,
        home: u32,
        message: impl FnOnce(u32) -> ToParser<()>,
    ) -> oneshot::Receiver<Reply> {
        let (sender, receiver) = oneshot::channel();
        let asks = &self.0;
        let ask = asks.next.get();
        asks.next.set(ask.wrapping_add(1));
        let homes = asks.homes.borrow();
        let Some((_, worker)) = homes.iter().find(|(live, _)| *live == home) else {
            return receiver; // Its sender is dropped: the answer is "gone".
        };
        let posted = serde_wasm_bindgen::to_value(&message(ask))
            .map_err(|error| error.to_string())
            .and_then(|value| {
                worker
                    .post_message(&value)
                    .map_err(|error| super::js_error_text(&error))
            });
        if posted.is_ok() {
            asks.waiting.borrow_mut().insert(ask, (home, sender));
        }
        receiver
    }

    /// Asks `home` (posted before this returns), and once more when the
    /// answer comes damaged: a second damaged answer is the reply.
    fn ask_twice_if_damaged(
        &self,
        home: u32,
        message: impl Fn(u32) -> ToParser<()> + 'static,
    ) -> impl std::future::Future<Output = Result<Reply, oneshot::Canceled>> {
        let first = self.ask(home, &message);
        let asker = self.clone();
        async move {
            match first.await {
                Ok(Reply::Damaged) => asker.ask(home, message).await,
                other => other,
            }
        }
    }

    /// Which events of `work` pass `term`, asked of `home` (see
    /// [`trailglass_core::store::partition::answer_scan`]); an error when `home` is gone or
    /// cannot answer. The ask is posted before this returns.
    pub fn scan(
        &self,
        home: u32,
        term: &str,
        work: Vec<u8>,
    ) -> impl std::future::Future<Output = Result<Vec<u32>, String>> {
        let term = term.to_owned();
        let message = move |ask| ToParser::Scan {
            ask,
            term: term.clone(),
            work: work.clone(),
        };
        let reply = self.ask_twice_if_damaged(home, message);
        async move {
            match reply.await {
                Ok(Reply::Scanned(Ok(hits))) => Ok(hits
                    .chunks_exact(4)
                    .map(|hit| u32::from_le_bytes([hit[0], hit[1], hit[2], hit[3]]))
                    .collect()),
                Ok(Reply::Scanned(Err(why))) => Err(why),
                Ok(Reply::Damaged) => Err(DAMAGED_TWICE.into()),
                Ok(Reply::Fetched(_) | Reply::Checked(_)) => {
                    Err("a parser answered another question".into())
                }
                Err(_) => Err("the parser that kept these events is gone".into()),
            }
        }
    }

    /// The Sigma rules (`files` beside the built-in ones, numbered
    /// `rules`) checked by `home` on the events of `work` (each against the
    /// rules `rules_of` gives it): the events that did something, by position.
    pub fn sigma(
        &self,
        home: u32,
        rules: u32,
        files: Vec<crate::protocol::RuleFile>,
        work: Vec<u8>,
        rules_of: trailglass_core::analysis::sigma::engine::WorkRules,
    ) -> impl std::future::Future<
        Output = Result<Vec<(u32, trailglass_core::analysis::sigma::engine::Checked)>, String>,
    > {
        let message = move |ask| ToParser::Sigma {
            ask,
            rules,
            files: files.clone(),
            work: work.clone(),
            lists: rules_of.lists.clone(),
            of_event: rules_of.of_event.clone(),
        };
        let reply = self.ask_twice_if_damaged(home, message);
        async move {
            match reply.await {
                Ok(Reply::Checked(Ok(bytes))) => {
                    serde_json::from_slice(&bytes).map_err(|error| error.to_string())
                }
                Ok(Reply::Checked(Err(why))) => Err(why),
                Ok(Reply::Damaged) => Err(DAMAGED_TWICE.into()),
                Ok(_) => Err("a parser answered another question".into()),
                Err(_) => Err("the parser that kept these events is gone".into()),
            }
        }
    }

    /// The compressed bytes of `home`'s blocks `ids`, in order.
    pub fn fetch(
        &self,
        home: u32,
        ids: &[u32],
    ) -> impl std::future::Future<Output = Result<Vec<Vec<u8>>, String>> {
        let ids: Vec<u8> = ids.iter().flat_map(|id| id.to_le_bytes()).collect();
        let message = move |ask| ToParser::Fetch {
            ask,
            ids: ids.clone(),
        };
        let reply = self.ask_twice_if_damaged(home, message);
        async move {
            match reply.await {
                Ok(Reply::Fetched(blocks)) => Ok(blocks),
                Ok(Reply::Damaged) => Err(DAMAGED_TWICE.into()),
                Ok(Reply::Scanned(_) | Reply::Checked(_)) => {
                    Err("a parser answered another question".into())
                }
                Err(_) => Err("the parser that kept these events is gone".into()),
            }
        }
    }
}

struct Slot {
    worker: web_sys::Worker,
    /// Names this worker (and the raw JSON it keeps) for as long as it lives.
    home: u32,
    /// Batches sent before the parser said it is ready: a worker drops
    /// messages that arrive before its WebAssembly has started.
    waiting: Option<Vec<wasm_bindgen::JsValue>>,
    /// Events from an earlier, crashed worker in this slot carry an older epoch.
    epoch: u32,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

pub struct ParsePool {
    slots: Vec<Slot>,
    script: String,
    sender: UnboundedSender<(usize, u32, Answer)>,
    receiver: UnboundedReceiver<(usize, u32, Answer)>,
    asks: Rc<Asks>,
}

enum Answer {
    Ready,
    Segment(Vec<u8>),
    Failed(String),
}

impl ParsePool {
    /// One parser per hardware thread, at least two; `asker` reaches them.
    pub fn start(asker: &Asker) -> Result<Self, String> {
        let scope: web_sys::WorkerGlobalScope = js_sys::global()
            .dyn_into()
            .map_err(|_| "not running in a worker".to_owned())?;
        let size = (scope.navigator().hardware_concurrency() as usize).clamp(2, 16);
        let (sender, receiver) = unbounded();
        let mut pool = Self {
            slots: Vec::with_capacity(size),
            // This worker's own script: the parser is the same binary.
            script: super::worker_script(&scope.location().href()),
            sender,
            receiver,
            asks: asker.0.clone(),
        };
        for index in 0..size {
            let slot = pool.spawn(index, 0)?;
            pool.slots.push(slot);
        }
        Ok(pool)
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    fn spawn(&mut self, index: usize, epoch: u32) -> Result<Slot, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_name(PARSER_NAME);
        let worker = web_sys::Worker::new_with_options(&self.script, &options)
            .map_err(|error| super::js_error_text(&error))?;
        let home = self.asks.last_home.get() + 1;
        self.asks.last_home.set(home);
        self.asks.homes.borrow_mut().push((home, worker.clone()));
        let sender = self.sender.clone();
        let asks = self.asks.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let answer = match serde_wasm_bindgen::from_value(event.data()) {
                    Ok(ParserSays::Ready) => Answer::Ready,
                    Ok(ParserSays::Segment(buffer)) => {
                        Answer::Segment(js_sys::Uint8Array::new(&buffer).to_vec())
                    }
                    // An answer whose bytes were damaged on their way is asked again.
                    Ok(said) if !said.intact() => {
                        if let ParserSays::Scanned { ask, .. }
                        | ParserSays::Fetched { ask, .. }
                        | ParserSays::Checked { ask, .. } = said
                        {
                            asks.answer(ask, Reply::Damaged);
                        }
                        return;
                    }
                    Ok(ParserSays::Scanned { ask, hits, .. }) => {
                        asks.answer(ask, Reply::Scanned(hits.map(|hits| hits.into_vec())));
                        return;
                    }
                    Ok(ParserSays::Fetched { ask, blocks, .. }) => {
                        let blocks = blocks.into_iter().map(|block| block.into_vec()).collect();
                        asks.answer(ask, Reply::Fetched(blocks));
                        return;
                    }
                    Ok(ParserSays::Checked { ask, answer, .. }) => {
                        asks.answer(ask, Reply::Checked(answer.map(|bytes| bytes.into_vec())));
                        return;
                    }
                    Ok(ParserSays::Failed(why)) => {
                        asks.home_gone(home);
                        Answer::Failed(why)
                    }
                    Err(_) => Answer::Failed("the parser answered with something else".into()),
                };
                let _ = sender.unbounded_send((index, epoch, answer));
            },
        );
        let sender = self.sender.clone();
        let asks = self.asks.clone();
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                asks.home_gone(home);
                event.prevent_default();
                let message = event.message();
                let message = if message.is_empty() {
                    "the parser stopped".to_owned()
                } else {
                    message
                };
                let _ = sender.unbounded_send((index, epoch, Answer::Failed(message)));
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Slot {
            worker,
            home,
            waiting: Some(Vec::new()),
            epoch,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Queues a batch on a worker; it parses batches in the order sent.
    pub fn send(&mut self, worker: usize, files: &[Job<FileHandle>]) -> Result<(), String> {
        let message = serde_wasm_bindgen::to_value(&ToParser::Parse(files))
            .map_err(|error| error.to_string())?;
        let slot = &mut self.slots[worker];
        match &mut slot.waiting {
            Some(waiting) => {
                waiting.push(message);
                Ok(())
            }
            None => slot
                .worker
                .post_message(&message)
                .map_err(|error| super::js_error_text(&error)),
        }
    }

    /// The next answer from any worker.
    pub async fn next(&mut self) -> Option<PoolEvent> {
        loop {
            let (worker, epoch, answer) = self.receiver.next().await?;
            if self.slots.get(worker).map(|slot| slot.epoch) != Some(epoch) {
                continue;
            }
            return Some(match answer {
                Answer::Ready => {
                    let slot = &mut self.slots[worker];
                    for message in slot.waiting.take().unwrap_or_default() {
                        if let Err(error) = slot.worker.post_message(&message) {
                            let message = super::js_error_text(&error);
                            let _ = self.sender.unbounded_send((
                                worker,
                                epoch,
                                Answer::Failed(message),
                            ));
                        }
                    }
                    continue;
                }
                Answer::Segment(segment) => PoolEvent::Parsed {
                    worker,
                    home: self.slots[worker].home,
                    segment,
                },
                Answer::Failed(message) => PoolEvent::Crashed {
                    worker,
                    home: self.slots[worker].home,
                    message,
                    restarted: self.restart(worker),
                },
            });
        }
    }

    /// Ends a parser that does not answer and starts another in its place;
    /// false when none could be started. Returns its home too: the raw JSON
    /// it kept is gone with it.
    pub fn kill(&mut self, worker: usize) -> (bool, u32) {
        let home = self.slots[worker].home;
        (self.restart(worker), home)
    }

    fn restart(&mut self, worker: usize) -> bool {
        let epoch = self.slots[worker].epoch + 1;
        self.slots[worker].worker.terminate();
        self.asks.home_gone(self.slots[worker].home);
        match self.spawn(worker, epoch) {
            Ok(slot) => {
                self.slots[worker] = slot;
                true
            }
            Err(_) => {
                // Nothing more comes from the dead worker under the new epoch.
                self.slots[worker].epoch = epoch;
                false
            }
        }
    }
}

impl Drop for ParsePool {
    fn drop(&mut self) {
        for slot in &self.slots {
            slot.worker.terminate();
            self.asks.home_gone(slot.home);
        }
    }
}
