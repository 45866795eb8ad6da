//! Owns cutting one big uncompressed JSON text (JSON Lines, a
//! `{"Records":[…]}` file, a JSON array of events) into parts that parsers
//! load at once, and joining what they found back into what a load of the
//! whole file finds: the same events, the same file line, the same
//! diagnostics at the same lines and columns.
//!
//! How a part knows where it starts: part `k` of `n` starts at the first
//! *cut* at or after byte `k·len/n` of the text, and stops where part `k+1`
//! starts. A cut is a place that looks like a record start of the file's
//! outer loop: a line starting with `{` (JSON Lines), or a `{` after a `,`
//! whose first member has the name the file's first record starts with
//! (records of a list). Every part finds the same cuts from the same bytes.
//!
//! Looking like a record start is not proof (a nested object can look
//! like one, a multi-line record can hold a line starting with `{`), so
//! each part's scan proves its successor's start: it scans as a scan of
//! the whole file would, and must stop exactly at the next part's start,
//! in its outer loop ([`crate::input::formats::PartOutcome::proven`]). Part 0
//! starts where the whole scan starts, so by induction every part scans
//! exactly what the whole scan scans over its bytes. When any part fails
//! to prove its end (or cut through a record it could not finish, or met a
//! record that stops the file), its file is loaded again whole and every
//! part's work dropped: a split file never loads an event twice or loses one.
//!
//! Gzipped files are never cut: a deflate stream is read from its start.

use crate::input::container::{looks_binary, sniff, strip_bom, Container};
use crate::input::formats::{Level, Shape};
use crate::input::scan::{first_key, skip_ws, value_after_key};
use serde::{Deserialize, Serialize};

/// Some or all of a file's bytes.
#[derive(Debug, Clone, Copy)]
pub struct FileBytes<'b> {
    /// The file's first bytes (at least [`crate::input::split::HEAD_BYTES`] of
    /// them, or all), which tell how it can be cut.
    pub head: &'b [u8],
    /// The bytes at hand, from offset `at` of the file.
    pub bytes: &'b [u8],
    pub at: u64,
    /// The whole file's length.
    pub len: u64,
}

/// Which share of a file a job covers: the members of an archive, or the
/// records of a big uncompressed text (this module), are spread over
/// `of` parts, and part `index` parses its own (see
/// [`crate::load::ingest::Loader::load_part`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub index: u32,
    pub of: u32,
}

impl Part {
    pub const WHOLE: Part = Part { index: 0, of: 1 };

    pub fn is_whole(self) -> bool {
        self.of <= 1
    }

    /// Whether the byte at `offset` of something `len` bytes long lies in this
    /// part's share (every offset lies in exactly one part).
    pub fn holds(self, offset: u64, len: u64) -> bool {
        if self.is_whole() || len == 0 {
            return self.index == 0;
        }
        let share =
            (u128::from(offset.min(len - 1)) * u128::from(self.of) / u128::from(len)) as u32;
        share == self.index
    }
}

/// A part reads this much of the file's start to learn how it is cut.
pub const HEAD_BYTES: u64 = 64 * 1024;
/// A part reads this far past its share, to find where its last record
/// ends (a record longer than this sends the file back to be loaded whole).
pub const LOOKAHEAD_BYTES: u64 = 4_000_000;
/// A part reads this far before its share, to see what precedes a cut.
const LOOKBEHIND_BYTES: u64 = 128;
/// White space looked through around a cut.
const CUT_SPACE: usize = 64;

/// How a text is cut: in which loop, and (in a list) the name of the first
/// member its records start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutting {
    pub level: Level,
    pub key: Vec<u8>,
}

