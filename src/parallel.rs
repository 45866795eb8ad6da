//! Owns the native parallel load: batches of inputs parsed on several
//! threads, each into its own segment, merged into one loader as they
//! finish. The browser does the same with a pool of workers.

use crate::ingest::{Limits, Loader};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Loads `inputs` on `threads` threads, `batch` inputs at a time;
/// `load_one` feeds one input to a loader (reading it however it likes).
pub fn load_batches<I: Sync>(
    inputs: &[I],
    threads: usize,
    batch: usize,
    limits: Limits,
    load_one: impl Fn(&mut Loader, &I) + Sync,
) -> Loader {
    let batch = batch.max(1);
    let next = AtomicUsize::new(0);
    let mut merged = Loader::new(limits);
    std::thread::scope(|scope| {
        let (sender, segments) = mpsc::channel();
        for _ in 0..threads.max(1) {
            let sender = sender.clone();
            let (next, load_one) = (&next, &load_one);
            scope.spawn(move || loop {
                let start = next.fetch_add(batch, Ordering::Relaxed);
                let Some(chunk) = inputs.get(start..(start + batch).min(inputs.len())) else {
                    break;
                };
                if chunk.is_empty() {
                    break;
                }
                let mut loader = Loader::for_segment(limits);
                for input in chunk {
                    load_one(&mut loader, input);
                }
                if sender.send(loader.into_segment()).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for segment in segments {
            merged.merge(segment);
        }
    });
    merged.store.seal();
    merged
}

/// Threads worth using here: every core.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
