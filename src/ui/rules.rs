//! Owns the Rules tab, the rule lab: adding and removing Sigma rule files,
//! every rule with its status (parse errors with their line, rules for
//! another log source, rules that cannot fire on what is loaded), author
//! and hits, the filters and what they silenced, and Trailglass's own rules
//! as Sigma to download.

use super::format::{thousands, visible};
use crate::download::download;
use crate::files::{from_file_list, Picked};
use crate::protocol::{RuleLab, RuleStatusView};
use std::rc::Rc;
use trailglass_core::analysis::sigma::export::tg_rules_as_sigma;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RulesProps {
    pub lab: Rc<RuleLab>,
    pub on_add: Callback<Vec<Picked>>,
    pub on_remove: Callback<String>,
    /// Receives the search that shows a rule's events.
    pub on_open: Callback<String>,
}

/// Where a status sorts: what needs the user's eye first.
fn status_rank(rule: &RuleStatusView) -> u8 {
    match rule.status.as_str() {
        "error" => 0,
        "ok" if rule.hits > 0 => 1,
        "ok" => 2,
        "cannot-fire" => 3,
        _ => 4,
    }
}

/// The rule files an input's change picked (other files left out); the
/// input is emptied so picking the same file again is a change too.
pub fn picked_from(event: &Event) -> Vec<Picked> {
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| from_file_list(&list))
        .unwrap_or_default();
    // Picking the same file again must fire `change` again.
    input.set_value("");
    files
        .into_iter()
        .filter(|p| crate::rulefiles::is_rule_file(&p.name))
        .collect()
}

/// Rows drawn at first and per "show more": a thousand rows cost the page a
/// second of script and layout, and nobody reads past the first screens
/// without narrowing the list.
const ROWS_AT_A_TIME: usize = 100;

/// The lab's narrowing choices: which statuses, as the chips name them.
const SHOWS: [(&str, &str); 6] = [
    ("all", "All"),
    ("error", "Errors"),
    ("hits", "With hits"),
    ("ok", "OK"),
    ("not-applicable", "Other log sources"),
    ("cannot-fire", "Cannot fire"),
];

fn shown_by(show: &str, rule: &RuleStatusView) -> bool {
    match show {
        "all" => true,
        "hits" => rule.hits > 0,
        status => rule.status == status,
    }
}

/// Whether every word of `text` is in the rule's title, id, author or file.
fn matches_text(words: &[String], rule: &RuleStatusView) -> bool {
    if words.is_empty() {
        return true;
    }
    let haystack = format!(
        "{} {} {} {}",
        rule.title,
        rule.id,
        rule.about.author.as_deref().unwrap_or(""),
        rule.about.file
    )
    .to_lowercase();
    words.iter().all(|word| haystack.contains(word.as_str()))
}