/// How a file whose first bytes are `head` can be cut, if it can: an
/// uncompressed JSON text that is a list of records or JSON Lines.
pub fn cutting(head: &[u8]) -> Option<Cutting> {
    if sniff(head) != Container::Plain {
        return None;
    }
    let text = strip_bom(head);
    // A key list is read whole: it is small, and only whole is it keys.
    if looks_binary(text) || crate::analysis::signature::is_public_key_list(text) {
        return None;
    }
    let at = skip_ws(text, 0);
    let first_record_key = |open: usize| -> Option<Vec<u8>> {
        let record = skip_ws(text, open + 1);
        (text.get(record) == Some(&b'{')).then_some(())?;
        first_key(text, record).map(<[u8]>::to_vec)
    };
    match text.get(at)? {
        b'{' => match first_key(text, at) {
            Some(b"Records" | b"Events") => {
                let value = value_after_key(text, skip_ws(text, at + 1))?;
                (text.get(value) == Some(&b'[')).then_some(())?;
                Some(Cutting {
                    level: Level::Wrapper,
                    key: first_record_key(value)?,
                })
            }
            _ => Some(Cutting {
                level: Level::Lines,
                key: Vec::new(),
            }),
        },
        b'[' => Some(Cutting {
            level: Level::Array,
            key: first_record_key(at)?,
        }),
        _ => None,
    }
}

/// The first cut at or after `from` in `text` (a window of the file's text
/// that starts at least [`LOOKBEHIND_BYTES`] before `from`, or at its start).
/// `None` when there is none before the window's end.
fn find_cut(cutting: &Cutting, text: &[u8], from: usize) -> Option<usize> {
    let from = from.max(1);
    if cutting.level == Level::Lines {
        return memchr::memmem::find(text.get(from - 1..)?, b"\n{").map(|i| from + i);
    }
    let key = &cutting.key;
    let is_space = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    for open in memchr::memchr_iter(b'{', text.get(from..)?).map(|i| from + i) {
        let before = &text[open.saturating_sub(CUT_SPACE + 1)..open];
        if before.iter().rev().find(|b| !is_space(b)) != Some(&b',') {
            continue;
        }
        let after = &text[open + 1..];
        let spaces = after
            .iter()
            .take(CUT_SPACE)
            .take_while(|b| is_space(b))
            .count();
        let name = spaces + 1;
        if after.len() < name + key.len() + 1 {
            return None;
        }
        if after[spaces] == b'"'
            && &after[name..name + key.len()] == key.as_slice()
            && after[name + key.len()] == b'"'
        {
            return Some(open);
        }
    }
    None
}

/// Where part `k` of `of` nominally begins in a text `len` bytes long.
fn share_start(k: u32, of: u32, len: u64) -> u64 {
    (u128::from(k) * u128::from(len) / u128::from(of.max(1))) as u64
}

/// The bytes of the file a part reads (from, to), given the file's length
/// and the length of its byte order mark: its share and the margins around it.
pub fn part_bytes(part: Part, file_len: u64, bom: u64) -> (u64, u64) {
    part_bytes_with(part, file_len, bom, LOOKAHEAD_BYTES)
}

/// [`part_bytes`] with another margin past the share (tests use small ones).
pub fn part_bytes_with(part: Part, file_len: u64, bom: u64, lookahead: u64) -> (u64, u64) {
    let len = file_len - bom.min(file_len);
    let from = share_start(part.index, part.of, len).saturating_sub(LOOKBEHIND_BYTES);
    let to = if part.index + 1 >= part.of {
        len
    } else {
        share_start(part.index + 1, part.of, len) + lookahead
    };
    let from = if part.index == 0 { 0 } else { from + bom };
    (from, (to + bom).min(file_len))
}

/// What one part of a file needs to read of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// All of it (a whole file, a zip's part, the first part of what is not cut).
    Whole,
    /// Bytes (from, to): a part of a text that is cut.
    Window(u64, u64),
    /// Nothing: a later part of a file that is loaded whole by the first.
    Nothing,
}

/// What part `part` of a file `file_len` bytes long needs, told by the
/// file's first bytes `head`.
pub fn part_needs(head: &[u8], file_len: u64, part: Part) -> Need {
    part_needs_with(head, file_len, part, LOOKAHEAD_BYTES)
}

/// [`part_needs`] with another margin past the share (tests use small ones).
pub fn part_needs_with(head: &[u8], file_len: u64, part: Part, lookahead: u64) -> Need {
    let head = &head[..head.len().min(HEAD_BYTES as usize)];
    if part.is_whole() {
        return Need::Whole;
    }
    if cutting(head).is_some() {
        let (from, to) = part_bytes_with(part, file_len, bom_len(head), lookahead);
        return Need::Window(from, to);
    }
    if part.index == 0 || sniff(head) == Container::Zip {
        Need::Whole
    } else {
        Need::Nothing
    }
}

