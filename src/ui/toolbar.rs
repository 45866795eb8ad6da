//! Owns the bar above the views: the search box, the count, the export menu
//! (files, Copy as SQL, Save as Sigma) and the query's terms as removable chips. The
//! query arrives parsed: the page parses it once per change.

use super::actions::use_page_actions;
use super::format::{thousands, visible};
use super::search::SearchBar;
use crate::download::download;
use crate::protocol::{ExportFormat, ViewRequest, ViewResult};
use std::rc::Rc;
use trailglass_core::analysis::sigma::export::search_as_rule;
use trailglass_core::query::sql::{to_sql, Dialect};
use trailglass_core::query::Query;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// What the page asks for (the query as typed).
    pub request: ViewRequest,
    /// The typed query, parsed; `None` when it does not parse.
    pub parsed: Rc<Option<Query>>,
    pub error: Option<(String, usize)>,
    pub view: Rc<ViewResult>,
    pub on_query: Callback<String>,
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

/// The query's top-level terms, each with the query that remains without it.
fn chips(parsed: Option<&Query>) -> Vec<(String, String)> {
    let parts: Vec<Query> = match parsed {
        Some(Query::And(parts)) => parts.clone(),
        Some(Query::All) | None => Vec::new(),
        Some(single) => vec![single.clone()],
    };
    (0..parts.len())
        .map(|at| {
            let mut rest = parts.clone();
            let removed = rest.remove(at);
            let remaining = match rest.len() {
                0 => String::new(),
                1 => rest[0].to_string(),
                _ => Query::And(rest).to_string(),
            };
            (removed.to_string(), remaining)
        })
        .collect()
}

#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let actions = use_page_actions();
    let view = &props.view;
    let export_button = |format: ExportFormat, label: &str, testid: &str| {
        let export = actions.export.clone();
        html! {
            <button class="menu-item" data-testid={testid.to_owned()}
                onclick={Callback::from(move |event: MouseEvent| {
                    close_menu(&event);
                    export.emit(format);
                })}>{ label.to_owned() }</button>
        }
    };
    // SQL is written here, in the click, so the clipboard accepts it.
    let sql_button = |dialect: Dialect, label: &str, testid: &str| {
        let parsed = props.parsed.clone();
        let range = props
            .request
            .range
            .map(|(from, to)| (from as i64, to as i64));
        html! {
            <button class="menu-item" data-testid={testid.to_owned()}
                onclick={Callback::from(move |event: MouseEvent| {
                    close_menu(&event);
                    let Some(query) = parsed.as_ref() else { return };
                    let sql = to_sql(query, range, dialect);
                    if let Some(window) = web_sys::window() {
                        let _ = window.navigator().clipboard().write_text(&sql);
                    }
                })}>{ label.to_owned() }</button>
        }
    };
    // Where the query language says something Sigma cannot, the reason
    // shows instead of a rule that would select other events.
    let sigma_refused = use_state(|| None::<String>);
    let sigma_button = {
        let parsed = props.parsed.clone();
        let text = props.request.query.clone();
        let refused = sigma_refused.clone();
        html! {
            <button class="menu-item" data-testid="save-sigma"
                onclick={Callback::from(move |event: MouseEvent| {
                    close_menu(&event);
                    let Some(query) = parsed.as_ref() else { return };
                    match search_as_rule(&text, query, "Saved Trailglass search") {
                        Ok(yaml) => {
                            refused.set(None);
                            download("trailglass-search.yml".into(), "application/yaml".into(), yaml.as_bytes(), false);
                        }
                        Err(reason) => refused.set(Some(reason)),
                    }
                })}>{"Save the search as a Sigma rule (.yml)"}</button>
        }
    };
    let chips: Vec<Html> = chips(props.parsed.as_ref().as_ref())
        .into_iter()
        .map(|(label, remaining)| {
            let on_query = props.on_query.clone();
            html! {
                <span class="chip term" data-testid="query-chip">
                    { visible(&label) }
                    <button class="chip-remove" aria-label={format!("Remove {label}")} title="Remove"
                        onclick={Callback::from(move |_: MouseEvent| on_query.emit(remaining.clone()))}>{"×"}</button>
                </span>
            }
        })
        .collect();
    html! {
        <>
            <div class="toolbar">
                <SearchBar query={AttrValue::from(props.request.query.clone())} error={props.error.clone()}
                    facets={view.facets.clone()} on_query={props.on_query.clone()} />
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
                        { export_button(ExportFormat::EventsTimesketch, "Timesketch JSON Lines (.jsonl)", "export-timesketch") }
                        <span class="muted">{"The same question, for a bigger engine"}</span>
                        { sql_button(Dialect::Athena, "Copy as SQL for Amazon Athena", "copy-sql-athena") }
                        { sql_button(Dialect::CloudTrailLake, "Copy as SQL for CloudTrail Lake", "copy-sql-lake") }
                        { sigma_button }
                    </div>
                </details>
            </div>
            if let Some(reason) = &*sigma_refused {
                <div class="notice warn" data-testid="sigma-refused" role="status">
                    { visible(&format!("Not saved as Sigma: {reason}.")) }
                    <button class="chip-remove" aria-label="Dismiss" onclick={{ let r = sigma_refused.clone(); Callback::from(move |_: MouseEvent| r.set(None)) }}>{"×"}</button>
                </div>
            }
            if !chips.is_empty() {
                <div class="chips" data-testid="query-chips">{ for chips }</div>
            }
        </>
    }
}
