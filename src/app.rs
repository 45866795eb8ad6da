//! Owns the page: getting files in (drop, pickers, sample), load progress,
//! and laying out the views. State is `state::AppState` behind a reducer; the
//! worker is the only source of data, and requests to it are debounced.

use super::codec::StructuredClone;
use super::files::{
    from_file_range, hand_over, parsed_bytes, picked, stop_hand_over, take_dropped, walk_dropped,
    Request,
};
use super::protocol::{ExportFormat, FromWorker, ToWorker, ViewRequest};
use super::state::{Action, AppState, LoadPhase, Tab};
use super::ui::coverage::CoverageView;
use super::ui::detail::EventDetailPanel;
use super::ui::facets::FacetSidebar;
use super::ui::findings::FindingsPanel;
use super::ui::format::{bytes, counted, thousands, visible};
use super::ui::lineage::LineageView;
use super::ui::principals::PrincipalsView;
use super::ui::report::LoadReport;
use super::ui::reveal::use_staged_reveal;
use super::ui::search::SearchBar;
use super::ui::table::{EventTable, WINDOW};
use super::ui::timeline::TimelineChart;
use super::worker::IngestWorker;
use gloo::timers::callback::Timeout;
use gloo::worker::Spawnable;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Sizes of the built-in sample a user can pick; the first is the default.
pub const SAMPLE_SIZES: [(usize, &str); 4] = [
    (20_000, "20k events"),
    (200_000, "200k events"),
    (1_000_000, "1M events"),
    (2_000, "2k events"),
];
/// Typing settles this long before the worker is asked.
const DEBOUNCE_MS: u32 = 150;

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

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's gzip encoder (web-sys has it only behind its unstable APIs).
    type CompressionStream;
    #[wasm_bindgen(constructor)]
    fn new(format: &str) -> CompressionStream;
    /// A `ReadableStream`, seen from the binding below.
    #[wasm_bindgen(js_name = ReadableStream)]
    type Readable;
    #[wasm_bindgen(method, js_name = pipeThrough)]
    fn pipe_through(this: &Readable, transform: &CompressionStream) -> web_sys::ReadableStream;
}

/// A blob of `parts` (byte arrays or blobs) typed `mime`.
fn blob(parts: &wasm_bindgen::JsValue, mime: &str) -> Option<web_sys::Blob> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_blob_sequence_and_options(parts, &options).ok()
}

/// Saves bytes the worker produced as a file, through a blob URL (never a
/// network request); gzipped first by the browser when `gzip` is set.
fn download(file_name: String, mime: String, bytes: &[u8], gzip: bool) {
    let Some(plain) = blob(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)), &mime) else {
        return;
    };
    if !gzip {
        save(&file_name, &plain);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let gzipped = plain
            .stream()
            .unchecked_into::<Readable>()
            .pipe_through(&CompressionStream::new("gzip"));
        let Ok(response) = web_sys::Response::new_with_opt_readable_stream(Some(&gzipped)) else {
            return;
        };
        let Ok(promise) = response.blob() else { return };
        if let Ok(body) = wasm_bindgen_futures::JsFuture::from(promise).await {
            if let Some(typed) = blob(&js_sys::Array::of1(&body), &mime) {
                save(&file_name, &typed);
            }
        }
    });
}

