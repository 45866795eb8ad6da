//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively, in sorted path order (so loads are
/// deterministic whatever the file system returns).
pub fn files_under(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            files_under(&entry, into);
        } else {
            into.push(entry);
        }
    }
}
