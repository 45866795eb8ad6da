//! What a load tells: per file and in total, as the page shows it and the
//! CLI prints it; and each stored row's duplicate key, which a segment
//! carries so duplicates are found across segments when they merge.

use crate::analysis::digest::Digest;
use crate::diagnostic::Diagnostic;
use crate::input::formats::Shape;
use serde::{Deserialize, Serialize};

/// What a file turned out to be, or why nothing was read from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum FileShape {
    /// Read as this shape (which may be "not recognised").
    Read(Shape),
    /// Its bytes could not be read or inflated.
    #[default]
    Unreadable,
    /// Its parser failed on it.
    NotParsed,
    /// It inflates past the size limit.
    TooLarge,
    /// The store was full before it was read.
    MemoryLimit,
}

impl FileShape {
    const NOT_READ: [FileShape; 4] = [
        FileShape::Unreadable,
        FileShape::NotParsed,
        FileShape::TooLarge,
        FileShape::MemoryLimit,
    ];

    /// As the load report shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Read(shape) => shape.label(),
            Self::Unreadable => "unreadable",
            Self::NotParsed => "not parsed",
            Self::TooLarge => "refused (too large)",
            Self::MemoryLimit => "not loaded (memory limit)",
        }
    }

    /// One byte, for a segment: a shape's code, or 128 and up when not read.
    pub fn code(self) -> u8 {
        match self {
            Self::Read(shape) => shape.code(),
            other => 128 + Self::NOT_READ.iter().position(|s| *s == other).unwrap_or(0) as u8,
        }
    }

    pub fn from_code(code: u8) -> Self {
        match code.checked_sub(128) {
            Some(at) => Self::NOT_READ.get(at as usize).copied().unwrap_or_default(),
            None => Self::Read(Shape::from_code(code)),
        }
    }
}

impl From<FileShape> for String {
    fn from(shape: FileShape) -> String {
        shape.label().to_owned()
    }
}

impl TryFrom<String> for FileShape {
    type Error = String;
    fn try_from(label: String) -> Result<Self, String> {
        Shape::ALL
            .iter()
            .map(|&shape| FileShape::Read(shape))
            .chain(FileShape::NOT_READ)
            .find(|shape| shape.label() == label)
            .ok_or_else(|| format!("no file shape is labelled {label:?}"))
    }
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub name: String,
    pub shape: FileShape,
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
    /// What the file holds when it is `list-public-keys` output.
    #[serde(skip)]
    pub public_keys: Option<Vec<crate::analysis::signature::PublicKey>>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_shape_survives_a_segment_and_the_wire() {
        let every: Vec<FileShape> = Shape::ALL
            .iter()
            .map(|&shape| FileShape::Read(shape))
            .chain(FileShape::NOT_READ)
            .collect();
        assert_eq!(every.len(), 15);
        for shape in every {
            assert_eq!(FileShape::from_code(shape.code()), shape, "{shape:?}");
            assert_eq!(FileShape::try_from(String::from(shape)), Ok(shape));
        }
        assert!(FileShape::try_from("a shape of no file".to_owned()).is_err());
        let json = serde_json::to_string(&FileShape::Read(Shape::TrailFile)).unwrap();
        assert_eq!(json, "\"CloudTrail log file\"");
    }
}
