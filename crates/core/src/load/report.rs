//! What a load tells: per file and in total, as the page shows it and the
//! CLI prints it; and each stored row's duplicate key, which a segment
//! carries so duplicates are found across segments when they merge.

use crate::analysis::digest::Digest;
use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub name: String,
    pub shape: String,
    pub events: usize,
    pub duplicates: usize,
    pub problems: usize,
    /// Wrapping sum of the file's event fingerprints, stored or dropped:
    /// equal sums over equal counts mean the same events, found without
    /// hashing any file while loading.
    #[serde(skip)]
    pub events_fingerprint: u128,
    /// What the file holds when it is a digest file.
    #[serde(skip)]
    pub digest: Option<Box<Digest>>,
}

/// The running totals of a load, shown in the UI and printed by the CLI.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadReport {
    pub files: usize,
    pub bytes_read: u64,
    pub text_bytes: u64,
    /// Distinct events stored.
    pub events: usize,
    /// Events dropped because their `eventID` was already loaded.
    pub duplicates: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub file_reports: Vec<FileReport>,
    /// Files refused because the store reached its memory limit.
    pub files_refused: usize,
    /// What each part of a split text found, until its parts are joined
    /// (see [`crate::input::split`]): only a segment's report holds any.
    #[serde(skip)]
    pub text_parts: Vec<crate::input::split::PartTally>,
}

/// A stored row's duplicate key (0 when the event has no `eventID`) and the
/// index of its file's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowKey {
    pub fingerprint: u128,
    pub file: u32,
}
