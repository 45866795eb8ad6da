//! Owns the parse worker: an instance of the worker binary started by the
//! store worker under the name [`PARSER_NAME`]. It reads the batches of files
//! it is sent, parses each batch into a segment and posts the segment back
//! as one transferred buffer. It keeps the raw JSON it parsed and answers
//! for it (scans of free text and JSON paths, fetches of blocks: see
//! [`trailglass_core::store::partition`]). When it fails (a panic, or a trap that surfaces
//! only as a rejected promise), it says so before it stops.

use super::handle::FileHandle;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use trailglass_core::analysis::sigma::engine::WorkRules;
use trailglass_core::load::batch::BatchParse;
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::load::schedule::Job;
use trailglass_core::store::partition::answer_checksum;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The worker name that makes the worker binary a parser.
pub const PARSER_NAME: &str = "trailglass-parser";

/// What the store worker asks of a parser: the pool sends borrowed jobs
/// (`&[Job<FileHandle>]`), the parser receives owned ones. Asks are
/// answered in the order they were sent.
#[derive(Serialize, Deserialize)]
pub enum ToParser<Files> {
    /// Parse these files (or parts) into one segment.
    Parse(Files),
    /// Which events of the work pass the term ([`trailglass_core::store::partition::answer_scan`]).
    Scan {
        ask: u32,
        term: String,
        #[serde(with = "serde_bytes")]
        work: Vec<u8>,
    },
    /// These kept blocks' compressed bytes (indexes as little-endian `u32`s).
    Fetch {
        ask: u32,
        #[serde(with = "serde_bytes")]
        ids: Vec<u8>,
    },
    /// The Sigma rules (the built-in ones and these files, numbered by
    /// `rules` so a parser reads them once) checked on the events of the work
    /// ([`trailglass_core::analysis::sigma::engine::Engine::check_work`]).
    Sigma {
        ask: u32,
        rules: u32,
        files: Vec<crate::protocol::RuleFile>,
        #[serde(with = "serde_bytes")]
        work: Vec<u8>,
        /// The rules to run on each event of the work, as lists and the
        /// index of each event's list (see
        /// [`trailglass_core::analysis::sigma::engine::WorkRules`]).
        lists: Vec<Vec<u32>>,
        #[serde(with = "serde_bytes")]
        of_event: Vec<u8>,
    },
}

/// What a parser posts to the store worker.
#[derive(Serialize, Deserialize)]
pub enum ParserSays {
    /// It listens: batches sent before this are lost.
    Ready,
    /// The segment of its oldest batch (the buffer is transferred).
    Segment(#[serde(with = "serde_wasm_bindgen::preserve")] js_sys::ArrayBuffer),
    /// The answer to a scan: positions as little-endian `u32`s, or why not.
    /// Answers carry the [`answer_checksum`] of their bytes (see `sealed`).
    Scanned {
        ask: u32,
        hits: Result<serde_bytes::ByteBuf, String>,
        checksum: u32,
    },
    /// The answer to a fetch, block by block.
    Fetched {
        ask: u32,
        blocks: Vec<serde_bytes::ByteBuf>,
        checksum: u32,
    },
    /// The answer to a Sigma check: the events that did something, as JSON
    /// (`[[position, Checked]…]`), or why not.
    Checked {
        ask: u32,
        answer: Result<serde_bytes::ByteBuf, String>,
        checksum: u32,
    },
    /// It stopped, and why: it will parse nothing more.
    Failed(String),
}

impl ParserSays {
    /// The checksum of an answer's bytes as they are now; `None` for what
    /// is not an answer to an ask.
    fn payload_checksum(&self) -> Option<u32> {
        match self {
            Self::Scanned { hits: result, .. } | Self::Checked { answer: result, .. } => {
                Some(match result {
                    Ok(bytes) => answer_checksum([&bytes[..]]),
                    Err(why) => answer_checksum([why.as_bytes()]),
                })
            }
            Self::Fetched { blocks, .. } => {
                Some(answer_checksum(blocks.iter().map(|block| &block[..])))
            }
            Self::Ready | Self::Segment(_) | Self::Failed(_) => None,
        }
    }

    fn checksum_mut(&mut self) -> Option<&mut u32> {
        match self {
            Self::Scanned { checksum, .. }
            | Self::Fetched { checksum, .. }
            | Self::Checked { checksum, .. } => Some(checksum),
            Self::Ready | Self::Segment(_) | Self::Failed(_) => None,
        }
    }

    /// An answer with its checksum set from its bytes (see [`Self::intact`]).
    fn sealed(mut self) -> Self {
        if let Some(sum) = self.payload_checksum() {
            if let Some(checksum) = self.checksum_mut() {
                *checksum = sum;
            }
        }
        self
    }

