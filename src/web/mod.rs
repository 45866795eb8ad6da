//! Browser glue (wasm32 only): the worker that owns the store, the codec and
//! messages between it and the page, and the Yew UI. Nothing here is core
//! logic; the core never imports this.

pub mod app;
pub mod codec;
pub mod files;
pub mod protocol;
pub mod worker;

/// Where Trunk puts the worker's loader, relative to the page so the site
/// works under any sub-path.
pub const WORKER_LOADER: &str = "./worker_loader.js";
