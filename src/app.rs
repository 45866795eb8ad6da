//! Owns the page: its state (`state::AppState` behind a reducer), its one
//! handle on the store worker ([`Client`]), the actions many components share
//! ([`PageActions`], given through a context), files dropped anywhere on it,
//! and the layout of the views. The hooks in `hooks` keep the worker's view,
//! the URL and the keyboard in step with the state.

use super::casefile;
use super::client::Client;
use super::download::download;
use super::files::{hand_over, stop_hand_over, take_dropped, walk_dropped, Picked};
use super::hooks::{
    initial_fragment, use_coverage_when, use_debounced_view, use_fragment_sync, use_lineage_of,
    use_shortcuts,
};
use super::protocol::RuleFile;
use super::rulefiles;
use super::state::{Action, AppState, CaseEdit, LoadPhase, Tab};
use super::ui::actions::PageActions;
use super::ui::case::{CasePanel, PrincipalNote};
use super::ui::coverage::CoverageView;
use super::ui::detail::EventDetailPanel;
use super::ui::facets::FacetSidebar;
use super::ui::findings::FindingsPanel;
use super::ui::format::{bytes, counted, thousands, visible};
use super::ui::lineage::LineageView;
use super::ui::principals::PrincipalsView;
use super::ui::report::LoadReport;
use super::ui::reveal::{use_drawn_signal, use_staged_reveal};
use super::ui::rules::RulesPanel;
use super::ui::table::EventTable;
use super::ui::timeline::TimelineChart;
use super::ui::toolbar::Toolbar;
use super::ui::topbar::TopBar;
use std::rc::Rc;
use yew::prelude::*;

struct PageState(AppState);

impl Reducible for PageState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(action);
        Rc::new(PageState(next))
    }
}

