//! Owns the search bar: the query as typed, its syntax error shown inline
//! (the previous results stay), field-name and value completion.

use trailglass_core::query::view::Facet;
use trailglass_core::store::columns::Column;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SearchProps {
    pub query: AttrValue,
    pub error: Option<(String, usize)>,
    pub facets: Vec<Facet>,
    pub on_query: Callback<String>,
}

/// Suggestions for the word being typed: field names, or frequent values of the field.
fn suggestions(query: &str, facets: &[Facet]) -> Vec<String> {
    let word = query.rsplit([' ', '(']).next().unwrap_or("");
    let word_lower = word.trim_start_matches('-').to_ascii_lowercase();
    if word_lower.is_empty() {
        return Vec::new();
    }
    if let Some((field, value)) = word_lower.split_once(':') {
        let value = value.trim_matches('"');
        let column = Column::named(field);
        return facets
            .iter()
            .filter(|f| Some(f.column) == column)
            .flat_map(|f| f.values.iter())
            .filter(|v| v.value.to_ascii_lowercase().starts_with(value))
            .take(8)
            .map(|v| {
                let quoted = if v.value.contains([' ', '(', ')', '"']) {
                    format!("\"{}\"", v.value.replace('"', "\\\""))
                } else {
                    v.value.clone()
                };
                format!("{}:{quoted}", &word[..word.find(':').unwrap_or(0)])
            })
            .collect();
    }
    trailglass_core::query::known_fields()
        .iter()
        .filter(|(name, _)| name.to_ascii_lowercase().starts_with(&word_lower))
        .take(8)
        .map(|(name, _)| format!("{name}:"))
        .collect()
}

#[component]
pub fn SearchBar(props: &SearchProps) -> Html {
    let focused = use_state(|| false);
    let on_input = {
        let on_query = props.on_query.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            on_query.emit(input.value());
        })
    };
    let list = if *focused {
        suggestions(&props.query, &props.facets)
    } else {
        Vec::new()
    };
    let complete = |suggestion: String| {
        let query = props.query.to_string();
        let on_query = props.on_query.clone();
        Callback::from(move |event: MouseEvent| {
            event.prevent_default();
            let word_start = query.rfind([' ', '(']).map_or(0, |i| i + 1);
            let negated = query[word_start..].starts_with('-');
            let mut next = query[..word_start].to_owned();
            if negated {
                next.push('-');
            }
            next.push_str(&suggestion);
            if !suggestion.ends_with(':') {
                next.push(' ');
            }
            on_query.emit(next);
        })
    };
    let on_focus = {
        let focused = focused.clone();
        Callback::from(move |_| focused.set(true))
    };
    let on_blur = {
        let focused = focused.clone();
        Callback::from(move |_| focused.set(false))
    };
    html! {
        <div class="search">
            <input type="search" class={classes!("search-input", props.error.is_some().then_some("invalid"))}
                data-testid="search" placeholder="Search: AccessDenied  eventName:Delete*  -errorCode:*  principal:alice  time>=2024-05-01"
                aria-label="Search events" spellcheck="false" autocomplete="off"
                value={props.query.clone()} oninput={on_input} onfocus={on_focus} onblur={on_blur} />
            if let Some((message, _)) = &props.error {
                <div class="search-error" data-testid="query-error" role="alert">{ message.clone() }</div>
            }
            if !list.is_empty() {
                <ul class="suggestions" data-testid="suggestions">
                    { for list.into_iter().map(|s| html! {
                        <li><button onmousedown={complete(s.clone())}>{ s }</button></li>
                    }) }
                </ul>
            }
        </div>
    }
}
