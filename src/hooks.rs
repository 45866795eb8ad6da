//! The page's custom hooks: each keeps one thing in step with the page's
//! state (the worker's view, the URL fragment, the keyboard, what a tab needs
//! from the worker), so the page component only lays out.

use super::client::Client;
use super::protocol::ViewRequest;
use super::state::{Action, Tab};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Typing settles this long before the worker is asked.
const DEBOUNCE_MS: u32 = 150;

/// Asks the worker for the view of `request` once it has settled for
/// [`DEBOUNCE_MS`], when there is data and `answered` (the view on screen)
/// is not already its answer: after a load the worker sends the view of the
/// request it last had, and computing it twice costs a million rows' work.
#[hook]
pub fn use_debounced_view(
    client: &Client,
    request: &ViewRequest,
    has_data: bool,
    answered: Option<ViewRequest>,
) {
    let client = client.clone();
    use_effect_with(
        (request.clone(), has_data),
        move |(request, has_data): &(ViewRequest, bool)| {
            let request = request.clone();
            let needed = *has_data && answered.as_ref() != Some(&request);
            let timeout = needed.then(|| Timeout::new(DEBOUNCE_MS, move || client.view(request)));
            move || drop(timeout)
        },
    );
}

/// Keeps the URL fragment equal to `fragment`, the page's shareable state
/// (replaced, not pushed: no history spam).
#[hook]
pub fn use_fragment_sync(fragment: String) {
    use_effect_with(fragment, move |fragment| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let url = if fragment.is_empty() {
            location.pathname().unwrap_or_default() + &location.search().unwrap_or_default()
        } else {
            format!("#{fragment}")
        };
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    });
}

/// The page's URL fragment when it opened.
pub fn initial_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Keyboard: "/" focuses search, "f" shows the findings, Escape closes the detail.
#[hook]
pub fn use_shortcuts(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let listener =
            gloo::events::EventListener::new(&gloo::utils::document(), "keydown", move |event| {
                let event: &web_sys::KeyboardEvent = event.unchecked_ref();
                let typing = event
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
                let modified = event.ctrl_key() || event.meta_key() || event.alt_key();
                match event.key().as_str() {
                    "Escape" => dispatch.emit(Action::CloseDetail),
                    "f" if !typing && !modified => dispatch.emit(Action::Tab(Tab::Findings)),
                    "s" if !typing && !modified => dispatch.emit(Action::ToggleStar),
                    "c" if !typing && !modified => dispatch.emit(Action::Tab(Tab::Case)),
                    "/" if !typing => {
                        event.prevent_default();
                        if let Some(search) = gloo::utils::document()
                            .query_selector("[data-testid=search]")
                            .ok()
                            .flatten()
                        {
                            let _ = search.unchecked_into::<web_sys::HtmlElement>().focus();
                        }
                    }
                    _ => {}
                }
            });
        move || drop(listener)
    });
}

/// Asks for the coverage report when `wanted` turns true (its tab is open
/// and the data is new).
#[hook]
pub fn use_coverage_when(client: &Client, wanted: bool) {
    let client = client.clone();
    use_effect_with(wanted, move |wanted| {
        if *wanted {
            client.coverage(None, Vec::new());
        }
    });
}

/// Asks for the open principal's lineage once per principal and load;
/// `load` tells loads apart.
#[hook]
pub fn use_lineage_of(client: &Client, principal: Option<u32>, load: usize) {
    let client = client.clone();
    use_effect_with((principal, load), move |(principal, _)| {
        if let Some(principal) = *principal {
            client.lineage(principal);
        }
    });
}
