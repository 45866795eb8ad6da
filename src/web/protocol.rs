//! Owns the messages between the page and the ingest worker. Only small
//! things cross: file handles in, counts and summaries out.

use serde::{Deserialize, Serialize};

/// A file the user dropped or picked, as a handle: the worker reads it.
#[derive(Serialize, Deserialize)]
pub struct FileHandle {
    /// Path inside a dropped folder, or the file name.
    pub name: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: web_sys::File,
}

#[derive(Serialize, Deserialize)]
pub enum ToWorker {
    Load(Vec<FileHandle>),
    LoadSample { events: usize },
    Cancel,
    Clear,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    Progress(Progress),
    Loaded(Snapshot),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: f64,
    pub bytes_total: f64,
    pub events: usize,
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticView {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipalRow {
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub account: String,
    pub events: usize,
    pub errors: usize,
    pub access_denied: usize,
}

/// Everything the page shows after a load.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub files: usize,
    pub events: usize,
    pub shown: usize,
    pub duplicates: usize,
    pub first_event: Option<String>,
    pub last_event: Option<String>,
    pub bytes_read: f64,
    pub load_ms: f64,
    pub cancelled: bool,
    pub diagnostics: Vec<DiagnosticView>,
    pub diagnostics_total: usize,
    pub principals: Vec<PrincipalRow>,
}
