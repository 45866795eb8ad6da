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

/// Inflates a well-formed single-member gzip stream in one call, straight
/// into `out`, sized by the stream's trailer (ISIZE): no intermediate
/// buffer, no copy through the inflater's window. `out` is reused from file
/// to file and only ever grows, so its bytes are zeroed once, not per file.
/// Returns the inflated length (the text is `out[..len]`), or `None` when
/// the stream is anything else (several members, trailing bytes, cut short,
/// corrupt, a trailer that lies, past `limit`): [`gunzip`] then reads it
/// and says what is wrong, as it always has.
pub fn gunzip_whole(compressed: &[u8], limit: usize, out: &mut Vec<u8>) -> Option<usize> {
    // A gzip member is at least a 10-byte header and an 8-byte trailer.
    let trailer = compressed
        .len()
        .checked_sub(8)
        .filter(|_| compressed.len() >= 18)?;
    let size = u32::from_le_bytes(compressed[trailer + 4..].try_into().ok()?) as usize;
    if size == 0 || size > limit {
        return None;
    }
    if out.len() < size {
        out.resize(size, 0);
    }
    let mut inflater = flate2::Decompress::new_gzip(15);
    match inflater.decompress(
        compressed,
        &mut out[..size],
        flate2::FlushDecompress::Finish,
    ) {
        Ok(flate2::Status::StreamEnd)
            if inflater.total_in() == compressed.len() as u64
                && inflater.total_out() == size as u64 =>
        {
            Some(size)
        }
        _ => None,
    }
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
    fn inflates_whole_streams_in_one_call_and_leaves_the_rest_to_gunzip() {
        let data = b"{\"Records\":[]}".repeat(1000);
        let packed = gzip(&data);
        let mut out = vec![7u8; 3];
        assert_eq!(gunzip_whole(&packed, 1 << 30, &mut out), Some(data.len()));
        assert_eq!(&out[..data.len()], &data[..]);
        // A shorter text next reuses the buffer without shrinking it.
        let short = gzip(b"{}");
        assert_eq!(gunzip_whole(&short, 1 << 30, &mut out), Some(2));
        assert_eq!(&out[..2], b"{}");
        assert_eq!(out.len(), data.len());
        // Cut short, two members, trailing junk, a lying trailer, a corrupt
        // checksum, past the limit, empty: not for the one-call path.
        let mut two = packed.clone();
        two.extend_from_slice(&short);
        let mut junk = packed.clone();
        junk.extend_from_slice(b"xx\0\0\0\0\0\0");
        let mut lying = packed.clone();
        let at = lying.len() - 4;
        lying[at..].copy_from_slice(&10u32.to_le_bytes());
        let mut corrupt = packed.clone();
        let at = corrupt.len() - 8;
        corrupt[at] ^= 1;
        for input in [
            &packed[..packed.len() / 2],
            &two,
            &junk,
            &lying,
            &corrupt,
            &gzip(b""),
        ] {
            assert_eq!(gunzip_whole(input, 1 << 30, &mut out), None);
        }
        assert_eq!(gunzip_whole(&packed, 100, &mut out), None);
        assert_eq!(gunzip(&two, 1 << 30).bytes.len(), data.len() + 2);
    }

    #[test]
    fn refuses_output_past_the_limit() {
        let packed = gzip(&vec![b' '; 5_000_000]);
        let result = gunzip(&packed, 1_000_000);
        assert!(result.bytes.is_empty());
        assert!(result.problem.unwrap().contains("limit"));
    }
}
