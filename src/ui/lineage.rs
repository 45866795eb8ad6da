//! Owns the session lineage strip: person → role → cross-account role …,
//! one focusable link per hop (to the hop's principal and to the event that
//! created its session), and plain words where the logs stop.

use super::actions::{use_page_actions, PageActions};
use super::format::visible;
use std::rc::Rc;
use trailglass_core::analysis::lineage::{Chain, ChainEnd, Hop};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LineageProps {
    pub chains: Rc<Vec<Chain>>,
}

fn end_name(end: ChainEnd) -> &'static str {
    match end {
        ChainEnd::Origin => "origin",
        ChainEnd::NotInLogs => "not-in-logs",
        ChainEnd::Inferred => "inferred",
        ChainEnd::Cycle => "cycle",
        ChainEnd::TooLong => "too-long",
    }
}

/// Words for a chain that does not start at a known identity.
fn missing_origin(end: ChainEnd) -> Option<&'static str> {
    match end {
        ChainEnd::NotInLogs => Some("origin not in the loaded logs"),
        ChainEnd::Cycle => Some("credentials loop back on themselves"),
        ChainEnd::TooLong => Some("more hops than are followed"),
        ChainEnd::Origin | ChainEnd::Inferred => None,
    }
}

/// A hop: its principal opens that principal's page, its issuing event the event.
fn hop_view(hop: &Hop, actions: &PageActions) -> Html {
    let who = match hop.principal {
        Some(id) => {
            let on_principal = actions.open_principal.clone();
            html! {
                <button class="hop-who" data-testid="lineage-hop-principal"
                    title="Show this principal's events"
                    onclick={Callback::from(move |_: MouseEvent| on_principal.emit(id))}>
                    { visible(&hop.name) }</button>
            }
        }
        None => html! { <span class="hop-who inferred">{ visible(&hop.name) }</span> },
    };
    let issued = hop.issued_by.as_ref().map(|issued| {
        let on_open = actions.open_event.clone();
        let event = issued.event;
        let time = issued.time.replace('T', " ");
        html! {
            <button class="hop-event" data-testid="lineage-hop-event" data-event={event.to_string()}
                title={format!("Open the {} event that created this session", issued.event_name)}
                onclick={Callback::from(move |_: MouseEvent| on_open.emit(event))}>
                { visible(&format!("via {} · {time}", issued.event_name)) }</button>
        }
    });
    html! {
        <li class={classes!("hop", hop.inferred.then_some("inferred"))} data-testid="lineage-hop"
            data-account={hop.account.clone()} data-inferred={hop.inferred.to_string()}>
            { who }
            <span class="hop-facts">
                <span class="kind">{ hop.kind.clone() }</span>
                if !hop.account.is_empty() { <span class="mono">{ visible(&hop.account) }</span> }
                if hop.inferred { <span class="muted">{"inferred, not matched to an event"}</span> }
            </span>
            { for issued }
        </li>
    }
}

#[component]
pub fn LineageView(props: &LineageProps) -> Html {
    let actions = use_page_actions();
    if props.chains.is_empty() {
        return Html::default();
    }
    html! {
        <section class="lineage" data-testid="lineage" aria-label="Session lineage">
            <span class="lineage-title">{"Who is behind this session"}</span>
            { for props.chains.iter().map(|chain| html! {
                <div class="lineage-row">
                    <ol class="lineage-chain" data-testid="lineage-chain" data-end={end_name(chain.end)}>
                        if let Some(words) = missing_origin(chain.end) {
                            <li class="hop missing" data-testid="lineage-missing">{ words }</li>
                        }
                        { for chain.hops.iter().map(|hop| hop_view(hop, &actions)) }
                    </ol>
                    if let Some(source) = &chain.source_identity {
                        <span class="muted" data-testid="lineage-source-identity">{ visible(&format!("source identity: {source}")) }</span>
                    }
                    if chain.sessions > 1 {
                        <span class="muted">{ format!("{} sessions", chain.sessions) }</span>
                    }
                </div>
            }) }
        </section>
    }
}
