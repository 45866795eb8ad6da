//! Owns the facet sidebar: the top values of each field over the current
//! filter; click to include, alt-click or − to exclude.

use super::actions::use_page_actions;
use super::format::{thousands, visible};
use crate::state::Term;
use trailglass_core::query::view::Facet;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FacetProps {
    pub facets: Vec<Facet>,
    pub shown: usize,
}

#[component]
pub fn FacetSidebar(props: &FacetProps) -> Html {
    let add_term = use_page_actions().add_term;
    html! {
        <aside class="facets" data-testid="facets" aria-label="Top values">
            { for props.facets.iter().filter(|f| !f.values.is_empty()).map(|facet| {
                let field = facet.column.field();
                html! {
                    <section class="facet" data-testid="facet" data-field={field}>
                        <h3>{ facet.column.label() }<span class="muted">{ format!(" · {}", thousands(facet.distinct as usize)) }</span></h3>
                        <ul>
                            { for facet.values.iter().map(|value| {
                                let share = if props.shown > 0 { f64::from(value.count) * 100.0 / props.shown as f64 } else { 0.0 };
                                let cut = value.cut;
                                let shown = if cut { format!("{}…", visible(&value.value)) } else { visible(&value.value) };
                                let include = {
                                    let add_term = add_term.clone();
                                    let (f, v) = (field.to_owned(), value.value.clone());
                                    Callback::from(move |event: MouseEvent| add_term.emit(Term { field: f.clone(), value: v.clone(), exclude: event.alt_key(), prefix: cut }))
                                };
                                let exclude = {
                                    let add_term = add_term.clone();
                                    let (f, v) = (field.to_owned(), value.value.clone());
                                    Callback::from(move |event: MouseEvent| {
                                        event.stop_propagation();
                                        add_term.emit(Term { field: f.clone(), value: v.clone(), exclude: true, prefix: cut })
                                    })
                                };
                                html! {
                                    <li data-testid="facet-value" data-value={shown.clone()} data-count={value.count.to_string()}>
                                        <button class="facet-include" onclick={include} title={format!("Only {shown} (alt-click: exclude)")}>
                                            <span class="share" style={format!("width:{share:.1}%")}></span>
                                            <span class="v">{ shown.clone() }</span>
                                            <span class="n">{ thousands(value.count as usize) }</span>
                                        </button>
                                        <button class="facet-exclude" data-testid="facet-exclude" onclick={exclude} title={format!("Exclude {shown}")} aria-label="Exclude">{"−"}</button>
                                    </li>
                                }
                            }) }
                        </ul>
                    </section>
                }
            }) }
        </aside>
    }
}
