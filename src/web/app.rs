//! Owns the page: getting files in (drop, pickers, sample), load progress,
//! and what was loaded. State is a reducer; the worker is the only source
//! of data.

use super::codec::StructuredClone;
use super::files::{from_file_list, take_dropped, walk_dropped};
use super::protocol::{FromWorker, Progress, Snapshot, ToWorker};
use super::worker::IngestWorker;
use gloo::worker::Spawnable;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Events in the built-in sample.
pub const SAMPLE_EVENTS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum LoadPhase {
    #[default]
    Idle,
    Loading(Progress),
    Done,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    pub phase: LoadPhase,
    pub snapshot: Snapshot,
    pub dragging: bool,
}

pub enum Action {
    Started,
    Worker(FromWorker),
    Dragging(bool),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Started => next.phase = LoadPhase::Loading(Progress::default()),
            Action::Worker(FromWorker::Progress(progress)) => {
                if matches!(next.phase, LoadPhase::Loading(_)) {
                    next.phase = LoadPhase::Loading(progress);
                }
            }
            Action::Worker(FromWorker::Loaded(snapshot)) => {
                next.phase = if snapshot.files == 0 {
                    LoadPhase::Idle
                } else {
                    LoadPhase::Done
                };
                next.snapshot = snapshot;
            }
            Action::Dragging(on) => next.dragging = on,
        }
        Rc::new(next)
    }
}

fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_000_000.0)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    let bridge = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            IngestWorker::spawner()
                .callback(move |output| dispatcher.dispatch(Action::Worker(output)))
                .encoding::<StructuredClone>()
                .spawn_with_loader(super::WORKER_LOADER)
        })
    };
    let send = {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |message: ToWorker| {
            if matches!(message, ToWorker::Load(_) | ToWorker::LoadSample { .. }) {
                dispatcher.dispatch(Action::Started);
            }
            bridge.send(message);
        })
    };

    let on_pick = {
        let send = send.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Some(list) = input.files() {
                let files = from_file_list(&list);
                if !files.is_empty() {
                    send.emit(ToWorker::Load(files));
                }
            }
            input.set_value("");
        })
    };
    let on_drag_over = {
        let dispatcher = state.dispatcher();
        let dragging = state.dragging;
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
            let send = send.clone();
            let dropped = take_dropped(&transfer);
            wasm_bindgen_futures::spawn_local(async move {
                let files = walk_dropped(dropped).await;
                if !files.is_empty() {
                    send.emit(ToWorker::Load(files));
                }
            });
        })
    };
    let on_sample = {
        let send = send.clone();
        Callback::from(move |_| {
            send.emit(ToWorker::LoadSample {
                events: SAMPLE_EVENTS,
            })
        })
    };
    let on_clear = {
        let send = send.clone();
        Callback::from(move |_| send.emit(ToWorker::Clear))
    };
    let on_cancel = {
        let send = send.clone();
        Callback::from(move |_| send.emit(ToWorker::Cancel))
    };

    let phase_name = match state.phase {
        LoadPhase::Idle => "idle",
        LoadPhase::Loading(_) => "loading",
        LoadPhase::Done => "done",
    };
    let loading = matches!(state.phase, LoadPhase::Loading(_));
    let snapshot = &state.snapshot;

    html! {
        <div class={classes!("page", state.dragging.then_some("dragging"))}
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
                    <label class="button primary" title="Open CloudTrail files (.json, .json.gz)">
                        {"Open files"}
                        <input type="file" multiple=true class="visually-hidden" data-testid="file-input" onchange={on_pick.clone()} />
                    </label>
                    <label class="button" title="Open a whole folder, e.g. AWSLogs/">
                        {"Open folder"}
                        <input type="file" webkitdirectory=true multiple=true class="visually-hidden" data-testid="folder-input" onchange={on_pick} />
                    </label>
                    <button class="button" data-testid="load-sample" onclick={on_sample} disabled={loading}>{"Load sample data"}</button>
                    <button class="button ghost" data-testid="clear" onclick={on_clear} disabled={loading || snapshot.files == 0}>{"Clear"}</button>
                </nav>
            </header>
            <main>
                <section class="status" data-testid="load-status" data-state={phase_name}>
                    { status_view(&state.phase, snapshot, on_cancel) }
                </section>
                if snapshot.files > 0 {
                    { summary_view(snapshot) }
                    { diagnostics_view(snapshot) }
                    { principals_view(snapshot) }
                } else if !loading {
                    <section class="empty">
                        <p class="drop-hint">{"Drop CloudTrail files or folders anywhere on this page"}</p>
                        <p class="muted">{"Gzipped S3 deliveries (AWSLogs/…/CloudTrail/…), Event history downloads, lookup-events output, CloudTrail Lake and CloudWatch Logs exports. Or try the sample data."}</p>
                    </section>
                }
            </main>
            <div class="drop-overlay" aria-hidden="true"><div>{"Drop to load"}</div></div>
        </div>
    }
}

