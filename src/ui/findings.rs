//! Owns the Findings tab: the built-in detection rules that matched what is
//! loaded, most severe first, each opening its events in the table.

use super::format::{thousands, visible};
use crate::protocol::FindingView;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    pub findings: Rc<Vec<FindingView>>,
    /// Receives the search that shows a finding's events.
    pub on_open: Callback<String>,
    /// Whether the Sigma rules' findings are in (they come after the built-in ones).
    pub sigma_ran: bool,
    /// Saves the findings as an ATT&CK Navigator layer.
    pub on_navigator: Callback<()>,
}

#[component]
pub fn FindingsPanel(props: &FindingsProps) -> Html {
    let events: usize = props.findings.iter().map(|f| f.count).sum();
    let sigma = props.findings.iter().filter(|f| f.sigma.is_some()).count();
    let builtin = props.findings.len() - sigma;
    html! {
        <section class="panel findings" data-testid="findings" data-sigma-ran={props.sigma_ran.to_string()}>
            <h2>{"Findings"}</h2>
            <p class="muted">
                { format!("{builtin} Trailglass rules and {sigma} Sigma rules matched {} events, most severe first. ", thousands(events)) }
                {"Open one to see its events: its search goes into the search box, where you can read and change it. The Rules tab lists every Sigma rule and why it did or did not run."}
                if !props.sigma_ran { <span data-testid="sigma-running">{" The Sigma rules are still running."}</span> }
            </p>
            <p>
                <button class="button small" data-testid="export-navigator" disabled={props.findings.is_empty()}
                    onclick={{ let on = props.on_navigator.clone(); Callback::from(move |_: MouseEvent| on.emit(())) }}>
                    {"Download as an ATT&CK Navigator layer (.json)"}</button>
            </p>
            if props.findings.is_empty() {
                <p data-testid="no-findings">{"No rule matched the loaded events."}</p>
            }
            <ul class="finding-list">
                { for props.findings.iter().map(|finding| finding_row(finding, &props.on_open)) }
            </ul>
        </section>
    }
}

fn finding_row(finding: &FindingView, on_open: &Callback<String>) -> Html {
    let severity = finding.level.title();
    let open = {
        let on_open = on_open.clone();
        let search = finding.search.clone();
        Callback::from(move |_: MouseEvent| on_open.emit(search.clone()))
    };
    let technique_title = format!("MITRE ATT&CK technique {}", finding.technique);
    html! {
        <li>
            <button class={classes!("finding", format!("sev-{}", severity.to_lowercase()))} data-testid="finding" data-rule={finding.id.clone()}
                data-count={finding.count.to_string()} data-severity={severity} onclick={open}
                title="Show these events (Enter)">
                <span class={classes!("severity", format!("sev-{}", severity.to_lowercase()))}>{ severity }</span>
                // Sigma ids are UUIDs: their start tells them apart, the whole shows on hover.
                <span class="finding-id mono" title={finding.id.clone()}>{ finding.id.chars().take(8).collect::<String>() }</span>
                <span class="finding-title">{ finding.title.clone() }</span>
                <span class="technique mono" title={technique_title}>{ finding.technique.clone() }</span>
                <span class="finding-count">{ format!("{} {}", thousands(finding.count), if finding.count == 1 { "event" } else { "events" }) }</span>
                if let Some(about) = &finding.sigma {
                    <span class="finding-source muted" data-testid="finding-author">
                        { format!("Sigma rule by {}", about.author.as_deref().unwrap_or("an unnamed author")) }
                        { if about.builtin { " · SigmaHQ, Detection Rule License 1.1".to_owned() } else { format!(" · {}", about.file) } }
                    </span>
                } else {
                    <code class="finding-query">{ visible(&finding.query) }</code>
                }
                if let Some(condition) = &finding.condition {
                    <span class="finding-condition muted">
                        { format!("and {condition}") }
                        if !finding.exact { {" (the search cannot express this exactly: it shows more events than were counted)"} }
                    </span>
                }
            </button>
        </li>
    }
}
