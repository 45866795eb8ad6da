//! Owns the plan of a parallel load: cutting it into jobs (a whole file, or
//! one part of a big archive), grouping jobs into batches for parsers,
//! keeping every parser's queue full, and deciding what a dead parser's
//! batches become. Plain data with no clock, thread or browser in it: the
//! store worker (the web crate's `worker::loading`) and the CLI (`parallel`) drive it, and the
//! tests drive it with a fake pool.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A batch ends at this many bytes of files, or this many files: large
/// enough that merging is cheap, small enough that progress moves.
pub const BATCH_BYTES: usize = 1_000_000;
pub const BATCH_FILES: usize = 256;

/// What the schedule needs to know of an input: a name for reports and a
/// size to balance batches.
pub trait Input {
    fn name(&self) -> &str;
    fn size(&self) -> u64;
}

pub use crate::input::split::Part;

/// One unit of work for a parser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job<F> {
    pub file: F,
    pub part: Part,
}

impl<F: Input> Job<F> {
    /// Files this job completes, for progress: a split file counts once, with its first part.
    pub fn files(&self) -> usize {
        usize::from(self.part.index == 0)
    }

    /// This job's share of the file's bytes, for progress and batch sizes.
    pub fn bytes(&self) -> u64 {
        let of = u64::from(self.part.of.max(1));
        let share = self.file.size() / of;
        if u64::from(self.part.index) + 1 == of {
            self.file.size() - share * (of - 1)
        } else {
            share
        }
    }

    /// The name a problem with this job is reported under.
    pub fn label(&self) -> String {
        if self.part.is_whole() {
            self.file.name().to_owned()
        } else {
            format!(
                "{} (part {} of {})",
                self.file.name(),
                self.part.index + 1,
                self.part.of
            )
        }
    }
}

/// Files at least this big are worth splitting (when they are zips or
/// uncompressed text), and the page hands them over as handles rather than bytes.
pub const SPLIT_BYTES: u64 = 8_000_000;

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// A batch ends at this many bytes of files…
    pub batch_bytes: u64,
    /// …or this many jobs: large enough that merging is cheap, small enough that progress moves.
    pub batch_jobs: usize,
    /// Batches given to each parser at once, so it never waits for the next.
    pub queued_per_parser: usize,
    /// Files at least this big (zips, uncompressed texts) are spread over every parser.
    pub split_bytes: u64,
    /// A parser that has not answered its oldest batch within this many
    /// milliseconds, plus `answer_ms_per_mb` for each MB of the batch, is
    /// taken for hung (see [`Schedule::overdue`]).
    pub answer_ms: f64,
    pub answer_ms_per_mb: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            batch_bytes: BATCH_BYTES as u64,
            batch_jobs: BATCH_FILES,
            queued_per_parser: 2,
            split_bytes: SPLIT_BYTES,
            // Parsing runs at tens of MB a second even on a slow machine.
            answer_ms: 30_000.0,
            answer_ms_per_mb: 1_000.0,
        }
    }
}

/// What the driver should do next.
#[derive(Debug, PartialEq)]
pub enum Next<F> {
    /// Send this batch to this parser (it is counted as in flight there).
    Send { parser: usize, batch: Vec<Job<F>> },
    /// Wait for a parser to answer (or die).
    WaitForParsers,
    /// Wait for more of the load's files to arrive.
    WaitForFiles,
    /// Nothing is in flight and every file has arrived. `leftover` holds
    /// jobs no parser is left to take: the driver parses them itself.
    Done { leftover: Vec<Job<F>> },
}

/// What became of the batch a parser died on.
#[derive(Debug, PartialEq)]
pub enum Crash<F> {
    /// The batch held one job: that file is the culprit, report it.
    Culprit(Job<F>),
    /// The batch held several: each is retried alone, so only the culprit is lost.
    Retried,
}

