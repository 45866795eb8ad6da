//! Owns the parse worker: an instance of the worker binary started by the
//! store worker under the name [`PARSER_NAME`]. It reads the batches of files
//! it is sent, parses each batch into a segment and posts the segment back
//! as one transferred buffer. It keeps nothing between batches. When it
//! fails (a panic, or a trap that surfaces only as a rejected promise), it
//! says so before it stops.

use super::files::FileHandle;
use crate::batch::BatchParse;
use crate::ingest::{Limits, Loader};
use crate::schedule::Job;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The worker name that makes the worker binary a parser.
pub const PARSER_NAME: &str = "trailglass-parser";

/// What the store worker sends a parser: the pool sends borrowed jobs
/// (`&[Job<FileHandle>]`), the parser receives owned ones.
#[derive(Serialize, Deserialize)]
pub struct ParseBatch<Files> {
    pub files: Files,
}

/// What a parser posts to the store worker.
#[derive(Serialize, Deserialize)]
pub enum ParserSays {
    /// It listens: batches sent before this are lost.
    Ready,
    /// The segment of its oldest batch (the buffer is transferred).
    Segment(#[serde(with = "serde_wasm_bindgen::preserve")] js_sys::ArrayBuffer),
    /// It stopped, and why: it will parse nothing more.
    Failed(String),
}

impl ParserSays {
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
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(message) = batches.next().await {
            let segment =
                match serde_wasm_bindgen::from_value::<ParseBatch<Vec<Job<FileHandle>>>>(message) {
                    Ok(batch) => parse(batch, fault.as_ref()).await,
                    Err(error) => {
                        let mut loader = Loader::for_segment(Limits::browser());
                        loader.unreadable("(a batch of files)", &error.to_string());
                        loader.into_segment().encode()
                    }
                };
            let bytes = js_sys::Uint8Array::from(&segment[..]);
            ParserSays::Segment(bytes.buffer()).post(&scope);
        }
    });
}

/// A panic (the release build aborts on one) and a rejected promise (a trap
/// inside one) are posted as [`ParserSays::Failed`], so the store worker
/// retries the batch instead of waiting for an answer that never comes.
fn report_failures(scope: &web_sys::DedicatedWorkerGlobalScope) {
    let for_panics = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
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
    batch: ParseBatch<Vec<Job<FileHandle>>>,
    fault: Option<&super::fault::Fault>,
) -> Vec<u8> {
    let reads: Vec<_> = batch
        .files
        .into_iter()
        .map(|job| {
            let read = job.file.read_part(job.part);
            (job, read)
        })
        .collect();
    let mut parse = BatchParse::new(Limits::browser());
    for (job, read) in reads {
        let bytes = read.await;
        if let Some(fault) = fault {
            fault.strike(&job.file.name).await;
        }
        match bytes {
            Ok(read) => parse.load_bytes(&job.file.name, read.file_bytes(), job.part),
            Err(error) if job.part.index == 0 => parse.unreadable(&job.file.name, &error),
            Err(_) => {}
        }
    }
    parse.finish()
}
