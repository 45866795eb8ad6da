//! Owns the coverage and integrity report: which accounts, regions and hours
//! the loaded files cover, five-minute delivery slots with no file inside
//! that span, duplicate files, and log files checked against digest files.

use crate::analysis::digest::{base_name, Digest};
use crate::load::ingest::LoadReport;
use crate::store::EventStore;
use crate::time::parse_rfc3339;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// CloudTrail writes a file per account and region about this often, when there is activity.
pub const SLOT_MS: i64 = 5 * 60 * 1000;
pub const HOUR_MS: i64 = 60 * 60 * 1000;
/// The heat map widens its cells past this many columns (a week of hours).
const MAX_COLUMNS: usize = 168;
const MAX_ROWS: usize = 200;
const GAPS_SHOWN: usize = 200;
const CHECKS_SHOWN: usize = 2000;

/// Where a file's name places it, when it follows CloudTrail's S3 naming:
/// `<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json.gz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryName {
    pub account: String,
    pub region: String,
    /// The delivery time in the name, epoch ms.
    pub time_ms: i64,
}

pub fn parse_delivery_name(path: &str) -> Option<DeliveryName> {
    let mut parts = base_name(path).splitn(5, '_');
    let account = parts.next()?;
    let (Some("CloudTrail"), Some(region), Some(stamp), Some(_unique)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let b = stamp.as_bytes();
    if account.is_empty()
        || !account.bytes().all(|c| c.is_ascii_digit())
        || region.is_empty()
        || b.len() != 14
        || b[8] != b'T'
        || b[13] != b'Z'
    {
        return None;
    }
    let text = format!(
        "{}-{}-{}T{}:{}:00Z",
        &stamp[0..4],
        &stamp[4..6],
        &stamp[6..8],
        &stamp[9..11],
        &stamp[11..13]
    );
    Some(DeliveryName {
        account: account.to_owned(),
        region: region.to_owned(),
        time_ms: parse_rfc3339(&text)?,
    })
}

/// The whole report, small enough to send to the page.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CoverageReport {
    /// Start of the heat map's first column (a whole hour), epoch ms.
    pub start_ms: i64,
    pub columns: usize,
    /// Hours per column: 1 unless the span is longer than a week.
    pub column_hours: usize,
    pub rows: Vec<CoverageRow>,
    pub rows_total: usize,
    /// Runs of five-minute slots with no delivery, longest first.
    pub gaps: Vec<Gap>,
    pub gaps_total: usize,
    /// Event files named like S3 deliveries, and the others (placed by event time).
    pub named_files: usize,
    pub other_files: usize,
    pub duplicate_files: Vec<DuplicateFile>,
    pub duplicate_events: usize,
    pub digests: Vec<DigestSummary>,
    /// Every log file named in a loaded digest; problems first.
    pub checks: Vec<DigestCheck>,
    pub checks_total: usize,
    /// Whether the loaded log files were hashed against their digest entries.
    pub verified: bool,
    /// Once verified: each digest's signature and chain, every log file's verdict.
    pub integrity: Option<crate::analysis::integrity::Integrity>,
    /// Once verified: every loaded file, its SHA-256 and its verdict.
    pub manifest: Vec<crate::analysis::integrity::ManifestEntry>,
}

/// One account and region: a row of the heat map.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CoverageRow {
    pub account: String,
    pub region: String,
    pub events: usize,
    pub files: usize,
    /// Deliveries placed by file names (else by event times).
    pub by_name: bool,
    /// Share of the five-minute slots in its span that have a delivery, in percent.
    pub delivered_percent: u8,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CellState {
    /// Before this row's first delivery or after its last.
    #[default]
    Outside,
    Delivered,
    /// Inside the row's span, yet no file and no event.
    NoDelivery,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Cell {
    pub events: u32,
    pub files: u32,
    pub state: CellState,
}

/// Consecutive five-minute slots of one account and region with no delivery.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Gap {
    pub account: String,
    pub region: String,
    /// The first and last empty slot, epoch ms (delivery stamps when `by_name`).
    pub first_ms: i64,
    pub last_ms: i64,
    pub slots: usize,
    pub by_name: bool,
    pub delivered_percent: u8,
}

/// A file none of whose events were new.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DuplicateFile {
    pub name: String,
    pub events: usize,
    /// The earlier file with exactly the same events, when there is one.
    pub same_as: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DigestSummary {
    pub file: String,
    pub account: String,
    pub region: String,
    pub start: String,
    pub end: String,
    pub log_files: usize,
    pub chained: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum CheckStatus {
    Mismatch,
    Missing,
    Unreadable(String),
    #[default]
    Unchecked,
    Match,
}

impl CheckStatus {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Mismatch => "mismatch",
            Self::Missing => "missing",
            Self::Unreadable(_) => "unreadable",
            Self::Unchecked => "unchecked",
            Self::Match => "match",
        }
    }
}

