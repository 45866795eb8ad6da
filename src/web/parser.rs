//! Owns the parse worker: an instance of the worker binary started by the
//! store worker under the name [`PARSER_NAME`]. It reads the batches of files
//! it is sent, parses each batch into a segment and posts the segment back
//! as one transferred buffer. It keeps nothing between batches.

use super::files::FileHandle;
use crate::batch::BatchParse;
use crate::ingest::{Limits, Loader};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The worker name that makes the worker binary a parser.
pub const PARSER_NAME: &str = "trailglass-parser";

/// What the store worker sends a parser: the pool sends borrowed handles
/// (`&[FileHandle]`), the parser receives owned ones.
#[derive(Serialize, Deserialize)]
pub struct ParseBatch<Files> {
    pub files: Files,
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
    let (sender, mut batches) = futures_channel::mpsc::unbounded::<wasm_bindgen::JsValue>();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let _ = sender.unbounded_send(event.data());
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    if let Err(error) = scope.post_message(&super::pool::READY.into()) {
        web_sys::console::error_2(&"a parser cannot say it is ready".into(), &error);
    }
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(message) = batches.next().await {
            let segment =
                match serde_wasm_bindgen::from_value::<ParseBatch<Vec<FileHandle>>>(message) {
                    Ok(batch) => parse(batch).await,
                    Err(error) => {
                        let mut loader = Loader::for_segment(Limits::browser());
                        loader.unreadable("(a batch of files)", &error.to_string());
                        loader.into_segment().encode()
                    }
                };
            let bytes = js_sys::Uint8Array::from(&segment[..]);
            let transfer = js_sys::Array::of1(&bytes.buffer());
            if let Err(error) = scope.post_message_with_transfer(&bytes.buffer(), &transfer) {
                web_sys::console::error_2(&"cannot post a segment".into(), &error);
            }
        }
    });
}

/// Reads every file of the batch at once (the browser fetches them in
/// parallel) and parses them in order.
async fn parse(batch: ParseBatch<Vec<FileHandle>>) -> Vec<u8> {
    let reads: Vec<(String, JsFuture)> = batch
        .files
        .into_iter()
        .map(|handle| (handle.name, JsFuture::from(handle.file.array_buffer())))
        .collect();
    let mut parse = BatchParse::new(Limits::browser());
    for (name, read) in reads {
        match read.await {
            Ok(buffer) => {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                parse.load(&name, &bytes);
            }
            Err(error) => parse.unreadable(&name, &super::worker::js_error_text(&error)),
        }
    }
    parse.finish()
}
