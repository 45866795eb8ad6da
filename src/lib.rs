//! The web app over `trailglass_core`: the page ([`app`], [`state`], the Yew
//! components in [`ui`], the [`files`] it is given), the store worker
//! ([`worker`]) and the parse workers ([`pool`], [`parser`]), and what they
//! say to each other ([`protocol`], [`codec`]). It compiles natively too, so
//! [`state`] and [`protocol`], plain data and logic, are tested natively.

pub mod app;
pub mod casefile;
pub mod client;
pub mod codec;
pub mod download;
pub mod fault;
pub mod files;
pub mod handle;
pub mod hooks;
pub mod idb;
pub mod parser;
pub mod pool;
pub mod protocol;
pub mod rulefiles;
pub mod state;
pub mod ui;
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
pub fn worker_script(default: &str) -> String {
    js_sys::Reflect::get(&js_sys::global(), &WORKER_URL_GLOBAL.into())
        .ok()
        .and_then(|url| url.as_string())
        .unwrap_or_else(|| default.to_owned())
}

/// The message of a JavaScript error, or its debug form.
pub fn js_error_text(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