    /// Whether an answer's bytes are as they were sealed (true for what is
    /// not an answer to an ask).
    pub fn intact(&self) -> bool {
        let written = match self {
            Self::Scanned { checksum, .. }
            | Self::Fetched { checksum, .. }
            | Self::Checked { checksum, .. } => Some(*checksum),
            Self::Ready | Self::Segment(_) | Self::Failed(_) => None,
        };
        written == self.payload_checksum()
    }

    /// Damages an answer to an ask (the fault switch's `damage-answer`): a
    /// byte of its bytes changed, or its checksum when it has none. False
    /// for what is not an answer to an ask.
    fn damage(&mut self) -> bool {
        let (bytes, checksum) = match self {
            Self::Scanned {
                hits: result,
                checksum,
                ..
            }
            | Self::Checked {
                answer: result,
                checksum,
                ..
            } => (result.as_mut().ok().map(|b| &mut b[..]), checksum),
            Self::Fetched {
                blocks, checksum, ..
            } => (
                blocks
                    .iter_mut()
                    .find(|b| !b.is_empty())
                    .map(|b| &mut b[..]),
                checksum,
            ),
            Self::Ready | Self::Segment(_) | Self::Failed(_) => return false,
        };
        match bytes.filter(|bytes| !bytes.is_empty()) {
            Some(bytes) => bytes[bytes.len() / 2] ^= 0x01,
            None => *checksum ^= 1,
        }
        true
    }

    fn post(&self, scope: &web_sys::DedicatedWorkerGlobalScope) {
        let Ok(message) = serde_wasm_bindgen::to_value(self) else {
            return;
        };
        let posted = match self {
            Self::Segment(buffer) => {
                scope.post_message_with_transfer(&message, &js_sys::Array::of1(buffer))
            }
            _ => scope.post_message(&message),
        };
        if let Err(error) = posted {
            web_sys::console::error_2(&"a parser cannot answer".into(), &error);
        }
    }
}

/// Whether this worker was started as a parser.
pub fn is_parser() -> bool {
    js_sys::global()
        .dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
        .is_ok_and(|scope| scope.name() == PARSER_NAME)
}

/// Serves batches until the worker is terminated, one at a time and in order.
pub fn run() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    report_failures(&scope);
    let (sender, mut batches) = futures_channel::mpsc::unbounded::<wasm_bindgen::JsValue>();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let _ = sender.unbounded_send(event.data());
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    ParserSays::Ready.post(&scope);
    let fault = super::fault::Fault::from_location();
    let answer_delay = super::fault::answer_delay_ms(&super::fault::location_search());
    wasm_bindgen_futures::spawn_local(async move {
        // The raw JSON of every batch parsed here, for as long as this parser lives.
        let mut keep = trailglass_core::store::rawstore::RawStore::default();
        // The Sigma rules last asked for, by number.
        let mut rules: Option<(u32, trailglass_core::analysis::sigma::RuleSet)> = None;
        // The fault switch's `damage-answer(s)`: answers to damage after parsing the file.
        let mut damages_owed = 0u32;
        while let Some(message) = batches.next().await {
            if let Some(ms) = answer_delay {
                if !is_parse(&message) {
                    gloo::timers::future::TimeoutFuture::new(ms).await;
                }
            }
            let answer =
                match serde_wasm_bindgen::from_value::<ToParser<Vec<Job<FileHandle>>>>(message) {
                    Ok(ToParser::Parse(files)) => {
                        if let Some(fault) = &fault {
                            let owed = files
                                .iter()
                                .map(|job| fault.answers_to_damage(&job.file.name))
                                .max()
                                .unwrap_or(0);
                            damages_owed = damages_owed.max(owed);
                        }
                        let segment = parse(files, fault.as_ref(), &mut keep).await;
                        ParserSays::Segment(js_sys::Uint8Array::from(&segment[..]).buffer())
                    }
                    Ok(ToParser::Scan { ask, term, work }) => ParserSays::Scanned {
                        ask,
                        checksum: 0,
                        hits: trailglass_core::store::partition::answer_scan(&keep, &term, &work)
                            .map(|hits| {
                                serde_bytes::ByteBuf::from(
                                    hits.iter()
                                        .flat_map(|hit| hit.to_le_bytes())
                                        .collect::<Vec<u8>>(),
                                )
                            }),
                    },
                    Ok(ToParser::Fetch { ask, ids }) => {
                        let ids: Vec<u32> = ids
                            .chunks_exact(4)
                            .map(|id| u32::from_le_bytes([id[0], id[1], id[2], id[3]]))
                            .collect();
                        ParserSays::Fetched {
                            ask,
                            checksum: 0,
                            blocks: trailglass_core::store::partition::answer_fetch(&keep, &ids)
                                .into_iter()
                                .map(|block| serde_bytes::ByteBuf::from(block.into_vec()))
                                .collect(),
                        }
                    }
                    Ok(ToParser::Sigma {
                        ask,
                        rules: number,
                        files,
                        work,
                        lists,
                        of_event,
                    }) => {
                        if rules.as_ref().is_none_or(|(n, _)| *n != number) {
                            rules = Some((number, rule_set(&files)));
                        }
                        let set = &rules.as_ref().expect("just set").1;
                        let engine = trailglass_core::analysis::sigma::engine::Engine::new(set);
                        ParserSays::Checked {
                            ask,
                            checksum: 0,
                            answer: engine
                                .check_work(&keep, &work, &WorkRules { lists, of_event })
                                .and_then(|checked| {
                                    serde_json::to_vec(&checked)
                                        .map(serde_bytes::ByteBuf::from)
                                        .map_err(|error| error.to_string())
                                }),
                        }
                    }
                    Err(error) => {
                        // Only a batch can be lost this way: the store worker waits for its segment.
                        let mut loader = Loader::for_segment(Limits::browser());
                        loader.unreadable("(a batch of files)", &error.to_string());
                        let segment = loader.into_segment().encode();
                        ParserSays::Segment(js_sys::Uint8Array::from(&segment[..]).buffer())
                    }
                };
            let mut answer = answer.sealed();
            if damages_owed > 0 && answer.damage() {
                damages_owed -= 1;
            }
            answer.post(&scope);
        }
    });
}

