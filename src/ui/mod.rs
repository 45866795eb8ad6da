//! The page's components, one per area: each gets the data it shows and
//! callbacks for what it asks; none talks to the worker itself.

pub mod actions;
pub mod case;
pub mod coverage;
pub mod detail;
pub mod facets;
pub mod findings;
pub mod format;
pub mod lineage;
pub mod principals;
pub mod report;
pub mod reveal;
pub mod rules;
pub mod search;
pub mod table;
pub mod timeline;
pub mod toolbar;
pub mod topbar;
