//! Owns loading a big uncompressed text in parts (cut as
//! [`crate::input::split`] says) and joining what the parts found back into
//! what a load of the whole file finds: a part's records, file line and
//! tally go into its own loader; the parts of a file wait for each other,
//! are checked to have proven their cuts, and merge in order, or the file
//! is loaded again whole.

use crate::diagnostic::Diagnostic;
use crate::input::formats::{PartOutcome, PartScan, Shape};
use crate::input::split::*;
use crate::load::ingest::{FileBytes, FileReport, FileShape, Loader, TextOutcome};
use crate::store::segment::Segment;

impl Loader {
    /// Loads one part of a split text into this loader (a segment's): its
    /// records, its file line, and its tally for the join.
    pub(crate) fn load_text_part(
        &mut self,
        name: &str,
        file: FileBytes<'_>,
        cutting: &Cutting,
        part: Part,
    ) {
        let diagnostics_before = self.report.diagnostics.len();
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
            self.report.text_bytes += len as u64;
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
                let (text_outcome, found) = self.scan_text(name, text, Some(scan));
                outcome = text_outcome;
                found
            };
            tally.proven = found.proven;
            tally.shape = found.shape;
            tally.values = found.values as u64;
            tally.problems = found.problems as u64;
            tally.events = found.events as u64;
        }
        self.file_done(name, outcome, diagnostics_before);
        self.report.text_parts.push(tally);
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
        shape: FileShape::Read(shape),
        events: 0,
        duplicates: 0,
        problems: loader.report.diagnostics.len() - diagnostics_before,
        events_fingerprint: 0,
        digest: None,
        public_keys: None,
    };
    for line in lines {
        joined.events += line.events;
        joined.duplicates += line.duplicates;
        joined.events_fingerprint = joined
            .events_fingerprint
            .wrapping_add(line.events_fingerprint);
        joined.digest = line.digest.or(joined.digest);
        joined.public_keys = line.public_keys.or(joined.public_keys);
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
