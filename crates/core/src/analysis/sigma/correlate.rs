//! Owns correlation rules' windows: given the events their rules matched
//! (time, group, value), which events take part in a group and time span
//! where the correlation's condition holds.

use rustc_hash::FxHashMap;

use super::rule::{Comparison, Correlation, CorrelationKind};

/// One event a correlation's referenced rule matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub time_ms: i64,
    pub row: u32,
    /// Which of the correlation's references it came through.
    pub reference: usize,
    /// The `group-by` values, joined.
    pub group: String,
    /// The condition's `field` value, for the value kinds.
    pub value: Option<String>,
}

/// The rows that take part in a window where the condition holds, sorted.
pub fn correlate(correlation: &Correlation, mut records: Vec<Record>) -> Vec<u32> {
    crate::sorting::sort_by(&mut records, |a, b| {
        (a.group.as_str(), a.time_ms, a.row).cmp(&(b.group.as_str(), b.time_ms, b.row))
    });
    let mut rows = Vec::new();
    let mut start = 0;
    while start < records.len() {
        let end = records[start..]
            .iter()
            .position(|r| r.group != records[start].group)
            .map_or(records.len(), |n| start + n);
        group(correlation, &records[start..end], &mut rows);
        start = end;
    }
    rows.sort_unstable();
    rows.dedup();
    rows
}

fn holds(correlation: &Correlation, value: f64, default_needs: f64) -> bool {
    if correlation.condition.is_empty() {
        return value >= default_needs;
    }
    correlation
        .condition
        .iter()
        .all(|&(op, limit)| op.holds(value, limit))
}

/// Slides a window of the correlation's span over one group's records (in
/// time order), keeping a running aggregate; every window whose aggregate
/// passes marks its records.
fn group(correlation: &Correlation, records: &[Record], rows: &mut Vec<u32>) {
    let span = correlation.timespan_ms;
    let references = correlation.rules.len();
    if correlation.kind == CorrelationKind::TemporalOrdered {
        ordered(correlation, records, rows);
        return;
    }
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    let mut by_reference = vec![0usize; references];
    let mut sum = 0.0f64;
    let mut numbers = 0usize;
    let mut left = 0usize;
    // Records before this index are already marked.
    let mut marked_to = 0usize;
    for right in 0..records.len() {
        let record = &records[right];
        add(
            record,
            &mut counts,
            &mut by_reference,
            &mut sum,
            &mut numbers,
            true,
        );
        while records[right].time_ms - records[left].time_ms > span {
            let gone = &records[left];
            add(
                gone,
                &mut counts,
                &mut by_reference,
                &mut sum,
                &mut numbers,
                false,
            );
            left += 1;
        }
        let size = (right - left + 1) as f64;
        let pass = match correlation.kind {
            CorrelationKind::EventCount => holds(correlation, size, 0.0),
            CorrelationKind::ValueCount => holds(correlation, counts.len() as f64, 0.0),
            CorrelationKind::Temporal => holds(
                correlation,
                by_reference.iter().filter(|&&n| n > 0).count() as f64,
                references as f64,
            ),
            CorrelationKind::ValueSum => numbers > 0 && holds(correlation, sum, 0.0),
            CorrelationKind::ValueAvg => {
                numbers > 0 && holds(correlation, sum / numbers as f64, 0.0)
            }
            CorrelationKind::ValuePercentile => {
                // The share (in percent) of the window's events holding
                // this event's value: rare values have small shares.
                let share = record
                    .value
                    .as_deref()
                    .and_then(|v| counts.get(v))
                    .map_or(0.0, |&n| n as f64 * 100.0 / size);
                if record.value.is_some() && holds(correlation, share, 0.0) {
                    rows.push(record.row);
                }
                continue;
            }
            CorrelationKind::TemporalOrdered => unreachable!("handled above"),
        };
        if pass {
            for marked in &records[left.max(marked_to)..=right] {
                rows.push(marked.row);
            }
            marked_to = right + 1;
        }
    }
}

fn add<'a>(
    record: &'a Record,
    counts: &mut FxHashMap<&'a str, usize>,
    by_reference: &mut [usize],
    sum: &mut f64,
    numbers: &mut usize,
    entering: bool,
) {
    if let Some(value) = &record.value {
        let count = counts.entry(value.as_str()).or_default();
        if entering {
            *count += 1;
        } else {
            *count -= 1;
            if *count == 0 {
                counts.remove(value.as_str());
            }
        }
        if let Some(n) = value.parse::<f64>().ok().filter(|n| n.is_finite()) {
            if entering {
                *sum += n;
                *numbers += 1;
            } else {
                *sum -= n;
                *numbers -= 1;
            }
        }
    }
    if let Some(slot) = by_reference.get_mut(record.reference) {
        if entering {
            *slot += 1;
        } else {
            *slot -= 1;
        }
    }
}

/// `temporal_ordered`: each record of the last reference, with records of
/// every earlier reference before it, in order, within the span.
fn ordered(correlation: &Correlation, records: &[Record], rows: &mut Vec<u32>) {
    let last = correlation.rules.len() - 1;
    for (end, record) in records.iter().enumerate() {
        if record.reference != last {
            continue;
        }
        let earliest = record.time_ms - correlation.timespan_ms;
        // Latest possible match of each earlier reference, walking back.
        let mut chain = vec![record.row];
        let mut wanted = last;
        for earlier in records[..end].iter().rev() {
            if wanted == 0 || earlier.time_ms < earliest {
                break;
            }
            if earlier.reference == wanted - 1 {
                chain.push(earlier.row);
                wanted -= 1;
            }
        }
        if wanted == 0 {
            rows.extend(chain);
        }
    }
}

/// What a correlation waits for, in words, for the rule lab.
pub fn describe(correlation: &Correlation) -> String {
    let seconds = correlation.timespan_ms / 1000;
    let span = match seconds {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    };
    let what = match correlation.kind {
        CorrelationKind::EventCount => "events".to_owned(),
        CorrelationKind::ValueCount => format!(
            "distinct {}",
            correlation.field.as_deref().unwrap_or("values")
        ),
        CorrelationKind::Temporal => "of the rules, in any order".to_owned(),
        CorrelationKind::TemporalOrdered => "of the rules, in order".to_owned(),
        CorrelationKind::ValueSum => {
            format!(
                "sum of {}",
                correlation.field.as_deref().unwrap_or("values")
            )
        }
        CorrelationKind::ValueAvg => {
            format!(
                "average of {}",
                correlation.field.as_deref().unwrap_or("values")
            )
        }
        CorrelationKind::ValuePercentile => format!(
            "percent of events sharing {}",
            correlation.field.as_deref().unwrap_or("a value")
        ),
    };
    let condition = if correlation.condition.is_empty() {
        "all".to_owned()
    } else {
        correlation
            .condition
            .iter()
            .map(|(op, limit)| {
                let op = match op {
                    Comparison::Gt => ">",
                    Comparison::Gte => "≥",
                    Comparison::Lt => "<",
                    Comparison::Lte => "≤",
                    Comparison::Eq => "=",
                    Comparison::Neq => "≠",
                };
                format!("{op} {limit}")
            })
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let by = if correlation.group_by.is_empty() {
        String::new()
    } else {
        format!(" per {}", correlation.group_by.join(", "))
    };
    format!("{condition} {what} within {span}{by}")
}