/// One digest entry against the loaded file it names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DigestCheck {
    pub status: CheckStatus,
    /// The S3 key the digest names.
    pub s3_object: String,
    /// The loaded file it was matched to (by file name).
    pub file: Option<String>,
    pub digest: String,
    pub expected: String,
    pub actual: Option<String>,
}

#[derive(Default)]
struct Stream {
    /// Events per five-minute slot (by event time).
    event_slots: BTreeMap<i64, u32>,
    /// Files per five-minute slot (by the time in their name).
    named_slots: BTreeMap<i64, u32>,
}

impl CoverageReport {
    /// Builds everything but the hashes: cheap, no file is read again.
    pub fn build(report: &LoadReport, store: &EventStore) -> Self {
        let mut streams: BTreeMap<(String, String), Stream> = BTreeMap::new();
        let mut by_ids: FxHashMap<(u32, u32, i64), u32> = FxHashMap::default();
        for row in store.rows.iter().filter(|r| r.time_ms != i64::MIN) {
            *by_ids
                .entry((row.account, row.region, row.time_ms.div_euclid(SLOT_MS)))
                .or_default() += 1;
        }
        for ((account, region, slot), events) in by_ids {
            let key = (
                store.strings.get(account).to_owned(),
                store.strings.get(region).to_owned(),
            );
            *streams
                .entry(key)
                .or_default()
                .event_slots
                .entry(slot)
                .or_default() += events;
        }
        let mut coverage = Self {
            duplicate_events: report.duplicates,
            ..Self::default()
        };
        for file in report.file_reports.iter().filter(|f| f.digest.is_none()) {
            if file.events + file.duplicates == 0 {
                continue;
            }
            match parse_delivery_name(&file.name) {
                Some(name) => {
                    coverage.named_files += 1;
                    *streams
                        .entry((name.account, name.region))
                        .or_default()
                        .named_slots
                        .entry(name.time_ms.div_euclid(SLOT_MS))
                        .or_default() += 1;
                }
                None => coverage.other_files += 1,
            }
        }
        coverage.heat_map_and_gaps(&streams);
        coverage.duplicates(report);
        coverage.digests(report);
        coverage
    }

    fn heat_map_and_gaps(&mut self, streams: &BTreeMap<(String, String), Stream>) {
        let slots = |s: &Stream| {
            let firsts = [s.event_slots.keys().next(), s.named_slots.keys().next()];
            let lasts = [s.event_slots.keys().last(), s.named_slots.keys().last()];
            (
                firsts.into_iter().flatten().min().copied(),
                lasts.into_iter().flatten().max().copied(),
            )
        };
        let (Some(first), Some(last)) = streams.values().map(slots).fold((None, None), |acc, s| {
            (
                acc.0.into_iter().chain(s.0).min(),
                acc.1.into_iter().chain(s.1).max(),
            )
        }) else {
            return;
        };
        let slots_per_hour = HOUR_MS / SLOT_MS;
        let first_hour = first.div_euclid(slots_per_hour);
        let hours = (last.div_euclid(slots_per_hour) - first_hour + 1) as usize;
        self.column_hours = hours.div_ceil(MAX_COLUMNS).max(1);
        self.columns = hours.div_ceil(self.column_hours);
        self.start_ms = first_hour * HOUR_MS;
        let slots_per_column = slots_per_hour * self.column_hours as i64;
        let column_of =
            |slot: i64| ((slot - first_hour * slots_per_hour) / slots_per_column) as usize;
        let mut gaps = Vec::new();
        for ((account, region), stream) in streams {
            let by_name = !stream.named_slots.is_empty();
            let delivered: BTreeSet<i64> = if by_name {
                stream.named_slots.keys().copied().collect()
            } else {
                stream.event_slots.keys().copied().collect()
            };
            let (Some(&lo), Some(&hi)) = (delivered.first(), delivered.last()) else {
                continue;
            };
            let delivered_percent = (delivered.len() as i64 * 100 / (hi - lo + 1)) as u8;
            let mut previous = lo;
            for &slot in delivered.iter().skip(1) {
                if slot - previous > 1 {
                    gaps.push(Gap {
                        account: account.clone(),
                        region: region.clone(),
                        first_ms: (previous + 1) * SLOT_MS,
                        last_ms: (slot - 1) * SLOT_MS,
                        slots: (slot - previous - 1) as usize,
                        by_name,
                        delivered_percent,
                    });
                }
                previous = slot;
            }
            let mut cells = vec![Cell::default(); self.columns];
            for (&slot, &events) in &stream.event_slots {
                cells[column_of(slot)].events += events;
            }
            for (&slot, &files) in &stream.named_slots {
                cells[column_of(slot)].files += files;
            }
            let (span_lo, span_hi) = slots(stream);
            let (span_lo, span_hi) = (
                column_of(span_lo.unwrap_or(lo)),
                column_of(span_hi.unwrap_or(hi)),
            );
            for (column, cell) in cells.iter_mut().enumerate() {
                cell.state = if cell.events > 0 || cell.files > 0 {
                    CellState::Delivered
                } else if (span_lo..=span_hi).contains(&column) {
                    CellState::NoDelivery
                } else {
                    CellState::Outside
                };
            }
            self.rows.push(CoverageRow {
                account: account.clone(),
                region: region.clone(),
                events: stream.event_slots.values().map(|&n| n as usize).sum(),
                files: stream.named_slots.values().map(|&n| n as usize).sum(),
                by_name,
                delivered_percent,
                cells,
            });
        }
        self.rows_total = self.rows.len();
        self.rows.truncate(MAX_ROWS);
        crate::sorting::sort_by(&mut gaps, |a, b| {
            b.slots.cmp(&a.slots).then(a.first_ms.cmp(&b.first_ms))
        });
        self.gaps_total = gaps.len();
        gaps.truncate(GAPS_SHOWN);
        self.gaps = gaps;
    }

