//! Owns the per-principal breakdown: who did what, with counts, errors,
//! first/last seen, source IPs, top actions and services, an activity
//! sparkline and credential facts. Role sessions group under their role.
//! Sortable by every column; a click filters the whole view to one principal.

use super::actions::use_page_actions;
use super::format::{thousands, time, visible};
use super::reveal::use_growing;
use crate::protocol::ExportFormat;
use std::rc::Rc;
use trailglass_core::input::identity::CredentialFacts;
use trailglass_core::query::view::PrincipalStats;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Kind,
    Name,
    Account,
    Events,
    Errors,
    Denied,
    First,
    Last,
    Ips,
}

const HEADERS: [(SortKey, &str); 9] = [
    (SortKey::Kind, "Kind"),
    (SortKey::Name, "Principal"),
    (SortKey::Account, "Account"),
    (SortKey::Events, "Events"),
    (SortKey::Errors, "Errors"),
    (SortKey::Denied, "Denied"),
    (SortKey::First, "First seen"),
    (SortKey::Last, "Last seen"),
    (SortKey::Ips, "IPs"),
];

#[derive(Properties, PartialEq)]
pub struct PrincipalsProps {
    pub principals: Vec<PrincipalStats>,
    pub total: usize,
    pub local_time: bool,
}

/// A role's sessions, or a principal on its own.
#[derive(Clone, PartialEq)]
struct Group {
    key: String,
    label: String,
    members: Vec<PrincipalStats>,
}

impl Group {
    fn sum(&self, f: impl Fn(&PrincipalStats) -> u32) -> u32 {
        self.members.iter().map(f).sum()
    }
    fn first(&self) -> Option<i64> {
        self.members.iter().filter_map(|p| p.first_ms).min()
    }
    fn last(&self) -> Option<i64> {
        self.members.iter().filter_map(|p| p.last_ms).max()
    }
}

fn groups(principals: &[PrincipalStats]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut role_at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for p in principals {
        if p.kind == "AssumedRole" {
            if let Some(&at) = role_at.get(p.group.as_str()) {
                out[at].members.push(p.clone());
                continue;
            }
            // The role's name is the last part of the role ARN it is grouped under.
            let role = p
                .group
                .rsplit(['/', ':'])
                .next()
                .filter(|r| !r.is_empty())
                .unwrap_or(&p.name);
            let role = match trailglass_core::input::identity::identity_center_permission_set(role)
            {
                Some(permission_set) => format!("{permission_set} (Identity Center)"),
                None => role.to_owned(),
            };
            role_at.insert(&p.group, out.len());
            out.push(Group {
                key: p.group.clone(),
                label: role,
                members: vec![p.clone()],
            });
        } else {
            out.push(Group {
                key: format!("#{}", p.id),
                label: p.name.clone(),
                members: vec![p.clone()],
            });
        }
    }
    out
}

fn sorted_groups(principals: &[PrincipalStats], key: SortKey, descending: bool) -> Vec<Group> {
    let mut list = groups(principals);
    trailglass_core::sorting::sort_by(&mut list, |a, b| {
        let ordering = match key {
            SortKey::Kind => a.members[0].kind.cmp(&b.members[0].kind),
            SortKey::Name => a.label.to_lowercase().cmp(&b.label.to_lowercase()),
            SortKey::Account => a.members[0].account.cmp(&b.members[0].account),
            SortKey::Events => a.sum(|p| p.events).cmp(&b.sum(|p| p.events)),
            SortKey::Errors => a.sum(|p| p.errors).cmp(&b.sum(|p| p.errors)),
            SortKey::Denied => a.sum(|p| p.denied).cmp(&b.sum(|p| p.denied)),
            SortKey::First => a.first().cmp(&b.first()),
            SortKey::Last => a.last().cmp(&b.last()),
            SortKey::Ips => a.sum(|p| p.source_ips).cmp(&b.sum(|p| p.source_ips)),
        };
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    list
}

/// The sorted groups the row chunks share: equal when it is the same list,
/// so a chunk already drawn is not drawn again while the table fills.
#[derive(Clone)]
struct Sorted(Rc<Vec<Group>>);

impl PartialEq for Sorted {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Which role groups are open.
#[derive(Default, PartialEq)]
struct Expanded(Vec<String>);

impl Reducible for Expanded {
    type Action = String;
    fn reduce(self: Rc<Self>, key: String) -> Rc<Self> {
        let mut open = self.0.clone();
        match open.iter().position(|k| *k == key) {
            Some(at) => {
                open.remove(at);
            }
            None => open.push(key),
        }
        Rc::new(Self(open))
    }
}

fn sparkline(activity: &[u32]) -> Html {
    let max = activity.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = activity.len().max(2) as f64 - 1.0;
    let points: Vec<String> = activity
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * 80.0 / n,
                18.0 - f64::from(v) / max * 16.0
            )
        })
        .collect();
    html! { <svg class="spark" viewBox="0 0 80 20" aria-hidden="true"><polyline points={points.join(" ")} /></svg> }
}

