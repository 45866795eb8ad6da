//! Owns the event table: virtualised (only the rows in sight exist in the
//! DOM, fetched from the worker by window), sortable by time, with a column
//! chooser and keyboard navigation (arrows or j/k to move, Enter to open).

use super::actions::use_page_actions;
use std::collections::BTreeMap;
use std::rc::Rc;
use trailglass_core::query::view::TableRow;
use trailglass_core::store::columns::{table_columns, Column, TableSpec};
use yew::prelude::*;

pub const ROW_HEIGHT: f64 = 28.0;
const OVERSCAN: usize = 10;
/// Rows are fetched in windows of this many.
pub const WINDOW: usize = 100;

/// A few letters saying what kind of principal acted, beside its name.
fn kind_tag(kind: &str) -> &'static str {
    match kind {
        "Root" => "root",
        "IAMUser" => "user",
        "AssumedRole" | "Role" => "role",
        "FederatedUser" => "fed",
        "IdentityCenterUser" => "sso",
        "SAMLUser" => "saml",
        "WebIdentityUser" => "web",
        "AWSService" => "svc",
        "AWSAccount" => "acct",
        "Directory" => "dir",
        "none" => "none",
        _ => "?",
    }
}

/// A small mark on rows a detection rule matched; its tooltip names the rules.
/// Its letter is drawn by CSS, so the cell's text stays the event name.
fn rule_badge(row: &TableRow) -> Option<Html> {
    let badge = row.rule_badge.as_ref()?;
    let severity = badge.severity.label();
    let rules = badge.rules.join("\n");
    Some(html! {
        <span class={classes!("rule-badge", format!("sev-{}", severity.to_lowercase()))} data-testid="rule-badge"
            data-severity={severity} data-letter={&severity[..1]} title={rules.clone()}
            aria-label={format!("Detections: {rules}")}></span>
    })
}

fn cell(row: &TableRow, column: Column, spec: &TableSpec) -> String {
    super::format::visible(&(spec.cell)(row.text(column)))
}

#[derive(Properties, PartialEq)]
pub struct TableProps {
    pub shown: usize,
    pub rows: Rc<BTreeMap<usize, TableRow>>,
    pub descending: bool,
    pub cursor: Option<usize>,
    /// The columns in sight, left to right.
    pub columns: Vec<Column>,
    /// Asks for rows `[offset, offset + WINDOW)`.
    pub on_need: Callback<usize>,
    pub on_cursor: Callback<usize>,
    pub on_sort: Callback<()>,
    pub on_toggle_column: Callback<Column>,
}