#[component]
pub fn RulesPanel(props: &RulesProps) -> Html {
    let lab = &props.lab;
    let show = use_state(|| "all".to_string());
    let text = use_state(String::new);
    let limit = use_state(|| ROWS_AT_A_TIME);
    let count = |status: &str| lab.rules.iter().filter(|r| shown_by(status, r)).count();
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let mut rules: Vec<&RuleStatusView> = lab
        .rules
        .iter()
        .filter(|r| shown_by(&show, r) && matches_text(&words, r))
        .collect();
    trailglass_core::sorting::sort_by_key(&mut rules, |r| {
        (r.about.builtin, status_rank(r), std::cmp::Reverse(r.level))
    });
    let matching = rules.len();
    rules.truncate(*limit);
    let on_text = {
        let text = text.clone();
        let limit = limit.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                text.set(input.value());
                limit.set(ROWS_AT_A_TIME);
            }
        })
    };
    let more = |to: usize| {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(to))
    };
    let on_pick = {
        let on_add = props.on_add.clone();
        Callback::from(move |event: Event| {
            let picked = picked_from(&event);
            if !picked.is_empty() {
                on_add.emit(picked);
            }
        })
    };
    let download_tg = Callback::from(|_: MouseEvent| {
        let yaml = tg_rules_as_sigma();
        download(
            "trailglass-rules.yml".into(),
            "application/yaml".into(),
            yaml.as_bytes(),
            false,
        );
    });
    html! {
        <section class="panel rules" data-testid="rule-lab" data-ran={lab.ran.to_string()}
            data-run-ms={format!("{:.0}", lab.run_ms)} data-rules={lab.rules.len().to_string()}>
            <h2>{"Rules"}</h2>
            <p class="muted">
                { format!("{} Sigma rules: {} ok, {} with errors, {} for other log sources, {} that cannot fire on what is loaded. ",
                    thousands(lab.rules.len()), thousands(count("ok")), thousands(count("error")),
                    thousands(count("not-applicable")), thousands(count("cannot-fire"))) }
                if lab.ran { { format!("They ran over the loaded events in {:.2} s. ", lab.run_ms / 1000.0) } }
                {"SigmaHQ's CloudTrail rules are built in. Rules you add stay in this browser (IndexedDB) until you remove them, and never leave it."}
            </p>
            <div class="rule-actions">
                <label class="button small">
                    {"Add rule files…"}
                    <input type="file" multiple=true accept=".yml,.yaml" class="visually-hidden"
                        data-testid="rules-input" onchange={on_pick.clone()} />
                </label>
                <label class="button small">
                    {"Add a folder of rules…"}
                    <input type="file" webkitdirectory=true multiple=true class="visually-hidden"
                        data-testid="rules-folder-input" onchange={on_pick} />
                </label>
                <button class="button small" data-testid="export-tg-sigma" onclick={download_tg}
                    title="Trailglass's own detection rules as Sigma rules">{"Download Trailglass's rules as Sigma"}</button>
                <span class="muted small">{"Or drop .yml files anywhere on the page."}</span>
            </div>
            if !lab.files.is_empty() {
                <ul class="rule-files">
                    { for lab.files.iter().map(|name| {
                        let on_remove = props.on_remove.clone();
                        let file = name.clone();
                        html! {
                            <li data-testid="rule-file" data-name={name.clone()}>
                                <span class="mono">{ visible(name) }</span>
                                <button class="button small ghost" data-testid="remove-rule-file" title="Remove this file's rules"
                                    onclick={Callback::from(move |_: MouseEvent| on_remove.emit(file.clone()))}>{"Remove"}</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            if !lab.filters.is_empty() {
                <h3>{"Filters"}</h3>
                <ul class="sigma-filters">
                    { for lab.filters.iter().map(|filter| {
                        let silenced: u32 = filter.silenced.iter().map(|(_, n)| n).sum();
                        html! {
                            <li data-testid="sigma-filter" data-filter={filter.id.clone()} data-silenced={silenced.to_string()}>
                                <strong>{ visible(&filter.title) }</strong>
                                <span class="muted small mono">{ visible(&format!(" {}", filter.file)) }</span>
                                if let Some(error) = &filter.error {
                                    <span class="warn">{ visible(&format!(" {error}")) }</span>
                                }
                                <div class="muted">
                                    { format!("Narrows {} rules; took out {} events", thousands(filter.rules), thousands(silenced as usize)) }
                                    { for filter.silenced.iter().map(|(rule, n)| html! {
                                        <span class="mono small">{ visible(&format!(" · {n} of {rule}")) }</span>
                                    }) }
                                </div>
                            </li>
                        }
                    }) }
                </ul>
            }
            <div class="rule-narrow" role="group" aria-label="Show rules">
                { for SHOWS.iter().map(|(value, label)| {
                    let pressed = *show == *value;
                    let onclick = {
                        let show = show.clone();
                        let limit = limit.clone();
                        let value = value.to_string();
                        Callback::from(move |_: MouseEvent| {
                            show.set(value.clone());
                            limit.set(ROWS_AT_A_TIME);
                        })
                    };
                    html! {
                        <button class={classes!("chip", pressed.then_some("on"))} data-testid="rule-show" data-show={*value}
                            data-count={count(value).to_string()} aria-pressed={pressed.to_string()} {onclick}>
                            { format!("{label} {}", thousands(count(value))) }
                        </button>
                    }
                }) }
                <input type="search" class="rule-search" data-testid="rule-search" value={(*text).clone()}
                    placeholder="Filter by title, id, author or file" aria-label="Filter rules" oninput={on_text} />
            </div>
            <table class="rule-table" data-matching={matching.to_string()}>
                <thead><tr><th>{"Level"}</th><th>{"Rule"}</th><th>{"Hits"}</th><th>{"Status"}</th><th>{"Author · source"}</th></tr></thead>
                <tbody>
                    { for rules.iter().map(|rule| rule_row(rule, &props.on_open)) }
                </tbody>
            </table>
            if matching > rules.len() {
                <p class="rule-more" data-testid="rule-more">
                    { format!("Showing {} of {} rules. ", thousands(rules.len()), thousands(matching)) }
                    <button class="button small" data-testid="rule-show-more" onclick={more(rules.len() + ROWS_AT_A_TIME)}>
                        { format!("Show {} more", thousands(ROWS_AT_A_TIME.min(matching - rules.len()))) }</button>
                    {" "}
                    <button class="button small ghost" data-testid="rule-show-all" onclick={more(usize::MAX)}>{"Show all"}</button>
                </p>
            } else if matching == 0 {
                <p class="muted" data-testid="rule-none">{"No rule matches."}</p>
            }
            <p class="muted small">{"Built-in rules: SigmaHQ (github.com/SigmaHQ/sigma), Detection Rule License 1.1; each rule's author is shown with it."}</p>
        </section>
    }
}

fn rule_row(rule: &RuleStatusView, on_open: &Callback<String>) -> Html {
    let level = rule.level.title();
    let open = {
        let on_open = on_open.clone();
        let search = trailglass_core::query::Query::Field {
            field: trailglass_core::query::Field::Rule,
            test: trailglass_core::query::Test::Equals(rule.id.clone()),
        }
        .to_string();
        Callback::from(move |_: MouseEvent| on_open.emit(search.clone()))
    };
    let source = format!("{}:{}", rule.about.file, rule.about.line);
    html! {
        <tr key={format!("{}:{}:{}", rule.about.file, rule.about.line, rule.id)}
            data-testid="rule-status" data-rule={rule.id.clone()} data-status={rule.status.clone()}
            data-hits={rule.hits.to_string()} class={classes!(format!("status-{}", rule.status))}>
            <td><span class={classes!("severity", format!("sev-{}", level.to_lowercase()))}>{ level }</span></td>
            <td>
                if rule.hits > 0 {
                    <button class="link" data-testid="open-rule" onclick={open} title="Show its events">{ visible(&rule.title) }</button>
                } else {
                    { visible(&rule.title) }
                }
                if let Some(correlation) = &rule.correlation {
                    <div class="muted small">{ format!("correlation: {correlation}") }</div>
                }
                if !rule.reports {
                    <div class="muted small">{"reports through the correlation that uses it"}</div>
                }
            </td>
            <td class="num">{ thousands(rule.hits) }</td>
            <td>
                <span class="status">{ rule.status.clone() }</span>
                if let Some(reason) = &rule.reason {
                    <div class={classes!("small", (rule.status == "error").then_some("warn"), (rule.status != "error").then_some("muted"))}
                        data-testid="rule-reason">{ visible(reason) }</div>
                }
            </td>
            <td class="small">
                { visible(rule.about.author.as_deref().unwrap_or("(no author given)")) }
                <div class="muted mono">
                    if let Some(link) = &rule.about.link {
                        <a href={link.clone()} target="_blank" rel="noopener noreferrer">{ visible(&source) }</a>
                    } else {
                        { visible(&source) }
                    }
                </div>
            </td>
        </tr>
    }
}
