//! Owns the integrity verdict of a load: each digest's signature and chain
//! (see [`super::signature`]), each log file against the digests that name
//! it, the log files none names, and the evidence manifest (every file, its
//! SHA-256, its verdict) that goes with a case.

use super::digest::{base_name, Digest};
use super::signature::{verify_digests, DigestVerdict, PublicKey};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Every digest's verdict over a load, and the log files no digest names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Integrity {
    pub digests: Vec<DigestVerdict>,
    /// Loaded log files that no loaded digest names.
    pub uncovered: Vec<String>,
    /// How many public keys were loaded.
    pub keys: usize,
    /// Each loaded log file's verdict by file name: `match`, `mismatch`,
    /// `unreadable` or `uncovered`.
    pub log_files: std::collections::BTreeMap<String, String>,
}

/// The integrity of a load: `report` holds its digests and keys (files
/// loaded as such), `hashes` the SHA-256 of each loaded log file's content
/// by file name (see [`crate::analysis::digest::log_content_sha256`]), and
/// `signatures` what the user supplies (see [`verify_digests`]).
pub fn integrity(
    report: &crate::load::report::LoadReport,
    hashes: &HashMap<String, Result<String, String>>,
    signatures: &HashMap<String, String>,
) -> Integrity {
    let keys: Vec<PublicKey> = report
        .file_reports
        .iter()
        .filter_map(|f| f.public_keys.as_deref())
        .flatten()
        .cloned()
        .collect();
    let digests: Vec<(&str, &Digest)> = report
        .file_reports
        .iter()
        .filter_map(|f| Some((f.name.as_str(), f.digest.as_deref()?)))
        .collect();
    let logs: HashMap<&str, &str> = report
        .file_reports
        .iter()
        .filter(|f| f.digest.is_none() && f.public_keys.is_none() && f.events + f.duplicates > 0)
        .map(|f| (base_name(&f.name), f.name.as_str()))
        .collect();
    let mut verdicts = verify_digests(&digests, &keys, signatures);
    let mut named = std::collections::HashSet::new();
    let mut log_files = std::collections::BTreeMap::new();
    for verdict in &mut verdicts {
        let Some((_, digest)) = digests.iter().find(|(file, _)| *file == verdict.file) else {
            continue;
        };
        for entry in &digest.log_files {
            let base = base_name(&entry.s3_object);
            named.insert(base);
            let Some(name) = logs.get(base) else {
                verdict.missing += 1;
                continue;
            };
            let status = match hashes.get(*name) {
                Some(Ok(actual)) if actual.eq_ignore_ascii_case(&entry.hash_value) => {
                    verdict.matched += 1;
                    "match"
                }
                Some(Ok(_)) => {
                    verdict.mismatch += 1;
                    "mismatch"
                }
                // Not hashed, or not readable: it cannot be said to match.
                _ => {
                    verdict.mismatch += 1;
                    "unreadable"
                }
            };
            // A file named by two digests keeps the worse verdict.
            let kept = log_files.entry(name.to_string()).or_insert(status);
            if *kept == "match" {
                *kept = status;
            }
        }
    }
    let mut uncovered: Vec<String> = logs
        .iter()
        .filter(|(base, _)| !named.contains(*base))
        .map(|(_, name)| name.to_string())
        .collect();
    uncovered.sort();
    let mut log_files: std::collections::BTreeMap<String, String> = log_files
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
    for name in &uncovered {
        log_files.insert(name.clone(), "uncovered".to_owned());
    }
    Integrity {
        digests: verdicts,
        uncovered,
        keys: keys.len(),
        log_files,
    }
}

/// One line of the evidence manifest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub file: String,
    pub bytes: u64,
    /// The SHA-256 of the file's bytes as they are (gzipped when delivered gzipped).
    pub sha256: String,
    pub verdict: String,
}

/// Every loaded file (`files`: name, size, SHA-256 of its bytes or why
/// there is none) with its verdict: a log file against its digest, a
/// digest's signature and chain, a key file, or what the load made of it.
pub fn manifest(
    report: &crate::load::report::LoadReport,
    integrity: &Integrity,
    files: &[(String, u64, Result<String, String>)],
) -> Vec<ManifestEntry> {
    let reports: HashMap<&str, &crate::load::report::FileReport> = report
        .file_reports
        .iter()
        .map(|f| (f.name.as_str(), f))
        .collect();
    files
        .iter()
        .map(|(file, bytes, sha256)| {
            let digest = integrity.digests.iter().find(|d| d.file == *file);
            let verdict = match (
                digest,
                integrity.log_files.get(file),
                reports.get(file.as_str()),
            ) {
                (Some(d), _, _) => format!("digest: signature {}, chain {}", d.signature, d.chain),
                (None, Some(status), _) => match status.as_str() {
                    "match" => "log file: matches its digest".to_owned(),
                    "mismatch" => "log file: DIFFERS from its digest".to_owned(),
                    "uncovered" => "log file: no loaded digest names it".to_owned(),
                    other => format!("log file: {other}"),
                },
                (None, None, Some(f)) if f.public_keys.is_some() => "public keys".to_owned(),
                (None, None, Some(f)) => format!("{} ({} events)", f.shape.label(), f.events),
                (None, None, None) => "not loaded".to_owned(),
            };
            ManifestEntry {
                file: file.clone(),
                bytes: *bytes,
                sha256: match sha256 {
                    Ok(hex) => hex.clone(),
                    Err(why) => format!("(not hashed: {why})"),
                },
                verdict,
            }
        })
        .collect()
}

/// The manifest as CSV (cells neutralised against spreadsheet formulas).
pub fn manifest_csv(entries: &[ManifestEntry]) -> String {
    let cell = crate::query::export::csv_cell;
    let mut out = String::from("file,bytes,sha256,verdict\r\n");
    for entry in entries {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            cell(&entry.file),
            entry.bytes,
            cell(&entry.sha256),
            cell(&entry.verdict)
        ));
    }
    out
}

#[cfg(test)]
mod tests;
