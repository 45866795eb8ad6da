//! Owns recognising what a decompressed file holds and walking it record by
//! record: trail files, arrays, single events, JSON Lines, EventBridge
//! envelopes and `lookup-events` output. Broken records become diagnostics
//! and the walk resynchronises at the next record.

use crate::diagnostic::{describe_at, Diagnostic};
use crate::input::record::EventRecord;
use crate::input::scan::{
    first_key, next_line_object, skip_container, skip_string, skip_ws, value_after_key,
};
use crate::time::parse_rfc3339;

/// Receives every event found, with its raw JSON.
pub trait EventSink {
    fn accept(&mut self, record: &EventRecord<'_>, raw: &[u8]);
    /// A digest file's content (it holds no events).
    fn digest(&mut self, _digest: crate::analysis::digest::Digest) {}
}

/// At most this many detailed diagnostics per file; the rest are counted.
pub(crate) const DIAGNOSTICS_PER_FILE: usize = 20;
/// Envelopes nest at most this deep (EventBridge inside a JSON array…).
const MAX_NESTING: u8 = 4;

/// What a file turned out to be, for the load report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    #[default]
    Unknown,
    TrailFile,
    EventArray,
    SingleEvent,
    JsonLines,
    EventBridge,
    LookupEvents,
    Csv,
    Digest,
    S3Notification,
    /// `aws cloudtrail list-public-keys` output: the keys that sign digests.
    PublicKeys,
}

impl Shape {
    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "not recognised",
            Self::TrailFile => "CloudTrail log file",
            Self::EventArray => "JSON array of events",
            Self::SingleEvent => "single event",
            Self::JsonLines => "JSON Lines",
            Self::EventBridge => "EventBridge events",
            Self::LookupEvents => "lookup-events output",
            Self::Csv => "Event history CSV",
            Self::Digest => "CloudTrail digest file",
            Self::S3Notification => "S3 event notification",
            Self::PublicKeys => "CloudTrail public keys",
        }
    }

    pub const ALL: [Shape; 11] = [
        Self::Unknown,
        Self::TrailFile,
        Self::EventArray,
        Self::SingleEvent,
        Self::JsonLines,
        Self::EventBridge,
        Self::LookupEvents,
        Self::Csv,
        Self::Digest,
        Self::S3Notification,
        Self::PublicKeys,
    ];

    /// A number for the shape, to cross between workers.
    pub fn code(self) -> u8 {
        Self::ALL
            .iter()
            .position(|shape| *shape == self)
            .unwrap_or(0) as u8
    }

    pub fn from_code(code: u8) -> Self {
        Self::ALL.get(code as usize).copied().unwrap_or_default()
    }
}

/// What a scan says of a file once its values are read: its shape (several
/// single events make JSON Lines), and the diagnostics that close it (the
/// problems past the cap, no records at all). `ended`: the scan ran to the
/// file's end.
pub(crate) fn closing(
    file: &str,
    shape: Shape,
    values: usize,
    problems: usize,
    events: usize,
    ended: bool,
) -> (Shape, Vec<Diagnostic>) {
    let mut shape = shape;
    let mut diagnostics = Vec::new();
    if values > 1 && matches!(shape, Shape::SingleEvent | Shape::EventBridge) {
        shape = Shape::JsonLines;
    }
    if problems > DIAGNOSTICS_PER_FILE {
        let hidden = problems - DIAGNOSTICS_PER_FILE;
        diagnostics.push(Diagnostic::whole_file(
            file,
            format!("… and {hidden} more problems in this file"),
        ));
    }
    if events == 0 && problems == 0 && ended && shape == Shape::Unknown {
        diagnostics.push(Diagnostic::whole_file(
            file,
            "no CloudTrail records in this file",
        ));
    }
    (shape, diagnostics)
}

/// The loop a split text is cut in (see [`crate::input::split`]): every cut lies
/// at the start of a record in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The top level of JSON Lines: one record a line.
    Lines,
    /// The `Records` (or `Events`) list of a top-level object.
    Wrapper,
    /// A top-level JSON array of events.
    Array,
}