pub struct Schedule<F> {
    settings: Settings,
    pending: VecDeque<Job<F>>,
    /// Jobs of a batch a parser died on, sent one per batch.
    retry: VecDeque<Job<F>>,
    in_flight: Vec<VecDeque<Vec<Job<F>>>>,
    /// Bytes of files sent to each parser: parsers keep the raw JSON they
    /// parse and scan it for free text, so a scan waits for the one that
    /// holds the most.
    sent_bytes: Vec<u64>,
    /// When each parser's oldest batch became the one it works on.
    working_since: Vec<Option<f64>>,
    /// The driver's clock, as last told ([`Schedule::tick`]).
    now_ms: f64,
    alive: Vec<bool>,
    arrived: usize,
    expected: usize,
}

impl<F: Input + Clone> Schedule<F> {
    /// A load of `expected` files over `parsers` parsers (none: the driver parses everything).
    pub fn new(parsers: usize, expected: usize, settings: Settings) -> Self {
        Self {
            settings,
            pending: VecDeque::new(),
            retry: VecDeque::new(),
            in_flight: (0..parsers).map(|_| VecDeque::new()).collect(),
            sent_bytes: vec![0; parsers],
            working_since: vec![None; parsers],
            now_ms: 0.0,
            alive: vec![true; parsers],
            arrived: 0,
            expected,
        }
    }

    pub fn parsers(&self) -> usize {
        self.alive.len()
    }

    /// How many parts a file should be parsed in, if it can be parsed apart
    /// (a zip, an uncompressed text): one per living parser once it is big.
    pub fn parts_for(&self, size: u64) -> u32 {
        let alive = self.alive.iter().filter(|alive| **alive).count() as u32;
        if size >= self.settings.split_bytes && alive > 1 {
            alive
        } else {
            1
        }
    }

    /// Takes in a file that arrived, as `parts` jobs.
    pub fn arrive(&mut self, file: F, parts: u32) {
        self.arrived += 1;
        let of = parts.max(1);
        for index in 0..of {
            self.pending.push_back(Job {
                file: file.clone(),
                part: Part { index, of },
            });
        }
    }

    /// A file whose parts could not be joined, to be parsed again whole,
    /// before anything else waiting.
    pub fn redo(&mut self, file: F) {
        self.pending.push_front(Job {
            file,
            part: Part::WHOLE,
        });
    }

    /// Files still to come from the page (or the disk).
    pub fn more_coming(&self) -> bool {
        self.arrived < self.expected
    }

    /// The next step: a batch to send, or what to wait for.
    pub fn step(&mut self) -> Next<F> {
        // The least busy parser first, so that the parts of a file spread
        // out; of those equally busy, the one sent the fewest bytes. When
        // files arrive slower than they are parsed, the parsers are often
        // idle together, and always taking the first one left it holding
        // about two thirds of a million events' raw JSON.
        let mut parsers: Vec<usize> = (0..self.alive.len()).collect();
        parsers.sort_by_key(|&parser| (self.in_flight[parser].len(), self.sent_bytes[parser]));
        for parser in parsers {
            if !self.alive[parser]
                || self.in_flight[parser].len() >= self.settings.queued_per_parser
            {
                continue;
            }
            // While files are still arriving, a busy parser waits for a full
            // batch: many small segments would each end in a short, badly
            // compressed raw block.
            if self.retry.is_empty()
                && self.more_coming()
                && !self.in_flight[parser].is_empty()
                && !self.batch_ready()
            {
                continue;
            }
            let batch = match self.retry.pop_front() {
                Some(job) => vec![job],
                None => self.next_batch(),
            };
            if batch.is_empty() {
                continue;
            }
            if self.in_flight[parser].is_empty() {
                self.working_since[parser] = Some(self.now_ms);
            }
            self.sent_bytes[parser] += batch.iter().map(Job::bytes).sum::<u64>();
            self.in_flight[parser].push_back(batch.clone());
            return Next::Send { parser, batch };
        }
        if self.in_flight.iter().any(|queue| !queue.is_empty()) {
            return Next::WaitForParsers;
        }
        let parser_alive = self.alive.iter().any(|alive| *alive);
        if self.more_coming() && (self.pending.is_empty() || !parser_alive) {
            return Next::WaitForFiles;
        }
        Next::Done {
            leftover: self.take_unsent(),
        }
    }

