//! Owns the top bar: the brand, and every way data comes in (files, a
//! folder, the built-in sample) or goes (Clear).

use crate::client::Client;
use crate::files::{from_file_range, hand_over, stop_hand_over};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Sizes of the built-in sample a user can pick; the first is the default.
pub const SAMPLE_SIZES: [(usize, &str); 4] = [
    (20_000, "20k events"),
    (200_000, "200k events"),
    (1_000_000, "1M events"),
    (2_000, "2k events"),
];

#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    pub loading: bool,
    pub has_data: bool,
}

#[component]
pub fn TopBar(props: &TopBarProps) -> Html {
    let client = use_context::<Client>().expect("the page provides its client");
    let on_pick = {
        let client = client.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(list) = input.files() else {
                return;
            };
            let total = list.length() as usize;
            if total == 0 {
                input.set_value("");
            }
            // The input is cleared once every handle is taken from its list.
            hand_over(client.loads(), total, move |start, end| {
                let files = from_file_range(&list, start as u32, end as u32);
                if end == total {
                    input.set_value("");
                }
                files
            });
        })
    };
    let sample_size = use_state(|| SAMPLE_SIZES[0].0);
    let on_sample = {
        let client = client.clone();
        let events = *sample_size;
        Callback::from(move |_: MouseEvent| client.load_sample(events))
    };
    let on_sample_size = {
        let sample_size = sample_size.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Ok(events) = select.value().parse() {
                sample_size.set(events);
            }
        })
    };
    let on_clear = Callback::from(move |_: MouseEvent| {
        stop_hand_over(true);
        client.clear();
    });
    let loading = props.loading;
    html! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">{"◆"}</span>
                <h1>{"Trailglass"}</h1>
                <span class="tagline">{"CloudTrail logs, in your browser. Nothing you open leaves this machine."}</span>
            </div>
            <nav class="actions">
                <label class="button primary" title="Open CloudTrail files (.json, .json.gz, .zip, .csv)">
                    {"Open files"}
                    <input type="file" multiple=true class="visually-hidden" data-testid="file-input" onchange={on_pick.clone()} />
                </label>
                <label class="button" title="Open a whole folder, e.g. AWSLogs/">
                    {"Open folder"}
                    <input type="file" webkitdirectory=true multiple=true class="visually-hidden" data-testid="folder-input" onchange={on_pick} />
                </label>
                <span class="sample">
                    <button class="button" data-testid="sample-data" onclick={on_sample} disabled={loading}>{"Load sample data"}</button>
                    <select class="sample-size" data-testid="sample-size" aria-label="Sample size" onchange={on_sample_size} disabled={loading}>
                        { for SAMPLE_SIZES.iter().map(|(n, label)| html! { <option value={n.to_string()} selected={*n == *sample_size}>{ *label }</option> }) }
                    </select>
                </span>
                <button class="button ghost" data-testid="clear" onclick={on_clear} disabled={loading || !props.has_data}>{"Clear"}</button>
            </nav>
        </header>
    }
}
