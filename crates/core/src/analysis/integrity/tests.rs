//! Tests of `signature` and `integrity`, on the signed chain of tests/fixtures/signed-digests
//! (made by scripts/fixtures/signed-digests.py with a key pair of its own).

use super::*;
use crate::analysis::signature::*;
use crate::load::ingest::Loader;
use std::path::Path;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/signed-digests"
);

/// The fixture's files (name, bytes), in path order.
fn fixture() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                walk(&entry, out)
            } else {
                out.push(entry)
            }
        }
    }
    let mut paths = Vec::new();
    walk(Path::new(FIXTURE), &mut paths);
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "gz" || e == "json"))
        .map(|p| {
            let name = p.strip_prefix(FIXTURE).unwrap().display().to_string();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn newest_signature() -> HashMap<String, String> {
    let text = std::fs::read_to_string(format!("{FIXTURE}/newest-signature.txt")).unwrap();
    parse_signatures(text.lines()).unwrap()
}

fn verdicts(files: &[(String, Vec<u8>)], signatures: &HashMap<String, String>) -> Integrity {
    let mut loader = Loader::default();
    let mut hashes = HashMap::new();
    for (name, bytes) in files {
        loader.load(name, bytes);
        hashes.insert(
            name.clone(),
            crate::analysis::digest::log_content_sha256(bytes, 1 << 30),
        );
    }
    integrity(&loader.report, &hashes, signatures)
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    crate::input::container::gunzip(bytes, 1 << 30).bytes
}

#[test]
fn an_intact_chain_verifies_with_the_newest_signature_given() {
    let report = verdicts(&fixture(), &newest_signature());
    assert_eq!(report.keys, 1);
    assert_eq!(report.digests.len(), 4);
    for verdict in &report.digests {
        assert_eq!(verdict.signature, "valid", "{verdict:?}");
        assert_eq!(
            (verdict.matched, verdict.mismatch, verdict.missing),
            (2, 0, 0),
            "{verdict:?}"
        );
    }
    let chains: Vec<&str> = report.digests.iter().map(|v| v.chain.as_str()).collect();
    assert_eq!(chains, ["first", "ok", "ok", "ok"]);
    assert!(report.uncovered.is_empty());
    // Without the newest digest's signature, it alone is unsigned.
    let report = verdicts(&fixture(), &HashMap::new());
    let signatures: Vec<&str> = report
        .digests
        .iter()
        .map(|v| v.signature.as_str())
        .collect();
    assert_eq!(signatures, ["valid", "valid", "valid", "unsigned"]);
}

#[test]
fn a_tampered_log_file_is_a_mismatch_in_its_digest() {
    let mut files = fixture();
    let (name, bytes) = files
        .iter_mut()
        .find(|(n, _)| n.contains("_CloudTrail_us-east-1_20240501T0135Z"))
        .unwrap();
    let text = String::from_utf8(gunzip(bytes))
        .unwrap()
        .replace("203.0.113.7", "198.51.100.1");
    *bytes = gz(text.as_bytes());
    let name = name.clone();
    let report = verdicts(&files, &newest_signature());
    let hour = report
        .digests
        .iter()
        .find(|v| v.end_time == "2024-05-01T02:00:00Z")
        .unwrap();
    assert_eq!(
        (hour.matched, hour.mismatch, hour.missing),
        (1, 1, 0),
        "{name}"
    );
    assert!(
        report.digests.iter().all(|v| v.signature == "valid"),
        "the digests themselves are intact"
    );
}

#[test]
fn a_forged_digest_fails_its_signature() {
    let mut files = fixture();
    let (_, bytes) = files
        .iter_mut()
        .find(|(n, _)| n.ends_with("_20240501T020000Z.json.gz"))
        .unwrap();
    // The forger hides a log file by taking it out of the digest.
    let mut digest: serde_json::Value = serde_json::from_slice(&gunzip(bytes)).unwrap();
    digest["logFiles"].as_array_mut().unwrap().pop();
    *bytes = gz(serde_json::to_string_pretty(&digest).unwrap().as_bytes());
    let report = verdicts(&files, &newest_signature());
    let forged = report
        .digests
        .iter()
        .find(|v| v.end_time == "2024-05-01T02:00:00Z")
        .unwrap();
    assert_eq!(forged.signature, "invalid");
    assert!(forged
        .signature_detail
        .as_deref()
        .unwrap()
        .contains("forged"));
    assert_eq!(
        report.uncovered.len(),
        1,
        "the log file it hid is covered by no digest"
    );
    let others: Vec<&str> = report
        .digests
        .iter()
        .filter(|v| v.end_time != "2024-05-01T02:00:00Z")
        .map(|v| v.signature.as_str())
        .collect();
    assert_eq!(others, ["valid", "valid", "valid"]);
}

#[test]
fn a_deleted_digest_breaks_the_chain_where_it_was() {
    let files: Vec<_> = fixture()
        .into_iter()
        .filter(|(n, _)| !n.ends_with("_20240501T020000Z.json.gz"))
        .collect();
    let report = verdicts(&files, &newest_signature());
    let chains: Vec<(&str, &str)> = report
        .digests
        .iter()
        .map(|v| (v.end_time.as_str(), v.chain.as_str()))
        .collect();
    assert_eq!(
        chains,
        [
            ("2024-05-01T01:00:00Z", "first"),
            ("2024-05-01T03:00:00Z", "broken"),
            ("2024-05-01T04:00:00Z", "ok")
        ]
    );
    let broken = &report.digests[1];
    assert!(broken
        .missing_digest
        .as_deref()
        .unwrap()
        .ends_with("_20240501T020000Z.json.gz"));
    // The deleted digest carried the signature of the one before it.
    assert_eq!(report.digests[0].signature, "unsigned");
    assert_eq!(report.uncovered.len(), 2, "the deleted digest's log files");
}

#[test]
fn keys_and_signatures_that_do_not_fit_are_refused_or_said() {
    assert!(
        parse_public_keys(b"{\"PublicKeyList\":[{\"Value\":\"!!\",\"Fingerprint\":\"ab\"}]}")
            .unwrap_err()
            .contains("not base64")
    );
    assert!(parse_public_keys(
        b"{\"PublicKeyList\":[{\"Value\":\"AAAA\",\"Fingerprint\":\"ab\"}]}"
    )
    .unwrap_err()
    .contains("not an RSA public key"));
    let huge = format!(
        "{{\"PublicKeyList\":[{{\"Value\":\"{}\",\"Fingerprint\":\"ab\"}}]}}",
        "A".repeat(100_000)
    );
    assert!(parse_public_keys(huge.as_bytes())
        .unwrap_err()
        .contains("too big"));
    assert!(parse_public_keys(b"{\"Records\":[]}").is_err());
    assert!(is_public_key_list(b"  {\"PublicKeyList\": []}"));
    assert!(!is_public_key_list(
        b"{\"Records\":[{\"PublicKeyList\":1}]}"
    ));
    assert!(parse_signatures(["digest.json.gz=zz"]).is_err());
    assert!(parse_signatures(["no-equals"]).is_err());
    // A wrong key: no-key, said with the fingerprint it lacks.
    let files: Vec<_> = fixture()
        .into_iter()
        .filter(|(n, _)| !n.ends_with("public-keys.json"))
        .collect();
    let report = verdicts(&files, &newest_signature());
    assert!(
        report.digests.iter().all(|v| v.signature == "no-key"),
        "{:?}",
        report.digests
    );
    assert_eq!(report.keys, 0);
}

#[test]
fn the_manifest_lists_every_file_with_its_hash_and_verdict() {
    let mut files = fixture();
    let (_, bytes) = files
        .iter_mut()
        .find(|(n, _)| n.contains("_20240501T0135Z"))
        .unwrap();
    *bytes = gz(String::from_utf8(gunzip(bytes))
        .unwrap()
        .replace("alice", "mallory")
        .as_bytes());
    let mut loader = Loader::default();
    let mut hashes = HashMap::new();
    for (name, bytes) in &files {
        loader.load(name, bytes);
        hashes.insert(
            name.clone(),
            crate::analysis::digest::log_content_sha256(bytes, 1 << 30),
        );
    }
    let integrity = integrity(&loader.report, &hashes, &newest_signature());
    let raw: Vec<(String, u64, Result<String, String>)> = files
        .iter()
        .map(|(n, b)| (n.clone(), b.len() as u64, Ok(crate::case::sha256_hex(b))))
        .collect();
    let entries = manifest(&loader.report, &integrity, &raw);
    assert_eq!(entries.len(), files.len());
    let verdict = |part: &str| {
        entries
            .iter()
            .find(|e| e.file.contains(part))
            .unwrap()
            .verdict
            .clone()
    };
    assert_eq!(
        verdict("_20240501T0135Z"),
        "log file: DIFFERS from its digest"
    );
    assert_eq!(verdict("_20240501T0105Z"), "log file: matches its digest");
    assert_eq!(
        verdict("_20240501T020000Z.json.gz"),
        "digest: signature valid, chain ok"
    );
    assert_eq!(verdict("public-keys.json"), "public keys");
    assert!(entries.iter().all(|e| e.sha256.len() == 64));
    let csv = manifest_csv(&entries);
    assert!(csv.starts_with("file,bytes,sha256,verdict\r\n"));
    assert_eq!(csv.lines().count(), files.len() + 1);
}