/// One part of a text split at record starts: where its scan stops, and
/// whether it resumes inside the loop (every part but the first).
#[derive(Debug, Clone, Copy)]
pub struct PartScan {
    pub level: Level,
    /// The text starts at a record start inside the loop, not at the file's start.
    pub resume: bool,
    /// Where the next part starts (a record start of the loop), if any.
    pub stop: Option<usize>,
    /// The text is cut before the file's end: a scan that needs the bytes
    /// after the cut cannot be trusted (see [`PartOutcome::proven`]).
    pub open_ended: bool,
}

/// What a part's scan found, for joining the parts (see [`crate::input::split`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct PartOutcome {
    /// The scan did just what a scan of the whole file does over this
    /// part's bytes: it stopped exactly at the next part's start (or, in the
    /// last part, ran to the end), nothing it read was cut off, and no
    /// record stopped the file (an S3 notification).
    pub proven: bool,
    pub shape: Shape,
    /// Top-level values begun in this part.
    pub values: usize,
    pub problems: usize,
    pub events: usize,
}

/// Walks one file's text, handing events to `sink` and problems to `diagnostics`.
pub struct TextScan<'t, 'x, S: EventSink> {
    file: &'x str,
    text: &'t [u8],
    /// The text when it is all UTF-8 (checked once): records are then read
    /// by [`crate::input::eventscan`] first.
    utf8: Option<&'t str>,
    sink: &'x mut S,
    diagnostics: &'x mut Vec<Diagnostic>,
    problems: usize,
    refused: bool,
    pub shape: Shape,
    pub events: usize,
    /// Set when scanning one part of a split text.
    part: Option<PartScan>,
    /// The part's scan has stopped (at its end, or given up).
    stopped: bool,
    /// It stopped exactly at the next part's start.
    reached: bool,
    /// It needed bytes it does not have (or cannot tell what the whole scan
    /// would do): the part proves nothing.
    unsure: bool,
}

impl<'t, 'x, S: EventSink> TextScan<'t, 'x, S> {
    pub fn new(
        file: &'x str,
        text: &'t [u8],
        sink: &'x mut S,
        diagnostics: &'x mut Vec<Diagnostic>,
    ) -> Self {
        Self {
            file,
            text,
            utf8: std::str::from_utf8(text).ok(),
            sink,
            diagnostics,
            problems: 0,
            refused: false,
            shape: Shape::Unknown,
            events: 0,
            part: None,
            stopped: false,
            reached: false,
            unsure: false,
        }
    }

    /// Scans the whole text; returns the number of events handed to the sink.
    pub fn run(mut self) -> (Shape, usize) {
        if let Some(at) = self.preamble() {
            let values = self.top_level(at, 0);
            self.finish(values);
        }
        (self.shape, self.events)
    }

    /// Scans one part of a split text: the text starts at the file's start
    /// or, when `part.resume`, at a record start of `part.level`'s loop.
    /// What a whole scan says of the file as a whole (its shape from the
    /// count of values, the problems past the cap, no records at all) is
    /// left to the join, which sees every part.
    pub fn run_part(mut self, part: PartScan) -> PartOutcome {
        self.part = Some(part);
        // The text of a part that ends before the file does may end inside
        // a character: the quick path reads the whole characters before it.
        if part.open_ended && self.utf8.is_none() {
            if let Err(error) = std::str::from_utf8(self.text) {
                if error.error_len().is_none() {
                    self.utf8 = std::str::from_utf8(&self.text[..error.valid_up_to()]).ok();
                }
            }
        }
        let values = if !part.resume {
            self.preamble().map_or(0, |at| self.top_level(at, 0))
        } else {
            let text = self.text;
            let after = match part.level {
                Level::Lines => Some(0),
                Level::Array => {
                    let end = self.items(0, None, 0, Some(Level::Array));
                    Some(end)
                }
                Level::Wrapper => {
                    let end = self.items(0, None, 1, Some(Level::Wrapper));
                    if self.stopped {
                        None
                    } else {
                        match self.after_member(end, None) {
                            Ok(next) => Some(self.members(next, None, Shape::TrailFile, 0)),
                            Err(end) => Some(end),
                        }
                    }
                }
            };
            // The value the part resumed in was counted by the part it began in.
            match after {
                Some(at) if !self.stopped => self.top_level(skip_ws(text, at), 0),
                _ => 0,
            }
        };
        let reached = match part.stop {
            Some(_) => self.reached,
            None => !self.stopped,
        };
        PartOutcome {
            proven: reached && !self.unsure && !self.refused,
            shape: self.shape,
            values,
            problems: self.problems,
            events: self.events,
        }
    }

