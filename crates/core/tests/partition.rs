//! A store whose raw JSON stays in the parsers that parsed it (as in the
//! browser: each parser keeps its blocks and answers scans and fetches for
//! them) answers exactly as one store holding everything: every query,
//! every event's JSON, the detections, the lineage and the exports.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use trailglass_core::analysis::lineage::LineageIndex;
use trailglass_core::load::batch::BatchParse;
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::query::filter::{ready, scan_here, select, select_with, Filter, RawScan};
use trailglass_core::query::view::time_order;
use trailglass_core::query::Query;
use trailglass_core::sample::{generate, SampleConfig};
use trailglass_core::store::partition::{
    answer_fetch, answer_scan, fetches_by_home, rows_of, split_scan, try_with_raw,
};
use trailglass_core::store::rawstore::{Fetched, RawStore};
use trailglass_core::store::segment::Segment;
use trailglass_core::store::EventStore;

mod common;
use common::files_under;

const HOMES: u32 = 3;

/// Every fixture and a generated day, as (name, bytes).
fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures");
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    let mut files: Vec<(String, Vec<u8>)> = paths
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    let config = SampleConfig {
        events: 6_000,
        gzip: true,
        ..SampleConfig::default()
    };
    files.extend(generate(&config).map(|file| (file.path, file.bytes)));
    files
}

/// The same batches merged twice: once with their raw blocks, once with the
/// blocks kept by the "parser" (home) that parsed them, batches dealt to
/// the homes in turn. Returns both loaders and the homes' keeps.
fn load_both() -> (Loader, Loader, Vec<RawStore>) {
    let files = inputs();
    let mut whole = Loader::new(Limits::default());
    let mut partitioned = Loader::new(Limits::default());
    let mut keeps: Vec<RawStore> = (0..HOMES).map(|_| RawStore::default()).collect();
    for (n, batch) in files.chunks(25).enumerate() {
        let parse = |files: &[(String, Vec<u8>)]| {
            let mut parse = BatchParse::new(Limits::default());
            for (name, bytes) in files {
                parse.load(name, bytes);
            }
            parse
        };
        whole.merge(Segment::decode(&parse(batch).finish()).unwrap());
        let home = n as u32 % HOMES;
        let segment = parse(batch).finish_keeping(&mut keeps[home as usize]);
        partitioned.merge_from(Segment::decode(&segment).unwrap(), home);
    }
    whole.store.seal();
    partitioned.store.seal();
    (whole, partitioned, keeps)
}

/// Fans scans out to the homes, as the browser's store worker does, with the
/// bytes each side would post.
struct FanOut<'k>(&'k [RawStore]);

impl RawScan for FanOut<'_> {
    async fn scan(&self, store: &EventStore, term: &Query, rows: Vec<usize>) -> Vec<usize> {
        let (here, shares) = split_scan(store, &rows);
        let mut matched = scan_here(store, term, &here);
        for (home, share) in &shares {
            let hits = answer_scan(&self.0[*home as usize], &term.to_string(), &share.work)
                .expect("a scan the store wrote is one the worker reads");
            matched.extend(rows_of(share, &hits));
        }
        matched.sort_unstable();
        matched
    }
}

/// Runs `op` as the store worker does: fetch what it read from the homes,
/// run again, until it read nothing away. Returns the answer and the rounds.
fn with_raw<T>(loader: &mut Loader, keeps: &[RawStore], op: impl Fn(&Loader) -> T) -> (T, usize) {
    let mut rounds = 0;
    loop {
        rounds += 1;
        let misses = match try_with_raw(loader, |l| &l.store, |l| op(l)) {
            Ok(answer) => {
                loader.store.raw_store_mut().forget_fetched();
                return (answer, rounds);
            }
            Err(misses) => misses,
        };
        for (home, blocks) in fetches_by_home(&misses) {
            let ids: Vec<u32> = blocks.iter().map(|&(_, id)| id).collect();
            let bytes = answer_fetch(&keeps[home as usize], &ids);
            for ((index, _), bytes) in blocks.into_iter().zip(bytes) {
                loader
                    .store
                    .raw_store_mut()
                    .install(index, Fetched::Bytes(bytes));
            }
        }
        assert!(rounds < 10, "fetch rounds end");
    }
}

/// Every event's JSON, byte for byte, in row order.
fn json(loader: &Loader) -> Vec<Vec<u8>> {
    let mut reader = loader.store.raw_reader();
    loader
        .store
        .rows
        .iter()
        .map(|row| reader.json(row).to_vec())
        .collect()
}

fn filter_of(text: &str) -> Filter {
    Filter {
        query: trailglass_core::query::parse(text).unwrap(),
        ..Filter::default()
    }
}

