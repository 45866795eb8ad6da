//! Owns the messages between the page and the ingest worker. Only small
//! things cross: file handles and view requests in; counts, buckets, facets,
//! a window of rows or one event out. Never one message per event.
//!
//! What crosses is the core's own type wherever the core has the thing
//! (facets, rows, diagnostics, a file's line, lineage, the coverage report);
//! this module defines only what the core has no type for: requests, a
//! load's summary, a view, an event's detail, a finding as the page lists it.

use serde::{Deserialize, Serialize};
use trailglass_core::analysis::lineage::Chain;
pub use trailglass_core::analysis::sigma::rule::Level;
use trailglass_core::diagnostic::Diagnostic;
use trailglass_core::load::report::FileReport;
use trailglass_core::query::pretty::Line;
use trailglass_core::query::view::{Facet, PrincipalStats, TableRow, Timeline};

/// What the page wants to look at.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ViewRequest {
    pub query: String,
    /// `[from, to)` in epoch ms.
    pub range: Option<(f64, f64)>,
    pub principal: Option<u32>,
    pub descending: bool,
}

/// Messages to the worker. Generic over the file handle so this module
/// (and the page state built on it) compiles natively for tests.
#[derive(Serialize, Deserialize)]
pub enum ToWorker<F> {
    Load(FileSlice<F>),
    LoadSample {
        events: usize,
    },
    Cancel,
    Clear,
    /// The page has drawn the first view of the newest load: its detections
    /// may start (until then they would take the cores the page draws with).
    Shown,
    View(ViewRequest),
    Rows {
        offset: usize,
        count: usize,
    },
    Event {
        id: u32,
    },
    Export {
        format: ExportFormat,
    },
    /// The coverage report; with `verify`, the loaded files (the page hands
    /// them over again) are hashed first and the digests' signatures checked.
    Coverage {
        verify: Option<Vec<F>>,
        /// Digest signatures the user gives (`OBJECT=HEX`): the newest
        /// digest's is only in S3's metadata.
        signatures: Vec<String>,
    },
    /// Who is behind a principal's sessions (see `lineage`).
    Lineage {
        principal: u32,
    },
    /// The user's Sigma rule files (the built-in rules always run too):
    /// read, run over what is loaded, answered with the rule lab and the
    /// findings.
    SetRules {
        files: Vec<RuleFile>,
    },
    /// Opens the event a case knows by `key` (its `eventID`), if it is loaded.
    FindEvent {
        key: String,
    },
    /// The case report: the worker adds the findings, the lineage of the
    /// case's principals, the coverage verdicts and the loaded files'
    /// SHA-256 (the page hands the files over again), and sends the HTML back.
    Report {
        case: Box<trailglass_core::case::Case>,
        files: Vec<F>,
    },
}

/// A rule file the user picked or dropped, as kept in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFile {
    pub name: String,
    pub text: String,
}

/// Some of the files of one load. The page hands a load's files over a slice
/// at a time: each file handle costs the page a fraction of a millisecond to
/// send, so one message with thousands would freeze it for seconds, and the
/// worker starts on the first slice while the rest are still coming.
#[derive(Serialize, Deserialize)]
pub struct FileSlice<F> {
    /// Tells loads apart: a new id starts a new load.
    pub load: u32,
    /// The first slice starts the load.
    pub first: bool,
    pub files: Vec<F>,
    /// Files in the whole load, over all its slices.
    pub total_files: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    PrincipalsCsv,
    PrincipalsJson,
    /// The filtered events as a CloudTrail file.
    EventsJson,
    EventsJsonGz,
    EventsCsv,
    /// The filtered events as Timesketch JSON Lines.
    EventsTimesketch,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    Progress(Progress),
    Loaded(LoadSummary),
    View(Box<ViewResult>),
    QueryError {
        message: String,
        position: usize,
    },
    Rows {
        offset: usize,
        rows: Vec<TableRow>,
    },
    Event(Box<EventDetail>),
    Lineage {
        principal: u32,
        chains: Vec<Chain>,
    },
    /// What the built-in detections found, once per load, most severe first.
    Findings(Vec<FindingView>),
    /// A file to save (made in the worker, saved through a blob URL).
    Export {
        file_name: String,
        mime: String,
        #[serde(
            serialize_with = "crate::codec::bytes_as_buffer",
            deserialize_with = "crate::codec::bytes_from_buffer"
        )]
        bytes: Vec<u8>,
        /// The page gzips `bytes` (the browser's `CompressionStream`) before
        /// saving them: the site's wasm then carries no deflate encoder.
        gzip: bool,
    },
    Coverage(Box<trailglass_core::analysis::coverage::CoverageReport>),
    /// Every Sigma rule loaded, with its status and hits.
    RuleLab(Box<RuleLab>),
    /// The load report's problems, when they changed after the load: the
    /// JSON a parser kept was found gone by a later question.
    Diagnostics {
        diagnostics: Vec<Diagnostic>,
        total: usize,
    },
    /// No loaded event has the key a case asked for.
    NotLoaded {
        key: String,
    },
}

