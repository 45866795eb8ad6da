//! Owns checking CloudTrail digest files offline: their RSA signatures
//! against the public keys the user supplies (what `aws cloudtrail
//! list-public-keys` prints), and the chain each digest makes with the one
//! before it, so a digest that was deleted shows where the chain breaks.
//!
//! AWS CloudTrail User Guide, "Custom implementations of CloudTrail log file
//! integrity validation": a digest is signed (SHA256withRSA, PKCS #1 v1.5)
//! over `digestEndTime`, `\n`, `digestS3Bucket/digestS3Object`, `\n`, the
//! hex SHA-256 of the digest file's uncompressed content, `\n`, and the
//! previous digest's hex signature (`null` for the first digest of a
//! chain). The signature of a digest is not in its file: S3 keeps it in the
//! object's `x-amz-meta-signature`, and the next digest repeats it as
//! `previousDigestSignature`.

use crate::analysis::digest::{base_name, Digest};
use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A key file past this is not read.
pub const MAX_KEY_FILE_BYTES: usize = 4 << 20;
/// Keys in one file (AWS rotates a region's key now and then: a handful a year).
pub const MAX_KEYS: usize = 10_000;
/// A key's DER past this is refused (a 16,384-bit RSA key is about 2 KB).
pub const MAX_KEY_BYTES: usize = 4096;

/// One public key of `list-public-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    /// Hex, as digests name it in `digestPublicKeyFingerprint`.
    pub fingerprint: String,
    /// DER: PKCS #1 `RSAPublicKey` (as AWS gives it) or SubjectPublicKeyInfo.
    pub der: Vec<u8>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// Whether a text is `list-public-keys` output (checked on its start).
pub fn is_public_key_list(text: &[u8]) -> bool {
    // Its first key, as the CLI prints it; a key of the same name deeper in a log is not it.
    text.trim_ascii_start()
        .strip_prefix(b"{")
        .is_some_and(|rest| rest.trim_ascii_start().starts_with(b"\"PublicKeyList\""))
}

/// Reads `list-public-keys` output; refuses, with the reason, what is too big or not keys.
pub fn parse_public_keys(text: &[u8]) -> Result<Vec<PublicKey>, String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Listed {
        value: String,
        fingerprint: String,
        validity_start_time: Option<serde_json::Value>,
        validity_end_time: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct List {
        public_key_list: Vec<Listed>,
    }
    if text.len() > MAX_KEY_FILE_BYTES {
        return Err(format!(
            "a public key file of {} MB: at most {} MB is read",
            text.len() >> 20,
            MAX_KEY_FILE_BYTES >> 20
        ));
    }
    let list: List = serde_json::from_slice(text)
        .map_err(|e| format!("not the output of `aws cloudtrail list-public-keys`: {e}"))?;
    if list.public_key_list.len() > MAX_KEYS {
        return Err(format!(
            "{} keys: at most {MAX_KEYS} are read",
            list.public_key_list.len()
        ));
    }
    let time = |value: Option<serde_json::Value>| match value {
        Some(serde_json::Value::String(text)) => Some(text),
        Some(serde_json::Value::Number(seconds)) => seconds
            .as_f64()
            .map(|s| crate::time::format_utc((s * 1000.0) as i64)),
        _ => None,
    };
    list.public_key_list
        .into_iter()
        .enumerate()
        .map(|(n, key)| {
            if key.value.len() > MAX_KEY_BYTES * 2 {
                return Err(format!(
                    "key {} is {} characters long: too big for a public key",
                    n + 1,
                    key.value.len()
                ));
            }
            let der = base64::engine::general_purpose::STANDARD
                .decode(key.value.trim())
                .map_err(|e| format!("key {}: its Value is not base64: {e}", n + 1))?;
            rsa_key(&der).map_err(|e| format!("key {} ({}): {e}", n + 1, key.fingerprint))?;
            Ok(PublicKey {
                fingerprint: key.fingerprint.to_ascii_lowercase(),
                der,
                valid_from: time(key.validity_start_time),
                valid_to: time(key.validity_end_time),
            })
        })
        .collect()
}

fn rsa_key(der: &[u8]) -> Result<rsa::RsaPublicKey, String> {
    if der.len() > MAX_KEY_BYTES {
        return Err(format!("{} bytes: too big for a public key", der.len()));
    }
    rsa::RsaPublicKey::from_pkcs1_der(der)
        .or_else(|_| rsa::RsaPublicKey::from_public_key_der(der))
        .map_err(|e| format!("not an RSA public key: {e}"))
}

/// The string CloudTrail signs for `digest` (see the module's note).
pub fn string_to_sign(digest: &Digest) -> String {
    let previous = digest
        .previous_digest_signature
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or("null");
    format!(
        "{}\n{}/{}\n{}\n{}",
        digest.digest_end_time.as_deref().unwrap_or(""),
        digest.digest_s3_bucket.as_deref().unwrap_or(""),
        digest.digest_s3_object.as_deref().unwrap_or(""),
        digest.content_sha256,
        previous
    )
}