    /// The checks on the start of the text; where its JSON starts, if it does.
    fn preamble(&mut self) -> Option<usize> {
        let text = self.text;
        let at = skip_ws(text, 0);
        if at == text.len() {
            self.whole_file("empty file: no CloudTrail records in it");
            return None;
        }
        if text[at] == b'"' {
            self.whole_file(
                "not CloudTrail: a JSON fragment (members without their enclosing `{ }`, as printed in documentation)",
            );
            return None;
        }
        if looks_like_csv(&text[at..]) {
            self.csv(at);
            return None;
        }
        if !matches!(text[at], b'{' | b'[') {
            self.whole_file(&format!(
                "not CloudTrail: expected JSON (a `{{` or `[`), found {}",
                describe_at(text, at)
            ));
            return None;
        }
        Some(at)
    }

    /// The top-level values from `at` on; returns how many were begun.
    fn top_level(&mut self, mut at: usize, mut values: usize) -> usize {
        let text = self.text;
        while at < text.len() && !self.refused {
            if self.halt(at, Some(Level::Lines)) {
                break;
            }
            at = match text[at] {
                b'{' => self.object(at, 0),
                b'[' => self.array(at, 0, Some(Level::Array)),
                _ => {
                    self.problem(
                        at,
                        format!(
                            "unexpected {} after the end of a record (a `}}` too many before it?)",
                            describe_at(text, at)
                        ),
                    );
                    match next_line_object(text, at) {
                        Some(next) => next,
                        None => break,
                    }
                }
            };
            values += 1;
            if self.stopped {
                break;
            }
            at = skip_ws(text, at);
        }
        values
    }

    /// What a whole scan says of the file once every value is read.
    fn finish(&mut self, values: usize) {
        let (shape, closing) = closing(
            self.file,
            self.shape,
            values,
            self.problems,
            self.events,
            !self.refused,
        );
        self.shape = shape;
        self.diagnostics.extend(closing);
    }

    /// Whether a part's scan stops before a record start at `at` of the
    /// loop `level` (`None`: any other loop): once it reached the next
    /// part's start, or gave up.
    fn halt(&mut self, at: usize, level: Option<Level>) -> bool {
        if self.stopped {
            return true;
        }
        let Some(part) = self.part else {
            return false;
        };
        match part.stop {
            Some(stop) if level == Some(part.level) && at >= stop => {
                self.reached = at == stop;
                self.stopped = true;
                true
            }
            _ => false,
        }
    }

    /// A part's scan cannot tell what a whole scan would do here (the bytes
    /// it needs lie past its text): it stops, proving nothing.
    fn give_up(&mut self) -> usize {
        self.unsure = true;
        self.stopped = true;
        self.text.len()
    }

    fn open_ended(&self) -> bool {
        self.part.is_some_and(|part| part.open_ended)
    }

    /// Where the object opening at `open` ends by its brackets (the end of
    /// the text if never): what a broken envelope is skipped to. A part
    /// that resumed inside the object does not have its opening.
    fn skip_from(&mut self, open: Option<usize>) -> usize {
        match open {
            Some(open) => skip_container(self.text, open).unwrap_or(self.text.len()),
            None => self.give_up(),
        }
    }

    fn set_shape(&mut self, shape: Shape) {
        if self.shape == Shape::Unknown {
            self.shape = shape;
        }
    }