impl PartialEq for PageState {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| PageState(AppState::from_fragment(&initial_fragment())));
    // Made once: the reducer's dispatcher never changes, and neither do these.
    let dispatch = {
        let dispatcher = state.dispatcher();
        (*use_memo((), move |_| {
            Callback::from(move |action: Action| dispatcher.dispatch(action))
        }))
        .clone()
    };
    let client = {
        let dispatch = dispatch.clone();
        (*use_memo((), move |_| Client::spawn(dispatch))).clone()
    };
    let actions = {
        let (client, dispatch) = (client.clone(), dispatch.clone());
        (*use_memo((), move |_| PageActions {
            open_event: {
                let client = client.clone();
                Callback::from(move |id| client.event(id))
            },
            open_principal: dispatch.reform(|id| Action::Principal(Some(id))),
            add_term: dispatch.reform(Action::AddTerm),
            export: Callback::from(move |format| client.export(format)),
        }))
        .clone()
    };
    let app = &state.0;
    // The query, parsed once per change (chips and Copy as SQL read it).
    let parsed = use_memo(app.request.query.clone(), |query| {
        trailglass_core::query::parse(query).ok()
    });
    let loading = app.loading();
    let has_data = app.load.files > 0;

    use_debounced_view(
        &client,
        &app.request,
        has_data,
        app.query_error.is_none().then(|| app.view.request.clone()),
    );
    use_coverage_when(
        &client,
        app.tab == Tab::Coverage && app.coverage.is_none() && has_data && !loading,
    );
    // A new load has a new summary: its address tells loads apart.
    use_lineage_of(
        &client,
        app.request.principal,
        Rc::as_ptr(&app.load) as usize,
    );
    use_fragment_sync(app.to_fragment());
    use_shortcuts(dispatch.clone());

    let on_drag_over = {
        let dispatch = dispatch.clone();
        let dragging = app.dragging;
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            if !dragging {
                dispatch.emit(Action::Dragging(true));
            }
        })
    };
    let on_drag_leave = {
        let dispatch = dispatch.clone();
        Callback::from(move |event: DragEvent| {
            // Leaving for a child element is not leaving the page.
            if event.related_target().is_none() {
                dispatch.emit(Action::Dragging(false));
            }
        })
    };
    // The user's Sigma rule files: kept in this browser, sent to the worker
    // whenever they change (and once at start, from what was kept).
    let rule_files = use_mut_ref(Vec::<RuleFile>::new);
    {
        let (client, rule_files) = (client.clone(), rule_files.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let stored = rulefiles::stored().await;
                let files = rulefiles::merged(stored, rule_files.borrow().clone());
                *rule_files.borrow_mut() = files.clone();
                client.set_rules(files);
            });
        });
    }
    let add_rules = {
        let (client, rule_files, dispatch) = (client.clone(), rule_files.clone(), dispatch.clone());
        Callback::from(move |picked: Vec<Picked>| {
            let (client, rule_files) = (client.clone(), rule_files.clone());
            dispatch.emit(Action::Tab(Tab::Rules));
            wasm_bindgen_futures::spawn_local(async move {
                let added = rulefiles::read(picked).await;
                let files = rulefiles::merged(rule_files.borrow().clone(), added);
                *rule_files.borrow_mut() = files.clone();
                client.set_rules(files.clone());
                rulefiles::keep(files).await;
            });
        })
    };
    let remove_rules = {
        let (client, rule_files) = (client.clone(), rule_files.clone());
        Callback::from(move |name: String| {
            let mut files = rule_files.borrow().clone();
            files.retain(|f| f.name != name);
            *rule_files.borrow_mut() = files.clone();
            client.set_rules(files.clone());
            wasm_bindgen_futures::spawn_local(rulefiles::keep(files));
        })
    };
    // The case: read from this browser once, kept again whenever it changes.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.emit(Action::Case(CaseEdit::Restored(casefile::stored().await)));
            });
        });
    }
    {
        // Compared by address: every edit makes a new case.
        let case = state.0.case.clone();
        use_effect_with(
            (Rc::as_ptr(&case) as usize, state.0.case_ready),
            move |(_, ready)| {
                if *ready {
                    wasm_bindgen_futures::spawn_local(async move { casefile::keep(&case).await });
                }
            },
        );
    }
    let on_case = dispatch.reform(Action::Case);
    let case_panel = {
        let app = &state.0;
        let case = app.case.clone();
        let on_import = {
            let dispatch = dispatch.clone();
            Callback::from(move |file: web_sys::File| {
                let dispatch = dispatch.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    dispatch.emit(Action::Case(CaseEdit::Imported(
                        casefile::import(file).await,
                    )));
                });
            })
        };
        let on_export_case = {
            let case = case.clone();
            Callback::from(move |_| {
                download(
                    "trailglass-case.json".into(),
                    "application/json".into(),
                    case.to_file().as_bytes(),
                    false,
                )
            })
        };
        let on_export_timesketch = {
            let case = case.clone();
            Callback::from(move |_| {
                download(
                    "trailglass-case.timesketch.jsonl".into(),
                    "application/x-ndjson".into(),
                    &casefile::timesketch(&case),
                    false,
                )
            })
        };
        let on_report = {
            let (client, dispatch, case) = (client.clone(), dispatch.clone(), case.clone());
            Callback::from(move |_| {
                dispatch.emit(Action::ReportStarted);
                client.report((*case).clone(), super::files::all_picked());
            })
        };
        let on_open = {
            let client = client.clone();
            Callback::from(move |key: String| client.find_event(key))
        };
        html! {
            <CasePanel case={case} notice={app.case_notice.clone()} report_pending={app.report_pending}
                on_open={on_open} on_edit={on_case.clone()} on_import={on_import} on_export_case={on_export_case}
                on_export_timesketch={on_export_timesketch} on_report={on_report} />
        }
    };
    let on_drop = {
        let client = client.clone();
        let dispatch = dispatch.clone();
        let add_rules = add_rules.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dispatch.emit(Action::Dragging(false));
            let Some(transfer) = event.data_transfer() else {
                return;
            };
            let dropped = take_dropped(&transfer);
            let client = client.clone();
            let add_rules = add_rules.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let (rules, files): (Vec<Picked>, Vec<Picked>) = walk_dropped(dropped)
                    .await
                    .into_iter()
                    .partition(|p| rulefiles::is_rule_file(&p.name));
                if !rules.is_empty() {
                    add_rules.emit(rules);
                }
                if files.is_empty() {
                    return;
                }
                let total = files.len();
                let mut files = files.into_iter();
                hand_over(client.loads(), total, move |start, end| {
                    files.by_ref().take(end - start).collect()
                });
            });
        })
    };
    let on_cancel = {
        let client = client.clone();
        Callback::from(move |_: MouseEvent| {
            stop_hand_over(false);
            client.cancel();
        })
    };
    let on_query = dispatch.reform(Action::Query);
    let tab_button = |tab: Tab, label: &str, testid: &str| {
        let select = dispatch.reform(move |_: MouseEvent| Action::Tab(tab));
        html! {
            <button role="tab" class={classes!("tab", (app.tab == tab).then_some("active"))} aria-selected={(app.tab == tab).to_string()}
                data-testid={testid.to_owned()} onclick={select}>{ label.to_owned() }</button>
        }
    };

    let phase_name = match app.phase {
        LoadPhase::Idle => "idle",
        LoadPhase::Loading(_) => "loading",
        LoadPhase::Done => "done",
    };
    let view = &app.view;
    let revealed = use_staged_reveal(has_data, loading, view.facets.len());
    use_drawn_signal(app.loads_done, revealed, {
        let client = client.clone();
        Callback::from(move |()| client.shown())
    });
    let main_view = match app.tab {
        Tab::Events => html! {
            <EventTable shown={view.shown} rows={app.rows.clone()} descending={app.request.descending}
                cursor={app.cursor} columns={app.table_columns()}
                on_need={{ let client = client.clone(); Callback::from(move |offset| client.rows(offset)) }}
                on_cursor={dispatch.reform(Action::Cursor)}
                on_sort={dispatch.reform(|_| Action::ToggleSort)}
                on_toggle_column={dispatch.reform(Action::ToggleColumn)} />
        },
        Tab::Principals => html! {
            <PrincipalsView principals={view.principals.clone()} total={view.principals_total} local_time={app.local_time} />
        },
        Tab::Report => html! { <LoadReport load={app.load.clone()} /> },
        Tab::Coverage => html! {
            <CoverageView report={app.coverage.clone()}
                on_verify={{
                    let client = client.clone();
                    // The page holds the files: it hands them all over again, to be hashed.
                    Callback::from(move |signatures: Vec<String>| {
                        client.coverage(Some(super::files::all_picked()), signatures);
                    })
                }} />
        },
        Tab::Findings => html! {
            <FindingsPanel findings={app.findings.clone()} on_open={dispatch.reform(Action::OpenFinding)}
                sigma_ran={app.rule_lab.ran} on_navigator={{
                    let findings = app.findings.clone();
                    Callback::from(move |_| download("trailglass-findings.navigator.json".into(), "application/json".into(), &casefile::navigator(&findings), false))
                }} />
        },
        Tab::Case => case_panel,
        Tab::Rules => html! {
            <RulesPanel lab={app.rule_lab.clone()} on_add={add_rules.clone()} on_remove={remove_rules.clone()}
                on_open={dispatch.reform(Action::OpenFinding)} />
        },
    };

    html! {
        <ContextProvider<Client> context={client.clone()}>
        <ContextProvider<PageActions> context={actions}>
        <div class={classes!("page", app.dragging.then_some("dragging"), app.detail.is_some().then_some("with-detail"))}
             data-testid="drop-zone"
             ondragover={on_drag_over.clone()} ondragenter={on_drag_over}
             ondragleave={on_drag_leave} ondrop={on_drop}>
            <TopBar loading={loading} has_data={has_data} />
            <section class="status" data-testid="load-status" data-state={phase_name}>
                { status_line(app, on_cancel) }
            </section>
            if has_data {
                <Toolbar request={app.request.clone()} parsed={parsed} error={app.query_error.clone()}
                    view={view.clone()} on_query={on_query} />
                { principal_banner(app, dispatch.reform(|_: MouseEvent| Action::Principal(None)), &on_case) }
                if revealed.timeline() {
                    <TimelineChart timeline={view.timeline.clone()} zoomed={app.request.range.is_some()} local_time={app.local_time}
                        on_range={dispatch.reform(Action::Range)} on_toggle_local={dispatch.reform(|_: ()| Action::ToggleLocalTime)} />
                } else {
                    <section class="panel timeline timeline-pending" aria-busy="true"></section>
                }
                <nav class="tabs" role="tablist">
                    { tab_button(Tab::Events, "Events", "tab-events") }
                    { tab_button(Tab::Principals, "Who did what", "tab-principals") }
                    { tab_button(Tab::Report, &format!("Load report ({})", thousands(app.load.diagnostics_total)), "tab-report") }
                    { tab_button(Tab::Coverage, "Coverage", "tab-coverage") }
                    { tab_button(Tab::Findings, &format!("Findings ({})", app.findings.len()), "tab-findings") }
                    { tab_button(Tab::Rules, &format!("Rules ({})", app.rule_lab.rules.len()), "tab-rules") }
                    { tab_button(Tab::Case, &format!("Case ({})", app.case.events.len()), "tab-case") }
                </nav>
                <div class="workspace">
                    <FacetSidebar facets={view.facets.iter().take(revealed.facets()).cloned().collect::<Vec<_>>()}
                        shown={view.shown} />
                    <main class="main">{ main_view }</main>
                    if let Some(detail) = &app.detail {
                        <EventDetailPanel detail={detail.clone()} on_close={dispatch.reform(|_: ()| Action::CloseDetail)}
                            marked={app.case.event(&detail.key).cloned()} on_case={on_case.clone()} />
                    }
                </div>
            } else if !loading {
                <section class="empty">
                    <p class="drop-hint">{"Drop CloudTrail files or folders anywhere on this page"}</p>
                    <p class="muted">{"Gzipped S3 deliveries (AWSLogs/…/CloudTrail/…), zip archives, Event history downloads, lookup-events output, CloudTrail Lake and CloudWatch Logs exports."}</p>
                    <p class="muted">{"No logs at hand? Try the sample data: a generated day of a busy account."}</p>
                    <p class="muted small" data-testid="rules-ready">
                        { format!("Detections: {} Sigma rules ready, {} of them from your rule files. ",
                            thousands(app.rule_lab.rules.len()), thousands(app.rule_lab.rules.iter().filter(|r| !r.about.builtin).count())) }
                        <label class="link">{"Add Sigma rule files…"}
                            <input type="file" multiple=true accept=".yml,.yaml" class="visually-hidden" data-testid="rules-input-empty"
                                onchange={{
                                    let add_rules = add_rules.clone();
                                    Callback::from(move |event: Event| {
                                        let picked = super::ui::rules::picked_from(&event);
                                        if !picked.is_empty() {
                                            add_rules.emit(picked);
                                        }
                                    })
                                }} />
                        </label>
                    </p>
                    if app.load.diagnostics_total > 0 { <LoadReport load={app.load.clone()} /> }
                </section>
            }
            <div class="drop-overlay" aria-hidden="true"><div>{"Drop to load"}</div></div>
        </div>
        </ContextProvider<PageActions>>
        </ContextProvider<Client>>
    }
}