/// A filter's selection from the whole store, and from the partitioned one
/// with its scans fanned out to the homes.
fn answers(
    whole: &Loader,
    partitioned: &Loader,
    keeps: &[RawStore],
    order: &[u32],
    filter: &Filter,
) -> (Vec<u32>, Vec<u32>) {
    let expected = select(&whole.store, order, filter);
    let fanned = ready(select_with(
        &partitioned.store,
        order,
        filter,
        &FanOut(keeps),
    ));
    (expected, fanned)
}

#[test]
fn queries_fanned_out_to_the_parsers_answer_as_one_store() {
    let (whole, partitioned, keeps) = load_both();
    assert!(whole.store.len() > 6_000);
    assert_eq!(partitioned.store.len(), whole.store.len());
    assert!(
        partitioned.store.raw_store().heap_bytes() * 20 < whole.store.raw_store().heap_bytes(),
        "the raw JSON stays with the parsers"
    );
    let order = time_order(&whole.store);
    assert_eq!(order, time_order(&partitioned.store));
    let queries = [
        "AccessDenied",
        "\"198.51.100\"",
        "s3",
        "zzz-not-anywhere",
        "requestParameters.bucketName:*",
        "userIdentity.type:Root",
        "userIdentity.sessionContext.sessionIssuer.userName:*admin*",
        "eventName:Get* AccessDenied",
        "(iam OR sts) -errorCode:*",
        "-AssumeRole",
        "-(console OR \"aws-cli\") region:us-east-1",
        "responseElements.credentials.accessKeyId:ASIA*",
        "requestParameters.roleArn:/arn:aws:iam::[0-9]+:role\\/.*/",
        "tls* OR eventSource:kms.amazonaws.com",
    ];
    let mut nonempty = 0;
    for text in queries {
        let filter = filter_of(text);
        let (expected, fanned) = answers(&whole, &partitioned, &keeps, &order, &filter);
        assert_eq!(fanned, expected, "{text}");
        // Read here, the away blocks would read as empty: the fan-out is what answers.
        if !expected.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric()) {
            assert_ne!(
                select(&partitioned.store, &order, &filter),
                expected,
                "{text}"
            );
        }
        nonempty += usize::from(!expected.is_empty() && expected.len() < order.len());
    }
    assert!(nonempty >= 10, "the queries select something: {nonempty}");
}

#[test]
fn what_reads_events_fetches_them_and_answers_as_one_store() {
    let (mut whole, mut partitioned, keeps) = load_both();
    let order = time_order(&whole.store);
    // Every event's JSON, byte for byte.
    let (fetched, rounds) = with_raw(&mut partitioned, &keeps, json);
    assert_eq!(fetched, json(&whole));
    assert_eq!(rounds, 2, "one fetch round reads every block");
    // Detections, with the masks the parsers computed.
    let findings = |loader: &Loader| loader.findings(&order);
    let expected = findings(&whole);
    assert!(
        expected.len() >= 5,
        "the sample trips rules: {}",
        expected.len()
    );
    assert_eq!(with_raw(&mut partitioned, &keeps, findings).0, expected);
    // Lineage of every principal.
    let lineage = |loader: &Loader| {
        let index = LineageIndex::build(&loader.store);
        (0..loader.store.principals.len() as u32)
            .map(|p| index.for_principal(&loader.store, p))
            .collect::<Vec<_>>()
    };
    let expected = lineage(&whole);
    assert!(expected.iter().filter(|chains| !chains.is_empty()).count() >= 3);
    assert_eq!(with_raw(&mut partitioned, &keeps, lineage).0, expected);
    // Exports of the whole store.
    let export = |loader: &Loader| {
        trailglass_core::query::export::records_json(&loader.store, &order, false)
    };
    assert_eq!(with_raw(&mut partitioned, &keeps, export).0, export(&whole));
    // Nothing fetched stays.
    assert!(partitioned.store.raw_store().heap_bytes() * 20 < whole.store.raw_store().heap_bytes());
    whole.store.seal();
}

#[test]
fn a_parser_that_is_gone_takes_its_blocks_and_nothing_else() {
    let (whole, mut partitioned, keeps) = load_both();
    let order = time_order(&whole.store);
    let lost = partitioned.store.raw_store_mut().lose_home(1);
    assert!(lost > 0);
    let filter = filter_of("AccessDenied");
    let (expected, fanned) = answers(&whole, &partitioned, &keeps, &order, &filter);
    assert!(!fanned.is_empty() && fanned.len() < expected.len());
    let expected: std::collections::HashSet<u32> = expected.into_iter().collect();
    assert!(fanned.iter().all(|row| expected.contains(row)));
    // A lost block reads as empty at once: no fetch round is asked for it.
    let (json, rounds) = with_raw(&mut partitioned, &keeps, |loader: &Loader| {
        loader
            .store
            .rows
            .iter()
            .filter(|row| loader.store.raw_json(row).is_empty())
            .count()
    });
    assert!(json > 0 && json < whole.store.len());
    assert_eq!(rounds, 2);
}

