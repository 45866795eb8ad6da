//! Owns the outer layer of an input file: recognising gzip by its magic bytes
//! and inflating it within a size limit, so a truncated or hostile stream is
//! reported instead of taking the tab down.

use std::io::Read;

/// What wraps the text of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Gzip,
    Zip,
    Plain,
}

pub fn sniff(bytes: &[u8]) -> Container {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Container::Gzip
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Container::Zip
    } else {
        Container::Plain
    }
}

/// The result of inflating: the bytes obtained and, when the stream was cut
/// short or refused, why.
pub struct Inflated {
    pub bytes: Vec<u8>,
    pub problem: Option<String>,
}

/// Inflates a gzip stream (all members), stopping at `limit` bytes of output.
pub fn gunzip(compressed: &[u8], limit: usize) -> Inflated {
    let mut decoder = flate2::read::MultiGzDecoder::new(compressed);
    let mut bytes = Vec::with_capacity(compressed.len().saturating_mul(8).min(limit));
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => {
                return Inflated {
                    bytes,
                    problem: None,
                }
            }
            Ok(n) => {
                if bytes.len() + n > limit {
                    return Inflated {
                        bytes: Vec::new(),
                        problem: Some(format!(
                            "refused: inflates past the {} MB limit (a gzip bomb or a far larger file than CloudTrail writes)",
                            limit / 1_000_000
                        )),
                    };
                }
                bytes.extend_from_slice(&chunk[..n]);
            }
            Err(error) => {
                let reason = if error.kind() == std::io::ErrorKind::UnexpectedEof {
                    "the gzip stream is truncated".to_owned()
                } else {
                    format!("the gzip stream is corrupt ({error})")
                };
                let problem = format!(
                    "{reason} after {} bytes of text; records before the cut are loaded",
                    bytes.len()
                );
                return Inflated {
                    bytes,
                    problem: Some(problem),
                };
            }
        }
    }
}

/// Text after removing a UTF-8 byte order mark; non-UTF-8 input is decoded
/// lossily only where needed, so a stray byte costs one record, not the file.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Whether bytes look like text at all (for a "binary junk" diagnostic).
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    head.iter().filter(|b| **b == 0).count() > 0
        || String::from_utf8_lossy(head)
            .chars()
            .filter(|c| *c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace()))
            .count()
            > head.len() / 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn sniffs_by_magic_not_name() {
        assert_eq!(sniff(&gzip(b"{}")), Container::Gzip);
        assert_eq!(sniff(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(sniff(b"{\"Records\":[]}"), Container::Plain);
    }

    #[test]
    fn inflates_and_reports_truncation_keeping_the_prefix() {
        let data = b"{\"Records\":[]}".repeat(1000);
        let packed = gzip(&data);
        let whole = gunzip(&packed, 1 << 30);
        assert_eq!(whole.bytes, data);
        assert!(whole.problem.is_none());
        let cut = gunzip(&packed[..packed.len() / 2], 1 << 30);
        let problem = cut.problem.expect("truncation is reported");
        assert!(problem.contains("truncated"), "{problem}");
        assert!(data.starts_with(&cut.bytes));
    }

    #[test]
    fn refuses_output_past_the_limit() {
        let packed = gzip(&vec![b' '; 5_000_000]);
        let result = gunzip(&packed, 1_000_000);
        assert!(result.bytes.is_empty());
        assert!(result.problem.unwrap().contains("limit"));
    }
}