    fn whole_file(&mut self, message: &str) {
        self.diagnostics
            .push(Diagnostic::whole_file(self.file, message));
    }

    fn problem(&mut self, offset: usize, message: String) {
        self.problems += 1;
        if self.problems <= DIAGNOSTICS_PER_FILE {
            self.diagnostics
                .push(Diagnostic::at(self.file, self.text, offset, message));
        }
    }

    fn refuse(&mut self, shape: Shape, message: &str) {
        if !self.refused {
            self.refused = true;
            self.shape = shape;
            self.whole_file(message);
        }
    }

    /// An array of records (top level, `Records` or `Events`); returns the
    /// offset after it. A split text is cut in it when `level` is its loop.
    fn array(&mut self, open: usize, depth: u8, level: Option<Level>) -> usize {
        let text = self.text;
        if depth == 0 {
            self.set_shape(Shape::EventArray);
        }
        let at = skip_ws(text, open + 1);
        if text.get(at) == Some(&b']') {
            return at + 1;
        }
        self.items(at, Some(open), depth, level)
    }

    /// The records of an array from `at` on (a record start, or junk):
    /// where a part resumes. `open` is the array's `[`, when the text holds it.
    fn items(
        &mut self,
        mut at: usize,
        open: Option<usize>,
        depth: u8,
        level: Option<Level>,
    ) -> usize {
        let text = self.text;
        loop {
            if self.halt(at, level) {
                return at;
            }
            if self.refused {
                return self.skip_from(open);
            }
            match text.get(at) {
                Some(b'{') => at = self.object(at, depth + 1),
                Some(b']') => return at + 1,
                None => {
                    self.problem(
                        at,
                        "the file ends inside a list of records (truncated?)".into(),
                    );
                    return text.len();
                }
                Some(_) => {
                    self.problem(
                        at,
                        format!("expected a record (`{{`), found {}", describe_at(text, at)),
                    );
                    match self.resync_in_array(at) {
                        Some(next) => {
                            at = next;
                            continue;
                        }
                        None => return text.len(),
                    }
                }
            }
            if self.stopped {
                return at;
            }
            at = skip_ws(text, at);
            match text.get(at) {
                Some(b',') => at = skip_ws(text, at + 1),
                Some(b']') => return at + 1,
                None => {
                    self.problem(
                        at,
                        "the file ends inside a list of records (truncated?)".into(),
                    );
                    return text.len();
                }
                Some(_) => {
                    self.problem(
                        at,
                        format!(
                            "expected `,` or `]` after a record, found {}",
                            describe_at(text, at)
                        ),
                    );
                    match self.resync_in_array(at) {
                        Some(next) => at = next,
                        None => return text.len(),
                    }
                }
            }
        }
    }

    /// After junk inside an array: the next record start, or the array's end.
    /// Returns `None` at the end of the text.
    fn resync_in_array(&self, from: usize) -> Option<usize> {
        memchr::memchr2(b'{', b']', self.text.get(from..)?).map(|found| from + found)
    }

    /// One object: an event, or an envelope holding events. Returns the offset after it.
    fn object(&mut self, open: usize, depth: u8) -> usize {
        if depth > MAX_NESTING {
            self.problem(open, "records nested too deeply inside envelopes".into());
            return skip_container(self.text, open).unwrap_or(self.text.len());
        }
        if let Some(key @ (b"Records" | b"Events")) = first_key(self.text, open) {
            let shape = if key == b"Records" {
                Shape::TrailFile
            } else {
                Shape::LookupEvents
            };
            return self.wrapper(open, shape, depth);
        }
        if let Some((record, end)) = self
            .utf8
            .and_then(|text| crate::input::eventscan::event_at(text, open))
        {
            self.classify(&record, open, end, depth);
            return end;
        }
        let text = self.text;
        let mut stream =
            serde_json::Deserializer::from_slice(&text[open..]).into_iter::<EventRecord<'t>>();
        match stream.next() {
            Some(Ok(record)) => {
                let end = open + stream.byte_offset();
                self.classify(&record, open, end, depth);
                end
            }
            // A record cut off by the end of a part's text may go on in the file.
            Some(Err(error))
                if self.open_ended() && error.classify() == serde_json::error::Category::Eof =>
            {
                self.give_up()
            }
            Some(Err(error)) => self
                .with_invalid_utf8_replaced(open, &error)
                .unwrap_or_else(|| self.broken_record(open, &error)),
            None => text.len(),
        }
    }