#[component]
pub fn EventTable(props: &TableProps) -> Html {
    let open_event = use_page_actions().open_event;
    let scroll_top = use_state(|| 0.0f64);
    let viewport = use_state(|| 600.0f64);
    let body = use_node_ref();
    let chooser_open = use_state(|| false);

    let first = ((*scroll_top / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
    let visible = (*viewport / ROW_HEIGHT) as usize + 2 * OVERSCAN;
    let last = (first + visible).min(props.shown);

    // Ask for any window in sight that has not arrived.
    {
        let on_need = props.on_need.clone();
        let rows = props.rows.clone();
        use_effect_with(
            (first, last, props.shown, rows.len()),
            move |&(first, last, _, _)| {
                let mut window = first / WINDOW * WINDOW;
                while window < last {
                    if !rows.contains_key(&window) {
                        on_need.emit(window);
                    }
                    window += WINDOW;
                }
            },
        );
    }
    // Keep the cursor row in sight.
    {
        let body = body.clone();
        use_effect_with(props.cursor, move |cursor| {
            if let (Some(cursor), Some(element)) = (cursor, body.cast::<web_sys::Element>()) {
                let top = *cursor as f64 * ROW_HEIGHT;
                let height = f64::from(element.client_height());
                let current = f64::from(element.scroll_top());
                if top < current {
                    element.set_scroll_top(top as i32);
                } else if top + ROW_HEIGHT > current + height {
                    element.set_scroll_top((top + ROW_HEIGHT - height) as i32);
                }
            }
        });
    }

    let on_scroll = {
        let scroll_top = scroll_top.clone();
        let viewport = viewport.clone();
        Callback::from(move |event: Event| {
            let element: web_sys::Element = event.target_unchecked_into();
            scroll_top.set(f64::from(element.scroll_top()));
            viewport.set(f64::from(element.client_height()));
        })
    };
    let on_key = {
        let cursor = props.cursor;
        let shown = props.shown;
        let rows = props.rows.clone();
        let on_cursor = props.on_cursor.clone();
        let on_open = open_event.clone();
        let page = (*viewport / ROW_HEIGHT) as usize;
        Callback::from(move |event: KeyboardEvent| {
            if shown == 0 {
                return;
            }
            let at = cursor.unwrap_or(0);
            let next = match event.key().as_str() {
                "ArrowDown" | "j" => Some(if cursor.is_none() {
                    0
                } else {
                    (at + 1).min(shown - 1)
                }),
                "ArrowUp" | "k" => Some(at.saturating_sub(1)),
                "PageDown" => Some((at + page).min(shown - 1)),
                "PageUp" => Some(at.saturating_sub(page)),
                "Home" => Some(0),
                "End" => Some(shown - 1),
                "Enter" => {
                    if let Some(row) = rows.get(&at) {
                        on_open.emit(row.id);
                    }
                    None
                }
                _ => return,
            };
            event.prevent_default();
            if let Some(next) = next {
                on_cursor.emit(next);
            }
        })
    };

    let shown_columns: Vec<(Column, &TableSpec)> = props
        .columns
        .iter()
        .filter_map(|&column| Some((column, column.table()?)))
        .collect();
    let template = shown_columns
        .iter()
        .map(|(_, spec)| spec.width)
        .collect::<Vec<_>>()
        .join(" ");
    let grid = format!("grid-template-columns: {template};");

    // Detection badges sit beside the event name, or in the first column when it is hidden.
    let badge_column = shown_columns
        .iter()
        .find(|(column, _)| *column == Column::EventName)
        .or(shown_columns.first())
        .map(|(column, _)| *column);
    let rendered = (first..last).map(|position| {
        let top = format!("top:{}px;{grid}", position as f64 * ROW_HEIGHT);
        match props.rows.get(&position) {
            Some(row) => {
                let id = row.id;
                let on_click = {
                    let on_cursor = props.on_cursor.clone();
                    let on_open = open_event.clone();
                    Callback::from(move |_: MouseEvent| {
                        on_cursor.emit(position);
                        on_open.emit(id);
                    })
                };
                let classes = classes!(
                    "row",
                    (props.cursor == Some(position)).then_some("cursor"),
                    row.denied.then_some("denied"),
                    (!row.text(Column::ErrorCode).is_empty()).then_some("error")
                );
                html! {
                    <div class={classes} style={top} role="row" data-testid="event-row" data-id={id.to_string()}
                         data-position={position.to_string()} onclick={on_click}>
                        { for shown_columns.iter().map(|&(column, spec)| {
                            let text = cell(row, column, spec);
                            let badge = (Some(column) == badge_column).then(|| rule_badge(row)).flatten();
                            if column == Column::Principal {
                                let kind = row.text(Column::Kind);
                                html! { <span role="cell" class={spec.class} title={format!("{} ({})", text, kind)}>
                                    { for badge }<i class={classes!("dot", format!("kind-{}", kind.to_lowercase()))}></i>
                                    <b class="kind-tag">{ kind_tag(kind) }</b>{ text }</span> }
                            } else {
                                html! { <span role="cell" class={spec.class} title={text.clone()}>{ for badge }{ text }</span> }
                            }
                        }) }
                    </div>
                }
            }
            None => html! { <div class="row pending" style={top}><span>{"…"}</span></div> },
        }
    });

    let sort = {
        let on_sort = props.on_sort.clone();
        Callback::from(move |_: MouseEvent| on_sort.emit(()))
    };
    let toggle_chooser = {
        let chooser_open = chooser_open.clone();
        Callback::from(move |_: MouseEvent| chooser_open.set(!*chooser_open))
    };
    html! {
        <section class="panel table-panel">
            <div class="table-tools">
                <span class="muted">{ if props.descending { "Newest first" } else { "Oldest first" } }{" · ↑↓ or j/k to move, Enter to open, / to search"}</span>
                <div class="columns-chooser">
                    <button class="button small" data-testid="columns" onclick={toggle_chooser}>{"Columns"}</button>
                    if *chooser_open {
                        <div class="chooser" data-testid="column-chooser">
                            { for table_columns().into_iter().map(|column| {
                                let on_toggle = props.on_toggle_column.clone();
                                html! { <label><input type="checkbox" checked={props.columns.contains(&column)}
                                    onchange={Callback::from(move |_| on_toggle.emit(column))} />{ column.label() }</label> }
                            }) }
                        </div>
                    }
                </div>
            </div>
            <div class="table-head" style={grid.clone()} role="row">
                { for shown_columns.iter().map(|&(column, _)| {
                    let label = column.label();
                    if column == Column::Time {
                        html! { <button class="th sort" data-testid="sort-time" onclick={sort.clone()}
                            title="Sort by time" aria-sort={if props.descending {"descending"} else {"ascending"}}>
                            { format!("{label} {}", if props.descending { "↓" } else { "↑" }) }</button> }
                    } else {
                        html! { <span class="th">{ label }</span> }
                    }
                }) }
            </div>
            <div class="table-body" ref={body} tabindex="0" data-testid="event-table" role="grid"
                 aria-rowcount={props.shown.to_string()} onscroll={on_scroll} onkeydown={on_key}>
                <div class="spacer" style={format!("height:{}px", props.shown as f64 * ROW_HEIGHT)}>
                    { for rendered }
                </div>
            </div>
        </section>
    }
}
