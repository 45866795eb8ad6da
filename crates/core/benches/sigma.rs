//! Sigma benchmark: every rule of the corpus (SigmaHQ's 57 built in,
//! suzaku's 738 and its 55 copies of SigmaHQ rules: 850 files) over the
//! invictus-ir trail, by Trailglass's engine (rules indexed by the
//! `eventName`/`eventSource` they need) and by an independent engine
//! (`sigma-rust`) evaluated rule by rule, with the per-rule hits compared;
//! then Trailglass alone over a generated trail of EVENTS events, with how
//! many rules and rows run on the store's columns instead of the JSON.
//! `cargo bench --bench sigma [-- EVENTS]` (default 1,000,000;
//! `SIGMA_BIG_ONLY=1` skips the comparison, e.g. to profile).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::path::{Path, PathBuf};
    use std::time::Instant;
    use trailglass_core::analysis::sigma::engine::{run_store, Engine};
    use trailglass_core::analysis::sigma::{Compiled, Origin, RuleSet, Status};
    use trailglass_core::load::ingest::Loader;
    use trailglass_core::sample::{generate, SampleConfig};

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

    fn best_ms<T>(runs: usize, mut work: impl FnMut() -> T) -> (f64, T) {
        let mut best = f64::INFINITY;
        let mut result = None;
        for _ in 0..runs {
            let started = Instant::now();
            let value = work();
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
            result = Some(value);
        }
        (best, result.expect("at least one run"))
    }

    fn rule_files() -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = Vec::new();
        for (name, text) in trailglass_core::analysis::sigma::builtin::SIGMAHQ {
            files.push((format!("sigmahq/{name}"), (*text).to_owned()));
        }
        for folder in ["sigma/suzaku", "sigma/suzaku-sigma"] {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(Path::new(FIXTURES).join(folder))
                .expect("rules folder")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "yml"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).expect("rule");
                files.push((
                    format!("{folder}/{}", path.file_name().unwrap().to_string_lossy()),
                    text,
                ));
            }
        }
        files
    }

    fn rule_set(files: &[(String, String)]) -> RuleSet {
        let mut set = RuleSet::default();
        for (name, text) in files {
            set.add_file(name, text, Origin::User);
        }
        set.resolve();
        set
    }

    fn load_folder(folder: &Path) -> Loader {
        let mut loader = Loader::default();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
            .expect("trail")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            loader.load(
                &path.display().to_string(),
                &std::fs::read(&path).expect("file"),
            );
        }
        loader.store.seal();
        loader
    }

    pub fn main() {
        let events = std::env::args()
            .skip(1)
            .find_map(|a| a.replace('_', "").parse().ok())
            .unwrap_or(1_000_000usize);
        let files = rule_files();
        let (compile_ms, set) = best_ms(3, || rule_set(&files));
        let errors = set
            .rules
            .iter()
            .filter(|r| r.status == Status::Error)
            .count();
        println!(
            "{} rule files: {} rules and {} filters read in {compile_ms:.1} ms; {errors} with errors (each explained: {})",
            files.len(),
            set.rules.len(),
            set.filters.len(),
            set.rules.iter().filter(|r| r.status == Status::Error).all(|r| r.reason.is_some())
        );

        if std::env::var("SIGMA_BIG_ONLY").is_err() {
            against_the_peer(&set, &files);
        }
        big_trail(&set, events);
    }

    fn against_the_peer(set: &RuleSet, files: &[(String, String)]) {
        let loader = load_folder(&Path::new(FIXTURES).join("invictus-ir"));
        let store = &loader.store;
        let (ours_ms, results) = best_ms(5, || run_store(set, store));

        // The peer: each detection rule (single documents; correlations are not
        // in sigma-rust) against each event, the events decoded once.
        let mut reader = store.raw_reader();
        let peer_events: Vec<sigma_rust::Event> = store
            .rows
            .iter()
            .map(|row| {
                let json = String::from_utf8_lossy(reader.json(row)).into_owned();
                sigma_rust::event_from_json(&json).expect("event")
            })
            .collect();
        let mut peer_rules = Vec::new();
        for (index, entry) in set.rules.iter().enumerate() {
            if !matches!(entry.compiled, Some(Compiled::Detection(_)))
                || entry.status == Status::Error
            {
                continue;
            }
            let (file, text) = files
                .iter()
                .find(|(name, _)| *name == entry.source.file)
                .expect("its file");
            // One document per file for the peer: the rule's own.
            let title_line = format!("title: {}", entry.meta.title);
            let document = text
                .split("\n---")
                .find(|doc| doc.lines().any(|line| line.trim_end() == title_line))
                .unwrap_or(text);
            match sigma_rust::rule_from_yaml(document) {
                Ok(rule) => peer_rules.push((index, rule)),
                Err(error) => println!("sigma-rust cannot read {file}: {error}"),
            }
        }
        let (peer_ms, peer_hits) = best_ms(3, || {
            peer_rules
                .iter()
                .map(|(index, rule)| {
                    (
                        *index,
                        peer_events.iter().filter(|e| rule.is_match(e)).count(),
                    )
                })
                .collect::<Vec<_>>()
        });
        let mut differ = 0;
        for (index, hits) in &peer_hits {
            let ours = results.hits[*index].len();
            if ours != *hits {
                differ += 1;
                println!(
                    "  differs: {} ({}): Trailglass {ours}, sigma-rust {hits}",
                    set.rules[*index].meta.title, set.rules[*index].source.file
                );
            }
        }
        println!(
            "| invictus-ir, {} events, {} rules | Trailglass {ours_ms:.1} ms | sigma-rust rule by rule ({} rules) {peer_ms:.1} ms | {:.0}× | target ≥ 50× |",
            store.len(),
            set.rules.len(),
            peer_rules.len(),
            peer_ms / ours_ms
        );
        println!(
            "per-rule hits: {} of {} rules the peer reads agree, {differ} differ",
            peer_hits.len() - differ,
            peer_hits.len()
        );
    }

    fn big_trail(set: &RuleSet, events: usize) {
        let mut big = Loader::default();
        for file in generate(&SampleConfig {
            events,
            ..Default::default()
        }) {
            big.load(&file.path, &file.bytes);
        }
        big.store.seal();
        let engine = Engine::new(set);
        let (on_columns, deferred, runnable) = engine.rules_on_columns();
        let plan = engine.plan_store(&big.store);
        println!(
            "{on_columns} of {runnable} detection rules are tested on columns ({deferred} of them read the JSON of the events they match, to group them; {} rules are general); rows: {} on their columns, {} whose JSON is read ({} for rules that read what the row does not know)",
            engine.general_rules(),
            plan.columns.len(),
            plan.json.len(),
            plan.unknown.len()
        );
        let (plan_ms, plan) = best_ms(3, || engine.plan_store(&big.store));
        let (columns_ms, _) = best_ms(3, || engine.check_store_columns(&big.store, &plan.columns));
        let (big_ms, big_results) = best_ms(3, || run_store(set, &big.store));
        println!(
            "one thread: planning {plan_ms:.0} ms, the rules on columns {columns_ms:.0} ms, the whole run {big_ms:.0} ms (the rest is the JSON of {} rows and the correlations)",
            plan.json.len()
        );
        let with_hits = big_results.hits.iter().filter(|h| !h.is_empty()).count();
        println!(
            "| {} generated events, {} rules, one thread | {big_ms:.0} ms ({with_hits} rules with hits) | target in Chromium: ≤ 5 s for 1M |",
            big.store.len(),
            set.rules.len()
        );
    }
}