    /// A record that failed because of bytes that are not UTF-8 is kept with
    /// those bytes replaced, and reported. Returns where it ends when it was kept.
    fn with_invalid_utf8_replaced(
        &mut self,
        open: usize,
        error: &serde_json::Error,
    ) -> Option<usize> {
        let text = self.text;
        let Some(end) = skip_container(text, open) else {
            // Where a part's text ends, the record's brackets may close
            // further on in the file. Repairing it fails all the same when
            // nothing before the error needs repair.
            if self.open_ended() {
                let error_at = offset_of(text, open, error.line(), error.column());
                let valid = match std::str::from_utf8(&text[open..]) {
                    Ok(valid) => valid.len(),
                    Err(invalid) => invalid.valid_up_to(),
                };
                if valid <= error_at - open {
                    self.give_up();
                }
            }
            return None;
        };
        let slice = &text[open..end];
        let bad_at = open + std::str::from_utf8(slice).err()?.valid_up_to();
        let repaired = String::from_utf8_lossy(slice).into_owned();
        let record: EventRecord<'_> = serde_json::from_str(&repaired).ok()?;
        if !is_event(&record) {
            return None;
        }
        self.problem(
            bad_at,
            "bytes that are not UTF-8 were replaced with U+FFFD; the record was kept".into(),
        );
        self.emit(&record, repaired.as_bytes(), open);
        Some(end)
    }

    fn broken_record(&mut self, open: usize, error: &serde_json::Error) -> usize {
        let text = self.text;
        let error_at = offset_of(text, open, error.line(), error.column());
        // A line-oriented file: a record that starts a line ends there too,
        // even when its brackets say otherwise (a cut-off JSON Lines record).
        if let Some(next_line) = next_line_object(text, open).filter(|&n| n <= error_at) {
            self.problem(
                next_line - 1,
                "broken record skipped: the line ends before the record does".into(),
            );
            return next_line;
        }
        self.problem(
            error_at,
            format!("broken record skipped: {}", human_reason(error)),
        );
        let balanced_end = skip_container(text, open);
        let next_line = next_line_object(text, error_at);
        match (balanced_end, next_line) {
            (Some(end), Some(line)) => end.min(line),
            (Some(end), None) => end,
            (None, Some(line)) => line,
            (None, None) => text.len(),
        }
    }

    /// An object whose first member is `Records` or `Events`: walk members,
    /// streaming the record list without decoding the whole object first.
    fn wrapper(&mut self, open: usize, shape: Shape, depth: u8) -> usize {
        let at = skip_ws(self.text, open + 1);
        self.members(at, Some(open), shape, depth)
    }

    /// The members of a wrapper from `at` on (a member name, or its end).
    /// `open` is its `{`, when the text holds it.
    fn members(&mut self, mut at: usize, open: Option<usize>, shape: Shape, depth: u8) -> usize {
        let text = self.text;
        loop {
            match text.get(at) {
                Some(b'}') => return at + 1,
                Some(b'"') => {}
                _ => {
                    self.problem(
                        at,
                        format!("expected a member name, found {}", describe_at(text, at)),
                    );
                    return self.skip_from(open);
                }
            }
            let key_end = skip_string(text, at).unwrap_or(text.len());
            let key = &text[at + 1..key_end.saturating_sub(1).max(at + 1)];
            let Some(value) = value_after_key(text, at) else {
                self.problem(
                    key_end,
                    format!("expected `:`, found {}", describe_at(text, key_end)),
                );
                return self.skip_from(open);
            };
            at = if (key == b"Records" || key == b"Events") && text.get(value) == Some(&b'[') {
                self.set_shape(shape);
                let level = (depth == 0).then_some(Level::Wrapper);
                let end = self.array(value, depth + 1, level);
                if self.stopped {
                    return end;
                }
                end
            } else {
                skip_value(text, value)
            };
            match self.after_member(at, open) {
                Ok(next) => at = next,
                Err(end) => return end,
            }
        }
    }