/// What a part read of a file ([`part_needs`]), in the browser or the CLI.
pub enum PartRead {
    Whole(Vec<u8>),
    /// The file's first bytes and a window of it from offset `at`, of a
    /// file `len` bytes long.
    Window {
        head: Vec<u8>,
        bytes: Vec<u8>,
        at: u64,
        len: u64,
    },
}

impl PartRead {
    pub fn file_bytes(&self) -> FileBytes<'_> {
        match self {
            Self::Whole(bytes) => FileBytes {
                head: bytes,
                bytes,
                at: 0,
                len: bytes.len() as u64,
            },
            Self::Window {
                head,
                bytes,
                at,
                len,
            } => FileBytes {
                head,
                bytes,
                at: *at,
                len: *len,
            },
        }
    }
}

/// The length of the byte order mark a file starting with `head` has.
pub fn bom_len(head: &[u8]) -> u64 {
    (head.len() - strip_bom(head).len()) as u64
}

/// Where one part's records lie in the file's text, as found in a window of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset in the text of the part's first record.
    pub start: u64,
    /// Offset in the text where the next part starts; the text's length for the last.
    pub stop: u64,
}

/// Finds part `part`'s span in `window`, the text's bytes from offset
/// `window_at` on, of a text `text_len` bytes long. `None` when the window
/// does not reach far enough to tell.
pub fn span(
    cutting: &Cutting,
    window: &[u8],
    window_at: u64,
    text_len: u64,
    part: Part,
) -> Option<Span> {
    let window_end = window_at + window.len() as u64;
    let locate = |k: u32| -> Option<u64> {
        if k == 0 {
            return (window_at == 0).then_some(0);
        }
        if k >= part.of {
            return Some(text_len);
        }
        let nominal = share_start(k, part.of, text_len).max(1);
        let from = nominal.checked_sub(window_at)?;
        if window_at > 0 && from < LOOKBEHIND_BYTES {
            return None;
        }
        match find_cut(cutting, window, from as usize) {
            Some(cut) => Some(window_at + cut as u64),
            None if window_end >= text_len => Some(text_len),
            None => None,
        }
    };
    let start = locate(part.index)?;
    let stop = locate(part.index + 1)?.max(start);
    Some(Span { start, stop })
}

/// What one part of a split text reports, for the join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartTally {
    pub index: u32,
    pub of: u32,
    pub text_len: u64,
    /// Where it started and stopped in the text (both 0 when it could not tell).
    pub span: Span,
    /// Its scan did what the whole file's scan does over its bytes.
    pub proven: bool,
    /// Newlines in its span, and the characters after the last of them
    /// (all of its characters when it holds none): what the positions of
    /// later parts' diagnostics are moved by.
    pub newlines: u64,
    pub tail_chars: u64,
    pub shape: Shape,
    pub values: u64,
    pub problems: u64,
    pub events: u64,
}

impl PartTally {
    /// Counts the newlines and trailing characters of a part's text.
    pub fn measure(&mut self, text: &[u8]) {
        self.newlines = memchr::memchr_iter(b'\n', text).count() as u64;
        let tail = memchr::memrchr(b'\n', text).map_or(text, |i| &text[i + 1..]);
        self.tail_chars = String::from_utf8_lossy(tail).chars().count() as u64;
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(80);
        for value in [
            u64::from(self.index),
            u64::from(self.of),
            self.text_len,
            self.span.start,
            self.span.stop,
            u64::from(self.proven),
            self.newlines,
            self.tail_chars,
            u64::from(self.shape.code()),
            self.values,
            self.problems,
            self.events,
        ] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let values: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap_or_default()))
            .collect();
        let [index, of, text_len, start, stop, proven, newlines, tail_chars, shape, values, problems, events] =
            values[..]
        else {
            return Err("a part's tally of the wrong size".into());
        };
        if bytes.len() != 12 * 8 {
            return Err("a part's tally of the wrong size".into());
        }
        let small =
            |value: u64| u32::try_from(value).map_err(|_| "a part number out of range".to_owned());
        Ok(Self {
            index: small(index)?,
            of: small(of)?,
            text_len,
            span: Span { start, stop },
            proven: proven != 0,
            newlines,
            tail_chars,
            shape: Shape::from_code(u8::try_from(shape).unwrap_or(0)),
            values,
            problems,
            events,
        })
    }
}

#[cfg(test)]
mod tests;
