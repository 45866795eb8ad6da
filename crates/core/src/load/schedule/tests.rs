//! The schedule driven by a fake pool: parsers that answer in any order,
//! one that is slow, ones that die on a chosen file (restarted or not), one
//! that answers with damaged bytes, and a load cancelled half way. Whatever happens, every job is parsed exactly
//! once, reported as the culprit, or handed back; nothing waits forever.

use super::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
struct FakeFile {
    name: String,
    size: u64,
}

impl Input for FakeFile {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> u64 {
        self.size
    }
}

fn files(count: usize, size: u64) -> Vec<FakeFile> {
    (0..count)
        .map(|i| FakeFile {
            name: format!("f{i:04}"),
            size,
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    Normal,
    /// Answers only when no other parser has anything to answer.
    Slow,
    /// Dies on any batch holding the named file; `restarts` says whether it comes back.
    DiesOn {
        file: &'static str,
        restarts: bool,
    },
    /// Answers with damaged bytes for any batch holding the named file.
    Damages {
        file: &'static str,
    },
}

/// What became of every job, keyed by (file, part index).
#[derive(Default, Debug)]
struct Outcome {
    parsed: BTreeMap<(String, u32), usize>,
    culprits: Vec<String>,
    leftover: Vec<(String, u32)>,
    steps: usize,
    max_in_flight: usize,
}

/// Runs a load: `slices` of files arrive one per `WaitForFiles`, the parsers
/// behave as told. `split` gives a file's parts. `cancel_after` stops the
/// driver after that many parsed batches.
fn run(
    parsers: &[Behaviour],
    slices: Vec<Vec<FakeFile>>,
    settings: Settings,
    split: impl Fn(&Schedule<FakeFile>, &FakeFile) -> u32,
    cancel_after: Option<usize>,
) -> (Outcome, Schedule<FakeFile>) {
    let expected = slices.iter().map(Vec::len).sum();
    let mut schedule = Schedule::new(parsers.len(), expected, settings);
    let mut behaviours = parsers.to_vec();
    let mut slices = slices.into_iter();
    let mut queues: Vec<VecDeque<Vec<Job<FakeFile>>>> = vec![VecDeque::new(); parsers.len()];
    let mut outcome = Outcome::default();
    let mut batches_parsed = 0;
    if let Some(slice) = slices.next() {
        for file in slice {
            let parts = split(&schedule, &file);
            schedule.arrive(file, parts);
        }
    }
    loop {
        outcome.steps += 1;
        assert!(outcome.steps < 100_000, "the load never ends");
        if cancel_after.is_some_and(|limit| batches_parsed >= limit) {
            return (outcome, schedule);
        }
        match schedule.step() {
            Next::Send { parser, batch } => {
                assert!(!batch.is_empty());
                queues[parser].push_back(batch);
                outcome.max_in_flight = outcome.max_in_flight.max(queues[parser].len());
            }
            Next::WaitForFiles => {
                let slice = slices.next().expect("files were awaited that never come");
                for file in slice {
                    let parts = split(&schedule, &file);
                    schedule.arrive(file, parts);
                }
            }
            Next::Done { leftover } => {
                outcome.leftover = leftover
                    .into_iter()
                    .map(|job| (job.file.name, job.part.index))
                    .collect();
                assert!(
                    queues.iter().all(VecDeque::is_empty),
                    "done with work in flight"
                );
                return (outcome, schedule);
            }
            Next::WaitForParsers => {
                // The first busy parser that is not slow answers; the slow one last.
                let parser = (0..queues.len())
                    .filter(|&p| !queues[p].is_empty())
                    .min_by_key(|&p| behaviours[p] == Behaviour::Slow)
                    .expect("waiting on parsers with nothing in flight");
                let batch = queues[parser].pop_front().unwrap();
                if let Behaviour::DiesOn { file, restarts } = behaviours[parser] {
                    if batch.iter().any(|job| job.file.name == file) {
                        queues[parser].clear();
                        if !restarts {
                            behaviours[parser] = Behaviour::Normal;
                        }
                        match schedule.crashed(parser, restarts) {
                            Crash::Culprit(job) => outcome.culprits.push(job.file.name),
                            Crash::Retried => {}
                        }
                        continue;
                    }
                }
                assert_eq!(schedule.parsed(parser), batch, "answers come in order");
                if let Behaviour::Damages { file } = behaviours[parser] {
                    if batch.iter().any(|job| job.file.name == file) {
                        match schedule.unreadable(batch) {
                            Crash::Culprit(job) => outcome.culprits.push(job.file.name),
                            Crash::Retried => {}
                        }
                        continue;
                    }
                }
                batches_parsed += 1;
                for job in batch {
                    *outcome
                        .parsed
                        .entry((job.file.name, job.part.index))
                        .or_default() += 1;
                }
            }
        }
    }
}

fn whole(_: &Schedule<FakeFile>, _: &FakeFile) -> u32 {
    1
}

fn small_batches() -> Settings {
    Settings {
        batch_bytes: 10_000,
        batch_jobs: 4,
        queued_per_parser: 2,
        split_bytes: 50_000,
        ..Settings::default()
    }
}

#[test]
fn every_file_is_parsed_once_whatever_order_parsers_answer_in() {
    let all = files(50, 1_000);
    let slices: Vec<Vec<FakeFile>> = all.chunks(7).map(<[FakeFile]>::to_vec).collect();
    let (outcome, _) = run(
        &[Behaviour::Normal, Behaviour::Slow, Behaviour::Normal],
        slices,
        small_batches(),
        whole,
        None,
    );
    assert_eq!(outcome.parsed.len(), 50);
    assert!(outcome.parsed.values().all(|&n| n == 1));
    assert!(outcome.culprits.is_empty() && outcome.leftover.is_empty());
    assert!(
        outcome.max_in_flight <= 2,
        "at most two batches queued per parser"
    );
}

#[test]
fn a_parser_that_dies_loses_only_the_file_at_fault() {
    let all = files(40, 1_000);
    for restarts in [true, false] {
        let (outcome, _) = run(
            &[
                Behaviour::DiesOn {
                    file: "f0017",
                    restarts,
                },
                Behaviour::Normal,
            ],
            vec![all.clone()],
            small_batches(),
            whole,
            None,
        );
        // The other parser may take f0017 alone on a retry: then nothing is lost.
        let lost = outcome.culprits.len();
        assert!(lost <= 1, "{:?}", outcome.culprits);
        assert_eq!(outcome.parsed.len() + lost, 40, "restarts: {restarts}");
        if lost == 1 {
            assert_eq!(outcome.culprits, ["f0017"]);
            assert!(!outcome.parsed.contains_key(&("f0017".into(), 0)));
        }
        assert!(outcome.leftover.is_empty());
    }
}

#[test]
fn a_file_that_kills_every_parser_is_reported_and_the_rest_is_handed_back() {
    let all = files(30, 1_000);
    let (outcome, _) = run(
        &[Behaviour::DiesOn {
            file: "f0003",
            restarts: false,
        }],
        vec![all],
        small_batches(),
        whole,
        None,
    );
    // The only parser died with a batch of several: nothing is its culprit,
    // and no parser is left, so every job it had not parsed comes back for
    // the driver to parse itself, each exactly once.
    let handed_back: Vec<&(String, u32)> = outcome.leftover.iter().collect();
    assert_eq!(outcome.parsed.len() + handed_back.len(), 30);
    assert!(handed_back.iter().any(|(name, _)| name == "f0003"));
    let mut names: Vec<_> = handed_back.iter().map(|(n, _)| n.clone()).collect();
    names.dedup();
    assert_eq!(names.len(), handed_back.len(), "no job handed back twice");
}

#[test]
fn a_parser_that_dies_on_a_retried_file_names_it() {
    let all = files(12, 1_000);
    let (outcome, _) = run(
        &[
            Behaviour::DiesOn {
                file: "f0005",
                restarts: true,
            },
            Behaviour::DiesOn {
                file: "f0005",
                restarts: true,
            },
        ],
        vec![all],
        small_batches(),
        whole,
        None,
    );
    assert_eq!(outcome.culprits, ["f0005"]);
    assert_eq!(outcome.parsed.len(), 11);
    assert!(outcome.leftover.is_empty());
}

#[test]
fn big_archives_are_spread_over_every_parser() {
    let mut all = files(10, 1_000);
    all.push(FakeFile {
        name: "big.zip".into(),
        size: 1_000_000,
    });
    let split = |schedule: &Schedule<FakeFile>, file: &FakeFile| {
        if file.name.ends_with(".zip") {
            schedule.parts_for(file.size)
        } else {
            1
        }
    };
    let mut settings = small_batches();
    settings.batch_jobs = 100;
    settings.batch_bytes = u64::MAX;
    let mut schedule = Schedule::new(3, 11, settings);
    for file in all.clone() {
        let parts = split(&schedule, &file);
        schedule.arrive(file, parts);
    }
    let mut parts_to = Vec::new();
    while let Next::Send { parser, batch } = schedule.step() {
        for job in &batch {
            if job.file.name == "big.zip" {
                parts_to.push((job.part, parser));
            }
        }
        let parts_here = batch.iter().filter(|job| !job.part.is_whole()).count();
        assert!(parts_here <= 1, "two parts of one file in one batch");
    }
    let parsers: std::collections::BTreeSet<usize> = parts_to.iter().map(|(_, p)| *p).collect();
    assert_eq!(parts_to.len(), 3);
    assert_eq!(parsers.len(), 3, "{parts_to:?}");
    let bytes: u64 = (0..3)
        .map(|index| {
            Job {
                file: all[10].clone(),
                part: Part { index, of: 3 },
            }
            .bytes()
        })
        .sum();
    assert_eq!(bytes, 1_000_000, "the parts' shares add up to the file");

    let (outcome, _) = run(
        &[Behaviour::Normal, Behaviour::Slow],
        vec![all],
        small_batches(),
        split,
        None,
    );
    assert_eq!(outcome.parsed.len(), 12, "10 files and 2 parts");
    assert!(outcome.parsed.contains_key(&("big.zip".into(), 1)));
}

#[test]
fn small_archives_and_a_lone_parser_are_not_split() {
    let schedule: Schedule<FakeFile> = Schedule::new(1, 1, Settings::default());
    assert_eq!(schedule.parts_for(1 << 30), 1);
    let schedule: Schedule<FakeFile> = Schedule::new(2, 1, Settings::default());
    assert_eq!(schedule.parts_for(1_000), 1);
    assert_eq!(schedule.parts_for(100_000_000), 2);
}

#[test]
fn a_cancelled_load_holds_every_unfinished_job_once() {
    let all = files(60, 1_000);
    let (outcome, mut schedule) = run(
        &[Behaviour::Normal, Behaviour::Normal],
        vec![all[..30].to_vec(), all[30..].to_vec()],
        small_batches(),
        whole,
        Some(3),
    );
    let mut in_flight: Vec<String> = (0..2)
        .flat_map(|parser| {
            let mut jobs = Vec::new();
            loop {
                let batch = schedule.parsed(parser);
                if batch.is_empty() {
                    break jobs;
                }
                jobs.extend(batch.into_iter().map(|job| job.file.name));
            }
        })
        .collect();
    in_flight.extend(schedule.take_unsent().into_iter().map(|job| job.file.name));
    let parsed: Vec<String> = outcome
        .parsed
        .keys()
        .map(|(name, _)| name.clone())
        .collect();
    let mut all_seen: Vec<String> = parsed.into_iter().chain(in_flight).collect();
    all_seen.sort();
    let arrived: Vec<String> = all[..all_seen.len()]
        .iter()
        .map(|f| f.name.clone())
        .collect();
    assert_eq!(all_seen, arrived, "no job lost or doubled");
}

#[test]
fn parsers_idle_together_take_turns_by_the_bytes_they_were_sent() {
    // Files arrive slower than they are parsed: every batch finds both parsers idle.
    let mut schedule = Schedule::new(2, 40, small_batches());
    let mut sent = [0u64; 2];
    for (i, file) in files(40, 1_000).into_iter().enumerate() {
        schedule.arrive(file, 1);
        let next = schedule.step();
        let Next::Send { parser, batch } = next else {
            panic!("file {i}: expected a batch, got {next:?}");
        };
        sent[parser] += batch.iter().map(Job::bytes).sum::<u64>();
        assert_eq!(schedule.parsed(parser), batch);
    }
    assert_eq!(
        sent,
        [20_000, 20_000],
        "each idle parser in turn, not always the first"
    );
}

#[test]
fn a_busy_parser_waits_for_a_full_batch_while_files_arrive() {
    let mut schedule = Schedule::new(1, 100, small_batches());
    schedule.arrive(
        FakeFile {
            name: "a".into(),
            size: 10,
        },
        1,
    );
    assert!(matches!(schedule.step(), Next::Send { parser: 0, .. }));
    schedule.arrive(
        FakeFile {
            name: "b".into(),
            size: 10,
        },
        1,
    );
    assert_eq!(
        schedule.step(),
        Next::WaitForParsers,
        "one small file is no batch"
    );
    for name in ["c", "d", "e"] {
        schedule.arrive(
            FakeFile {
                name: name.into(),
                size: 10,
            },
            1,
        );
    }
    match schedule.step() {
        Next::Send { batch, .. } => assert_eq!(batch.len(), 4),
        other => panic!("expected a full batch, got {other:?}"),
    }
}

#[test]
fn a_parser_that_never_answers_is_found_overdue_and_its_file_reported() {
    let settings = Settings {
        answer_ms: 1_000.0,
        answer_ms_per_mb: 100.0,
        ..small_batches()
    };
    let mut schedule = Schedule::new(2, 3, settings);
    for file in files(3, 1_000_000) {
        schedule.arrive(file, 1);
    }
    schedule.tick(0.0);
    let mut sent = Vec::new();
    while let Next::Send { parser, batch } = schedule.step() {
        sent.push((parser, batch));
    }
    assert_eq!(sent.len(), 3, "one file a batch, 1 MB each");
    schedule.tick(1_050.0);
    assert_eq!(
        schedule.overdue(),
        None,
        "1 s plus 0.1 s for the MB: not yet"
    );
    // Parser 1 answers; its next batch starts its own clock now.
    let first_of_1 = sent.iter().position(|(p, _)| *p == 1).unwrap();
    assert_eq!(schedule.parsed(1), sent[first_of_1].1);
    schedule.tick(1_200.0);
    assert_eq!(
        schedule.overdue(),
        Some(0),
        "parser 0 has been silent for 1.2 s"
    );
    match schedule.crashed(0, true) {
        Crash::Culprit(job) => assert_eq!(job.file.name, sent[0].1[0].file.name),
        Crash::Retried => panic!("a batch of one file names its file"),
    }
    assert_eq!(schedule.overdue(), None, "a restarted parser starts afresh");
    schedule.tick(5_000.0);
    assert_eq!(
        schedule.overdue(),
        None,
        "no parser has work: none is overdue"
    );
    // The batch queued behind the hung one is sent again, on a fresh clock.
    assert!(matches!(schedule.step(), Next::Send { .. }));
    schedule.tick(5_500.0);
    assert_eq!(schedule.overdue(), None);
    schedule.tick(6_200.0);
    assert!(
        schedule.overdue().is_some(),
        "and is timed from when it was sent"
    );
}

#[test]
fn a_parser_that_answers_with_damaged_bytes_loses_only_that_file() {
    let all = files(40, 1_000);
    // Every parser damages its answer for f0009: wherever it goes, it is lost alone.
    let damages = Behaviour::Damages { file: "f0009" };
    let (outcome, _) = run(&[damages, damages], vec![all], small_batches(), whole, None);
    assert_eq!(outcome.culprits, ["f0009"]);
    assert_eq!(outcome.parsed.len(), 39);
    assert!(outcome.parsed.values().all(|&times| times == 1));
    assert!(!outcome.parsed.contains_key(&("f0009".into(), 0)));
    assert!(outcome.leftover.is_empty());
}
