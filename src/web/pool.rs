//! Owns the store worker's pool of parse workers: starting them (the worker
//! binary again, under the parser's name), handing them batches of files,
//! and turning their answers, or their crashes, into events for the load.

use super::files::FileHandle;
use super::parser::{ParseBatch, ParserSays, PARSER_NAME};
use crate::schedule::Job;
use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// What a parse worker did with the oldest batch it was given.
pub enum PoolEvent {
    /// An encoded segment.
    Parsed { worker: usize, segment: Vec<u8> },
    /// The worker died on that batch. Batches queued behind it are lost
    /// with it; it was started again unless `restarted` is false.
    Crashed {
        worker: usize,
        message: String,
        restarted: bool,
    },
}

struct Slot {
    worker: web_sys::Worker,
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
}

enum Answer {
    Ready,
    Segment(Vec<u8>),
    Failed(String),
}

impl ParsePool {
    /// One parser per hardware thread, at least two.
    pub fn start() -> Result<Self, String> {
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

    fn spawn(&self, index: usize, epoch: u32) -> Result<Slot, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_name(PARSER_NAME);
        let worker = web_sys::Worker::new_with_options(&self.script, &options)
            .map_err(|error| super::js_error_text(&error))?;
        let sender = self.sender.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let answer = match serde_wasm_bindgen::from_value(event.data()) {
                    Ok(ParserSays::Ready) => Answer::Ready,
                    Ok(ParserSays::Segment(buffer)) => {
                        Answer::Segment(js_sys::Uint8Array::new(&buffer).to_vec())
                    }
                    Ok(ParserSays::Failed(why)) => Answer::Failed(why),
                    Err(_) => Answer::Failed("the parser answered with something else".into()),
                };
                let _ = sender.unbounded_send((index, epoch, answer));
            },
        );
        let sender = self.sender.clone();
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
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
            waiting: Some(Vec::new()),
            epoch,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Queues a batch on a worker; it parses batches in the order sent.
    pub fn send(&mut self, worker: usize, files: &[Job<FileHandle>]) -> Result<(), String> {
        let message = serde_wasm_bindgen::to_value(&ParseBatch { files })
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
                Answer::Segment(segment) => PoolEvent::Parsed { worker, segment },
                Answer::Failed(message) => PoolEvent::Crashed {
                    worker,
                    message,
                    restarted: self.restart(worker),
                },
            });
        }
    }

    /// Ends a parser that does not answer and starts another in its place;
    /// false when none could be started.
    pub fn kill(&mut self, worker: usize) -> bool {
        self.restart(worker)
    }

    fn restart(&mut self, worker: usize) -> bool {
        let epoch = self.slots[worker].epoch + 1;
        self.slots[worker].worker.terminate();
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
        }
    }
}