    /// After a member's value: the next member's name (`Ok`), or where the
    /// wrapper ends (`Err`).
    fn after_member(&mut self, at: usize, open: Option<usize>) -> Result<usize, usize> {
        let text = self.text;
        let at = skip_ws(text, at);
        match text.get(at) {
            Some(b',') => Ok(skip_ws(text, at + 1)),
            Some(b'}') => Err(at + 1),
            None => {
                self.problem(at, "the file ends before the closing `}`".into());
                Err(text.len())
            }
            Some(_) => {
                self.problem(
                    at,
                    format!("expected `,` or `}}`, found {}", describe_at(text, at)),
                );
                Err(self.skip_from(open))
            }
        }
    }

    fn classify(&mut self, record: &EventRecord<'t>, open: usize, end: usize, depth: u8) {
        let text = self.text;
        let offset_in_text = |raw: crate::input::record::RawJson<'_>| {
            raw.get().as_ptr() as usize - text.as_ptr() as usize
        };
        if let Some(list) = record.records.or(record.events) {
            let shape = if record.records.is_some() {
                Shape::TrailFile
            } else {
                Shape::LookupEvents
            };
            self.set_shape(shape);
            let at = offset_in_text(list);
            if text[at] == b'[' {
                self.array(at, depth + 1, None);
            } else {
                self.problem(at, "expected a list of records".into());
            }
        } else if let Some(detail) = record.detail {
            let detail_type = record.detail_type.as_deref().unwrap_or("");
            let at = offset_in_text(detail);
            if text[at] == b'{'
                && (detail_type.contains("CloudTrail") || looks_like_event_text(detail.get()))
            {
                self.set_shape(Shape::EventBridge);
                self.object(at, depth + 1);
            } else {
                self.problem(
                    open,
                    format!("EventBridge event of type `{detail_type}` is not a CloudTrail record"),
                );
            }
        } else if let Some(embedded) = record.cloud_trail_event.as_deref() {
            self.set_shape(Shape::LookupEvents);
            self.embedded(open, embedded.as_bytes());
        } else if record.log_files.is_some() {
            match crate::analysis::digest::Digest::parse(&text[open..end]) {
                Ok(mut digest) => {
                    // What its signature covers: the digest file's content,
                    // which as CloudTrail writes it is this one object. Hashed
                    // here so a digest reads the same whole or in parts.
                    digest.content_sha256 = crate::case::sha256_hex(&text[open..end]);
                    self.set_shape(Shape::Digest);
                    self.sink.digest(digest);
                }
                Err(reason) => self.problem(
                    open,
                    format!("a CloudTrail digest file whose structure is not readable: {reason}"),
                ),
            }
        } else if record.s3.is_some()
            && record
                .event_source
                .as_deref()
                .is_some_and(|s| s.starts_with("aws:s3"))
        {
            self.refuse(
                Shape::S3Notification,
                "an S3 event notification (what S3 sends to SNS/SQS/Lambda), not a CloudTrail record: not loaded",
            );
        } else if is_event(record) {
            self.set_shape(Shape::SingleEvent);
            self.emit(record, &text[open..end], open);
        } else {
            self.problem(
                open,
                "not a CloudTrail event: it has none of eventName, eventTime, eventSource, userIdentity".into(),
            );
        }
    }

    /// The console's Event history download: a CSV whose `CloudTrail event`
    /// column holds each event's JSON.
    fn csv(&mut self, start: usize) {
        let text = self.text;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(&text[start..]);
        let column = reader.headers().ok().and_then(|headers| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case("CloudTrail event"))
        });
        let Some(column) = column else {
            self.whole_file(
                "not CloudTrail: a CSV file without a `CloudTrail event` column (the console's Event history download has one)",
            );
            return;
        };
        self.set_shape(Shape::Csv);
        let mut row = csv::ByteRecord::new();
        loop {
            let offset = start + reader.position().byte() as usize;
            match reader.read_byte_record(&mut row) {
                Ok(false) => break,
                Ok(true) => match row.get(column) {
                    Some(json) if !json.is_empty() => self.embedded(offset, json),
                    _ => self.problem(offset, "this row has no `CloudTrail event` value".into()),
                },
                Err(error) => {
                    self.problem(offset, format!("unreadable CSV row: {error}"));
                    if !matches!(
                        error.kind(),
                        csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                    ) {
                        break;
                    }
                }
            }
        }
    }

    /// An event carried as a JSON string (`CloudTrailEvent` of lookup-events, a CSV cell).
    fn embedded(&mut self, open: usize, json: &[u8]) {
        match serde_json::from_slice::<EventRecord<'_>>(json) {
            Ok(record) if is_event(&record) => {
                self.count_and_check_time(&record, open);
                self.sink.accept(&record, json);
            }
            Ok(_) => self.problem(
                open,
                "the embedded event JSON is not a CloudTrail event".into(),
            ),
            Err(error) => self.problem(
                open,
                format!(
                    "the embedded event JSON is broken: {}",
                    human_reason(&error)
                ),
            ),
        }
    }

    fn emit(&mut self, record: &EventRecord<'_>, raw: &[u8], open: usize) {
        self.count_and_check_time(record, open);
        self.sink.accept(record, raw);
    }

    fn count_and_check_time(&mut self, record: &EventRecord<'_>, open: usize) {
        self.events += 1;
        match record.time_text() {
            Some(time) if parse_rfc3339(time).is_some() => {}
            Some(time) => self.problem(
                open,
                format!("kept without a time: eventTime `{time}` is not an RFC 3339 time"),
            ),
            None => self.problem(
                open,
                "kept without a time: the record has no eventTime".into(),
            ),
        }
    }
}