    fn duplicates(&mut self, report: &LoadReport) {
        let mut first_with: FxHashMap<(u128, usize), &str> = FxHashMap::default();
        for file in &report.file_reports {
            let total = file.events + file.duplicates;
            if total == 0 {
                continue;
            }
            let key = (file.events_fingerprint, total);
            if file.events == 0 {
                self.duplicate_files.push(DuplicateFile {
                    name: file.name.clone(),
                    events: total,
                    same_as: first_with.get(&key).map(|&name| name.to_owned()),
                });
            }
            if file.events_fingerprint != 0 {
                first_with.entry(key).or_insert(&file.name);
            }
        }
    }

    fn digests(&mut self, report: &LoadReport) {
        let loaded: FxHashMap<&str, &str> = report
            .file_reports
            .iter()
            .filter(|f| f.digest.is_none() && f.events + f.duplicates > 0)
            .map(|f| (base_name(&f.name), f.name.as_str()))
            .collect();
        let mut checks = Vec::new();
        for file in &report.file_reports {
            let Some(digest) = &file.digest else { continue };
            self.digests.push(summary(&file.name, digest));
            for entry in &digest.log_files {
                let found = loaded.get(base_name(&entry.s3_object)).copied();
                let algorithm = entry.hash_algorithm.as_deref().unwrap_or("SHA-256");
                let status = match found {
                    None => CheckStatus::Missing,
                    Some(_) if !algorithm.eq_ignore_ascii_case("SHA-256") => {
                        CheckStatus::Unreadable(format!(
                            "hash algorithm {algorithm} is not SHA-256"
                        ))
                    }
                    Some(_) => CheckStatus::Unchecked,
                };
                checks.push(DigestCheck {
                    status,
                    s3_object: entry.s3_object.clone(),
                    file: found.map(str::to_owned),
                    digest: file.name.clone(),
                    expected: entry.hash_value.to_ascii_lowercase(),
                    actual: None,
                });
            }
        }
        self.checks_total = checks.len();
        self.checks = checks;
        self.sort_checks();
    }

    fn sort_checks(&mut self) {
        crate::sorting::sort_by(&mut self.checks, |a, b| {
            a.status.cmp(&b.status).then(a.s3_object.cmp(&b.s3_object))
        });
        self.checks.truncate(CHECKS_SHOWN);
    }

    /// The loaded files to hash: those named in a digest, each once.
    pub fn files_to_hash(&self) -> Vec<String> {
        let names: BTreeSet<&String> = self
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Unchecked)
            .filter_map(|c| c.file.as_ref())
            .collect();
        names.into_iter().cloned().collect()
    }

    /// Records one file's SHA-256 (or why it could not be computed).
    pub fn record_hash(&mut self, file: &str, sha256: Result<String, String>) {
        for check in self
            .checks
            .iter_mut()
            .filter(|c| c.file.as_deref() == Some(file) && c.status == CheckStatus::Unchecked)
        {
            check.status = match &sha256 {
                Ok(actual) if *actual == check.expected => CheckStatus::Match,
                Ok(_) => CheckStatus::Mismatch,
                Err(reason) => CheckStatus::Unreadable(reason.clone()),
            };
            check.actual = sha256.as_ref().ok().cloned();
        }
    }

    /// Marks the report verified once every file was hashed.
    pub fn finish_verification(&mut self) {
        self.verified = true;
        self.sort_checks();
    }

    /// How many checks have `status`'s kind (an `Unreadable` counts
    /// whatever its reason).
    pub fn count(&self, status: &CheckStatus) -> usize {
        let kind = std::mem::discriminant(status);
        self.checks
            .iter()
            .filter(|c| std::mem::discriminant(&c.status) == kind)
            .count()
    }
}

fn summary(file: &str, digest: &Digest) -> DigestSummary {
    DigestSummary {
        file: file.to_owned(),
        account: digest.aws_account_id.clone().unwrap_or_default(),
        region: crate::analysis::signature::digest_region(digest),
        start: digest.digest_start_time.clone().unwrap_or_default(),
        end: digest.digest_end_time.clone().unwrap_or_default(),
        log_files: digest.log_files.len(),
        chained: digest
            .previous_digest_signature
            .as_deref()
            .is_some_and(|s| !s.is_empty()),
    }
}
