//! Owns the case on screen: the marks on an event in its detail (star, tags,
//! note), the note on a principal, and the Case tab (the starred and noted
//! events in time order, each opening its event; the case's files in and
//! out, and the report).

use super::format::{counted, thousands, visible};
use crate::state::CaseEdit;
use std::rc::Rc;
use trailglass_core::case::{Case, CaseEvent};
use yew::prelude::*;

/// The text of an `<input>` or `<textarea>` an event came from.
fn text_of(event: &Event) -> Option<String> {
    if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
        return Some(input.value());
    }
    event
        .target_dyn_into::<web_sys::HtmlTextAreaElement>()
        .map(|area| area.value())
}

#[derive(Properties, PartialEq)]
pub struct MarksProps {
    /// The open event, as the case would keep it.
    pub event: CaseEvent,
    /// What the case has on it already.
    pub marked: Option<CaseEvent>,
    pub on_edit: Callback<CaseEdit>,
}

/// The case's marks on the open event: a star, tags, a note. Tags and the
/// note are kept when the field is left (or on Save), not on every key.
#[component]
pub fn CaseMarks(props: &MarksProps) -> Html {
    let marked = props.marked.clone().unwrap_or_default();
    let star = {
        let (on_edit, event, on) = (props.on_edit.clone(), props.event.clone(), !marked.starred);
        Callback::from(move |_: MouseEvent| on_edit.emit(CaseEdit::Star(event.clone(), on)))
    };
    let tags = {
        let (on_edit, event) = (props.on_edit.clone(), props.event.clone());
        Callback::from(move |e: Event| {
            if let Some(text) = text_of(&e) {
                on_edit.emit(CaseEdit::Tags(event.clone(), text));
            }
        })
    };
    let note = {
        let (on_edit, event) = (props.on_edit.clone(), props.event.clone());
        Callback::from(move |e: Event| {
            if let Some(text) = text_of(&e) {
                on_edit.emit(CaseEdit::Note(event.clone(), text));
            }
        })
    };
    let label = if marked.starred {
        "★ Starred"
    } else {
        "☆ Star"
    };
    html! {
        <section class="case-marks" data-testid="case-marks" aria-label="Case">
            <button class={classes!("button", "small", marked.starred.then_some("starred"))} data-testid="star"
                aria-pressed={marked.starred.to_string()} onclick={star} title="Keep this event in the case (s)">{ label }</button>
            <input class="case-tags" data-testid="tag-input" aria-label="Tags, separated by commas" placeholder="tags, comma separated"
                value={marked.tags.join(", ")} onchange={tags} />
            <textarea class="case-note" data-testid="note-input" aria-label="Note on this event" rows="2"
                placeholder="Note: what this event means (kept when you leave the field)" value={marked.note.clone()} onchange={note} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PrincipalNoteProps {
    pub principal: String,
    pub note: String,
    pub on_edit: Callback<CaseEdit>,
}

#[component]
pub fn PrincipalNote(props: &PrincipalNoteProps) -> Html {
    let change = {
        let (on_edit, principal) = (props.on_edit.clone(), props.principal.clone());
        Callback::from(move |e: Event| {
            if let Some(text) = text_of(&e) {
                on_edit.emit(CaseEdit::PrincipalNote(principal.clone(), text));
            }
        })
    };
    html! {
        <textarea class="case-note principal-note" data-testid="principal-note-input" rows="1"
            aria-label="Note on this principal" placeholder="Note on this principal (kept in the case)"
            value={props.note.clone()} onchange={change} />
    }
}

#[derive(Properties, PartialEq)]
pub struct CaseProps {
    pub case: Rc<Case>,
    pub notice: Option<String>,
    pub report_pending: bool,
    /// Opens the event a case entry names, by its key.
    pub on_open: Callback<String>,
    pub on_edit: Callback<CaseEdit>,
    pub on_import: Callback<web_sys::File>,
    pub on_export_case: Callback<()>,
    pub on_export_timesketch: Callback<()>,
    pub on_report: Callback<()>,
}

#[component]
pub fn CasePanel(props: &CaseProps) -> Html {
    let case = &props.case;
    let timeline = case.timeline();
    let starred = timeline.iter().filter(|e| e.starred).count();
    let emit = |callback: &Callback<()>| {
        let callback = callback.clone();
        Callback::from(move |_: MouseEvent| callback.emit(()))
    };
    let title = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: Event| {
            if let Some(text) = text_of(&e) {
                on_edit.emit(CaseEdit::Title(text));
            }
        })
    };
    let import = {
        let on_import = props.on_import.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Some(file) = input.files().and_then(|files| files.get(0)) {
                    on_import.emit(file);
                }
                input.set_value("");
            }
        })
    };
    let clear = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(
                        "Clear the case? Its marks and notes are removed from this browser.",
                    )
                    .ok()
                })
                .unwrap_or(false);
            if sure {
                on_edit.emit(CaseEdit::Clear);
            }
        })
    };
    html! {
        <section class="panel case" data-testid="case" data-events={timeline.len().to_string()} data-starred={starred.to_string()}>
            <h2>{"Case"}</h2>
            <input class="case-title" data-testid="case-title" aria-label="Case title" placeholder="Case title"
                value={case.title.clone()} onchange={title} />
            <p class="muted">
                { format!("{} in the case ({} starred), {} on principals. ", counted(timeline.len(), "event", "events"), thousands(starred), counted(case.principals.len(), "note", "notes")) }
                {"Star an event or write a note in its detail. The case is kept in this browser (IndexedDB) and never leaves it: loading the same files again, in another tab or tomorrow, brings it back."}
            </p>
            <div class="case-actions">
                <button class="button small primary" data-testid="export-report" onclick={emit(&props.on_report)}
                    disabled={props.report_pending}>{"Download the report (.html)"}</button>
                <button class="button small" data-testid="export-case" onclick={emit(&props.on_export_case)}>{"Export the case (.json)"}</button>
                <label class="button small">{"Import a case…"}
                    <input type="file" accept=".json,application/json" class="visually-hidden" data-testid="import-case" onchange={import} />
                </label>
                <button class="button small" data-testid="export-case-timesketch" onclick={emit(&props.on_export_timesketch)}>{"Case as Timesketch (.jsonl)"}</button>
                <button class="button small ghost" data-testid="clear-case" onclick={clear} disabled={case.is_empty()}>{"Clear the case"}</button>
            </div>
            if props.report_pending {
                <div class="progress-row" data-testid="report-progress" role="status">
                    <progress />
                    <span>{"Writing the report: hashing every loaded file and checking the digests…"}</span>
                </div>
            }
            if let Some(notice) = &props.notice {
                <p class="notice" data-testid="case-notice" role="status">{ visible(notice) }</p>
            }
            if timeline.is_empty() {
                <p data-testid="case-empty">{"Nothing in the case yet."}</p>
            } else {
                <ol class="case-events">
                    { for timeline.iter().map(|event| case_row(event, &props.on_open)) }
                </ol>
            }
            if !case.principals.is_empty() {
                <h3>{"Principals"}</h3>
                <dl class="case-principals">
                    { for case.principals.iter().map(|p| html! {
                        <><dt class="mono" data-testid="case-principal">{ visible(&p.principal) }</dt><dd class="case-note-text">{ visible(&p.note) }</dd></>
                    }) }
                </dl>
            }
        </section>
    }
}

fn case_row(event: &CaseEvent, on_open: &Callback<String>) -> Html {
    let open = {
        let (on_open, key) = (on_open.clone(), event.key.clone());
        Callback::from(move |_: MouseEvent| on_open.emit(key.clone()))
    };
    html! {
        <li class="case-event" data-testid="case-event" data-event-id={event.key.clone()} data-starred={event.starred.to_string()}
            data-time={event.time.clone()}>
            <button class="case-open" onclick={open} title="Open this event">
                <span class="star" aria-label={if event.starred { "starred" } else { "not starred" }}>{ if event.starred { "★" } else { "☆" } }</span>
                <span class="mono">{ visible(&event.time.replace('T', " ")) }</span>
                <strong>{ visible(&event.event_name) }</strong>
                <span class="mono muted">{ visible(&event.principal) }</span>
                if !event.error_code.is_empty() { <span class="warn">{ visible(&event.error_code) }</span> }
                { for event.tags.iter().map(|tag| html! { <span class="tag" data-testid="case-tag">{ visible(tag) }</span> }) }
            </button>
            if !event.note.is_empty() {
                <p class="case-note-text" data-testid="case-note">{ visible(&event.note) }</p>
            }
        </li>
    }
}