fn status_view(phase: &LoadPhase, snapshot: &Snapshot, on_cancel: Callback<MouseEvent>) -> Html {
    match phase {
        LoadPhase::Idle => html! { <span class="muted">{"No data loaded yet."}</span> },
        LoadPhase::Loading(progress) => {
            let fraction = if progress.bytes_total > 0.0 {
                progress.bytes_done / progress.bytes_total
            } else if progress.files_total > 0 {
                progress.files_done as f64 / progress.files_total as f64
            } else {
                0.0
            };
            let rate = if progress.elapsed_ms > 0.0 {
                progress.events as f64 / (progress.elapsed_ms / 1000.0)
            } else {
                0.0
            };
            html! {
                <div class="progress-row">
                    <progress data-testid="progress" max="1" value={fraction.to_string()} />
                    <span>{ format!("{} / {} files · {} · {} events · {} events/s",
                        thousands(progress.files_done), thousands(progress.files_total),
                        megabytes(progress.bytes_done), thousands(progress.events), thousands(rate as usize)) }</span>
                    <button class="button ghost" data-testid="cancel" onclick={on_cancel}>{"Cancel"}</button>
                </div>
            }
        }
        LoadPhase::Done => html! {
            <span>
                { format!("Loaded {} files ({}) in {:.2} s", thousands(snapshot.files), megabytes(snapshot.bytes_read), snapshot.load_ms / 1000.0) }
                if snapshot.cancelled { <strong class="warn">{" · cancelled: what was read so far is kept"}</strong> }
            </span>
        },
    }
}

fn summary_view(snapshot: &Snapshot) -> Html {
    let span = match (&snapshot.first_event, &snapshot.last_event) {
        (Some(first), Some(last)) => format!("{first} → {last}"),
        _ => "no event times".to_owned(),
    };
    html! {
        <section class="cards">
            <div class="card"><div class="label">{"Files"}</div><div class="value" data-testid="file-count" data-total={snapshot.files.to_string()}>{ thousands(snapshot.files) }</div></div>
            <div class="card"><div class="label">{"Events"}</div>
                <div class="value" data-testid="event-count" data-total={snapshot.events.to_string()} data-shown={snapshot.shown.to_string()}>{ thousands(snapshot.events) }</div></div>
            <div class="card"><div class="label">{"Duplicates dropped"}</div><div class="value" data-testid="duplicate-count">{ thousands(snapshot.duplicates) }</div></div>
            <div class="card wide"><div class="label">{"Time span (UTC)"}</div><div class="value small" data-testid="time-span">{ span }</div></div>
            <div class="card"><div class="label">{"Problems"}</div><div class={classes!("value", (snapshot.diagnostics_total > 0).then_some("warn"))} data-testid="diagnostic-count">{ thousands(snapshot.diagnostics_total) }</div></div>
        </section>
    }
}

fn diagnostics_view(snapshot: &Snapshot) -> Html {
    if snapshot.diagnostics.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel">
            <details open={snapshot.diagnostics_total <= 20}>
                <summary>{ format!("{} problems: everything else was loaded", thousands(snapshot.diagnostics_total)) }</summary>
                <ul class="diagnostics">
                    { for snapshot.diagnostics.iter().map(|d| html! {
                        <li data-testid="diagnostic" data-file={d.file.clone()}>
                            <code class="where">{ if d.line > 0 { format!("{}:{}:{}", d.file, d.line, d.column) } else { d.file.clone() } }</code>
                            <span class="why">{ d.message.clone() }</span>
                        </li>
                    }) }
                </ul>
            </details>
        </section>
    }
}

fn principals_view(snapshot: &Snapshot) -> Html {
    html! {
        <section class="panel">
            <h2>{"Who did what"}</h2>
            <table class="principals" data-testid="principals">
                <thead><tr><th>{"Kind"}</th><th>{"Principal"}</th><th>{"Account"}</th><th class="num">{"Events"}</th><th class="num">{"Errors"}</th><th class="num">{"Access denied"}</th></tr></thead>
                <tbody>
                    { for snapshot.principals.iter().map(|p| html! {
                        <tr data-testid="principal-row" data-kind={p.kind.clone()}>
                            <td><span class={classes!("kind", format!("kind-{}", p.kind.to_lowercase()))}>{ p.kind_label.clone() }</span></td>
                            <td class="name">{ p.name.clone() }</td>
                            <td class="mono">{ p.account.clone() }</td>
                            <td class="num">{ thousands(p.events) }</td>
                            <td class="num">{ thousands(p.errors) }</td>
                            <td class="num">{ thousands(p.access_denied) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