/// The open principal's banner: who, their counts, and who is behind their sessions.
fn principal_banner(
    app: &AppState,
    on_clear: Callback<MouseEvent>,
    on_case: &Callback<CaseEdit>,
) -> Html {
    let Some(id) = app.request.principal else {
        return Html::default();
    };
    let stats = app.view.principals.iter().find(|p| p.id == id);
    html! {
        <div class="principal-banner" data-testid="principal-page">
            <span class="muted">{"Principal"}</span>
            if let Some(p) = stats {
                <strong>{ visible(&p.name) }</strong>
                <span class={classes!("kind", format!("kind-{}", p.kind.to_lowercase()))}>{ p.kind_label.clone() }</span>
                <span class="mono small">{ visible(&p.group) }</span>
                <span>{ format!("{} events · {} errors · {} AccessDenied · {} source IPs", thousands(p.events as usize), thousands(p.errors as usize), thousands(p.denied as usize), p.source_ips) }</span>
            } else {
                <strong>{ format!("#{id}") }</strong>
            }
            <button class="button small" data-testid="clear-principal" onclick={on_clear}>{"Show everyone"}</button>
            if let Some(p) = stats {
                <PrincipalNote principal={p.name.clone()} note={app.case.principal_note(&p.name).to_owned()} on_edit={on_case.clone()} />
            }
            if let Some((_, chains)) = app.lineage.as_ref().filter(|(of, _)| *of == id) {
                <LineageView chains={chains.clone()} />
            }
        </div>
    }
}

