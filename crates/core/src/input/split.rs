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

use crate::diagnostic::Diagnostic;
use crate::input::container::{looks_binary, sniff, strip_bom, Container};
use crate::input::formats::{Level, PartOutcome, PartScan, Shape};
use crate::input::scan::{first_key, skip_ws, value_after_key};
use crate::load::ingest::{FileBytes, FileReport, Loader, TextOutcome};
use crate::load::schedule::Part;
use crate::store::segment::Segment;

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
    if looks_binary(text) {
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

/// Loads one part of a split text into `loader` (a segment's): its records,
/// its file line, and its tally for the join.
pub(crate) fn load_part(
    loader: &mut Loader,
    name: &str,
    file: FileBytes<'_>,
    cutting: &Cutting,
    part: Part,
) {
    let diagnostics_before = loader.report.diagnostics.len();
    let bom = bom_len(file.head);
    let text_len = file.len - bom;
    // The window of the text this part has, and where it lies in the text.
    let (window, window_at) = match file.at.checked_sub(bom) {
        Some(at) => (file.bytes, at),
        None => (
            file.bytes
                .get((bom - file.at) as usize..)
                .unwrap_or_default(),
            0,
        ),
    };
    let mut tally = PartTally {
        index: part.index,
        of: part.of,
        text_len,
        span: Span { start: 0, stop: 0 },
        proven: false,
        newlines: 0,
        tail_chars: 0,
        shape: Shape::Unknown,
        values: 0,
        problems: 0,
        events: 0,
    };
    let mut outcome = TextOutcome::default();
    if let Some(span) = span(cutting, window, window_at, text_len, part) {
        tally.span = span;
        let text = &window[(span.start - window_at) as usize..];
        let len = (span.stop - span.start) as usize;
        loader.report.text_bytes += len as u64;
        tally.measure(&text[..len]);
        let found = if len == 0 {
            PartOutcome {
                proven: true,
                ..PartOutcome::default()
            }
        } else {
            let scan = PartScan {
                level: cutting.level,
                resume: part.index > 0,
                stop: (span.stop < text_len).then_some(len),
                open_ended: window_at + (window.len() as u64) < text_len,
            };
            let (text_outcome, found) = loader.scan_text(name, text, Some(scan));
            outcome = text_outcome;
            found
        };
        tally.proven = found.proven;
        tally.shape = found.shape;
        tally.values = found.values as u64;
        tally.problems = found.problems as u64;
        tally.events = found.events as u64;
    }
    loader.file_done(name, outcome, diagnostics_before);
    loader.report.text_parts.push(tally);
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

/// The parts of split texts as their segments come back: a part waits for
/// its file's other parts; once all are in, they are checked and merged in
/// order, or the file goes back to be loaded whole. `F` is the driver's
/// handle to a file, handed back for that.
pub struct SplitLoads<F> {
    held: Vec<Held<F>>,
    joined: usize,
}

struct Held<F> {
    file: F,
    name: String,
    /// Each part's segment, its tally, and the worker that keeps its raw blocks.
    parts: Vec<Option<(Segment, PartTally, u32)>>,
}

impl<F> Default for SplitLoads<F> {
    fn default() -> Self {
        Self {
            held: Vec::new(),
            joined: 0,
        }
    }
}

impl<F> SplitLoads<F> {
    /// A segment parsed from a batch: merged into `loader` at once unless
    /// it holds a part of a split text (such a part is a batch of its own:
    /// `file`, `name` and `part` are its job's; `home` the worker that
    /// keeps its raw blocks, see [`Loader::merge_from`]). Returns a file to
    /// load again whole, when its parts could not prove their cuts.
    pub fn arrived(
        &mut self,
        loader: &mut Loader,
        file: F,
        name: &str,
        part: Part,
        mut segment: Segment,
        home: u32,
    ) -> Option<F> {
        let Some(tally) = segment.report.text_parts.pop() else {
            loader.merge_from(segment, home);
            return None;
        };
        if (tally.index, tally.of) != (part.index, part.of) || part.is_whole() {
            loader.not_parsed(name, "its parser sent back another part than it was sent");
            return None;
        }
        let (index, of) = (part.index as usize, part.of as usize);
        let slot = self.held.iter().position(|held| {
            held.name == name && held.parts.len() == of && held.parts[index].is_none()
        });
        let slot = slot.unwrap_or_else(|| {
            self.held.push(Held {
                file,
                name: name.to_owned(),
                parts: (0..of).map(|_| None).collect(),
            });
            self.held.len() - 1
        });
        self.held[slot].parts[index] = Some((segment, tally, home));
        if self.held[slot].parts.iter().any(Option::is_none) {
            return None;
        }
        let held = self.held.remove(slot);
        let parts: Vec<(Segment, PartTally, u32)> = held.parts.into_iter().flatten().collect();
        if chained(&parts) == parts.len()
            && parts
                .last()
                .is_some_and(|(_, t, _)| t.span.stop == t.text_len)
        {
            join(loader, &held.name, parts, true);
            self.joined += 1;
            None
        } else {
            Some(held.file)
        }
    }

    /// Parses a part where no parser is left to take it (in the driver),
    /// as a parser would (`load` fills a segment's loader), and takes the
    /// segment as [`SplitLoads::arrived`] does.
    pub fn parse_here(
        &mut self,
        loader: &mut Loader,
        file: F,
        name: &str,
        part: Part,
        limits: crate::load::ingest::Limits,
        load: impl FnOnce(&mut Loader),
    ) -> Option<F> {
        let mut parsed = Loader::for_segment(limits);
        load(&mut parsed);
        self.arrived(loader, file, name, part, parsed.into_segment(), 0)
    }

    /// Files whose parts never all came back (a parser lost one, or the
    /// load was cancelled: `why`): what the first parts proved is merged,
    /// and the rest of the file is reported as not loaded.
    pub fn finish(&mut self, loader: &mut Loader, why: &str) {
        for held in self.held.drain(..) {
            // A lost first part was reported as the parser lost it.
            let first_came = held.parts.first().is_some_and(Option::is_some);
            let parts: Vec<(Segment, PartTally, u32)> =
                held.parts.into_iter().map_while(|part| part).collect();
            let proven = chained(&parts);
            let parts: Vec<(Segment, PartTally, u32)> = parts.into_iter().take(proven).collect();
            if parts.is_empty() {
                if first_came {
                    loader.not_parsed(&held.name, &format!("not loaded: {why}"));
                }
                continue;
            }
            join(loader, &held.name, parts, false);
            loader.report.diagnostics.push(Diagnostic::whole_file(
                &held.name,
                format!("the rest of this file was not loaded: {why}"),
            ));
            if let Some(line) = loader.report.file_reports.last_mut() {
                line.problems += 1;
            }
        }
    }

    /// Files whose parts were all joined.
    pub fn joined(&self) -> usize {
        self.joined
    }

    /// Whether any part is still waiting for others.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }
}

/// How many of the first parts are proven and start where the one before stopped.
fn chained(parts: &[(Segment, PartTally, u32)]) -> usize {
    let mut stop = 0;
    let mut count = 0;
    for (index, (_, tally, _)) in parts.iter().enumerate() {
        if tally.index as usize != index || !tally.proven || tally.span.start != stop {
            break;
        }
        stop = tally.span.stop;
        count += 1;
    }
    count
}

/// Merges the proven parts of one file in order: their diagnostics moved to
/// the file's lines and columns and capped as one file's, their file lines
/// made one. `whole`: the parts cover the file to its end.
fn join(loader: &mut Loader, name: &str, parts: Vec<(Segment, PartTally, u32)>, whole: bool) {
    let (mut lines_before, mut carry) = (0u64, 0u64);
    let (mut kept, mut problems, mut events, mut values) = (0usize, 0usize, 0usize, 0usize);
    let mut shape = Shape::Unknown;
    let mut segments = Vec::with_capacity(parts.len());
    for (mut segment, tally, home) in parts {
        let found = std::mem::take(&mut segment.report.diagnostics);
        for mut diagnostic in found {
            if diagnostic.line > 0 {
                if kept >= crate::input::formats::DIAGNOSTICS_PER_FILE {
                    continue;
                }
                kept += 1;
                if diagnostic.line == 1 {
                    diagnostic.column = saturate(u64::from(diagnostic.column) + carry);
                }
                diagnostic.line = saturate(u64::from(diagnostic.line) + lines_before);
            }
            segment.report.diagnostics.push(diagnostic);
        }
        lines_before += tally.newlines;
        carry = if tally.newlines > 0 {
            tally.tail_chars
        } else {
            carry + tally.tail_chars
        };
        problems += tally.problems as usize;
        events += tally.events as usize;
        values += tally.values as usize;
        if shape == Shape::Unknown {
            shape = tally.shape;
        }
        segments.push((segment, home));
    }
    let (shape, closing) =
        crate::input::formats::closing(name, shape, values, problems, events, !whole);
    if let Some((last, _)) = segments.last_mut() {
        last.report.diagnostics.extend(closing);
    }
    let first_line = loader.report.file_reports.len();
    let diagnostics_before = loader.report.diagnostics.len();
    for (segment, home) in segments {
        loader.merge_from(segment, home);
    }
    let lines: Vec<FileReport> = loader.report.file_reports.drain(first_line..).collect();
    let mut joined = FileReport {
        name: name.to_owned(),
        shape: shape.label().to_owned(),
        events: 0,
        duplicates: 0,
        problems: loader.report.diagnostics.len() - diagnostics_before,
        events_fingerprint: 0,
        digest: None,
    };
    for line in lines {
        joined.events += line.events;
        joined.duplicates += line.duplicates;
        joined.events_fingerprint = joined
            .events_fingerprint
            .wrapping_add(line.events_fingerprint);
        joined.digest = line.digest.or(joined.digest);
    }
    loader.report.file_reports.push(joined);
}

/// Loads `bytes` in `of` parts as the parsers of a load do, for tests and
/// fuzzing: each part into its own segment that crosses as bytes, reading
/// all of the file or (with `lookahead`) what the browser and the CLI read
/// of it ([`part_needs`]), the segments joined in file order or `backwards`. Says whether the
/// parts were joined (or the file loaded again whole, as a load does when
/// its parts cannot prove their cuts).
pub fn load_in_parts(
    name: &str,
    bytes: &[u8],
    of: u32,
    lookahead: Option<u64>,
    backwards: bool,
    limits: crate::load::ingest::Limits,
) -> (Loader, bool) {
    let head = &bytes[..bytes.len().min(HEAD_BYTES as usize)];
    let mut segments = Vec::new();
    for index in 0..of {
        let part = Part { index, of };
        let mut loader = Loader::for_segment(limits);
        let need = lookahead.map(|l| part_needs_with(head, bytes.len() as u64, part, l));
        match need {
            Some(Need::Window(from, to)) => {
                let window = FileBytes {
                    head,
                    bytes: &bytes[from as usize..to as usize],
                    at: from,
                    len: bytes.len() as u64,
                };
                loader.load_bytes(name, window, part);
            }
            Some(Need::Nothing) => loader.load_part(name, &[], part),
            Some(Need::Whole) | None => loader.load_part(name, bytes, part),
        }
        let segment = loader.into_segment().encode();
        segments.push((part, Segment::decode(&segment).expect("a segment decodes")));
    }
    if backwards {
        segments.reverse();
    }
    let mut merged = Loader::new(limits);
    let mut split = SplitLoads::default();
    let mut joined = true;
    for (part, segment) in segments {
        if split
            .arrived(&mut merged, (), name, part, segment, 0)
            .is_some()
        {
            merged.load(name, bytes);
            joined = false;
        }
    }
    assert!(split.is_empty(), "every part came back");
    merged.store.seal();
    (merged, joined)
}

fn saturate(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_how_a_text_is_cut_from_its_start() {
        let records =
            cutting(br#"{"Records":[{"eventVersion":"1.08"},{"eventVersion":"1.08"}]}"#).unwrap();
        assert_eq!(records.level, Level::Wrapper);
        assert_eq!(records.key, b"eventVersion");
        let array = cutting(b"\xEF\xBB\xBF [ {\"eventTime\": 1}]").unwrap();
        assert_eq!(
            (array.level, array.key.as_slice()),
            (Level::Array, &b"eventTime"[..])
        );
        assert_eq!(
            cutting(b"{\"eventName\":\"a\"}\n{").unwrap().level,
            Level::Lines
        );
        for no in [
            &b"a,b\n1,2"[..],
            b"\x1f\x8b\x08",
            b"PK\x03\x04",
            b"[]",
            b"{\"Records\":[]}",
            b"  ",
        ] {
            assert_eq!(cutting(no), None, "{:?}", String::from_utf8_lossy(no));
        }
    }

    #[test]
    fn cuts_at_line_starts_and_at_records_of_a_list() {
        let lines = Cutting {
            level: Level::Lines,
            key: Vec::new(),
        };
        let text = b"{\"a\":1}\n{\"a\":2}\n  {\"a\":3}\n{\"a\":4}";
        assert_eq!(find_cut(&lines, text, 0), Some(8));
        assert_eq!(find_cut(&lines, text, 8), Some(8));
        assert_eq!(find_cut(&lines, text, 9), Some(26));
        assert_eq!(find_cut(&lines, text, 27), None);
        let list = Cutting {
            level: Level::Wrapper,
            key: b"eventVersion".to_vec(),
        };
        // A string ending in `{` and a nested object are passed over.
        let text = br#"{"Records":[{"eventVersion":"a{","x":[{"y":1},{"eventVersio":2}]}, {"eventVersion":"b"}]}"#;
        let needle = br#"{"eventVersion":"b"#;
        let second = text
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap();
        assert_eq!(find_cut(&list, text, 1), Some(second));
        assert_eq!(find_cut(&list, text, second + 1), None);
    }

    #[test]
    fn parts_read_their_share_and_the_margins() {
        let whole = Part { index: 0, of: 1 };
        assert_eq!(part_bytes(whole, 100, 0), (0, 100));
        let last = Part { index: 2, of: 3 };
        assert_eq!(
            part_bytes(last, 30_000_003, 3),
            (20_000_003 - LOOKBEHIND_BYTES, 30_000_003)
        );
        let first = Part { index: 0, of: 3 };
        assert_eq!(
            part_bytes(first, 30_000_003, 3),
            (0, 10_000_003 + LOOKAHEAD_BYTES)
        );
    }

    #[test]
    fn a_part_reads_its_window_all_of_the_file_or_nothing() {
        let part = |index| Part { index, of: 2 };
        let lines = b"{\"a\":1}\n{";
        assert_eq!(part_needs(lines, 100, Part::WHOLE), Need::Whole);
        assert_eq!(
            part_needs(lines, 30_000_000, part(1)),
            Need::Window(15_000_000 - LOOKBEHIND_BYTES, 30_000_000)
        );
        assert_eq!(part_needs(b"a,b\n", 100, part(0)), Need::Whole);
        assert_eq!(part_needs(b"a,b\n", 100, part(1)), Need::Nothing);
        assert_eq!(part_needs(b"PK\x03\x04", 100, part(1)), Need::Whole);
        assert_eq!(part_needs(b"\x1f\x8b\x08", 100, part(1)), Need::Nothing);
    }

    #[test]
    fn tallies_cross_as_bytes() {
        let tally = PartTally {
            index: 2,
            of: 3,
            text_len: 1 << 40,
            span: Span { start: 5, stop: 9 },
            proven: true,
            newlines: 7,
            tail_chars: 11,
            shape: Shape::JsonLines,
            values: 3,
            problems: 2,
            events: 1,
        };
        assert_eq!(PartTally::decode(&tally.encode()), Ok(tally.clone()));
        assert!(PartTally::decode(&tally.encode()[1..]).is_err());
    }
}