fn facts_badges(bits: u16) -> Html {
    html! { <>{ for CredentialFacts::labels(bits).into_iter().map(|label| html! { <span class="badge">{ label }</span> }) }</> }
}

/// Groups added per frame as the table fills: 175 rows drawn at once took
/// 165–240 ms of the page's thread; 40 at a time keep each frame short,
/// and the busiest are on screen first.
const GROUPS_PER_FRAME: usize = 40;

#[derive(Properties, PartialEq)]
struct RowsProps {
    groups: Sorted,
    from: usize,
    to: usize,
    expanded: Rc<Vec<String>>,
    toggle: UseReducerDispatcher<Expanded>,
    local_time: bool,
}

/// Rows of the groups `from..to` of the sorted list.
#[component]
fn PrincipalRows(props: &RowsProps) -> Html {
    let actions = use_page_actions();
    let local = props.local_time;
    let when = |t: Option<i64>| t.map(|t| time(t, local)).unwrap_or_default();
    let row = |p: &PrincipalStats, nested: bool| {
        let on_pick = actions.open_principal.clone();
        let id = p.id;
        html! {
            <tr class={classes!("principal", nested.then_some("nested"))} data-testid="principal-row" data-kind={p.kind.clone()}
                data-principal={p.name.clone()} data-events={p.events.to_string()} data-id={p.id.to_string()} onclick={Callback::from(move |_: MouseEvent| on_pick.emit(id))} tabindex="0"
                onkeydown={{ let on_pick = actions.open_principal.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { on_pick.emit(id) }) }}>
                <td><span class={classes!("kind", format!("kind-{}", p.kind.to_lowercase()))}>{ p.kind_label.clone() }</span></td>
                <td class="name" title={visible(&p.group)}>{ visible(&if nested { p.name.split_once('/').map_or(p.name.clone(), |(_, s)| s.to_owned()) } else { p.name.clone() }) }</td>
                <td class="mono">{ p.account.clone() }</td>
                <td class="num">{ thousands(p.events as usize) }</td>
                <td class={classes!("num", (p.errors > 0).then_some("warn"))}>{ thousands(p.errors as usize) }</td>
                <td class={classes!("num", (p.denied > 0).then_some("error-text"))}>{ thousands(p.denied as usize) }</td>
                <td class="mono small">{ when(p.first_ms) }</td>
                <td class="mono small">{ when(p.last_ms) }</td>
                <td class="num">{ p.source_ips }</td>
                <td class="small">{ visible(&p.top_actions.iter().map(|v| v.value.clone()).collect::<Vec<_>>().join(", ")) }</td>
                <td class="small">{ visible(&p.top_services.iter().map(|v| v.value.trim_end_matches(".amazonaws.com").to_owned()).collect::<Vec<_>>().join(", ")) }</td>
                <td>{ sparkline(&p.activity) }</td>
                <td class="badges">{ facts_badges(p.facts) }</td>
            </tr>
        }
    };
    let groups = &props.groups.0;
    html! {
        <>
            { for groups[props.from.min(groups.len())..props.to.min(groups.len())].iter().map(|group| {
                if group.members.len() == 1 && !group.members[0].kind.eq("AssumedRole") {
                    return row(&group.members[0], false);
                }
                let open = props.expanded.contains(&group.key);
                let toggle = {
                    let toggle = props.toggle.clone();
                    let key = group.key.clone();
                    Callback::from(move |_: MouseEvent| toggle.dispatch(key.clone()))
                };
                html! {
                    <>
                        <tr class="role-group" data-testid="role-group" onclick={toggle}>
                            <td><span class="kind kind-role">{ if open { "▾ Role" } else { "▸ Role" } }</span></td>
                            <td class="name" title={visible(&group.key)}>{ visible(&format!("{} · {} session{}", group.label, group.members.len(), if group.members.len() == 1 { "" } else { "s" })) }</td>
                            <td class="mono">{ group.members[0].account.clone() }</td>
                            <td class="num">{ thousands(group.sum(|p| p.events) as usize) }</td>
                            <td class="num">{ thousands(group.sum(|p| p.errors) as usize) }</td>
                            <td class="num">{ thousands(group.sum(|p| p.denied) as usize) }</td>
                            <td class="mono small">{ when(group.first()) }</td>
                            <td class="mono small">{ when(group.last()) }</td>
                            <td class="num"></td><td></td><td></td><td></td><td></td>
                        </tr>
                        if open { { for group.members.iter().map(|p| row(p, true)) } }
                    </>
                }
            }) }
        </>
    }
}

