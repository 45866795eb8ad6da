//! Owns CloudTrail digest files: reading their structure (which log files
//! were delivered in an hour, with the hash of each) and hashing a log file
//! the way a digest entry expects.

use crate::input::container::{gunzip, sniff, Container};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// One hourly digest file, as CloudTrail writes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Digest {
    pub aws_account_id: Option<String>,
    pub digest_start_time: Option<String>,
    pub digest_end_time: Option<String>,
    pub digest_s3_bucket: Option<String>,
    pub digest_s3_object: Option<String>,
    pub digest_public_key_fingerprint: Option<String>,
    pub digest_signature_algorithm: Option<String>,
    pub previous_digest_s3_object: Option<String>,
    /// The signature of the digest before it (see `signature`).
    pub previous_digest_signature: Option<String>,
    #[serde(deserialize_with = "bounded_log_files")]
    pub log_files: Vec<DigestEntry>,
    /// The hex SHA-256 of the digest file's uncompressed content, which its
    /// signature covers; filled in when the file is loaded.
    #[serde(
        rename = "trailglassContentSha256",
        skip_serializing_if = "String::is_empty"
    )]
    pub content_sha256: String,
}

/// The most log files one digest may name. CloudTrail writes a digest per
/// hour, account and region, naming that hour's deliveries (about a dozen per
/// source); this leaves room for the busiest organisation trails while a
/// crafted digest naming millions is refused before it is held.
pub const MAX_DIGEST_LOG_FILES: usize = 100_000;

fn bounded_log_files<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<DigestEntry>, D::Error> {
    crate::input::bounded::list(
        d,
        MAX_DIGEST_LOG_FILES,
        "log files",
        "Trailglass checks digests naming at most that many",
    )
}

/// One log file named in a digest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DigestEntry {
    pub s3_bucket: Option<String>,
    pub s3_object: String,
    pub hash_value: String,
    pub hash_algorithm: Option<String>,
}

impl Digest {
    /// The digest's JSON object; `None` when it is not one.
    pub fn parse(json: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(json).map_err(|error| error.to_string())
    }
}

/// The last path segment: what a loaded file and a digest entry are matched
/// by, since a folder picked locally keeps the S3 key only as a suffix.
pub fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The hex SHA-256 a digest entry holds for this file's bytes as delivered.
///
/// AWS CloudTrail User Guide, "CloudTrail digest file structure":
/// `logFiles.hashValue` is "the hexadecimal encoded hash value of the
/// uncompressed log file content", so a gzipped delivery is inflated first.
pub fn log_content_sha256(bytes: &[u8], max_inflated_bytes: usize) -> Result<String, String> {
    let hash = match sniff(bytes) {
        Container::Gzip => {
            let inflated = gunzip(bytes, max_inflated_bytes);
            if let Some(problem) = inflated.problem {
                return Err(problem);
            }
            Sha256::digest(&inflated.bytes)
        }
        _ => Sha256::digest(bytes),
    };
    Ok(hash.iter().map(|byte| format!("{byte:02x}")).collect())
}
