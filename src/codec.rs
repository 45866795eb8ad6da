//! Owns how messages cross the worker boundary: structured clone through
//! serde-wasm-bindgen, so `File` handles pass as themselves (no copy of their
//! bytes on the main thread) and nothing is serialised to bytes twice.

use gloo::worker::Codec;
use wasm_bindgen::JsValue;

pub struct StructuredClone;

impl Codec for StructuredClone {
    fn encode<I: serde::Serialize>(input: I) -> JsValue {
        serde_wasm_bindgen::to_value(&input).unwrap_or_else(|error| {
            web_sys::console::error_1(&format!("worker message not encodable: {error}").into());
            JsValue::NULL
        })
    }

    fn decode<O: for<'de> serde::Deserialize<'de>>(input: JsValue) -> O {
        serde_wasm_bindgen::from_value(input)
            .expect("worker messages are produced by the same build")
    }
}