/// A header line with commas and no JSON opening: worth trying as CSV.
fn looks_like_csv(text: &[u8]) -> bool {
    let first_line = &text[..memchr::memchr(b'\n', text).unwrap_or(text.len())];
    !matches!(first_line.first(), Some(b'{' | b'[')) && first_line.contains(&b',')
}

fn is_event(record: &EventRecord<'_>) -> bool {
    record.event_name.is_some()
        || record.time_text().is_some()
        || record.event_source.is_some()
        || record.user_identity.is_some()
}

fn looks_like_event_text(json: &str) -> bool {
    json.contains("\"eventName\"") && json.contains("\"eventSource\"")
}

/// Skips any JSON value (used for members of envelopes we do not need).
fn skip_value(text: &[u8], at: usize) -> usize {
    match text.get(at) {
        Some(b'{' | b'[') => skip_container(text, at).unwrap_or(text.len()),
        Some(b'"') => skip_string(text, at).unwrap_or(text.len()),
        _ => {
            let rest = &text[at.min(text.len())..];
            at + rest
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']'))
                .unwrap_or(rest.len())
        }
    }
}

/// The absolute byte offset of serde_json's (line, column) inside `text[start..]`.
fn offset_of(text: &[u8], start: usize, line: usize, column: usize) -> usize {
    let slice = &text[start..];
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', slice)
            .nth(line - 2)
            .map_or(slice.len(), |i| i + 1)
    };
    (start + line_start + column.saturating_sub(1)).min(text.len())
}

/// serde_json's message without its own "at line X column Y" suffix (we give
/// positions in the whole file instead).
fn human_reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let reason = text.split(" at line ").next().unwrap_or(&text);
    match error.classify() {
        serde_json::error::Category::Eof => format!("the record is cut off ({reason})"),
        _ => reason.to_owned(),
    }
}
