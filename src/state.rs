//! Owns the page's state and how actions change it: a pure reducer, so the
//! rules (what a new view resets, what typing keeps) live in one place.

use super::protocol::{
    EventDetail, FindingView, FromWorker, LoadSummary, Progress, RuleLab, ViewRequest, ViewResult,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use trailglass_core::analysis::lineage::Chain;
use trailglass_core::case::{Case, CaseEvent};
use trailglass_core::query::view::TableRow;
use trailglass_core::store::columns::Column;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum LoadPhase {
    #[default]
    Idle,
    Loading(Progress),
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Events,
    Principals,
    Report,
    Coverage,
    Findings,
    /// The rule lab: every Sigma rule with its status.
    Rules,
    /// The case: starred events, notes, the report.
    Case,
}

/// A query term that matches one value of a field exactly, or excludes it
/// (a facet's value, a field in an event's detail).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub field: String,
    pub value: String,
    pub exclude: bool,
    /// `value` is the start of a longer value (see [`trailglass_core::query::view::VIEW_CHARS`]).
    pub prefix: bool,
}

impl Term {
    /// The term as query text: `field:"value"`, quoted so it is exact; a
    /// value known by its start only, `field:/^start/`.
    pub fn query_text(&self) -> String {
        let sign = if self.exclude { "-" } else { "" };
        if self.prefix {
            let pattern = regex_lite::escape(&self.value).replace('/', "\\/");
            return format!("{sign}{}:/(?-i)^{pattern}/", self.field);
        }
        let escaped = self.value.replace('\\', "\\\\").replace('"', "\\\"");
        format!("{sign}{}:\"{escaped}\"", self.field)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    pub phase: LoadPhase,
    /// Loads whose first view has arrived (the page tells the worker once
    /// each is drawn: see `ToWorker::Shown`).
    pub loads_done: u32,
    pub load: Rc<LoadSummary>,
    /// What the page asks the worker for (typing changes it; sending is debounced).
    pub request: ViewRequest,
    pub view: Rc<ViewResult>,
    pub query_error: Option<(String, usize)>,
    /// Table rows received, by position in the current view.
    pub rows: Rc<BTreeMap<usize, TableRow>>,
    /// Keyboard cursor in the table.
    pub cursor: Option<usize>,
    pub detail: Option<Rc<EventDetail>>,
    pub tab: Tab,
    pub dragging: bool,
    pub local_time: bool,
    /// Table columns shown or hidden against their default (see [`AppState::table_columns`]).
    pub toggled_columns: Vec<Column>,
    /// The open principal's name: what the URL keeps (ids differ between loads).
    pub principal_name: Option<String>,
    /// Asked for when the Coverage tab opens; dropped when new data loads.
    pub coverage: Option<Rc<trailglass_core::analysis::coverage::CoverageReport>>,
    /// The open principal's lineage, once the worker answers.
    pub lineage: Option<(u32, Rc<Vec<Chain>>)>,
    /// What the built-in detections and the Sigma rules found in what is loaded.
    pub findings: Rc<Vec<FindingView>>,
    /// Every Sigma rule with its status and hits.
    pub rule_lab: Rc<RuleLab>,
    /// What the responder marked and wrote (kept in this browser).
    pub case: Rc<Case>,
    /// Whether the case kept in this browser has been read: until then the
    /// page's empty case must not overwrite it.
    pub case_ready: bool,
    /// A message about the case: an event not loaded, an import refused.
    pub case_notice: Option<String>,
    /// Whether the report is being written (its files hashed).
    pub report_pending: bool,
}

/// A change to the case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseEdit {
    Star(CaseEvent, bool),
    Note(CaseEvent, String),
    Tags(CaseEvent, String),
    PrincipalNote(String, String),
    Title(String),
    /// The case kept in this browser, read at start.
    Restored(Case),
    /// A case file read: merged into this one, or why it was refused.
    Imported(Result<Case, String>),
    Clear,
}

pub enum Action {
    Started,
    Worker(FromWorker),
    Dragging(bool),
    Query(String),
    /// Adds a term to the query.
    AddTerm(Term),
    Range(Option<(f64, f64)>),
    Principal(Option<u32>),
    ToggleSort,
    Cursor(usize),
    CloseDetail,
    Tab(Tab),
    ToggleLocalTime,
    ToggleColumn(Column),
    /// Show a finding's events: its search, over all time and principals.
    OpenFinding(String),
    Case(CaseEdit),
    /// Stars the open event, or unstars it.
    ToggleStar,
    /// The report is asked for.
    ReportStarted,
    /// A file the worker made was handed to the browser's download.
    ExportSaved,
}

impl AppState {
    /// The table's columns in sight, left to right.
    pub fn table_columns(&self) -> Vec<Column> {
        let mut columns = trailglass_core::store::columns::table_columns();
        columns.retain(|column| {
            let shown = column.table().is_some_and(|spec| spec.shown);
            shown != self.toggled_columns.contains(column)
        });
        columns
    }

