//! Browser glue: the worker that owns the store, the codec and messages
//! between it and the page, and the Yew UI. `protocol` and `state` are plain
//! data and logic (compiled natively too, so they are tested natively); the
//! rest runs only in the browser. The core never imports anything here.

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

/// Where Trunk puts the worker's loader, relative to the page so the site
/// works under any sub-path.
pub const WORKER_LOADER: &str = "./worker_loader.js";