/// Whether `signature_hex` is `key`'s SHA256withRSA signature of `message`.
pub fn verify(key_der: &[u8], message: &[u8], signature_hex: &str) -> Result<bool, String> {
    use sha2::Digest as _;
    let key = rsa_key(key_der)?;
    let signature = decode_hex(signature_hex.trim()).ok_or("the signature is not hex")?;
    let hashed = sha2::Sha256::digest(message);
    Ok(key
        .verify(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &hashed,
            &signature,
        )
        .is_ok())
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() > MAX_KEY_BYTES * 2 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

/// One digest's verdict: its signature, its place in the chain, its log files.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DigestVerdict {
    pub file: String,
    pub account: String,
    pub region: String,
    pub end_time: String,
    /// `valid`, `invalid`, `no-key` or `unsigned`.
    pub signature: String,
    /// Why, when the signature is not `valid`.
    pub signature_detail: Option<String>,
    /// `ok`, `broken` or `first`.
    pub chain: String,
    /// The digest this one names before it, when that one is missing.
    pub missing_digest: Option<String>,
    #[serde(rename = "match")]
    pub matched: usize,
    pub mismatch: usize,
    pub missing: usize,
}

/// The region of a digest: only its S3 key says it (`AWSLogs/<account>/CloudTrail-Digest/<region>/…`).
pub fn digest_region(digest: &Digest) -> String {
    digest
        .digest_s3_object
        .as_deref()
        .and_then(|key| key.split("/CloudTrail-Digest/").nth(1))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// Verdicts for every digest loaded (`(file name, digest)`), oldest first per
/// account and region. `signatures` are signatures the user supplies, by the
/// digest's S3 key or file name (the newest digest's is only in S3's metadata).
/// Log file counts are left at zero for the caller to fill.
pub fn verify_digests(
    digests: &[(&str, &Digest)],
    keys: &[PublicKey],
    signatures: &HashMap<String, String>,
) -> Vec<DigestVerdict> {
    // Who names each digest as the one before it, and so carries its signature.
    let mut successor_signature: HashMap<&str, &str> = HashMap::new();
    let by_key: HashMap<&str, &Digest> = digests
        .iter()
        .filter_map(|(_, d)| Some((d.digest_s3_object.as_deref()?, *d)))
        .collect();
    for (_, digest) in digests {
        if let (Some(previous), Some(signature)) = (
            digest.previous_digest_s3_object.as_deref(),
            digest.previous_digest_signature.as_deref(),
        ) {
            successor_signature.insert(previous, signature);
        }
    }
    let mut ordered: Vec<&(&str, &Digest)> = digests.iter().collect();
    crate::sorting::sort_by(&mut ordered, |a, b| {
        (digest_region(a.1), a.1.digest_end_time.as_deref())
            .cmp(&(digest_region(b.1), b.1.digest_end_time.as_deref()))
    });
    ordered
        .into_iter()
        .map(|&(file, digest)| {
            let s3_key = digest.digest_s3_object.as_deref().unwrap_or("");
            let account = digest.aws_account_id.clone().unwrap_or_default();
            let region = digest_region(digest);
            let end_time = digest.digest_end_time.clone().unwrap_or_default();
            let signature = successor_signature
                .get(s3_key)
                .map(|s| s.to_string())
                .or_else(|| signatures.get(s3_key).cloned())
                .or_else(|| signatures.get(base_name(file)).cloned())
                .or_else(|| signatures.get(base_name(s3_key)).cloned());
            let fingerprint = digest
                .digest_public_key_fingerprint
                .as_deref()
                .unwrap_or("")
                .to_ascii_lowercase();
            let (signature, signature_detail) = match signature {
                None => (
                    "unsigned",
                    Some("no signature at hand: the next digest is not loaded (give the S3 object's x-amz-meta-signature)".to_owned()),
                ),
                Some(signature) => match keys.iter().find(|k| k.fingerprint == fingerprint) {
                    None => ("no-key", Some(format!("no public key with fingerprint {fingerprint}"))),
                    Some(key) => match verify(&key.der, string_to_sign(digest).as_bytes(), &signature) {
                        Ok(true) => ("valid", None),
                        Ok(false) => (
                            "invalid",
                            Some("the signature does not match this digest's content: it was changed, or forged".to_owned()),
                        ),
                        Err(why) => ("invalid", Some(why)),
                    },
                },
            };
            let previous = digest
                .previous_digest_s3_object
                .as_deref()
                .filter(|p| !p.is_empty());
            let (chain, missing_digest) = match previous {
                None => ("first", None),
                Some(previous) if by_key.contains_key(previous) => ("ok", None),
                Some(previous) => {
                    // Missing between digests that are here: deleted (or not copied); before them all: not loaded.
                    let older_loaded = digests.iter().any(|(_, other)| {
                        digest_region(other) == region
                            && other.aws_account_id == digest.aws_account_id
                            && other.digest_end_time < digest.digest_end_time
                    });
                    if older_loaded {
                        ("broken", Some(previous.to_owned()))
                    } else {
                        ("first", None)
                    }
                }
            };
            DigestVerdict {
                file: file.to_owned(),
                account,
                region,
                end_time,
                signature: signature.to_owned(),
                signature_detail,
                chain: chain.to_owned(),
                missing_digest,
                ..DigestVerdict::default()
            }
        })
        .collect()
}

/// Reads `OBJECT=HEX` signatures (the S3 key or file name of a digest, and
/// its `x-amz-meta-signature`), one per item.
pub fn parse_signatures<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, String>, String> {
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (object, hex) = item
                .rsplit_once('=')
                .ok_or_else(|| format!("{item:?} is not OBJECT=HEX"))?;
            if decode_hex(hex.trim()).is_none() {
                return Err(format!("the signature of {object} is not hex"));
            }
            Ok((object.trim().to_owned(), hex.trim().to_ascii_lowercase()))
        })
        .collect()
}
