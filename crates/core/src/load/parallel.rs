//! Owns the native parallel load: the [`crate::load::schedule`] driven with
//! threads for parsers, each batch parsed into its own segment and merged
//! into one loader as it finishes. The browser drives the same schedule
//! with a pool of workers.

use crate::load::ingest::{Limits, Loader};
use crate::load::parts::SplitLoads;
use crate::load::schedule::{Crash, Input, Job, Next, Part, Schedule, Settings};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

/// What the schedule needs to know of an input before it is read.
pub struct Described {
    pub name: String,
    pub size: u64,
    /// It can be parsed in parts (a zip's members, an uncompressed text's
    /// records): big ones are spread over every thread.
    pub splittable: bool,
}

struct Entry<'a, I> {
    item: &'a I,
    name: String,
    size: u64,
}

// Not derived: that would ask `I: Clone`, and only the reference is copied.
impl<I> Clone for Entry<'_, I> {
    fn clone(&self) -> Self {
        Self {
            item: self.item,
            name: self.name.clone(),
            size: self.size,
        }
    }
}

impl<I> Input for Entry<'_, I> {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> u64 {
        self.size
    }
}

/// Loads `inputs` on `threads` threads as `settings` batch them;
/// `load_part` feeds one part of an input to a loader (reading it however
/// it likes, usually through [`Loader::load_part`]). A thread that panics
/// loses only the input at fault, as a crashed parser does in the browser.
pub fn load_jobs<I: Sync>(
    inputs: &[I],
    describe: impl Fn(&I) -> Described,
    threads: usize,
    settings: Settings,
    limits: Limits,
    load_part: impl Fn(&mut Loader, &I, Part) + Sync,
) -> Loader {
    let threads = threads.max(1);
    let mut schedule = Schedule::new(threads, inputs.len(), settings);
    for item in inputs {
        let Described {
            name,
            size,
            splittable,
        } = describe(item);
        let parts = if splittable {
            schedule.parts_for(size)
        } else {
            1
        };
        schedule.arrive(Entry { item, name, size }, parts);
    }
    let mut merged = Loader::new(limits);
    let mut split = SplitLoads::default();
    std::thread::scope(|scope| {
        let (answer, answers) = mpsc::channel();
        let mut senders = Vec::with_capacity(threads);
        for parser in 0..threads {
            let (sender, batches) = mpsc::channel::<Vec<Job<Entry<'_, I>>>>();
            senders.push(sender);
            let (answer, load_part) = (answer.clone(), &load_part);
            scope.spawn(move || {
                for batch in batches {
                    let parsed = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        let mut loader = Loader::for_segment(limits);
                        for job in &batch {
                            load_part(&mut loader, job.file.item, job.part);
                        }
                        loader.into_segment()
                    }));
                    if answer.send((parser, parsed.ok())).is_err() {
                        break;
                    }
                }
            });
        }
        drop(answer);
        loop {
            if merged.is_full() {
                for job in schedule.take_unsent() {
                    if job.files() == 1 {
                        merged.refuse_unread(&job.file.name);
                    }
                }
            }
            match schedule.step() {
                Next::Send { parser, batch } => {
                    if senders[parser].send(batch).is_err() {
                        if let Some(job) = schedule.send_failed(parser) {
                            merged.unreadable(&job.label(), "its parser thread is gone");
                        }
                    }
                }
                Next::WaitForParsers => {
                    let Ok((parser, segment)) = answers.recv() else {
                        break;
                    };
                    match segment {
                        Some(segment) => {
                            let batch = schedule.parsed(parser);
                            match batch.first() {
                                Some(job) => {
                                    let (file, name) = (job.file.clone(), &job.file.name);
                                    if let Some(file) =
                                        split.arrived(&mut merged, file, name, job.part, segment, 0)
                                    {
                                        schedule.redo(file);
                                    }
                                }
                                None => merged.merge(segment),
                            }
                        }
                        None => {
                            if let Crash::Culprit(job) = schedule.crashed(parser, true) {
                                merged.not_parsed(
                                    &job.label(),
                                    "the parser stopped on this file (a bug: please report it)",
                                );
                            }
                        }
                    }
                }
                Next::WaitForFiles => break,
                Next::Done { leftover } => {
                    for job in leftover {
                        if job.part.is_whole() {
                            load_part(&mut merged, job.file.item, job.part);
                            continue;
                        }
                        // A part is parsed as a parser would, to be joined with the others.
                        let (file, name) = (job.file.clone(), &job.file.name);
                        let load = |part: &mut Loader| load_part(part, job.file.item, job.part);
                        if let Some(file) =
                            split.parse_here(&mut merged, file, name, job.part, limits, load)
                        {
                            load_part(&mut merged, file.item, Part::WHOLE);
                        }
                    }
                    break;
                }
            }
        }
        drop(senders);
    });
    split.finish(&mut merged, "a part of it was lost");
    merged.store.seal();
    merged
}

/// Loads `inputs` on `threads` threads, `batch` inputs at a time, none
/// split; `load_one` feeds one input to a loader.
pub fn load_batches<I: Sync>(
    inputs: &[I],
    threads: usize,
    batch: usize,
    limits: Limits,
    load_one: impl Fn(&mut Loader, &I) + Sync,
) -> Loader {
    let settings = Settings {
        batch_bytes: u64::MAX,
        batch_jobs: batch.max(1),
        ..Settings::default()
    };
    let describe = |_: &I| Described {
        name: String::new(),
        size: 0,
        splittable: false,
    };
    load_jobs(
        inputs,
        describe,
        threads,
        settings,
        limits,
        |loader, item, _| load_one(loader, item),
    )
}

/// Threads worth using here: every core.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
