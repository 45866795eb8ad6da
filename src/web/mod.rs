//! Browser glue: the worker that owns the store, the codec and messages
//! between it and the page, and the Yew UI. `protocol` and `state` are plain
//! data and logic (compiled natively too, so they are tested natively); the
//! rest runs only in the browser. The core never imports anything here.

pub mod fault;
pub mod protocol;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod codec;
#[cfg(target_arch = "wasm32")]
pub mod files;
#[cfg(target_arch = "wasm32")]
pub mod parser;
#[cfg(target_arch = "wasm32")]
pub mod pool;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// Where Trunk puts the loader that starts the site's one binary in a worker,
/// relative to the page so the site works under any sub-path.
pub const WORKER_LOADER: &str = "./app_loader.js";

/// The global that, when it holds a string, names the script a worker is
/// started from: in the page, the store worker (instead of
/// [`WORKER_LOADER`]); in the store worker, its parsers (instead of its own
/// URL). The one-file offline build (`scripts/offline.mjs`) sets it to
/// `blob:` URLs it makes, because a page opened from `file://` can start a
/// worker neither from a file nor, inside a worker, from the page's blob.
pub const WORKER_URL_GLOBAL: &str = "trailglassWorkerUrl";

/// The script to start a worker from: [`WORKER_URL_GLOBAL`] when set, else `default`.
#[cfg(target_arch = "wasm32")]
pub fn worker_script(default: &str) -> String {
    js_sys::Reflect::get(&js_sys::global(), &WORKER_URL_GLOBAL.into())
        .ok()
        .and_then(|url| url.as_string())
        .unwrap_or_else(|| default.to_owned())
}

/// The message of a JavaScript error, or its debug form.
#[cfg(target_arch = "wasm32")]
pub fn js_error_text(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
