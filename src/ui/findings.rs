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
}

#[component]
pub fn FindingsPanel(props: &FindingsProps) -> Html {
    let rules = trailglass_core::analysis::detect::RULES.len();
    let events: usize = props.findings.iter().map(|f| f.count).sum();
    html! {
        <section class="panel findings" data-testid="findings">
            <h2>{"Findings"}</h2>
            <p class="muted">
                { format!("{} of {rules} built-in rules matched {} events. ", props.findings.len(), thousands(events)) }
                {"Open one to see its events; its query goes into the search box, where you can read and change it."}
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
    let severity = finding.severity.label();
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
                <span class="finding-id mono">{ finding.id.clone() }</span>
                <span class="finding-title">{ finding.title.clone() }</span>
                <span class="technique mono" title={technique_title}>{ finding.technique.clone() }</span>
                <span class="finding-count">{ format!("{} {}", thousands(finding.count), if finding.count == 1 { "event" } else { "events" }) }</span>
                <code class="finding-query">{ visible(&finding.query) }</code>
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
