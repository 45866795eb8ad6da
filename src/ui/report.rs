//! Owns the load report: files, events, duplicates dropped, and every
//! diagnostic per file with line:column and reason.

use super::format::{bytes, counted, thousands, visible};
use crate::protocol::LoadSummary;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub load: Rc<LoadSummary>,
}

#[component]
pub fn LoadReport(props: &ReportProps) -> Html {
    let load = &props.load;
    html! {
        <section class="panel report" data-testid="load-report">
            <h2>{"Load report"}</h2>
            <p>
                { format!("{}, {} read ({} of JSON), {} stored, {} dropped, {}. ",
                    counted(load.files, "file", "files"), bytes(load.bytes_read), bytes(load.text_bytes),
                    counted(load.events, "event", "events"), counted(load.duplicates, "duplicate", "duplicates"),
                    counted(load.diagnostics_total, "problem", "problems")) }
                { format!("The store holds them in {} ({:.0}% of the JSON)", bytes(load.store_bytes + load.raw_kept_bytes),
                    if load.text_bytes > 0.0 { (load.store_bytes + load.raw_kept_bytes) * 100.0 / load.text_bytes } else { 0.0 }) }
                if load.raw_kept_bytes > 0.0 {
                    <span data-testid="raw-kept" data-bytes={format!("{:.0}", load.raw_kept_bytes)}>
                        { format!(": {} of raw JSON kept by the parsers that read it (they answer free text, JSON paths and event detail for it) and {} in the store worker",
                            bytes(load.raw_kept_bytes), bytes(load.store_bytes)) }
                    </span>
                }
                {"."}
            </p>
            if !load.diagnostics.is_empty() {
                <details open={load.diagnostics_total <= 50}>
                    <summary>{ format!("{}: everything else was loaded", counted(load.diagnostics_total, "problem", "problems")) }</summary>
                    <ul class="diagnostics">
                        { for load.diagnostics.iter().map(|d| html! {
                            <li data-testid="diagnostic" data-file={d.file.clone()}>
                                <code class="where">{ visible(&if d.line > 0 { format!("{}:{}:{}", d.file, d.line, d.column) } else { d.file.clone() }) }</code>
                                <span class="why">{ visible(&d.message) }</span>
                            </li>
                        }) }
                    </ul>
                    if load.diagnostics_total > load.diagnostics.len() {
                        <p class="muted">{ format!("The first {} are listed.", load.diagnostics.len()) }</p>
                    }
                </details>
            }
            <details>
                <summary class="plain">{ format!("Files ({})", thousands(load.file_reports_total)) }</summary>
                <table class="files">
                    <thead><tr><th>{"File"}</th><th>{"Recognised as"}</th><th class="num">{"Events"}</th><th class="num">{"Duplicates"}</th><th class="num">{"Problems"}</th></tr></thead>
                    <tbody>
                        { for load.file_reports.iter().map(|f| html! {
                            <tr data-testid="file-row"><td class="name">{ visible(&f.name) }</td><td>{ f.shape.label() }</td>
                                <td class="num">{ thousands(f.events) }</td><td class="num">{ thousands(f.duplicates) }</td>
                                <td class={classes!("num", (f.problems > 0).then_some("warn"))}>{ thousands(f.problems) }</td></tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </section>
    }
}