    /// The oldest batch sent to `parser`, now parsed.
    pub fn parsed(&mut self, parser: usize) -> Vec<Job<F>> {
        let Some(queue) = self.in_flight.get_mut(parser) else {
            return Vec::new();
        };
        let batch = queue.pop_front().unwrap_or_default();
        self.working_since[parser] = (!queue.is_empty()).then_some(self.now_ms);
        batch
    }

    /// Tells the schedule the driver's clock (milliseconds, any origin).
    pub fn tick(&mut self, now_ms: f64) {
        self.now_ms = now_ms;
    }

    /// A parser whose oldest batch has waited longer than its budget: the
    /// driver ends it and reports [`Schedule::crashed`], so that a parser
    /// that never answers cannot hold the load forever.
    pub fn overdue(&self) -> Option<usize> {
        (0..self.in_flight.len()).find(|&parser| {
            let (Some(since), Some(batch)) =
                (self.working_since[parser], self.in_flight[parser].front())
            else {
                return false;
            };
            let megabytes = batch.iter().map(Job::bytes).sum::<u64>() as f64 / 1e6;
            let budget = self.settings.answer_ms + self.settings.answer_ms_per_mb * megabytes;
            self.now_ms - since > budget
        })
    }

    /// A batch could not even be sent to `parser`: its first job is reported
    /// with the reason, the rest retried elsewhere, and the parser given up on.
    pub fn send_failed(&mut self, parser: usize) -> Option<Job<F>> {
        let mut batch = self.in_flight[parser].pop_back().unwrap_or_default();
        self.alive[parser] = false;
        self.requeue_in_flight(parser);
        if batch.is_empty() {
            return None;
        }
        let first = batch.remove(0);
        self.retry.extend(batch);
        Some(first)
    }

    /// `parser` died on its oldest batch; the batches queued behind it died
    /// with it and go back to be retried. It lives on if it was `restarted`.
    pub fn crashed(&mut self, parser: usize, restarted: bool) -> Crash<F> {
        let culprit = self.in_flight[parser].pop_front().unwrap_or_default();
        self.requeue_in_flight(parser);
        self.alive[parser] = restarted;
        if culprit.len() == 1 {
            Crash::Culprit(culprit.into_iter().next().expect("one job"))
        } else {
            self.retry.extend(culprit);
            Crash::Retried
        }
    }

    /// A parser answered for `batch` (as [`Self::parsed`] gave it) with
    /// bytes that could not be read. The parser lives on; a batch of one is
    /// the culprit, the jobs of a bigger one are retried alone.
    pub fn unreadable(&mut self, mut batch: Vec<Job<F>>) -> Crash<F> {
        if batch.len() == 1 {
            Crash::Culprit(batch.pop().expect("one job"))
        } else {
            self.retry.extend(batch);
            Crash::Retried
        }
    }

    /// Every job not yet sent (for a store that is full, or a load cut short).
    pub fn take_unsent(&mut self) -> Vec<Job<F>> {
        self.retry.drain(..).chain(self.pending.drain(..)).collect()
    }

    fn requeue_in_flight(&mut self, parser: usize) {
        self.working_since[parser] = None;
        let queued: Vec<Vec<Job<F>>> = self.in_flight[parser].drain(..).collect();
        self.retry.extend(queued.into_iter().flatten());
    }

    /// Whether the jobs waiting make a full batch.
    fn batch_ready(&self) -> bool {
        let mut bytes = 0;
        for (count, job) in self.pending.iter().enumerate() {
            bytes += job.bytes();
            if bytes >= self.settings.batch_bytes || count + 1 >= self.settings.batch_jobs {
                return true;
            }
        }
        false
    }

    fn next_batch(&mut self) -> Vec<Job<F>> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while bytes < self.settings.batch_bytes && batch.len() < self.settings.batch_jobs {
            // A part of a split file is a batch of its own: the parts of one
            // file go to different parsers, and a split text's part waits
            // for its file's other parts before it is merged.
            if self
                .pending
                .front()
                .is_some_and(|next| !next.part.is_whole())
                && !batch.is_empty()
            {
                break;
            }
            let Some(job) = self.pending.pop_front() else {
                break;
            };
            bytes += job.bytes();
            let split = !job.part.is_whole();
            batch.push(job);
            if split {
                break;
            }
        }
        batch
    }
}

#[cfg(test)]
mod tests;
