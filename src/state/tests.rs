//! Tests of `state`.

use super::*;

#[test]
fn a_term_known_by_its_start_matches_the_values_that_start_so() {
    let mut state = AppState::default();
    state.apply(Action::AddTerm(Term {
        field: "userAgent".into(),
        value: "Mozilla/5.0 (a.b) [x]".into(),
        exclude: false,
        prefix: true,
    }));
    let query = trailglass_core::query::parse(&state.request.query).expect("it parses");
    let test = |agent: &str| {
        let json = format!(r#"{{"eventName":"GetObject","userAgent":"{agent}"}}"#);
        let mut loader = trailglass_core::load::ingest::Loader::new(Default::default());
        loader.load("t.json", json.as_bytes());
        let order = trailglass_core::query::view::time_order(&loader.store);
        let filter = trailglass_core::query::filter::Filter {
            query: query.clone(),
            range: None,
            principal: None,
        };
        trailglass_core::query::filter::select(&loader.store, &order, &filter).len()
    };
    assert_eq!(test("Mozilla/5.0 (a.b) [x] and then ten megabytes"), 1);
    assert_eq!(test("Mozilla/5.0 (aXb) [x]"), 0, "dots are literal");
    assert_eq!(test("mozilla/5.0 (a.b) [x]"), 0, "case counts");
    assert_eq!(test("see Mozilla/5.0 (a.b) [x]"), 0, "from the start");
}

#[test]
fn an_added_term_is_exact_and_keeps_what_was_typed() {
    let mut state = AppState::default();
    state.apply(Action::AddTerm(Term {
        field: "userAgent".into(),
        value: r#"say "hi" \ bye"#.into(),
        exclude: false,
        prefix: false,
    }));
    assert_eq!(state.request.query, r#"userAgent:"say \"hi\" \\ bye""#);
    state.apply(Action::AddTerm(Term {
        field: "eventName".into(),
        value: "GetObject".into(),
        exclude: true,
        prefix: false,
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
        prefix: false,
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

#[test]
fn the_rule_lab_is_shared_and_a_new_load_waits_for_its_run() {
    let mut state = AppState::from_fragment("tab=rules");
    assert_eq!(state.tab, Tab::Rules);
    assert_eq!(state.to_fragment(), "tab=rules");
    state.apply(Action::Worker(FromWorker::RuleLab(Box::new(RuleLab {
        ran: true,
        ..RuleLab::default()
    }))));
    assert!(state.rule_lab.ran);
    state.apply(Action::Worker(FromWorker::Loaded(LoadSummary {
        files: 2,
        ..LoadSummary::default()
    })));
    assert!(!state.rule_lab.ran, "the rules run again on the new data");
}

fn detail(key: &str) -> crate::protocol::EventDetail {
    crate::protocol::EventDetail {
        id: 3,
        key: key.into(),
        row: Default::default(),
        facts: Vec::new(),
        lines: Vec::new(),
        text: format!("{{\"eventID\":\"{key}\"}}"),
        lineage: None,
        matches: Vec::new(),
    }
}

#[test]
fn the_star_key_toggles_the_open_event_and_marks_made_early_join_the_kept_case() {
    let mut state = AppState::default();
    state.apply(Action::ToggleStar);
    assert!(state.case.is_empty(), "no event open: nothing to star");
    state.apply(Action::Worker(FromWorker::Event(Box::new(detail("e-1")))));
    state.apply(Action::ToggleStar);
    assert!(state.case.event("e-1").is_some_and(|e| e.starred));
    assert_eq!(
        state.case.event("e-1").unwrap().json,
        "{\"eventID\":\"e-1\"}"
    );
    // The case kept in the browser arrives after the mark: both stay, and only now may it be kept again.
    assert!(!state.case_ready);
    let mut kept = trailglass_core::case::Case::default();
    kept.set_star(&crate::state::case_event_of(&detail("e-0")), true);
    state.apply(Action::Case(CaseEdit::Restored(kept)));
    assert!(state.case_ready);
    assert_eq!(state.case.events.len(), 2);
    state.apply(Action::ToggleStar);
    assert!(
        state.case.event("e-1").is_none(),
        "unstarred and nothing else on it"
    );
}

#[test]
fn a_refused_case_file_is_said_and_changes_nothing_and_a_missing_event_is_said() {
    let mut state = AppState::default();
    state.apply(Action::Worker(FromWorker::Event(Box::new(detail("e-1")))));
    state.apply(Action::ToggleStar);
    state.apply(Action::Case(CaseEdit::Imported(Err(
        "x.json: not a case".into()
    ))));
    assert_eq!(
        state.case_notice.as_deref(),
        Some("Case file refused: x.json: not a case")
    );
    assert_eq!(state.case.events.len(), 1);
    state.apply(Action::Worker(FromWorker::NotLoaded { key: "e-9".into() }));
    assert!(state
        .case_notice
        .as_deref()
        .unwrap()
        .contains("e-9 is not in what is loaded"));
    state.apply(Action::Worker(FromWorker::Event(Box::new(detail("e-1")))));
    assert_eq!(state.case_notice, None, "an event opened clears it");
    state.apply(Action::Tab(Tab::Case));
    assert_eq!(state.to_fragment(), "tab=case");
    assert_eq!(AppState::from_fragment("tab=case").tab, Tab::Case);
}

#[test]
fn the_report_is_pending_until_its_file_is_saved() {
    let mut state = AppState::default();
    state.apply(Action::ReportStarted);
    assert!(state.report_pending);
    state.apply(Action::ExportSaved);
    assert!(!state.report_pending);
}

#[test]
fn problems_found_after_the_load_join_its_report_and_change_nothing_else() {
    let mut state = AppState::default();
    state.apply(Action::Worker(FromWorker::Loaded(LoadSummary {
        files: 35,
        events: 310,
        load_ms: 812.0,
        parsed_again: 2,
        ..LoadSummary::default()
    })));
    let lost = trailglass_core::diagnostic::Diagnostic::whole_file(
        "(events kept by parser 2)",
        "the parser stopped after loading, or its answers arrived damaged twice",
    );
    state.apply(Action::Worker(FromWorker::Diagnostics {
        diagnostics: vec![lost.clone()],
        total: 1,
    }));
    assert_eq!(state.load.diagnostics, vec![lost]);
    assert_eq!(state.load.diagnostics_total, 1);
    assert_eq!((state.load.files, state.load.events), (35, 310));
    assert_eq!((state.load.load_ms, state.load.parsed_again), (812.0, 2));
}

#[test]
fn a_load_counts_as_done_once_its_first_view_arrives_and_only_then() {
    let mut state = AppState::default();
    state.apply(Action::Started);
    state.apply(Action::Worker(FromWorker::Loaded(LoadSummary {
        files: 3,
        ..LoadSummary::default()
    })));
    assert_eq!(state.loads_done, 0, "the summary alone is not on screen");
    state.apply(Action::Worker(FromWorker::View(Box::default())));
    assert_eq!(state.loads_done, 1);
    assert_eq!(state.phase, LoadPhase::Done);
    state.apply(Action::Worker(FromWorker::View(Box::default())));
    assert_eq!(state.loads_done, 1, "a later query's view is not a load");
    state.apply(Action::Started);
    state.apply(Action::Worker(FromWorker::Loaded(LoadSummary {
        files: 1,
        ..LoadSummary::default()
    })));
    state.apply(Action::Worker(FromWorker::QueryError {
        message: "bad".into(),
        position: 0,
    }));
    assert_eq!(
        state.loads_done, 2,
        "a load whose view is a query error is done too"
    );
}
