//! Owns how messages cross between the page and the store worker. To the
//! worker: structured clone through serde-wasm-bindgen, so `File` handles and
//! read buffers pass as themselves. From the worker: JSON bytes in one
//! transferable buffer, which the page's wasm reads in one pass; a view, a
//! rule list or findings are thousands of short strings, and building them
//! field by field from JavaScript objects took the page 73 ms for the rule
//! list alone (CPU profile). An export's bytes cross beside the JSON, as a
//! buffer of their own: each direction has one encoding, so the binary holds
//! one serializer and one deserializer per message type, not two.

use gloo::worker::Codec;
use std::cell::{Cell, RefCell};
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// Set while the worker writes a message as JSON (see [`bytes_as_buffer`]).
    static WRITING_JSON: Cell<bool> = const { Cell::new(false) };
    /// Bytes a message sends beside its JSON: set while it is written, or read.
    static BESIDE: RefCell<Option<js_sys::Uint8Array>> = const { RefCell::new(None) };
}

/// The page's side: sends structured clones, reads JSON bytes (and the
/// bytes beside them, for a message that carries some).
pub struct PageCodec;

impl Codec for PageCodec {
    fn encode<I: serde::Serialize>(input: I) -> JsValue {
        serde_wasm_bindgen::to_value(&input).unwrap_or_else(|error| {
            web_sys::console::error_1(&format!("page message not encodable: {error}").into());
            JsValue::NULL
        })
    }

    fn decode<O: for<'de> serde::Deserialize<'de>>(input: JsValue) -> O {
        let json = match input.dyn_into::<js_sys::Array>() {
            Ok(parts) => {
                BESIDE.with(|beside| *beside.borrow_mut() = parts.get(1).dyn_into().ok());
                parts.get(0)
            }
            Err(json) => json,
        };
        let json: js_sys::Uint8Array = json.unchecked_into();
        let message = serde_json::from_slice(&json.to_vec());
        BESIDE.with(|beside| beside.borrow_mut().take());
        message.expect("worker messages are produced by the same build")
    }
}

/// The store worker's side: sends JSON bytes (an array of them and the
/// bytes beside, for a message that carries some), reads structured clones.
pub struct WorkerCodec;

impl Codec for WorkerCodec {
    fn encode<I: serde::Serialize>(input: I) -> JsValue {
        WRITING_JSON.with(|writing| writing.set(true));
        let json = serde_json::to_vec(&input);
        WRITING_JSON.with(|writing| writing.set(false));
        let beside = BESIDE.with(|beside| beside.borrow_mut().take());
        match json {
            Ok(bytes) => {
                let json = js_sys::Uint8Array::from(bytes.as_slice());
                match beside {
                    Some(beside) => js_sys::Array::of2(&json, &beside).into(),
                    None => json.into(),
                }
            }
            Err(error) => {
                web_sys::console::error_1(&format!("worker message not encodable: {error}").into());
                JsValue::NULL
            }
        }
    }

    fn decode<O: for<'de> serde::Deserialize<'de>>(input: JsValue) -> O {
        serde_wasm_bindgen::from_value(input).expect("page messages are produced by the same build")
    }
}

/// Writes bytes beside the message's JSON (where they would become an array
/// of numbers, four characters a byte), leaving `null` in their place; as
/// bytes anywhere else.
pub fn bytes_as_buffer<S: serde::Serializer>(
    bytes: &[u8],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if WRITING_JSON.with(Cell::get) {
        BESIDE.with(|beside| *beside.borrow_mut() = Some(js_sys::Uint8Array::from(bytes)));
        return serializer.serialize_unit();
    }
    serde_bytes::serialize(bytes, serializer)
}

/// Reads the bytes [`bytes_as_buffer`] wrote beside the message being read;
/// as bytes where there are none.
pub fn bytes_from_buffer<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<u8>, D::Error> {
    match BESIDE.with(|beside| beside.borrow_mut().take()) {
        Some(beside) => {
            <serde::de::IgnoredAny as serde::Deserialize>::deserialize(deserializer)?;
            Ok(beside.to_vec())
        }
        None => serde_bytes::deserialize(deserializer),
    }
}
