//! The native command-line front end: `trailglass summary PATH...`,
//! `trailglass sigma --rules PATH... PATH...`,
//! `trailglass verify [--keys KEYS.json] [--signature OBJECT=HEX]... PATH...`
//! and `trailglass gen --events N --out DIR`, thin over the core.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use trailglass_core::analysis::sigma::report::sigma_report;
use trailglass_core::analysis::sigma::{Origin, RuleSet};
use trailglass_core::analysis::summary::summarize;
use trailglass_core::input::container::{sniff, Container};
use trailglass_core::input::split::{self, PartRead};
use trailglass_core::load::ingest::{Limits, Loader};
use trailglass_core::load::parallel::{available_threads, load_jobs, Described};
use trailglass_core::load::schedule::{Part, Settings};

const USAGE: &str = "usage:\n  trailglass summary [--threads N] PATH...   load files and folders (recursively) on N threads (default: every core), print a JSON summary\n  trailglass sigma [--rules PATH]... [--builtin] [--threads N] PATH...   run Sigma rules (files or folders of .yml/.yaml; SigmaHQ's CloudTrail rules when none are given, or with --builtin) over the events, print JSON hits per rule\n  trailglass verify [--keys KEYS.json]... [--signature OBJECT=HEX]... PATH...   check digest files offline: each one's signature (with the keys `aws cloudtrail list-public-keys` prints; the newest digest's signature is S3's x-amz-meta-signature, given as OBJECT=HEX), its chain to the one before, its log files' hashes; print JSON, exit 1 when anything fails\n  trailglass search QUERY PATH...   count the events a search selects, with the same search as Athena and CloudTrail Lake SQL; print JSON\n  trailglass gen --events N --out DIR [--pace P]   write N sample events as CloudTrail's S3 layout (P times busier: P times the events per file)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("summary") if args.len() > 1 => summary(&args[1..]),
        Some("gen") => generate(&args[1..]),
        Some("sigma") => sigma(&args[1..]),
        Some("verify") => verify(&args[1..]),
        Some("search") if args.len() > 2 => search(&args[1], &args[2..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) if message == FAILED_CHECKS => ExitCode::from(1),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn collect_files(path: &Path, into: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            collect_files(&entry, into)?;
        }
    } else {
        into.push(path.to_owned());
    }
    Ok(())
}

/// A file's name and size, and whether it is worth splitting: a zip
/// or an uncompressed text (only big files have their first bytes read
/// here; a gzipped file is read from its start, whole).
fn describe(path: &Path, split_bytes: u64) -> Described {
    let size = std::fs::metadata(path).map_or(0, |meta| meta.len());
    let splittable = size >= split_bytes && {
        let mut head = [0u8; 4];
        std::fs::File::open(path)
            .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut head))
            .is_ok_and(|()| sniff(&head) != Container::Gzip)
    };
    Described {
        name: path.display().to_string(),
        size,
        splittable,
    }
}

/// Reads what a part of a file needs: the whole file, or of a text
/// that is cut, its first bytes and the part's window.
fn read_part(path: &Path, part: Part) -> std::io::Result<PartRead> {
    use std::io::{Read as _, Seek, SeekFrom};
    if part.is_whole() {
        return std::fs::read(path).map(PartRead::Whole);
    }
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = Vec::new();
    (&mut file).take(split::HEAD_BYTES).read_to_end(&mut head)?;
    let (from, to) = match split::part_needs(&head, len, part) {
        split::Need::Whole => return std::fs::read(path).map(PartRead::Whole),
        // Nothing of the file: the part loads nothing.
        split::Need::Nothing => return Ok(PartRead::Whole(Vec::new())),
        split::Need::Window(from, to) => (from, to),
    };
    file.seek(SeekFrom::Start(from))?;
    let mut bytes = Vec::with_capacity((to - from) as usize);
    file.take(to - from).read_to_end(&mut bytes)?;
    Ok(PartRead::Window {
        head,
        bytes,
        at: from,
        len,
    })
}

