//! Trailglass core: everything that turns CloudTrail bytes into answers, in
//! pure Rust so it is tested and benchmarked natively and runs unchanged in
//! the browser's worker.
//!
//! The roles, in the order bytes flow through them:
//! - [`container`] recognises gzip/zip by magic bytes and inflates within limits;
//! - [`formats`] recognises what the text holds and walks it record by record,
//!   using [`scan`] to skip and resynchronise and [`record`] to decode
//!   ([`eventscan`] first, the quick path for the common case);
//! - [`identity`] resolves who acted;
//! - [`store`] keeps every event as a fixed-size row of interned ids, and
//!   [`columns`] says once what each column is and where it shows;
//! - [`ingest`] ties these together per file and keeps the [`ingest::LoadReport`];
//!   a parallel load parses batches into [`segment`]s and merges them
//!   (one parser's batch, files in and segment out, is [`batch`]; a big
//!   uncompressed text is cut into parts by [`split`]);
//! - [`coverage`] tells which accounts, regions and hours the files cover,
//!   and checks log files against [`digest`] files;
//! - [`partition`] lets other workers keep the raw JSON and answer for it;
//! - [`detect`] runs the built-in detection rules over the store;
//! - [`summary`] aggregates the store for people (per principal, time span).
//!
//! Browser glue lives in [`web`] (mostly wasm32 only) and never leaks back here.

pub mod batch;
pub mod columns;
pub mod container;
pub mod coverage;
pub mod detect;
pub mod diagnostic;
pub mod digest;
pub mod eventscan;
pub mod export;
pub mod filter;
pub mod fingerprint;
pub mod formats;
pub mod identity;
pub mod ingest;
pub mod lineage;
#[cfg(not(target_arch = "wasm32"))]
pub mod parallel;
pub mod partition;
pub mod pretty;
pub mod query;
pub mod rawstore;
pub mod record;
pub mod sample;
pub mod scan;
pub mod schedule;
pub mod segment;
pub mod split;
pub mod sql;
pub mod store;
pub mod summary;
pub mod time;
pub mod view;

pub mod web;
