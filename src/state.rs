//! Owns the page's state and how actions change it: a pure reducer, so the
//! rules (what a new view resets, what typing keeps) live in one place.

use super::protocol::{
    EventDetail, FindingView, FromWorker, LoadSummary, Progress, ViewRequest, ViewResult,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use trailglass_core::analysis::lineage::Chain;
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
}

/// A query term that matches one value of a field exactly, or excludes it
/// (a facet's value, a field in an event's detail).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub field: String,
    pub value: String,
    pub exclude: bool,
}

impl Term {
    /// The term as query text: `field:"value"`, quoted so it is exact.
    pub fn query_text(&self) -> String {
        let escaped = self.value.replace('\\', "\\\\").replace('"', "\\\"");
        let sign = if self.exclude { "-" } else { "" };
        format!("{sign}{}:\"{escaped}\"", self.field)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    pub phase: LoadPhase,
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
    /// What the built-in detections found in what is loaded.
    pub findings: Rc<Vec<FindingView>>,
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
                self.load = Rc::new(summary);
            }
            FromWorker::View(view) => {
                if self.loading() && self.load.files > 0 {
                    self.phase = LoadPhase::Done;
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
            FromWorker::Event(detail) => self.detail = Some(Rc::from(detail)),
            FromWorker::Findings(findings) => self.findings = Rc::new(findings),
            FromWorker::Export { .. } => {}
            FromWorker::Coverage(report) => self.coverage = Some(Rc::from(report)),
            FromWorker::Lineage { principal, chains } => {
                self.lineage = Some((principal, Rc::new(chains)));
            }
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
mod tests {
    use super::*;

    #[test]
    fn an_added_term_is_exact_and_keeps_what_was_typed() {
        let mut state = AppState::default();
        state.apply(Action::AddTerm(Term {
            field: "userAgent".into(),
            value: r#"say "hi" \ bye"#.into(),
            exclude: false,
        }));
        assert_eq!(state.request.query, r#"userAgent:"say \"hi\" \\ bye""#);
        state.apply(Action::AddTerm(Term {
            field: "eventName".into(),
            value: "GetObject".into(),
            exclude: true,
        }));
        assert_eq!(
            state.request.query,
            r#"userAgent:"say \"hi\" \\ bye" -eventName:"GetObject""#
        );
        // Quoted, a value with wildcards in it stays exact.
        state.apply(Action::Query(String::new()));
        state.apply(Action::AddTerm(Term {
            field: "errorMessage".into(),
            value: "not * authorized?".into(),
            exclude: false,
        }));
        let parsed = trailglass_core::query::parse(&state.request.query).expect("it parses");
        let typed = trailglass_core::query::parse(r#"errorMessage:"not * authorized?""#).unwrap();
        let wild = trailglass_core::query::parse("errorMessage:not*authorized?").unwrap();
        assert_eq!(parsed, typed);
        assert_ne!(parsed, wild);
    }

    #[test]
    fn a_new_view_replaces_rows_and_clears_the_error() {
        let mut next = AppState {
            query_error: Some(("bad".into(), 3)),
            cursor: Some(50),
            ..AppState::default()
        };
        let view = ViewResult {
            shown: 10,
            ..ViewResult::default()
        };
        next.apply(Action::Worker(FromWorker::View(Box::new(view))));
        assert_eq!(next.query_error, None);
        assert_eq!(next.cursor, None, "a cursor past the new end is dropped");
        assert_eq!(next.view.shown, 10);
    }

    #[test]
    fn choosing_a_principal_goes_to_its_events_and_clear_resets_the_request() {
        let mut state = AppState {
            tab: Tab::Principals,
            ..AppState::default()
        };
        state.apply(Action::Query("eventName:Get*".into()));
        state.apply(Action::Principal(Some(4)));
        assert_eq!(state.tab, Tab::Events);
        assert_eq!(state.request.principal, Some(4));
        assert_eq!(state.request.query, "eventName:Get*");
        state.apply(Action::Worker(FromWorker::Loaded(LoadSummary::default())));
        assert_eq!(state.request, ViewRequest::default());
        assert_eq!(state.phase, LoadPhase::Idle);
    }

    #[test]
    fn a_principal_lineage_is_kept_until_the_next_load() {
        let mut state = AppState::default();
        state.apply(Action::Worker(FromWorker::Lineage {
            principal: 3,
            chains: Vec::new(),
        }));
        assert_eq!(state.lineage.as_ref().map(|(p, _)| *p), Some(3));
        state.apply(Action::Principal(Some(5)));
        assert!(
            state.lineage.is_some(),
            "shown only while it is for the open principal"
        );
        state.apply(Action::Worker(FromWorker::Loaded(LoadSummary {
            files: 1,
            ..LoadSummary::default()
        })));
        assert_eq!(state.lineage, None, "principal ids change with a load");
    }

    #[test]
    fn a_toggled_column_leaves_the_table_and_comes_back() {
        let mut state = AppState::default();
        let all = trailglass_core::store::columns::table_columns();
        assert_eq!(
            state.table_columns(),
            all,
            "every table column starts shown"
        );
        assert_eq!(all.first(), Some(&Column::Time));
        state.apply(Action::ToggleColumn(Column::UserAgent));
        assert!(!state.table_columns().contains(&Column::UserAgent));
        assert_eq!(state.table_columns().len(), all.len() - 1);
        state.apply(Action::ToggleColumn(Column::UserAgent));
        assert_eq!(state.table_columns(), all);
    }

    #[test]
    fn rows_arriving_for_a_window_are_kept_by_position() {
        let mut state = AppState::default();
        let row = |id: u32| trailglass_core::query::view::TableRow {
            id,
            ..Default::default()
        };
        state.apply(Action::Worker(FromWorker::Rows {
            offset: 200,
            rows: vec![row(7), row(9)],
        }));
        assert_eq!(state.rows.get(&201).map(|r| r.id), Some(9));
        assert_eq!(state.rows.len(), 2);
    }

    #[test]
    fn the_fragment_round_trips_the_shareable_state_only() {
        let mut state = AppState::default();
        state.request.query = "eventName:\"Delete Bucket\" & -errorCode:* #x=1 ü".into();
        state.request.range = Some((1_714_557_600_000.0, 1_714_561_200_000.0));
        state.request.descending = true;
        state.request.principal = Some(3);
        state.principal_name = Some("alice@example.com".into());
        state.tab = Tab::Principals;
        let fragment = state.to_fragment();
        assert!(
            !fragment.contains(' ') && !fragment.contains('#') && !fragment.contains('"'),
            "{fragment}"
        );
        let restored = AppState::from_fragment(&format!("#{fragment}"));
        assert_eq!(restored.request.query, state.request.query);
        assert_eq!(restored.request.range, state.request.range);
        assert!(restored.request.descending);
        assert_eq!(
            restored.principal_name.as_deref(),
            Some("alice@example.com")
        );
        // The id is not in the URL: it is found by name when the data arrives.
        assert_eq!(restored.request.principal, None);
        assert_eq!(restored.tab, Tab::Principals);
        assert_eq!(AppState::from_fragment("").request, ViewRequest::default());
        assert_eq!(AppState::from_fragment("#from=9&to=3").request.range, None);
    }

    #[test]
    fn the_coverage_tab_is_shared_and_its_report_dropped_by_a_new_load() {
        let mut state = AppState::from_fragment("tab=coverage");
        assert_eq!(state.tab, Tab::Coverage);
        assert_eq!(state.to_fragment(), "tab=coverage");
        let report = trailglass_core::analysis::coverage::CoverageReport::default();
        state.apply(Action::Worker(FromWorker::Coverage(Box::new(report))));
        assert!(state.coverage.is_some());
        state.apply(Action::Worker(FromWorker::Loaded(LoadSummary {
            files: 3,
            ..LoadSummary::default()
        })));
        assert_eq!(state.coverage, None, "a new load needs a new report");
    }

    #[test]
    fn opening_a_finding_searches_for_it_over_everything() {
        let mut state = AppState::from_fragment("tab=findings&from=1&to=2&principal=bob");
        assert_eq!(state.tab, Tab::Findings);
        assert_eq!(state.to_fragment(), "from=1&to=2&tab=findings");
        state.request.principal = Some(2);
        state.apply(Action::OpenFinding("action:StopLogging".into()));
        assert_eq!(state.tab, Tab::Events);
        assert_eq!(state.request.query, "action:StopLogging");
        assert_eq!((state.request.range, state.request.principal), (None, None));
        assert_eq!(state.principal_name, None);
    }

    #[test]
    fn a_principal_named_in_the_url_opens_when_the_view_lists_it() {
        let mut state = AppState::from_fragment("principal=root%20%28111%29");
        let mut view = ViewResult::default();
        view.principals
            .push(trailglass_core::query::view::PrincipalStats {
                id: 7,
                kind: "Root".into(),
                name: "root (111)".into(),
                events: 1,
                ..Default::default()
            });
        state.apply(Action::Worker(FromWorker::View(Box::new(view))));
        assert_eq!(state.request.principal, Some(7));
    }
}