fn summary(args: &[String]) -> Result<(), String> {
    let (threads, paths) = match args {
        [flag, count, paths @ ..] if flag == "--threads" => {
            let threads = count.parse::<usize>().map_err(|_| USAGE.to_owned())?;
            (threads.max(1), paths)
        }
        paths => (available_threads(), paths),
    };
    if paths.is_empty() {
        return Err(USAGE.to_owned());
    }
    let loader = load(paths, threads)?;
    let summary = summarize(&loader.store, &loader.report);
    println!(
        "{}",
        serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Loads files and folders (recursively) on `threads` threads.
fn load(paths: &[String], threads: usize) -> Result<Loader, String> {
    let mut files = Vec::new();
    for path in paths {
        collect_files(Path::new(path), &mut files)?;
    }
    // Files are parsed on every core, in batches merged as they finish;
    // the members of a big zip, and the records of a big uncompressed
    // text, are spread over every core too.
    let settings = Settings::default();
    let loader = load_jobs(
        &files,
        |file| describe(file, settings.split_bytes),
        threads,
        settings,
        Limits::default(),
        |loader, file, part| {
            let name = file.display().to_string();
            match read_part(file, part) {
                Ok(read) => loader.load_bytes(&name, read.file_bytes(), part),
                Err(error) if part.index == 0 => loader.unreadable(&name, &error.to_string()),
                Err(_) => {}
            }
        },
    );
    Ok(loader)
}

fn sigma(args: &[String]) -> Result<(), String> {
    let mut rule_paths = Vec::new();
    let mut builtin = false;
    let mut threads = available_threads();
    let mut paths = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--rules" => rule_paths.push(rest.next().ok_or(USAGE)?.clone()),
            "--builtin" => builtin = true,
            "--threads" => {
                threads = rest
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .ok_or(USAGE)?
                    .max(1)
            }
            _ => paths.push(arg.clone()),
        }
    }
    if paths.is_empty() {
        return Err(USAGE.to_owned());
    }
    let mut set = if rule_paths.is_empty() || builtin {
        RuleSet::builtin()
    } else {
        RuleSet::default()
    };
    for path in &rule_paths {
        let mut files = Vec::new();
        collect_files(Path::new(path), &mut files)?;
        for file in files {
            let name = file.display().to_string();
            let is_rule = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
            if !is_rule {
                continue;
            }
            let bytes = std::fs::read(&file).map_err(|e| format!("{name}: {e}"))?;
            set.add_bytes(&name, &bytes, Origin::User);
        }
    }
    set.resolve();
    let loader = load(&paths, threads)?;
    let report = sigma_report(&set, &loader.store);
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn search(query: &str, paths: &[String]) -> Result<(), String> {
    use trailglass_core::query::sql::{to_sql, Dialect};
    let parsed = trailglass_core::query::parse(query)
        .map_err(|e| format!("the query: {e} (at character {})", e.position))?;
    let mut loader = load(paths, available_threads())?;
    loader.store.seal();
    let order = trailglass_core::query::view::time_order(&loader.store);
    let filter = trailglass_core::query::filter::Filter {
        query: parsed.clone(),
        range: None,
        principal: None,
    };
    let selected = trailglass_core::query::filter::select(&loader.store, &order, &filter);
    let answer = serde_json::json!({
        "query": query,
        "events": loader.store.len(),
        "count": selected.len(),
        "athena_sql": to_sql(&parsed, None, Dialect::Athena),
        "lake_sql": to_sql(&parsed, None, Dialect::CloudTrailLake),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// What `verify` returns when it printed its report and something failed.
const FAILED_CHECKS: &str = "";

fn verify(args: &[String]) -> Result<(), String> {
    let mut paths = Vec::new();
    let mut signatures = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            // A key file loads like any other: the loader knows it by its content.
            "--keys" => paths.push(rest.next().ok_or(USAGE)?.clone()),
            "--signature" => signatures.push(rest.next().ok_or(USAGE)?.clone()),
            _ => paths.push(arg.clone()),
        }
    }
    if paths.is_empty() {
        return Err(USAGE.to_owned());
    }
    let signatures = trailglass_core::analysis::signature::parse_signatures(
        signatures.iter().map(String::as_str),
    )?;
    let loader = load(&paths, available_threads())?;
    for problem in &loader.report.diagnostics {
        if problem.message.contains("public keys not read") {
            return Err(format!("{}: {}", problem.file, problem.message));
        }
    }
    let limit = Limits::default().max_inflated_bytes;
    let hashes: std::collections::HashMap<String, Result<String, String>> = loader
        .report
        .file_reports
        .iter()
        .filter(|f| f.digest.is_none() && f.public_keys.is_none() && f.events + f.duplicates > 0)
        .map(|f| {
            let hash = std::fs::read(&f.name)
                .map_err(|e| format!("{}: {e}", f.name))
                .and_then(|bytes| {
                    trailglass_core::analysis::digest::log_content_sha256(&bytes, limit)
                });
            (f.name.clone(), hash)
        })
        .collect();
    let report =
        trailglass_core::analysis::integrity::integrity(&loader.report, &hashes, &signatures);
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
    );
    let failed = report.digests.iter().any(|d| {
        d.signature == "invalid" || d.chain == "broken" || d.mismatch > 0 || d.missing > 0
    });
    if failed {
        Err(FAILED_CHECKS.to_owned())
    } else {
        Ok(())
    }
}

fn generate(args: &[String]) -> Result<(), String> {
    let mut events = None;
    let mut out = None;
    let mut plain = false;
    let mut seed = 42;
    let mut pace = 1;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--events" => {
                events = rest
                    .next()
                    .and_then(|n| n.replace('_', "").parse::<usize>().ok())
            }
            "--out" => out = rest.next().map(PathBuf::from),
            "--seed" => seed = rest.next().and_then(|n| n.parse().ok()).ok_or(USAGE)?,
            "--plain" => plain = true,
            "--pace" => pace = rest.next().and_then(|n| n.parse().ok()).ok_or(USAGE)?,
            _ => return Err(USAGE.to_owned()),
        }
    }
    let (Some(events), Some(out)) = (events, out) else {
        return Err(USAGE.to_owned());
    };
    let config = trailglass_core::sample::SampleConfig {
        events,
        seed,
        gzip: !plain,
        pace,
        ..Default::default()
    };
    let mut files = 0usize;
    for file in trailglass_core::sample::generate(&config) {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        files += 1;
    }
    eprintln!(
        "wrote {events} events in {files} files under {}",
        out.display()
    );
    Ok(())
}
