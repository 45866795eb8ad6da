//! Trailglass core: everything that turns CloudTrail bytes into answers, in
//! pure Rust so it is tested and benchmarked natively and runs unchanged in
//! the browser's workers. This crate cannot depend on yew, web-sys or gloo:
//! the browser glue is the `trailglass` crate at the top of the workspace.
//!
//! The layers, in the order bytes flow through them:
//! - [`input`]: bytes to records. Containers (gzip, zip), formats, the
//!   record decoder and its quick path, who acted, and cutting big texts;
//! - [`store`]: every event as a fixed-size row of interned ids, the column
//!   registry, the raw JSON blocks, segments that cross between workers and
//!   the partition that lets other workers keep the raw JSON;
//! - [`load`]: a load, per file ([`load::ingest`]), per parser batch, planned
//!   over many parsers ([`load::schedule`]) and run on threads natively;
//! - [`query`]: the search language and everything that answers it (filter,
//!   SQL, views, exports, pretty JSON);
//! - [`analysis`]: detections, session lineage, coverage and digests, and
//!   per-principal summaries.
//! - [`case`]: what a responder marks and notes, and the report written from it.
//!
//! Shared by all of them: [`time`], [`diagnostic`], [`sorting`] off the
//! hot paths, and the built-in [`sample`] trail.

pub mod analysis;
pub mod case;
pub mod diagnostic;
pub mod input;
pub mod load;
pub mod query;
pub mod sample;
pub mod sorting;
pub mod store;
pub mod time;
