//! A load: [`ingest`] ties input and store together per file and keeps the
//! [`ingest::LoadReport`]; [`batch`] is one parser's batch (files in, segment
//! out); [`schedule`] plans a parallel load over many parsers, which the
//! browser's store worker and, natively, [`parallel`] drive.

pub mod batch;
pub mod ingest;
#[cfg(not(target_arch = "wasm32"))]
pub mod parallel;
pub mod schedule;