fn status_line(app: &AppState, on_cancel: Callback<MouseEvent>) -> Html {
    let load = &app.load;
    match &app.phase {
        LoadPhase::Idle => html! { <span class="muted">{"No data loaded yet."}</span> },
        LoadPhase::Loading(progress) => {
            let fraction = if progress.bytes_total > 0.0 {
                progress.bytes_done / progress.bytes_total
            } else if progress.files_total > 0 {
                progress.files_done as f64 / progress.files_total as f64
            } else {
                0.0
            };
            let seconds = progress.elapsed_ms / 1000.0;
            let rate = if seconds > 0.0 {
                progress.events as f64 / seconds
            } else {
                0.0
            };
            html! {
                <div class="progress-row">
                    <progress data-testid="progress" max="1" value={fraction.min(1.0).to_string()} />
                    <span>{ format!("{} / {} files · {} · {} events · {} events/s",
                        thousands(progress.files_done), thousands(progress.files_total),
                        bytes(progress.bytes_done), thousands(progress.events), thousands(rate as usize)) }</span>
                    <button class="button small" data-testid="cancel" onclick={on_cancel}>{"Cancel"}</button>
                </div>
            }
        }
        LoadPhase::Done => {
            let span = match (&load.first_event, &load.last_event) {
                (Some(first), Some(last)) => {
                    format!("{} → {}", first.replace('T', " "), last.replace('T', " "))
                }
                _ => "no event times".to_owned(),
            };
            html! {
                <div class="summary-line" data-testid="load-summary" data-load-ms={format!("{:.0}", load.load_ms)}
                    data-text-bytes={format!("{:.0}", load.text_bytes)} data-store-bytes={format!("{:.0}", load.store_bytes)}
                    data-raw-kept-bytes={format!("{:.0}", load.raw_kept_bytes)}
                    data-raw-fullest-parser-bytes={format!("{:.0}", load.raw_fullest_parser_bytes)}
                    data-wasm-bytes={format!("{:.0}", load.wasm_memory_bytes)} data-events={load.events.to_string()}
                    data-parsers={load.parsers.to_string()} data-split-files={load.split_files.to_string()}
                    data-parsed-again={load.parsed_again.to_string()}>
                    <span data-testid="file-count" data-total={load.files.to_string()}>{ counted(load.files, "file", "files") }</span>
                    <span>{ bytes(load.bytes_read) }</span>
                    <span>{ format!("{} events", thousands(load.events)) }</span>
                    <span>{"duplicates dropped: "}<b data-testid="duplicate-count">{ thousands(load.duplicates) }</b></span>
                    <span data-testid="time-span">{ span }</span>
                    <span class={classes!((load.diagnostics_total > 0).then_some("warn"))} data-testid="diagnostic-count">{ counted(load.diagnostics_total, "problem", "problems") }</span>
                    <span class="muted">{ match (load.parsers, load.split_files) {
                        (0, _) => format!("loaded in {:.2} s", load.load_ms / 1000.0),
                        (parsers, 0) => format!("loaded in {:.2} s on {parsers} parsers", load.load_ms / 1000.0),
                        (parsers, 1) => format!("loaded in {:.2} s on {parsers} parsers (a big file split across them)", load.load_ms / 1000.0),
                        (parsers, n) => format!("loaded in {:.2} s on {parsers} parsers ({n} big files split across them)", load.load_ms / 1000.0),
                    } }</span>
                    if load.parsed_again > 0 {
                        <span class="muted">{ format!("({} parsed again after a parser stopped)", counted(load.parsed_again, "batch", "batches")) }</span>
                    }
                    if load.cancelled { <strong class="warn">{"cancelled: what was read so far is kept"}</strong> }
                    if load.files_refused > 0 {
                        <strong class="warn" data-testid="files-refused">
                            { format!("{} files not loaded: memory limit reached (see the load report)", thousands(load.files_refused)) }
                        </strong>
                    }
                </div>
            }
        }
    }
}