#[component]
pub fn PrincipalsView(props: &PrincipalsProps) -> Html {
    let actions = use_page_actions();
    let sort = use_state(|| (SortKey::Events, true));
    let expanded = use_reducer(Expanded::default);
    let (key, descending) = *sort;
    let sorted = {
        let principals = props.principals.clone();
        use_memo(
            (principals, key, descending),
            |(principals, key, descending)| {
                Sorted(Rc::new(sorted_groups(principals, *key, *descending)))
            },
        )
    };
    let chunks = sorted.0.len().div_ceil(GROUPS_PER_FRAME);
    // A new list (a query, a sort) fills again from the top.
    let chunks_shown = use_growing(chunks, Rc::as_ptr(&sorted.0) as usize);
    let export = |format: ExportFormat| {
        let export = actions.export.clone();
        Callback::from(move |_: MouseEvent| export.emit(format))
    };
    html! {
        <section class="panel principals-panel">
            <div class="panel-head">
                <h2>{ format!("Who did what · {} principals", thousands(props.total)) }</h2>
                <span class="spacer"></span>
                <button class="button small" data-testid="export-principals-csv" onclick={export(ExportFormat::PrincipalsCsv)}>{"Download CSV"}</button>
                <button class="button small" data-testid="export-principals-json" onclick={export(ExportFormat::PrincipalsJson)}>{"Download JSON"}</button>
            </div>
            if props.total > props.principals.len() {
                <p class="muted" data-testid="principals-cut">
                    { format!("Showing the {} with the most events of {}: the columns sort these; search or filter to reach the others.",
                        thousands(props.principals.len()), thousands(props.total)) }
                </p>
            }
            <table class="principals" data-testid="principals" data-complete={(chunks_shown >= chunks).to_string()}>
                <thead><tr>
                    { for HEADERS.iter().map(|&(k, label)| {
                        let sort = sort.clone();
                        let arrow = if key == k { if descending { " ↓" } else { " ↑" } } else { "" };
                        html! { <th class={classes!(matches!(k, SortKey::Events | SortKey::Errors | SortKey::Denied | SortKey::Ips).then_some("num"))}>
                            <button class="th sort" data-testid={format!("sort-{}", label.to_lowercase().replace(' ', "-"))}
                                onclick={Callback::from(move |_: MouseEvent| sort.set((k, if sort.0 == k { !sort.1 } else { true })))}>
                                { format!("{label}{arrow}") }</button></th> }
                    }) }
                    <th>{"Top actions"}</th><th>{"Services"}</th><th>{"Activity"}</th><th>{"Credentials"}</th>
                </tr></thead>
                <tbody>
                    { for (0..chunks_shown.min(chunks)).map(|chunk| html! {
                        <PrincipalRows key={chunk} groups={(*sorted).clone()} from={chunk * GROUPS_PER_FRAME} to={(chunk + 1) * GROUPS_PER_FRAME}
                            expanded={Rc::new(expanded.0.clone())} toggle={expanded.dispatcher()} local_time={props.local_time} />
                    }) }
                </tbody>
            </table>
        </section>
    }
}
