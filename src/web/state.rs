//! Owns the page's state and how actions change it: a pure reducer, so the
//! rules (what a new view resets, what typing keeps) live in one place.

use super::protocol::{EventDetail, FromWorker, LoadSummary, Progress, ViewRequest, ViewResult};
use crate::view::TableRow;
use std::collections::BTreeMap;
use std::rc::Rc;

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
    pub hidden_columns: Vec<&'static str>,
}

pub enum Action {
    Started,
    Worker(FromWorker),
    Dragging(bool),
    Query(String),
    Range(Option<(f64, f64)>),
    Principal(Option<u32>),
    ToggleSort,
    Cursor(usize),
    CloseDetail,
    Tab(Tab),
    ToggleLocalTime,
    ToggleColumn(&'static str),
}

impl AppState {
    /// Applies one action. Pure: tested natively; the page wraps it in a reducer.
    pub fn apply(&mut self, action: Action) {
        let next = self;
        match action {
            Action::Started => next.phase = LoadPhase::Loading(Progress::default()),
            Action::Worker(message) => next.receive(message),
            Action::Dragging(on) => next.dragging = on,
            Action::Query(text) => next.request.query = text,
            Action::Range(range) => next.request.range = range,
            Action::Principal(principal) => {
                next.request.principal = principal;
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
            Action::ToggleColumn(column) => {
                if let Some(at) = next.hidden_columns.iter().position(|c| *c == column) {
                    next.hidden_columns.remove(at);
                } else {
                    next.hidden_columns.push(column);
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
                // Done only once the view of the new data arrives, so counts and table agree.
                if summary.files == 0 {
                    self.phase = LoadPhase::Idle;
                    self.request = ViewRequest::default();
                    self.detail = None;
                }
                self.load = Rc::new(summary);
            }
            FromWorker::View(view) => {
                if self.loading() && self.load.files > 0 {
                    self.phase = LoadPhase::Done;
                }
                self.query_error = None;
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
            FromWorker::Export { .. } => {}
        }
    }

    pub fn loading(&self) -> bool {
        matches!(self.phase, LoadPhase::Loading(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn rows_arriving_for_a_window_are_kept_by_position() {
        let mut state = AppState::default();
        let row = |id: u32| crate::view::TableRow {
            id,
            time: String::new(),
            principal: String::new(),
            kind: String::new(),
            event_name: String::new(),
            event_source: String::new(),
            region: String::new(),
            source_ip: String::new(),
            error_code: String::new(),
            user_agent: String::new(),
            account: String::new(),
            denied: false,
        };
        state.apply(Action::Worker(FromWorker::Rows {
            offset: 200,
            rows: vec![row(7), row(9)],
        }));
        assert_eq!(state.rows.get(&201).map(|r| r.id), Some(9));
        assert_eq!(state.rows.len(), 2);
    }
}
