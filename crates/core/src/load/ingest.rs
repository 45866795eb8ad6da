//! Owns loading: from a named file's bytes to events in the store, through
//! the container and format layers, with duplicates dropped and every problem
//! recorded in the load report.

use crate::analysis::detect;
use crate::analysis::digest::Digest;
use crate::diagnostic::Diagnostic;
use crate::input::container::{gunzip, gunzip_whole, looks_binary, sniff, strip_bom, Container};
use crate::input::fingerprint::Fingerprint;
use crate::input::formats::{EventSink, PartOutcome, PartScan, Shape, TextScan};
use crate::input::identity::{
    credential_facts, principal_fingerprint, resolve_principal, CredentialKind,
};
use crate::input::record::EventRecord;
pub use crate::input::split::FileBytes;
pub use crate::load::report::{FileReport, FileShape, LoadReport, RowKey};
use crate::load::schedule::Part;
use crate::store::segment::Segment;
use crate::store::{EventStore, Who};
use rustc_hash::{FxHashMap, FxHashSet};

/// Archives inside archives are opened this deep at most.
const MAX_ARCHIVE_DEPTH: u8 = 3;

/// Limits that keep hostile input from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest inflated size of one compressed file.
    pub max_inflated_bytes: usize,
    /// Once the store holds this much, further files are refused (with a
    /// message) instead of growing memory until the tab dies.
    pub max_store_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_inflated_bytes: 1 << 30,
            max_store_bytes: usize::MAX,
        }
    }
}

impl Limits {
    /// For a browser tab: wasm32 memory ends at 4 GiB, and a file being
    /// parsed needs its inflated text beside the store.
    pub fn browser() -> Self {
        Self {
            max_inflated_bytes: 512 << 20,
            max_store_bytes: 2 << 30,
        }
    }
}

/// Loads files one by one into an [`EventStore`].
#[derive(Default)]
pub struct Loader {
    pub store: EventStore,
    pub report: LoadReport,
    pub limits: Limits,
    seen_event_ids: FxHashSet<u128>,
    principal_cache: FxHashMap<u128, (u32, CredentialKind)>,
    /// Detection rules per row, from segments whose parser ran them; they
    /// cover the first `masked_rows` rows loaded when every row came so.
    pub rule_masks: FxHashMap<u32, u64>,
    pub masked_rows: usize,
    /// Kept only by a loader that builds a segment: each row's duplicate key
    /// and file, so duplicates across segments are found when they merge.
    row_keys: Option<Vec<RowKey>>,
    /// Inflated text of the gzip file being loaded, reused from file to file.
    inflated: Vec<u8>,
}

/// The reused inflate buffer is kept between files up to this size (a
/// CloudTrail file is far smaller); a larger one is freed after its file.
const KEEP_INFLATED_BYTES: usize = 16 << 20;

struct StoreSink<'l> {
    store: &'l mut EventStore,
    seen_event_ids: &'l mut FxHashSet<u128>,
    principals: &'l mut FxHashMap<u128, (u32, CredentialKind)>,
    row_keys: Option<&'l mut Vec<RowKey>>,
    file: u32,
    stored: usize,
    duplicates: usize,
    events_fingerprint: u128,
    digest: Option<Box<Digest>>,
}