    /// Applies one action. Pure: tested natively; the page wraps it in a reducer.
    pub fn apply(&mut self, action: Action) {
        let next = self;
        match action {
            Action::Started => next.phase = LoadPhase::Loading(Progress::default()),
            Action::Worker(message) => next.receive(message),
            Action::Dragging(on) => next.dragging = on,
            Action::Query(text) => next.request.query = text,
            Action::AddTerm(term) => {
                let addition = term.query_text();
                let query = next.request.query.trim_end();
                next.request.query = if query.trim_start().is_empty() {
                    addition
                } else {
                    format!("{query} {addition}")
                };
            }
            Action::Range(range) => next.request.range = range,
            Action::Principal(principal) => {
                next.request.principal = principal;
                next.principal_name = principal.and_then(|id| {
                    next.view
                        .principals
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| p.name.clone())
                });
                if principal.is_some() {
                    next.tab = Tab::Events;
                }
            }
            Action::ToggleSort => next.request.descending = !next.request.descending,
            Action::Cursor(position) => {
                next.cursor = Some(position.min(next.view.shown.saturating_sub(1)))
            }
            Action::CloseDetail => next.detail = None,
            Action::Tab(tab) => next.tab = tab,
            Action::ToggleLocalTime => next.local_time = !next.local_time,
            Action::OpenFinding(search) => {
                next.request.query = search;
                next.request.range = None;
                next.request.principal = None;
                next.principal_name = None;
                next.tab = Tab::Events;
            }
            Action::Case(edit) => next.edit_case(edit),
            Action::ToggleStar => {
                if let Some(detail) = &next.detail {
                    let event = case_event_of(detail);
                    let on = !next.case.event(&event.key).is_some_and(|e| e.starred);
                    next.edit_case(CaseEdit::Star(event, on));
                }
            }
            Action::ReportStarted => next.report_pending = true,
            Action::ExportSaved => next.report_pending = false,
            Action::ToggleColumn(column) => {
                if let Some(at) = next.toggled_columns.iter().position(|c| *c == column) {
                    next.toggled_columns.remove(at);
                } else {
                    next.toggled_columns.push(column);
                }
            }
        }
    }

    fn receive(&mut self, message: FromWorker) {
        match message {
            FromWorker::Progress(progress) => {
                if matches!(self.phase, LoadPhase::Loading(_)) {
                    self.phase = LoadPhase::Loading(progress);
                }
            }
            FromWorker::Loaded(summary) => {
                // Principal ids change with every load.
                self.lineage = None;
                // Done only once the view of the new data arrives, so counts and table agree.
                if summary.files == 0 {
                    self.phase = LoadPhase::Idle;
                    self.request = ViewRequest::default();
                    self.principal_name = None;
                    self.detail = None;
                }
                self.coverage = None;
                // The Sigma rules run again on the new data; until then their hits are the old data's.
                Rc::make_mut(&mut self.rule_lab).ran = false;
                self.load = Rc::new(summary);
            }
            FromWorker::Diagnostics { diagnostics, total } => {
                let load = Rc::make_mut(&mut self.load);
                load.diagnostics = diagnostics;
                load.diagnostics_total = total;
            }
            FromWorker::View(view) => {
                if self.loading() && self.load.files > 0 {
                    self.phase = LoadPhase::Done;
                    self.loads_done += 1;
                }
                self.query_error = None;
                // A principal named by the URL is opened once the data shows it.
                if self.request.principal.is_none() {
                    if let Some(name) = &self.principal_name {
                        if let Some(found) = view.principals.iter().find(|p| &p.name == name) {
                            self.request.principal = Some(found.id);
                        }
                    }
                }
                self.rows = Rc::new(view.rows.iter().cloned().enumerate().collect());
                self.cursor = self.cursor.filter(|&c| c < view.shown);
                self.view = Rc::new(*view);
            }
            FromWorker::QueryError { message, position } => {
                if self.loading() && self.load.files > 0 {
                    self.phase = LoadPhase::Done;
                    self.loads_done += 1;
                }
                self.query_error = Some((message, position));
            }
            FromWorker::Rows { offset, rows } => {
                Rc::make_mut(&mut self.rows).extend(
                    rows.into_iter()
                        .enumerate()
                        .map(|(i, row)| (offset + i, row)),
                );
            }
            FromWorker::Event(detail) => {
                self.case_notice = None;
                self.detail = Some(Rc::from(detail));
            }
            FromWorker::NotLoaded { key } => {
                self.case_notice = Some(format!(
                    "Event {key} is not in what is loaded: load the files it came from to open it."
                ));
            }
            FromWorker::Findings(findings) => self.findings = Rc::new(findings),
            FromWorker::RuleLab(lab) => self.rule_lab = Rc::from(lab),
            FromWorker::Export { .. } => {}
            FromWorker::Coverage(report) => self.coverage = Some(Rc::from(report)),
            FromWorker::Lineage { principal, chains } => {
                self.lineage = Some((principal, Rc::new(chains)));
            }
        }
    }

    fn edit_case(&mut self, edit: CaseEdit) {
        let full = "The case is full: it holds at most 20,000 events and 20,000 principal notes.";
        let case = Rc::make_mut(&mut self.case);
        let kept = match edit {
            CaseEdit::Star(event, on) => case.set_star(&event, on),
            CaseEdit::Note(event, note) => case.set_note(&event, &note),
            CaseEdit::Tags(event, tags) => case.set_tags(&event, &tags),
            CaseEdit::PrincipalNote(principal, note) => case.set_principal_note(&principal, &note),
            CaseEdit::Title(title) => {
                case.title = title.chars().take(1_000).collect();
                true
            }
            CaseEdit::Restored(stored) => {
                // Marks made before the kept case was read join it.
                let made = std::mem::replace(case, stored);
                case.merge(made);
                self.case_ready = true;
                true
            }
            CaseEdit::Imported(Ok(imported)) => {
                let events = imported.events.len();
                let refused = case.merge(imported);
                self.case_notice = Some(if refused == 0 {
                    format!("Imported a case file of {events} events.")
                } else {
                    format!("Imported a case file; {refused} entries did not fit. {full}")
                });
                true
            }
            CaseEdit::Imported(Err(why)) => {
                self.case_notice = Some(format!("Case file refused: {why}"));
                true
            }
            CaseEdit::Clear => {
                *case = Case::default();
                self.case_notice = None;
                true
            }
        };
        if !kept {
            self.case_notice = Some(full.to_owned());
        }
    }

    pub fn loading(&self) -> bool {
        matches!(self.phase, LoadPhase::Loading(_))
    }

    /// The shareable part of the state as a URL fragment (no event data:
    /// only the query as typed, the time range, the principal's name, the tab).
    pub fn to_fragment(&self) -> String {
        let mut parts = Vec::new();
        if !self.request.query.is_empty() {
            parts.push(format!("q={}", percent_encode(&self.request.query)));
        }
        if let Some((from, to)) = self.request.range {
            parts.push(format!("from={from}&to={to}"));
        }
        if let (Some(_), Some(name)) = (self.request.principal, &self.principal_name) {
            parts.push(format!("principal={}", percent_encode(name)));
        }
        if self.request.descending {
            parts.push("sort=desc".to_owned());
        }
        match self.tab {
            Tab::Events => {}
            Tab::Principals => parts.push("tab=principals".to_owned()),
            Tab::Report => parts.push("tab=report".to_owned()),
            Tab::Coverage => parts.push("tab=coverage".to_owned()),
            Tab::Findings => parts.push("tab=findings".to_owned()),
            Tab::Rules => parts.push("tab=rules".to_owned()),
            Tab::Case => parts.push("tab=case".to_owned()),
        }
        parts.join("&")
    }

    /// State restored from a URL fragment (with or without the leading `#`).
    pub fn from_fragment(fragment: &str) -> Self {
        let mut state = AppState::default();
        let (mut from, mut to) = (None, None);
        for pair in fragment.trim_start_matches('#').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            match key {
                "q" => state.request.query = value,
                "from" => from = value.parse::<f64>().ok(),
                "to" => to = value.parse::<f64>().ok(),
                "principal" if !value.is_empty() => state.principal_name = Some(value),
                "sort" => state.request.descending = value == "desc",
                "tab" => {
                    state.tab = match value.as_str() {
                        "principals" => Tab::Principals,
                        "report" => Tab::Report,
                        "coverage" => Tab::Coverage,
                        "findings" => Tab::Findings,
                        "rules" => Tab::Rules,
                        "case" => Tab::Case,
                        _ => Tab::Events,
                    }
                }
                _ => {}
            }
        }
        state.request.range = from.zip(to).filter(|(f, t)| f < t);
        state
    }
}

/// The open event as a case keeps it: its key, what lists it, its JSON.
pub fn case_event_of(detail: &EventDetail) -> CaseEvent {
    let row = &detail.row;
    CaseEvent {
        key: detail.key.clone(),
        time: row.text(Column::Time).to_owned(),
        event_name: row.text(Column::EventName).to_owned(),
        event_source: row.text(Column::EventSource).to_owned(),
        principal: row.text(Column::Principal).to_owned(),
        source_ip: row.text(Column::SourceIp).to_owned(),
        error_code: row.text(Column::ErrorCode).to_owned(),
        json: detail.text.clone(),
        ..CaseEvent::default()
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(value)) => {
                out.push(value);
                at += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                at += 1;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