/// The built-in Sigma rules and the user's files, as the store worker reads them.
pub fn rule_set(files: &[crate::protocol::RuleFile]) -> trailglass_core::analysis::sigma::RuleSet {
    let mut set = trailglass_core::analysis::sigma::RuleSet::builtin();
    for file in files {
        set.add_file(
            &file.name,
            &file.text,
            trailglass_core::analysis::sigma::Origin::User,
        );
    }
    set.resolve();
    set
}

/// Whether a message asks for a parse (a scan or a fetch otherwise): enums
/// cross as `{ Variant: ... }`.
fn is_parse(message: &wasm_bindgen::JsValue) -> bool {
    js_sys::Reflect::has(message, &"Parse".into()).unwrap_or(false)
}

/// A panic (the release build aborts on one) and a rejected promise (a trap
/// inside one) are posted as [`ParserSays::Failed`], so the store worker
/// retries the batch instead of waiting for an answer that never comes.
fn report_failures(scope: &web_sys::DedicatedWorkerGlobalScope) {
    let for_panics = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        web_sys::console::error_1(&format!("Trailglass parse worker stopped: {info}").into());
        ParserSays::Failed(format!("it panicked: {info}")).post(&for_panics);
    }));
    let for_rejections = scope.clone();
    let on_rejection = Closure::<dyn FnMut(web_sys::PromiseRejectionEvent)>::new(
        move |event: web_sys::PromiseRejectionEvent| {
            let reason = super::js_error_text(&event.reason());
            ParserSays::Failed(format!("it stopped: {reason}")).post(&for_rejections);
        },
    );
    let _ = scope.add_event_listener_with_callback(
        "unhandledrejection",
        on_rejection.as_ref().unchecked_ref(),
    );
    on_rejection.forget();
}

/// Reads every file of the batch at once (the browser fetches them in
/// parallel; small files came with their bytes) and parses them, or their
/// part, in order.
async fn parse(
    files: Vec<Job<FileHandle>>,
    fault: Option<&super::fault::Fault>,
    keep: &mut trailglass_core::store::rawstore::RawStore,
) -> Vec<u8> {
    let reads: Vec<_> = files
        .into_iter()
        .map(|job| {
            let read = job.file.read_part(job.part);
            (job, read)
        })
        .collect();
    let mut parse = BatchParse::new(Limits::browser());
    let mut damaged = false;
    for (job, read) in reads {
        let bytes = read.await;
        if let Some(fault) = fault {
            fault.strike(&job.file.name).await;
            damaged |= fault.damages(&job.file.name);
        }
        match bytes {
            Ok(read) => parse.load_bytes(&job.file.name, read.file_bytes(), job.part),
            Err(error) if job.part.index == 0 => parse.unreadable(&job.file.name, &error),
            Err(_) => {}
        }
    }
    let mut segment = parse.finish_keeping(keep);
    if damaged {
        let middle = segment.len() / 2;
        segment[middle] ^= 0x20;
    }
    segment
}