impl EventSink for StoreSink<'_> {
    fn accept(&mut self, record: &EventRecord<'_>, raw: &[u8]) {
        let mut key = 0;
        if record.event_id.as_deref().is_some_and(|id| !id.is_empty()) {
            let mut fingerprint = Fingerprint::default();
            // eventID alone is not enough: documentation examples reuse one
            // eventID for different events. A repeated delivery repeats all of these.
            for part in [
                &record.event_id,
                &record.event_name,
                &record.event_time,
                &record.recipient_account_id,
            ] {
                fingerprint.field(part.as_deref());
            }
            let fingerprint = fingerprint.finish();
            key = fingerprint;
            self.events_fingerprint = self.events_fingerprint.wrapping_add(fingerprint);
            if !self.seen_event_ids.insert(fingerprint) {
                self.duplicates += 1;
                return;
            }
        }
        // Most events repeat a principal seen before: resolve names only once.
        let fingerprint = principal_fingerprint(record);
        let (principal, credential) = match self.principals.get(&fingerprint) {
            Some(&known) => known,
            None => {
                let (principal, credential) = resolve_principal(record);
                let id = self.store.principal_id(principal, credential);
                self.principals.insert(fingerprint, (id, credential));
                (id, credential)
            }
        };
        let kind = self.store.principals[principal as usize].principal.kind;
        let who = Who {
            principal,
            credential,
            facts: credential_facts(record, kind, credential),
        };
        self.store.push(record, who, raw);
        if let Some(keys) = self.row_keys.as_deref_mut() {
            keys.push(RowKey {
                fingerprint: key,
                file: self.file,
            });
        }
        self.stored += 1;
    }

    fn digest(&mut self, digest: Digest) {
        self.digest = Some(Box::new(digest));
    }
}

/// What loading one text produced, besides its events in the store.
#[derive(Default)]
pub(crate) struct TextOutcome {
    pub(crate) shape: Shape,
    stored: usize,
    duplicates: usize,
    events_fingerprint: u128,
    digest: Option<Box<Digest>>,
    public_keys: Option<Vec<crate::analysis::signature::PublicKey>>,
}

impl Loader {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// A loader for one batch of a parallel load: see [`Loader::into_segment`].
    pub fn for_segment(limits: Limits) -> Self {
        let mut loader = Self {
            limits: Limits {
                // The loader that merges segments enforces the store limit.
                max_store_bytes: usize::MAX,
                ..limits
            },
            row_keys: Some(Vec::new()),
            ..Self::default()
        };
        loader.store.defer_compression();
        loader
    }

    /// What this loader parsed, ready to cross to the loader that merges.
    pub fn into_segment(self) -> Segment {
        let row_keys = self.row_keys.unwrap_or_default();
        assert_eq!(
            row_keys.len(),
            self.store.len(),
            "a segment is built by a loader made with Loader::for_segment"
        );
        Segment {
            parts: self.store.into_parts(),
            row_keys,
            report: self.report,
            rule_masks: None,
            kept: None,
            kept_sizes: Vec::new(),
        }
    }

    /// Adds a segment parsed elsewhere, without parsing anything again:
    /// strings and principals are re-interned, raw blocks appended as they
    /// are, and events already loaded (from any segment) dropped as duplicates.
    pub fn merge(&mut self, segment: Segment) {
        self.merge_from(segment, 0);
    }