/// As the browser's store worker does when a parser stops during a load:
/// the batches it had parsed are parsed again by another, whose blocks are
/// the same, and the store points at them there. Nothing is lost.
#[test]
fn batches_of_a_parser_that_stopped_are_parsed_again_and_found_there() {
    let files = inputs();
    let mut whole = Loader::new(Limits::default());
    let mut partitioned = Loader::new(Limits::default());
    let mut keeps: Vec<RawStore> = (0..HOMES + 1).map(|_| RawStore::default()).collect();
    let parse = |files: &[(String, Vec<u8>)]| {
        let mut parse = BatchParse::new(Limits::default());
        for (name, bytes) in files {
            parse.load(name, bytes);
        }
        parse
    };
    let mut parsed_by_home_1 = Vec::new();
    for (n, batch) in files.chunks(25).enumerate() {
        whole.merge(Segment::decode(&parse(batch).finish()).unwrap());
        let home = n as u32 % HOMES;
        let segment =
            Segment::decode(&parse(batch).finish_keeping(&mut keeps[home as usize])).unwrap();
        if home == 1 {
            let lens: Vec<usize> = segment.parts.blocks.iter().map(|b| b.1).collect();
            parsed_by_home_1.push((batch, segment.kept.unwrap(), lens));
        }
        partitioned.merge_from(segment, home);
    }
    // Home 1 stops: its keep is gone; home 3 parses its batches again.
    keeps[1] = RawStore::default();
    let mut moved = 0;
    for (batch, first, lens) in parsed_by_home_1 {
        let again = Segment::decode(&parse(batch).finish_keeping(&mut keeps[3])).unwrap();
        let sizes: Vec<(usize, u32)> = again
            .parts
            .blocks
            .iter()
            .map(|b| b.1)
            .zip(again.kept_sizes.iter().copied())
            .collect();
        moved += partitioned.store.raw_store_mut().rehome(
            trailglass_core::store::rawstore::Away { home: 1, id: first },
            &lens,
            trailglass_core::store::rawstore::Away {
                home: 3,
                id: again.kept.unwrap(),
            },
            &sizes,
        );
    }
    assert!(moved > 0);
    assert_eq!(
        partitioned.store.raw_store_mut().lose_home(1),
        0,
        "every block moved"
    );
    assert_eq!(with_raw(&mut partitioned, &keeps, json).0, json(&whole));
}

/// Sigma rules checked by the homes that keep the JSON (as the browser's
/// parsers do, each for its own events) find what one store finds: every
/// rule's hits, correlations and filters included.
#[test]
fn sigma_rules_checked_where_the_json_is_find_what_one_store_finds() {
    use trailglass_core::analysis::sigma::engine::{run_store, Engine};
    use trailglass_core::analysis::sigma::{Origin, RuleSet};
    let (whole, partitioned, keeps) = load_both();
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/sigma/suzaku");
    let mut set = RuleSet::builtin();
    let mut paths: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
    {
        set.add_file(
            &path.display().to_string(),
            &std::fs::read_to_string(path).unwrap(),
            Origin::User,
        );
    }
    let filter = "title: Quiet\nfilter:\n  rules: [905d389b-b853-46d0-9d3d-dea0d3a3cd49]\n  selection:\n    userIdentity.arn|contains: AWSServiceRole\n  condition: not selection\n";
    set.add_file("filter.yml", filter, Origin::User);
    set.resolve();
    let expected = run_store(&set, &whole.store);
    assert!(expected.hits.iter().filter(|h| !h.is_empty()).count() > 50);
    assert!(expected.filtered[0].iter().map(|(_, n)| n).sum::<u32>() > 0);

    let store = &partitioned.store;
    let engine = Engine::new(&set);
    let mut run = engine.start();
    let spread = engine.spread(store);
    assert!(!spread.here.is_empty(), "some rules ran on the columns");
    for (row, checked) in spread.here {
        run.absorb(row as u32, store.rows[row].time_ms, checked);
    }
    let mut shared = 0;
    for (home, share, rules) in &spread.shares {
        for (position, checked) in engine
            .check_work(&keeps[*home as usize], &share.work, rules)
            .unwrap()
        {
            let row = share.rows[position as usize];
            run.absorb(row as u32, store.rows[row].time_ms, checked);
            shared += 1;
        }
    }
    assert!(shared > 0, "the homes did the work");
    let results = run.finish();
    assert_eq!(results.hits, expected.hits);
    assert_eq!(results.filtered, expected.filtered);
}