/// Hands `blob` to the browser's download, named `file_name`.
fn save(file_name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(anchor) = document.create_element("a") {
            let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
            anchor.set_href(&url);
            anchor.set_download(file_name);
            anchor.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Closes the `<details>` menu an item was picked from.
fn close_menu(event: &MouseEvent) {
    let menu = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("details").ok().flatten());
    if let Some(menu) = menu {
        let _ = menu.remove_attribute("open");
    }
}

/// A query term that matches one value exactly.
fn term(field: &str, value: &str, exclude: bool) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{}{field}:\"{escaped}\"", if exclude { "-" } else { "" })
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let fragment = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        PageState(AppState::from_fragment(&fragment))
    });
    let pending_rows = use_mut_ref(HashSet::<usize>::new);
    let bridge = {
        let dispatcher = state.dispatcher();
        let pending_rows = pending_rows.clone();
        use_memo((), move |_| {
            IngestWorker::spawner()
                .callback(move |output| match output {
                    FromWorker::Export {
                        file_name,
                        mime,
                        bytes,
                        gzip,
                    } => download(file_name, mime, &bytes, gzip),
                    other => {
                        match &other {
                            FromWorker::Progress(progress) => parsed_bytes(progress.bytes_done),
                            FromWorker::View(_) => pending_rows.borrow_mut().clear(),
                            FromWorker::Rows { offset, .. } => {
                                pending_rows.borrow_mut().remove(offset);
                            }
                            _ => {}
                        }
                        dispatcher.dispatch(Action::Worker(other));
                    }
                })
                .encoding::<StructuredClone>()
                .spawn_with_loader(&super::worker_script(&format!(
                    "{}{}",
                    super::WORKER_LOADER,
                    // The test-only fault switch reaches the workers this way (see `fault`).
                    super::fault::forwarded(&super::fault::location_search())
                )))
        })
    };
    let send = {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |message: Request| {
            let starts = match &message {
                ToWorker::Load(slice) => slice.first,
                ToWorker::LoadSample { .. } => true,
                _ => false,
            };
            if starts {
                dispatcher.dispatch(Action::Started);
            }
            bridge.send(message);
        })
    };

    // The view follows the request, debounced; the worker answers with a whole view.
    // It is also sent when data first arrives (a request restored from the URL),
    // unless the worker already answers it: after a load it sends the view of
    // the request it last had, and computing it twice costs a million rows' work.
    {
        let send = send.clone();
        let has_data = state.0.load.files > 0;
        let answered = state
            .0
            .query_error
            .is_none()
            .then(|| state.0.view.request.clone());
        use_effect_with(
            (state.0.request.clone(), has_data),
            move |(request, has_data): &(ViewRequest, bool)| {
                let request = request.clone();
                let needed = *has_data && answered.as_ref() != Some(&request);
                let timeout = needed
                    .then(|| Timeout::new(DEBOUNCE_MS, move || send.emit(ToWorker::View(request))));
                move || drop(timeout)
            },
        );
    }
    // The coverage report is asked for when its tab is open and the data is new.
    {
        let send = send.clone();
        let app = &state.0;
        let wanted = app.tab == Tab::Coverage
            && app.coverage.is_none()
            && app.load.files > 0
            && !app.loading();
        use_effect_with(wanted, move |wanted| {
            if *wanted {
                send.emit(ToWorker::Coverage { verify: None });
            }
        });
    }
    // The open principal's lineage is asked for once per principal and load.
    {
        let bridge = bridge.clone();
        // The load is told apart by its summary's address: a new load, a new summary.
        let key = (
            state.0.request.principal,
            Rc::as_ptr(&state.0.load) as usize,
        );
        use_effect_with(key, move |(principal, _)| {
            if let Some(principal) = *principal {
                bridge.send(ToWorker::Lineage { principal });
            }
        });
    }
    // The URL fragment follows the shareable state (replaced, not pushed: no history spam).
    {
        let fragment = state.0.to_fragment();
        use_effect_with(fragment, move |fragment| {
            if let Some(window) = web_sys::window() {
                let location = window.location();
                let url = if fragment.is_empty() {
                    location.pathname().unwrap_or_default() + &location.search().unwrap_or_default()
                } else {
                    format!("#{fragment}")
                };
                if let Ok(history) = window.history() {
                    let _ = history.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&url),
                    );
                }
            }
        });
    }

    // Keyboard: "/" focuses search, "f" shows the findings, Escape closes the detail.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = gloo::events::EventListener::new(
                &gloo::utils::document(),
                "keydown",
                move |event| {
                    let event: &web_sys::KeyboardEvent = event.unchecked_ref();
                    let typing = event
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
                    match event.key().as_str() {
                        "Escape" => dispatcher.dispatch(Action::CloseDetail),
                        "f" if !typing
                            && !event.ctrl_key()
                            && !event.meta_key()
                            && !event.alt_key() =>
                        {
                            dispatcher.dispatch(Action::Tab(Tab::Findings))
                        }
                        "/" if !typing => {
                            event.prevent_default();
                            if let Some(search) = gloo::utils::document()
                                .query_selector("[data-testid=search]")
                                .ok()
                                .flatten()
                            {
                                let _ = search.unchecked_into::<web_sys::HtmlElement>().focus();
                            }
                        }
                        _ => {}
                    }
                },
            );
            move || drop(listener)
        });
    }

    let app = &state.0;
    let dispatch = |make: fn(()) -> Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(make(())))
    };
    let on_pick = {
        let send = send.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(list) = input.files() else {
                return;
            };
            let total = list.length() as usize;
            if total == 0 {
                input.set_value("");
            }
            // The input is cleared once every handle is taken from its list.
            hand_over(send.clone(), total, move |start, end| {
                let files = from_file_range(&list, start as u32, end as u32);
                if end == total {
                    input.set_value("");
                }
                files
            });
        })
    };
    let on_drag_over = {
        let dispatcher = state.dispatcher();
        let dragging = app.dragging;
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            if !dragging {
                dispatcher.dispatch(Action::Dragging(true));
            }
        })
    };
    let on_drag_leave = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: DragEvent| {
            // Leaving for a child element is not leaving the page.
            if event.related_target().is_none() {
                dispatcher.dispatch(Action::Dragging(false));
            }
        })
    };
    let on_drop = {
        let send = send.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dispatcher.dispatch(Action::Dragging(false));
            let Some(transfer) = event.data_transfer() else {
                return;
            };
            let dropped = take_dropped(&transfer);
            let send = send.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let files = walk_dropped(dropped).await;
                let total = files.len();
                let mut files = files.into_iter();
                hand_over(send, total, move |start, end| {
                    files.by_ref().take(end - start).collect()
                });
            });
        })
    };
    let sample_size = use_state(|| SAMPLE_SIZES[0].0);
    let on_sample = {
        let send = send.clone();
        let events = *sample_size;
        Callback::from(move |_: MouseEvent| send.emit(ToWorker::LoadSample { events }))
    };
    let on_sample_size = {
        let sample_size = sample_size.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Ok(events) = select.value().parse() {
                sample_size.set(events);
            }
        })
    };
    let on_clear = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| {
            stop_hand_over(true);
            send.emit(ToWorker::Clear)
        })
    };
    let on_cancel = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| {
            stop_hand_over(false);
            send.emit(ToWorker::Cancel)
        })
    };
    let on_query = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::Query(text)))
    };
    let add_term = {
        let dispatcher = state.dispatcher();
        let query = app.request.query.clone();
        Callback::from(move |(field, value, exclude): (String, String, bool)| {
            let addition = term(&field, &value, exclude);
            let next = if query.trim().is_empty() {
                addition
            } else {
                format!("{} {addition}", query.trim_end())
            };
            dispatcher.dispatch(Action::Query(next));
        })
    };
    let on_range = {
        let dispatcher = state.dispatcher();
        Callback::from(move |range| dispatcher.dispatch(Action::Range(range)))
    };
    let on_principal = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: Option<u32>| dispatcher.dispatch(Action::Principal(id)))
    };
    let on_need = {
        let bridge = bridge.clone();
        let pending_rows: Rc<RefCell<HashSet<usize>>> = pending_rows.clone();
        Callback::from(move |offset: usize| {
            if pending_rows.borrow_mut().insert(offset) {
                bridge.send(ToWorker::Rows {
                    offset,
                    count: WINDOW,
                });
            }
        })
    };
    let on_open = {
        let bridge = bridge.clone();
        Callback::from(move |id: u32| bridge.send(ToWorker::Event { id }))
    };
    let on_export = {
        let bridge = bridge.clone();
        Callback::from(move |json: bool| {
            let format = if json {
                ExportFormat::PrincipalsJson
            } else {
                ExportFormat::PrincipalsCsv
            };
            bridge.send(ToWorker::Export { format });
        })
    };
    let export_button = |format: ExportFormat, label: &str, testid: &str| {
        let bridge = bridge.clone();
        html! {
            <button class="menu-item" data-testid={testid.to_owned()}
                onclick={Callback::from(move |event: MouseEvent| {
                    close_menu(&event);
                    bridge.send(ToWorker::Export { format });
                })}>{ label.to_owned() }</button>
        }
    };
    // SQL is written here, in the click, so the clipboard accepts it.
    let sql_button = |dialect: trailglass_core::query::sql::Dialect, label: &str, testid: &str| {
        let request = app.request.clone();
        html! {
            <button class="menu-item" data-testid={testid.to_owned()}
                onclick={Callback::from(move |event: MouseEvent| {
                    close_menu(&event);
                    let Ok(query) = trailglass_core::query::parse(&request.query) else { return };
                    let range = request.range.map(|(from, to)| (from as i64, to as i64));
                    let sql = trailglass_core::query::sql::to_sql(&query, range, dialect);
                    if let Some(window) = web_sys::window() {
                        let _ = window.navigator().clipboard().write_text(&sql);
                    }
                })}>{ label.to_owned() }</button>
        }
    };
    // The query's top-level terms as removable chips.
    let chips: Vec<Html> = {
        let parts = match trailglass_core::query::parse(&app.request.query) {
            Ok(trailglass_core::query::Query::And(parts)) => parts,
            Ok(trailglass_core::query::Query::All) | Err(_) => Vec::new(),
            Ok(single) => vec![single],
        };
        (0..parts.len())
            .map(|at| {
                let rest: Vec<trailglass_core::query::Query> = parts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != at)
                    .map(|(_, q)| q.clone())
                    .collect();
                let remaining = match rest.len() {
                    0 => String::new(),
                    1 => rest[0].to_string(),
                    _ => trailglass_core::query::Query::And(rest).to_string(),
                };
                let on_query = on_query.clone();
                let label = parts[at].to_string();
                html! {
                    <span class="chip term" data-testid="query-chip">
                        { visible(&label) }
                        <button class="chip-remove" aria-label={format!("Remove {label}")} title="Remove"
                            onclick={Callback::from(move |_: MouseEvent| on_query.emit(remaining.clone()))}>{"×"}</button>
                    </span>
                }
            })
            .collect()
    };
    let tab_button = |tab: Tab, label: &str, testid: &str| {
        let dispatcher = state.dispatcher();
        html! {
            <button role="tab" class={classes!("tab", (app.tab == tab).then_some("active"))} aria-selected={(app.tab == tab).to_string()}
                data-testid={testid.to_owned()} onclick={Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Tab(tab)))}>{ label.to_owned() }</button>
        }
    };

    let phase_name = match app.phase {
        LoadPhase::Idle => "idle",
        LoadPhase::Loading(_) => "loading",
        LoadPhase::Done => "done",
    };
    let loading = app.loading();
    let has_data = app.load.files > 0;
    let view = &app.view;
    let revealed = use_staged_reveal(has_data, loading, view.facets.len());
    let principal_banner = app.request.principal.map(|id| {
        let stats = view.principals.iter().find(|p| p.id == id);
        let clear = on_principal.reform(|_: MouseEvent| None);
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
                <button class="button small" data-testid="clear-principal" onclick={clear}>{"Show everyone"}</button>
                if let Some((_, chains)) = app.lineage.as_ref().filter(|(of, _)| *of == id) {
                    <LineageView chains={chains.clone()} on_principal={on_principal.reform(Some)} on_open={on_open.clone()} />
                }
            </div>
        }
    });

    html! {
        <div class={classes!("page", app.dragging.then_some("dragging"), app.detail.is_some().then_some("with-detail"))}
             data-testid="drop-zone"
             ondragover={on_drag_over.clone()} ondragenter={on_drag_over}
             ondragleave={on_drag_leave} ondrop={on_drop}>
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"◆"}</span>
                    <h1>{"Trailglass"}</h1>
                    <span class="tagline">{"CloudTrail logs, in your browser. Nothing you open leaves this machine."}</span>
                </div>
                <nav class="actions">
                    <label class="button primary" title="Open CloudTrail files (.json, .json.gz, .zip, .csv)">
                        {"Open files"}
                        <input type="file" multiple=true class="visually-hidden" data-testid="file-input" onchange={on_pick.clone()} />
                    </label>
                    <label class="button" title="Open a whole folder, e.g. AWSLogs/">
                        {"Open folder"}
                        <input type="file" webkitdirectory=true multiple=true class="visually-hidden" data-testid="folder-input" onchange={on_pick} />
                    </label>
                    <span class="sample">
                        <button class="button" data-testid="sample-data" onclick={on_sample} disabled={loading}>{"Load sample data"}</button>
                        <select class="sample-size" data-testid="sample-size" aria-label="Sample size" onchange={on_sample_size} disabled={loading}>
                            { for SAMPLE_SIZES.iter().map(|(n, label)| html! { <option value={n.to_string()} selected={*n == *sample_size}>{ *label }</option> }) }
                        </select>
                    </span>
                    <button class="button ghost" data-testid="clear" onclick={on_clear} disabled={loading || !has_data}>{"Clear"}</button>
                </nav>
            </header>
            <section class="status" data-testid="load-status" data-state={phase_name}>
                { status_line(app, on_cancel) }
            </section>
            if has_data {
                <div class="toolbar">
                    <SearchBar query={AttrValue::from(app.request.query.clone())} error={app.query_error.clone()}
                        facets={view.facets.clone()} on_query={on_query} />
                    <span class="count" data-testid="event-count" data-total={view.total.to_string()} data-shown={view.shown.to_string()}
                        data-query={view.request.query.clone()}
                        data-elapsed-ms={format!("{:.1}", view.elapsed_ms)} title={format!("answered in {:.0} ms", view.elapsed_ms)}>
                        { if view.shown == view.total { format!("{} events", thousands(view.total)) }
                          else { format!("{} of {} events", thousands(view.shown), thousands(view.total)) } }
                    </span>
                    <details class="menu" data-testid="export-menu">
                        <summary class="button small">{"Export"}</summary>
                        <div class="menu-items">
                            <span class="muted">{ format!("The {} events in view", thousands(view.shown)) }</span>
                            { export_button(ExportFormat::EventsJson, "CloudTrail JSON (.json)", "export-json") }
                            { export_button(ExportFormat::EventsJsonGz, "CloudTrail JSON, gzipped (.json.gz)", "export-json-gz") }
                            { export_button(ExportFormat::EventsCsv, "CSV, main columns (.csv)", "export-csv") }
                            <span class="muted">{"The same question, for a bigger engine"}</span>
                            { sql_button(trailglass_core::query::sql::Dialect::Athena, "Copy as SQL for Amazon Athena", "copy-sql-athena") }
                            { sql_button(trailglass_core::query::sql::Dialect::CloudTrailLake, "Copy as SQL for CloudTrail Lake", "copy-sql-lake") }
                        </div>
                    </details>
                </div>
                if !chips.is_empty() {
                    <div class="chips" data-testid="query-chips">{ for chips }</div>
                }
                { for principal_banner }
                if revealed.timeline() {
                    <TimelineChart timeline={view.timeline.clone()} zoomed={app.request.range.is_some()} local_time={app.local_time}
                        on_range={on_range} on_toggle_local={dispatch(|_| Action::ToggleLocalTime).reform(|_: ()| ())} />
                } else {
                    <section class="panel timeline timeline-pending" aria-busy="true"></section>
                }
                <nav class="tabs" role="tablist">
                    { tab_button(Tab::Events, "Events", "tab-events") }
                    { tab_button(Tab::Principals, "Who did what", "tab-principals") }
                    { tab_button(Tab::Report, &format!("Load report ({})", thousands(app.load.diagnostics_total)), "tab-report") }
                    { tab_button(Tab::Coverage, "Coverage", "tab-coverage") }
                    { tab_button(Tab::Findings, &format!("Findings ({})", app.findings.len()), "tab-findings") }
                </nav>
                <div class="workspace">
                    <FacetSidebar facets={view.facets.iter().take(revealed.facets()).cloned().collect::<Vec<_>>()}
                        shown={view.shown} on_pick={add_term.clone()} />
                    <main class="main">
                        { match app.tab {
                            Tab::Events => html! {
                                <EventTable shown={view.shown} rows={app.rows.clone()} descending={app.request.descending}
                                    cursor={app.cursor} columns={app.table_columns()} on_need={on_need}
                                    on_cursor={{ let d = state.dispatcher(); Callback::from(move |p| d.dispatch(Action::Cursor(p))) }}
                                    on_open={on_open.clone()}
                                    on_sort={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::ToggleSort)) }}
                                    on_toggle_column={{ let d = state.dispatcher(); Callback::from(move |c| d.dispatch(Action::ToggleColumn(c))) }} />
                            },
                            Tab::Principals => html! {
                                <PrincipalsView principals={view.principals.clone()} total={view.principals_total} local_time={app.local_time}
                                    on_pick={on_principal.reform(Some)} on_export={on_export} />
                            },
                            Tab::Report => html! { <LoadReport load={app.load.clone()} /> },
                            Tab::Coverage => html! {
                                <CoverageView report={app.coverage.clone()}
                                    on_verify={{
                                        let send = send.clone();
                                        let report = app.coverage.clone();
                                        // The page holds the files: it hands over again those the digests name.
                                        Callback::from(move |_| {
                                            let names = report.as_ref().map(|r| r.files_to_hash()).unwrap_or_default();
                                            send.emit(ToWorker::Coverage { verify: Some(picked(&names)) })
                                        })
                                    }} />
                            },
                            Tab::Findings => html! {
                                <FindingsPanel findings={app.findings.clone()}
                                    on_open={{ let d = state.dispatcher(); Callback::from(move |s| d.dispatch(Action::OpenFinding(s))) }} />
                            },
                        } }
                    </main>
                    if let Some(detail) = &app.detail {
                        <EventDetailPanel detail={detail.clone()} on_close={dispatch(|_| Action::CloseDetail).reform(|_: ()| ())}
                            on_filter={add_term.reform(|(f, v): (String, String)| (f, v, false))}
                            on_principal={on_principal.reform(Some)} on_open={on_open.clone()} />
                    }
                </div>
            } else if !loading {
                <section class="empty">
                    <p class="drop-hint">{"Drop CloudTrail files or folders anywhere on this page"}</p>
                    <p class="muted">{"Gzipped S3 deliveries (AWSLogs/…/CloudTrail/…), zip archives, Event history downloads, lookup-events output, CloudTrail Lake and CloudWatch Logs exports."}</p>
                    <p class="muted">{"No logs at hand? Try the sample data: a generated day of a busy account."}</p>
                    if app.load.diagnostics_total > 0 { <LoadReport load={app.load.clone()} /> }
                </section>
            }
            <div class="drop-overlay" aria-hidden="true"><div>{"Drop to load"}</div></div>
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