    /// [`Loader::merge`] for a segment from worker `home`: raw blocks the
    /// worker kept stay there (see [`crate::store::rawstore::Away`]).
    pub fn merge_from(&mut self, segment: Segment, home: u32) {
        let Segment {
            parts,
            row_keys,
            mut report,
            rule_masks,
            kept: kept_by_home,
            kept_sizes,
        } = segment;
        let first_new_row = self.store.rows.len() as u32;
        // Segment row → store row, for the rule masks.
        let mut new_rows = Vec::with_capacity(if rule_masks.is_some() {
            parts.rows.len()
        } else {
            0
        });
        let string_ids: Vec<u32> = parts
            .strings
            .iter()
            .map(|value| self.store.strings.intern(value))
            .collect();
        let principal_ids: Vec<u32> = parts
            .principals
            .into_iter()
            .map(|entry| self.store.principal_id(entry.principal, entry.credential))
            .collect();
        let mut kept = Vec::with_capacity(parts.rows.len());
        for (row, key) in parts.rows.iter().zip(&row_keys) {
            let duplicate = key.fingerprint != 0 && !self.seen_event_ids.insert(key.fingerprint);
            if rule_masks.is_some() {
                new_rows.push(if duplicate {
                    u32::MAX
                } else {
                    first_new_row + kept.len() as u32
                });
            }
            if duplicate {
                if let Some(file) = report.file_reports.get_mut(key.file as usize) {
                    file.events = file.events.saturating_sub(1);
                    file.duplicates += 1;
                }
                report.events = report.events.saturating_sub(1);
                report.duplicates += 1;
                continue;
            }
            kept.push(*row);
        }
        // Blocks no kept row points into (a folder dropped twice) are not kept.
        let mut block_ids = vec![u32::MAX; parts.blocks.len()];
        for row in &kept {
            if let Some(id) = block_ids.get_mut(row.raw_block as usize) {
                *id = 0;
            }
        }
        for (index, (compressed, len)) in parts.blocks.into_iter().enumerate() {
            if block_ids[index] == 0 {
                block_ids[index] = match kept_by_home {
                    Some(first) => self.store.raw_store_mut().append_away(
                        crate::store::rawstore::Away {
                            home,
                            id: first + index as u32,
                        },
                        len,
                        kept_sizes.get(index).copied().unwrap_or(0) as usize,
                    ),
                    None => self.store.append_raw_block(compressed, len),
                };
            }
        }
        let string = |id: u32| string_ids.get(id as usize).copied().unwrap_or(0);
        self.store.rows.extend(kept.into_iter().map(|mut row| {
            row.raw_block = block_ids[row.raw_block as usize];
            row.principal = principal_ids
                .get(row.principal as usize)
                .copied()
                .unwrap_or(0);
            for id in row.string_ids_mut() {
                *id = string(*id);
            }
            row
        }));
        if let Some(masks) = rule_masks {
            for (row, mask) in masks {
                match new_rows.get(row as usize) {
                    Some(&new_row) if new_row != u32::MAX => {
                        self.rule_masks.insert(new_row, mask);
                    }
                    _ => {}
                }
            }
            self.masked_rows += self.store.rows.len() - first_new_row as usize;
        }
        self.report.files += report.files;
        self.report.bytes_read += report.bytes_read;
        self.report.text_bytes += report.text_bytes;
        self.report.events += report.events;
        self.report.duplicates += report.duplicates;
        self.report.files_refused += report.files_refused;
        self.report.diagnostics.append(&mut report.diagnostics);
        self.report.file_reports.append(&mut report.file_reports);
    }

    /// Records a file that could not be read at all.
    pub fn unreadable(&mut self, name: &str, why: &str) {
        self.not_loaded(
            name,
            FileShape::Unreadable,
            format!("cannot read the file: {why}"),
        );
    }

    /// Records a file (or part of one) whose parse was lost: its parser
    /// stopped on it, or sent back what could not be used. `why` says which.
    pub fn not_parsed(&mut self, name: &str, why: &str) {
        self.not_loaded(name, FileShape::NotParsed, why.to_owned());
    }

    /// Records that raw JSON another worker kept is gone with it (see
    /// [`crate::store::rawstore::Away`]): a problem of no file of its own.
    pub fn raw_lost(&mut self, whose: &str, message: String) {
        self.report.diagnostics.push(crate::diagnostic::Diagnostic {
            file: whose.to_owned(),
            line: 0,
            column: 0,
            message,
        });
    }

    fn not_loaded(&mut self, name: &str, shape: FileShape, message: String) {
        self.report.files += 1;
        self.nothing_loaded_from(name, shape, message);
    }

    /// Records files that were not loaded because the store is full.
    pub fn refuse_unread(&mut self, name: &str) {
        self.report.files += 1;
        self.refuse_for_memory(name);
    }

    /// Whether the store has reached its memory limit: further files are refused.
    pub fn is_full(&self) -> bool {
        // A parser that keeps raw JSON fills its own memory the same way.
        self.store.heap_bytes() >= self.limits.max_store_bytes
            || self.store.raw_store().fullest_home_bytes() >= self.limits.max_store_bytes
    }

