//! Owns writing what the user filtered to files they take away: CSV cells
//! neutralised against spreadsheet formula injection.

use crate::query::view::PrincipalStats;
use crate::store::columns::csv_columns;
use crate::store::EventStore;
use crate::time::format_utc;
use std::io::Write;

/// A CSV cell: quoted when needed, and prefixed with `'` when it would
/// start a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR).
pub fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

pub fn principals_csv(stats: &[PrincipalStats]) -> String {
    let mut out = csv_line(
        &[
            "kind",
            "principal",
            "group",
            "account",
            "events",
            "errors",
            "access_denied",
            "first_seen",
            "last_seen",
            "source_ips",
            "top_actions",
            "top_services",
        ]
        .map(String::from),
    );
    for s in stats {
        let time = |t: Option<i64>| t.map(format_utc).unwrap_or_default();
        let top = |values: &[crate::query::view::FacetValue]| {
            values
                .iter()
                .map(|v| format!("{} ({})", v.value, v.count))
                .collect::<Vec<_>>()
                .join("; ")
        };
        out.push_str(&csv_line(&[
            s.kind.clone(),
            s.name.clone(),
            s.group.clone(),
            s.account.clone(),
            s.events.to_string(),
            s.errors.to_string(),
            s.denied.to_string(),
            time(s.first_ms),
            time(s.last_ms),
            s.source_ips.to_string(),
            top(&s.top_actions),
            top(&s.top_services),
        ]));
    }
    out
}

/// The selected events as a CloudTrail log file, `{"Records":[…]}`, each
/// event's JSON exactly as it was loaded: Trailglass and other tools read it back.
pub fn records_json(store: &EventStore, selection: &[u32], gzip: bool) -> Vec<u8> {
    if gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        write_records(&mut encoder, store, selection);
        encoder.finish().expect("writing to memory cannot fail")
    } else {
        let mut out = Vec::new();
        write_records(&mut out, store, selection);
        out
    }
}

fn write_records(out: &mut impl Write, store: &EventStore, selection: &[u32]) {
    let mut reader = store.raw_reader();
    let mut put = |bytes: &[u8]| out.write_all(bytes).expect("writing to memory cannot fail");
    put(b"{\"Records\":[");
    for (n, &index) in selection.iter().enumerate() {
        if n > 0 {
            put(b",");
        }
        put(reader.json(&store.rows[index as usize]));
    }
    put(b"]}");
}

/// The selected events' main columns as CSV, formula-neutralised.
pub fn events_csv(store: &EventStore, selection: &[u32]) -> String {
    let columns = csv_columns();
    let headers: Vec<String> = columns
        .iter()
        .filter_map(|c| Some(c.def().csv.as_ref()?.header.to_owned()))
        .collect();
    let mut out = csv_line(&headers);
    for &index in selection {
        let row = &store.rows[index as usize];
        let cells: Vec<String> = columns.iter().map(|c| c.text(store, row)).collect();
        out.push_str(&csv_line(&cells));
    }
    out
}

#[cfg(test)]
mod tests;
