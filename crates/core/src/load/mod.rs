//! A load: [`ingest`] ties input and store together per file and keeps the
//! [`report::LoadReport`]; [`batch`] is one parser's batch (files in,
//! segment out); [`parts`] loads a big text in parts and joins them; [`schedule`] plans a parallel load over many parsers, which
//! the browser's store worker and, natively, `parallel` drive.

pub mod batch;
pub mod ingest;
#[cfg(not(target_arch = "wasm32"))]
pub mod parallel;
pub mod parts;
pub mod report;
pub mod schedule;