    /// Loads one file's bytes. Never fails: problems go to the report.
    pub fn load(&mut self, name: &str, bytes: &[u8]) {
        self.load_part(name, bytes, Part::WHOLE);
    }

    /// Loads one part of a file that is parsed in `part.of` parts at once
    /// (see [`crate::load::schedule`]): of a zip archive, the members whose local
    /// header lies in this part's share of the archive's bytes; of a big
    /// uncompressed JSON text, when this loader builds a segment, the
    /// records of this part's share (see [`crate::input::split`]); of anything
    /// else, the whole file in part 0 and nothing in the others. The parts
    /// together load exactly what [`Loader::load`] does; the file itself
    /// (its count, bytes and archive-level problems) belongs to part 0.
    pub fn load_part(&mut self, name: &str, bytes: &[u8], part: Part) {
        let whole = FileBytes {
            head: bytes,
            bytes,
            at: 0,
            len: bytes.len() as u64,
        };
        self.load_bytes(name, whole, part);
    }

    /// [`Loader::load_part`] given only some of the file's bytes: those a
    /// part of a split text reads ([`crate::input::split::part_bytes`]), or all of them.
    pub fn load_bytes(&mut self, name: &str, file: FileBytes<'_>, part: Part) {
        let owner = part.index == 0;
        if owner {
            self.report.files += 1;
            self.report.bytes_read += file.len;
        }
        if self.is_full() {
            if owner {
                self.refuse_for_memory(name);
            }
            return;
        }
        if !part.is_whole() && self.row_keys.is_some() {
            // Every part decides from the same first bytes, however many it has.
            let head = &file.head[..file
                .head
                .len()
                .min(crate::input::split::HEAD_BYTES as usize)];
            if let Some(cutting) = crate::input::split::cutting(head) {
                self.load_text_part(name, file, &cutting, part);
                return;
            }
        }
        let bytes = file.bytes;
        if part.is_whole() || owner || sniff(bytes) == Container::Zip {
            self.load_nested(name, bytes, 0, part);
        }
    }

    fn refuse_for_memory(&mut self, name: &str) {
        if self.report.files_refused == 0 {
            let message = format!(
                "not loaded, nor any file after it: the store reached its memory limit ({} MB) with {} events loaded. \
                 Load fewer files at once, or filter them before loading",
                self.limits.max_store_bytes / 1_000_000,
                self.store.len()
            );
            self.report
                .diagnostics
                .push(Diagnostic::whole_file(name, message));
        }
        self.report.files_refused += 1;
        self.report.file_reports.push(FileReport {
            name: name.to_owned(),
            shape: FileShape::MemoryLimit,
            events: 0,
            duplicates: 0,
            problems: 0,
            events_fingerprint: 0,
            digest: None,
            public_keys: None,
        });
    }

    /// Loads bytes that may be an archive member; each file or member gets its own report line.
    /// `part` splits only a top-level archive; anything else is loaded whole
    /// by part 0.
    fn load_nested(&mut self, name: &str, bytes: &[u8], depth: u8, part: Part) {
        let diagnostics_before = self.report.diagnostics.len();
        let container = sniff(bytes);
        if part.index != 0 && container != Container::Zip {
            return;
        }
        let outcome = match container {
            Container::Gzip => {
                let mut text = std::mem::take(&mut self.inflated);
                let outcome = gunzip_whole(bytes, self.limits.max_inflated_bytes, &mut text)
                    .map(|len| self.load_text(name, &text[..len]));
                if text.len() <= KEEP_INFLATED_BYTES {
                    self.inflated = text;
                }
                if let Some(outcome) = outcome {
                    return self.file_done(name, outcome, diagnostics_before);
                }
                let inflated = gunzip(bytes, self.limits.max_inflated_bytes);
                if let Some(problem) = &inflated.problem {
                    self.report
                        .diagnostics
                        .push(Diagnostic::whole_file(name, problem.as_str()));
                }
                if inflated.bytes.is_empty() && inflated.problem.is_some() {
                    TextOutcome::default()
                } else {
                    self.load_text(name, &inflated.bytes)
                }
            }
            Container::Zip if depth >= MAX_ARCHIVE_DEPTH => {
                self.report.diagnostics.push(Diagnostic::whole_file(
                    name,
                    "archive nested too deeply inside archives: not opened",
                ));
                TextOutcome::default()
            }
            Container::Zip => {
                if self.load_zip(name, bytes, depth, part) || part.index != 0 {
                    // Each member has its own line.
                    return;
                }
                // An unreadable archive, or one with no files, still gets its line.
                TextOutcome::default()
            }
            Container::Plain => self.load_text(name, bytes),
        };
        self.file_done(name, outcome, diagnostics_before);
    }

