//! Owns the event detail: key facts on top, the full JSON pretty-printed and
//! coloured (built from text nodes, never from HTML strings), a copy button,
//! and "filter to this value" on the key fields.

use super::actions::use_page_actions;
use super::case::CaseMarks;
use super::format::visible;
use super::lineage::LineageView;
use crate::protocol::{EventDetail, RuleMatch};
use crate::state::{case_event_of, CaseEdit, Term};
use std::rc::Rc;
use trailglass_core::case::CaseEvent;
use trailglass_core::query::pretty::TokenKind;
use trailglass_core::store::columns::{Column, COLUMNS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub detail: Rc<EventDetail>,
    pub on_close: Callback<()>,
    /// What the case has on this event.
    pub marked: Option<CaseEvent>,
    pub on_case: Callback<CaseEdit>,
}

fn token_class(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Key => "j-key",
        TokenKind::Str => "j-str",
        TokenKind::Number => "j-num",
        TokenKind::Literal => "j-lit",
        TokenKind::Punct => "j-punct",
    }
}

#[component]
pub fn EventDetailPanel(props: &DetailProps) -> Html {
    let actions = use_page_actions();
    let copied = use_state(|| false);
    let detail = &props.detail;
    let row = &detail.row;
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let copy = {
        let text = detail.text.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        })
    };
    let filters: Vec<(&str, &str, String)> = COLUMNS
        .iter()
        .filter(|def| def.filter_to && !row.text(def.column).is_empty())
        .map(|def| (def.field, def.label, row.text(def.column).to_owned()))
        .collect();
    html! {
        <aside class="detail" data-testid="event-detail" data-id={detail.id.to_string()} aria-label="Event detail">
            <div class="detail-head">
                <h2>{ visible(&format!("{} · {}", row.text(Column::EventName), row.text(Column::Time).replace('T', " "))) }</h2>
                <button class="button small" data-testid="copy-json" onclick={copy}>{ if *copied { "Copied" } else { "Copy JSON" } }</button>
                <button class="button small ghost" data-testid="close-detail" onclick={close} title="Close (Esc)">{"✕"}</button>
            </div>
            <CaseMarks event={case_event_of(detail)} marked={props.marked.clone()} on_edit={props.on_case.clone()} />
            <dl class="facts">
                { for detail.facts.iter().map(|(label, value)| html! {
                    <><dt>{ label.clone() }</dt><dd>{ visible(value) }</dd></>
                }) }
            </dl>
            if !detail.matches.is_empty() {
                <section class="rule-matches" data-testid="rule-matches">
                    <h3>{"Sigma rules that matched"}</h3>
                    { for detail.matches.iter().map(rule_match) }
                </section>
            }
            if let Some(chain) = &detail.lineage {
                <LineageView chains={Rc::new(vec![chain.clone()])} />
            }
            <div class="filter-to">
                <span class="muted">{"Filter to:"}</span>
                { for filters.into_iter().map(|(field, label, value)| {
                    let add_term = actions.add_term.clone();
                    let term = Term { field: field.to_owned(), value: value.clone(), exclude: false, prefix: false };
                    html! { <button class="chip" data-testid="filter-to" data-field={field}
                        title={format!("{field}:\"{value}\"")}
                        onclick={Callback::from(move |_: MouseEvent| add_term.emit(term.clone()))}>
                        { visible(&format!("{label}: {value}")) }</button> }
                }) }
            </div>
            <pre class="json" data-testid="event-json">
                { for detail.lines.iter().map(|line| html! {
                    <div class="json-line" style={format!("padding-left:{}ch", line.depth as usize * 2)}>
                        { for line.tokens.iter().map(|(kind, text)| html! {
                            <span class={token_class(*kind)}>{ visible(text) }</span>
                        }) }
                    </div>
                }) }
            </pre>
        </aside>
    }
}

/// One Sigma rule that matched the event: per deciding rule, each search
/// and the fields and values that passed.
fn rule_match(found: &RuleMatch) -> Html {
    let level = found.level.title();
    html! {
        <div class="rule-match" data-testid="rule-match" data-rule={found.id.clone()}>
            <div>
                <span class={classes!("severity", format!("sev-{}", level.to_lowercase()))}>{ level }</span>
                <strong>{ visible(&found.title) }</strong>
                <span class="muted small">{ visible(&format!(" by {}", found.author.as_deref().unwrap_or("an unnamed author"))) }</span>
            </div>
            { for found.reasons.iter().map(|(rule, whys)| html! {
                <div class="why">
                    if found.reasons.len() > 1 || *rule != found.id {
                        <span class="muted small mono">{ visible(rule) }</span>
                    }
                    { for whys.iter().map(|why| html! {
                        <dl class="why-fields" data-search={why.search.clone()}>
                            { for why.fields.iter().map(|(field, values)| html! {
                                <><dt class="mono">{ visible(field) }</dt>
                                <dd class="mono" data-testid="why-value" data-field={field.clone()}>{ visible(&values.join(" · ")) }</dd></>
                            }) }
                        </dl>
                    }) }
                </div>
            }) }
        </div>
    }
}
