//! What many components do, given once by the page through a context rather
//! than passed down through every component's props: open an event, open a
//! principal's page, add a term to the query, export.

use crate::protocol::ExportFormat;
use crate::state::Term;
use yew::prelude::*;

/// The page's actions. Made once, when the page starts, so a component
/// that reads them is not drawn again because they changed.
#[derive(Clone, PartialEq, Default)]
pub struct PageActions {
    /// Opens an event's detail, by its id.
    pub open_event: Callback<u32>,
    /// Shows one principal's events and page.
    pub open_principal: Callback<u32>,
    /// Adds `field:"value"` (or its exclusion) to the query.
    pub add_term: Callback<Term>,
    /// Exports in a format; the file is saved when it comes back.
    pub export: Callback<ExportFormat>,
}

/// The page's actions, from the nearest provider (nothing happens without one).
#[hook]
pub fn use_page_actions() -> PageActions {
    use_context::<PageActions>().unwrap_or_default()
}
