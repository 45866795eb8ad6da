//! Owns how messages cross between the page and the store worker. To the
//! worker: structured clone through serde-wasm-bindgen, so `File` handles and
//! read buffers pass as themselves. From the worker: JSON bytes in one
//! transferable buffer, which the page's wasm reads in one pass; a view, a
//! rule list or findings are thousands of short strings, and building them
//! field by field from JavaScript objects took the page 73 ms for the rule
//! list alone (CPU profile). An export's bytes still cross as a buffer.

use gloo::worker::Codec;
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// Set while the worker writes a message as JSON (see [`bytes_as_buffer`]).
    static WRITING_JSON: Cell<bool> = const { Cell::new(false) };
}

/// The page's side: sends structured clones, reads JSON bytes (or a
/// structured clone, for a message that carries a buffer).
pub struct PageCodec;

impl Codec for PageCodec {
    fn encode<I: serde::Serialize>(input: I) -> JsValue {
        structured_clone(&input)
    }

    fn decode<O: for<'de> serde::Deserialize<'de>>(input: JsValue) -> O {
        read(input)
    }
}

/// The store worker's side: sends JSON bytes, reads structured clones.
pub struct WorkerCodec;

impl Codec for WorkerCodec {
    fn encode<I: serde::Serialize>(input: I) -> JsValue {
        WRITING_JSON.with(|writing| writing.set(true));
        let json = serde_json::to_vec(&input);
        WRITING_JSON.with(|writing| writing.set(false));
        match json {
            Ok(bytes) => js_sys::Uint8Array::from(bytes.as_slice()).into(),
            // A message with an export's bytes refuses JSON (see `bytes_as_buffer`).
            Err(_) => structured_clone(&input),
        }
    }

    fn decode<O: for<'de> serde::Deserialize<'de>>(input: JsValue) -> O {
        read(input)
    }
}

fn structured_clone<I: serde::Serialize>(input: &I) -> JsValue {
    serde_wasm_bindgen::to_value(input).unwrap_or_else(|error| {
        web_sys::console::error_1(&format!("worker message not encodable: {error}").into());
        JsValue::NULL
    })
}

fn read<O: for<'de> serde::Deserialize<'de>>(input: JsValue) -> O {
    match input.dyn_into::<js_sys::Uint8Array>() {
        Ok(bytes) => serde_json::from_slice(&bytes.to_vec())
            .expect("worker messages are produced by the same build"),
        Err(input) => serde_wasm_bindgen::from_value(input)
            .expect("worker messages are produced by the same build"),
    }
}

/// Serialises bytes as bytes, and refuses to be written as JSON (where they
/// would become an array of numbers, four characters a byte): the message
/// then crosses as a structured clone, its bytes as one buffer.
pub fn bytes_as_buffer<S: serde::Serializer>(
    bytes: &[u8],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if WRITING_JSON.with(Cell::get) {
        return Err(serde::ser::Error::custom("bytes cross as a buffer"));
    }
    serde_bytes::serialize(bytes, serializer)
}
