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
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let odd_char =
        |c: char| c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace());
    // What `from_utf8_lossy` would show: each invalid run is one replacement
    // character. ASCII text is counted byte by byte: the fuzzer calls this
    // for every input, and per-character table lookups dominated its time.
    let mut odd = 0;
    for chunk in head.utf8_chunks() {
        let valid = chunk.valid();
        odd += if valid.is_ascii() {
            valid.bytes().filter(|&b| odd_char(char::from(b))).count()
        } else {
            valid.chars().filter(|&c| odd_char(c)).count()
        };
        odd += usize::from(!chunk.invalid().is_empty());
    }
    odd > head.len() / 10
}

#[cfg(test)]
mod tests;