/// The rule lab: every Sigma rule and filter, what became of it, what it found.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RuleLab {
    pub rules: Vec<RuleStatusView>,
    pub filters: Vec<FilterView>,
    /// The user's rule files, by name.
    pub files: Vec<String>,
    /// Whether the rules have run over the loaded events.
    pub ran: bool,
    /// How long that run took.
    pub run_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleStatusView {
    pub id: String,
    pub title: String,
    pub level: Level,
    /// `ok`, `error`, `not-applicable` or `cannot-fire`.
    pub status: String,
    /// The parse error (with its line) or why the rule does not apply.
    pub reason: Option<String>,
    pub about: RuleAbout,
    /// Events hit (when the rules ran).
    pub hits: usize,
    /// Whether its hits are findings of their own, not only a correlation's input.
    pub reports: bool,
    /// A correlation's condition in words.
    pub correlation: Option<String>,
}

/// Where a rule comes from and whose it is: the Detection Rule License asks
/// that a rule's author stays visible wherever it or its matches are shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleAbout {
    pub file: String,
    pub line: usize,
    pub builtin: bool,
    pub author: Option<String>,
    pub link: Option<String>,
    pub license: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterView {
    pub id: String,
    pub title: String,
    pub file: String,
    pub error: Option<String>,
    /// How many rules it narrows.
    pub rules: usize,
    /// (rule id, events it took out of that rule's hits).
    pub silenced: Vec<(String, u32)>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: f64,
    pub bytes_total: f64,
    pub events: usize,
    pub elapsed_ms: f64,
}

/// The load report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LoadSummary {
    pub files: usize,
    pub events: usize,
    pub duplicates: usize,
    pub first_event: Option<String>,
    pub last_event: Option<String>,
    pub bytes_read: f64,
    pub text_bytes: f64,
    pub store_bytes: f64,
    /// Of the raw JSON, what the parsers keep (compressed; not in `store_bytes`).
    pub raw_kept_bytes: f64,
    /// Of that, what the parser that keeps the most keeps: a free-text scan
    /// waits for it.
    pub raw_fullest_parser_bytes: f64,
    /// Files not loaded because the store reached its memory limit.
    pub files_refused: usize,
    /// The worker's whole WebAssembly memory (what the tab really holds).
    pub wasm_memory_bytes: f64,
    pub load_ms: f64,
    /// Parse workers the load was spread over (0: parsed in the store worker).
    pub parsers: usize,
    /// Files big enough that they were spread over every parser (a zip's
    /// members, an uncompressed text's records).
    pub split_files: usize,
    /// Batches parsed again because the parser that kept their raw JSON stopped.
    pub parsed_again: usize,
    pub cancelled: bool,
    pub diagnostics: Vec<Diagnostic>,
    pub diagnostics_total: usize,
    pub file_reports: Vec<FileReport>,
    pub file_reports_total: usize,
}

/// Everything the page shows for the current filter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ViewResult {
    pub request: ViewRequest,
    pub total: usize,
    pub shown: usize,
    pub timeline: Timeline,
    pub facets: Vec<Facet>,
    pub principals: Vec<PrincipalStats>,
    pub principals_total: usize,
    /// The first rows of the table, so the page draws at once.
    pub rows: Vec<TableRow>,
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDetail {
    pub id: u32,
    /// What a case knows the event by (see `trailglass_core::case::event_key`).
    pub key: String,
    pub row: TableRow,
    pub facts: Vec<(String, String)>,
    pub lines: Vec<Line>,
    /// The event's JSON re-indented, for the copy button.
    pub text: String,
    /// Who is behind the session this event was made with.
    pub lineage: Option<Chain>,
    /// The Sigma rules that matched it, and why.
    pub matches: Vec<RuleMatch>,
}

/// A Sigma rule that matched one event: per rule that decided it (the rule
/// itself, or those a correlation uses), the searches, fields and values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleMatch {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub author: Option<String>,
    pub reasons: Vec<(
        String,
        Vec<trailglass_core::analysis::sigma::detection::Why>,
    )>,
}

/// One rule that fired, for the Findings tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingView {
    pub id: String,
    pub title: String,
    pub level: Level,
    /// For a Sigma rule: its file, author, link and licence.
    pub sigma: Option<RuleAbout>,
    pub technique: String,
    /// The rule's query as written.
    pub query: String,
    /// What an aggregate rule asks beyond its query.
    pub condition: Option<String>,
    /// The search that shows the events found.
    pub search: String,
    /// Whether `search` shows exactly those events.
    pub exact: bool,
    pub count: usize,
}