    /// The report line of a file (or archive member) just loaded.
    pub(crate) fn file_done(
        &mut self,
        name: &str,
        outcome: TextOutcome,
        diagnostics_before: usize,
    ) {
        self.report.events += outcome.stored;
        self.report.duplicates += outcome.duplicates;
        self.report.file_reports.push(FileReport {
            name: name.to_owned(),
            shape: FileShape::Read(outcome.shape),
            events: outcome.stored,
            duplicates: outcome.duplicates,
            problems: self.report.diagnostics.len() - diagnostics_before,
            events_fingerprint: outcome.events_fingerprint,
            digest: outcome.digest,
            public_keys: outcome.public_keys,
        });
    }

    /// Every member of a zip archive (of `part`'s share), recursively.
    /// Member names are only ever shown, never used as paths, so `../` names
    /// are harmless here. Returns whether the archive holds any file (in any part).
    fn load_zip(&mut self, name: &str, bytes: &[u8], depth: u8, part: Part) -> bool {
        let owner = part.index == 0;
        let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
            Ok(archive) => archive,
            Err(error) => {
                if owner {
                    self.report.diagnostics.push(Diagnostic::whole_file(
                        name,
                        format!("unreadable zip archive: {error}"),
                    ));
                }
                return false;
            }
        };
        if archive.is_empty() && owner {
            self.report.diagnostics.push(Diagnostic::whole_file(
                name,
                "an empty zip archive: no files in it",
            ));
        }
        let mut holds_files = false;
        for index in 0..archive.len() {
            let mut member = match archive.by_index(index) {
                Ok(member) => member,
                Err(error) => {
                    if owner {
                        self.report.diagnostics.push(Diagnostic::whole_file(
                            name,
                            format!("zip member #{index} unreadable: {error}"),
                        ));
                    }
                    continue;
                }
            };
            if member.is_dir() {
                continue;
            }
            holds_files = true;
            if !part.holds(member.header_start(), bytes.len() as u64) {
                continue;
            }
            let member_name = match member.name() {
                Ok(inner) => format!("{name}/{inner}"),
                Err(_) => format!("{name}/#{index}"),
            };
            let limit = self.limits.max_inflated_bytes as u64;
            let mut content = Vec::new();
            let read = std::io::Read::read_to_end(
                &mut std::io::Read::take(&mut member, limit + 1),
                &mut content,
            );
            drop(member);
            // A member that cannot be read still gets its line, so every
            // part can tell that the archive is not without files.
            match read {
                Ok(_) if content.len() as u64 > limit => {
                    let why = format!(
                        "refused: inflates past the {} MB limit",
                        self.limits.max_inflated_bytes / 1_000_000
                    );
                    self.nothing_loaded_from(&member_name, FileShape::TooLarge, why);
                }
                Ok(_) => self.load_nested(&member_name, &content, depth + 1, Part::WHOLE),
                Err(error) => self.nothing_loaded_from(
                    &member_name,
                    FileShape::Unreadable,
                    format!("cannot inflate this zip member: {error}"),
                ),
            }
        }
        holds_files
    }

    /// A report line for a file or archive member of which nothing loaded, and why.
    fn nothing_loaded_from(&mut self, name: &str, shape: FileShape, why: String) {
        self.report
            .diagnostics
            .push(Diagnostic::whole_file(name, why));
        self.report.file_reports.push(FileReport {
            name: name.to_owned(),
            shape,
            events: 0,
            duplicates: 0,
            problems: 1,
            events_fingerprint: 0,
            digest: None,
            public_keys: None,
        });
    }

    fn load_text(&mut self, name: &str, bytes: &[u8]) -> TextOutcome {
        let text = strip_bom(bytes);
        self.report.text_bytes += text.len() as u64;
        if looks_binary(text) {
            self.report.diagnostics.push(Diagnostic::whole_file(
                name,
                "not CloudTrail: binary data (neither JSON text nor a gzip or zip archive)",
            ));
            return TextOutcome::default();
        }
        if crate::analysis::signature::is_public_key_list(text) {
            return match crate::analysis::signature::parse_public_keys(text) {
                Ok(keys) => TextOutcome {
                    shape: Shape::PublicKeys,
                    public_keys: Some(keys),
                    ..TextOutcome::default()
                },
                Err(why) => {
                    self.report.diagnostics.push(Diagnostic::whole_file(
                        name,
                        format!("public keys not read: {why}"),
                    ));
                    TextOutcome::default()
                }
            };
        }
        self.scan_text(name, text, None).0
    }

    /// Scans a text (or a part of one) into the store.
    pub(crate) fn scan_text(
        &mut self,
        name: &str,
        text: &[u8],
        part: Option<PartScan>,
    ) -> (TextOutcome, PartOutcome) {
        let mut sink = StoreSink {
            store: &mut self.store,
            seen_event_ids: &mut self.seen_event_ids,
            principals: &mut self.principal_cache,
            row_keys: self.row_keys.as_mut(),
            file: self.report.file_reports.len() as u32,
            stored: 0,
            duplicates: 0,
            events_fingerprint: 0,
            digest: None,
        };
        let scan = TextScan::new(name, text, &mut sink, &mut self.report.diagnostics);
        let found = match part {
            None => {
                let (shape, events) = scan.run();
                PartOutcome {
                    shape,
                    events,
                    ..PartOutcome::default()
                }
            }
            Some(part) => scan.run_part(part),
        };
        let outcome = TextOutcome {
            shape: found.shape,
            stored: sink.stored,
            duplicates: sink.duplicates,
            events_fingerprint: sink.events_fingerprint,
            digest: sink.digest,
            public_keys: None,
        };
        (outcome, found)
    }
}

/// The detection rules over what a loader holds.
impl Loader {
    /// What a parse worker sends back: its batch, with each row's rules.
    pub fn into_detected_segment(self) -> Segment {
        let masks = detect::row_masks(&self.store);
        let mut segment = self.into_segment();
        segment.rule_masks = Some(masks);
        segment
    }

    /// Findings for everything loaded: from the masks its segments brought
    /// when they cover every row, else by running the rules.
    pub fn findings(&self, order: &[u32]) -> Vec<detect::Finding> {
        match self.plan_detection(order) {
            Some(detection) => detection.evaluate(&self.store),
            None => detect::evaluate(&self.store, order),
        }
    }

    /// [`Loader::findings`]' work in steps when the parsers' masks cover
    /// every row (see [`detect::MaskedDetection`]); `None` when the rules
    /// must run over it all.
    pub fn plan_detection(&self, order: &[u32]) -> Option<detect::MaskedDetection> {
        (self.masked_rows == self.store.len() && !self.store.is_empty())
            .then(|| detect::MaskedDetection::new(&self.store, order, &self.rule_masks))
    }
}
