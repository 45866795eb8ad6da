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

/// What Timesketch is told each CloudTrail time means.
pub const TIMESKETCH_TIME_DESC: &str = "Event Recorded (CloudTrail eventTime)";

/// One event as a Timesketch JSON Lines line: the three fields Timesketch
/// requires (`message`, `datetime` in ISO 8601, `timestamp_desc`), its
/// `timestamp` in microseconds, and every field of the event, nested
/// objects flattened to dotted names and lists kept as JSON text (Timesketch
/// indexes flat attributes). `extra` adds fields (a case's tags and note).
/// `None` when the bytes are not a JSON object.
pub fn timesketch_line(json: &[u8], extra: &[(&str, serde_json::Value)]) -> Option<String> {
    use serde_json::{Map, Value};
    let Ok(Value::Object(event)) = serde_json::from_slice::<Value>(json) else {
        return None;
    };
    let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or("");
    let identity = event.get("userIdentity");
    let who = identity
        .and_then(|i| {
            i.get("arn")
                .or_else(|| i.get("userName"))
                .or_else(|| i.get("type"))
        })
        .and_then(Value::as_str)
        .or_else(|| {
            identity
                .and_then(|i| i.get("invokedBy"))
                .and_then(Value::as_str)
        })
        .unwrap_or("unknown principal");
    let mut message = format!("{who} {} on {}", text("eventName"), text("eventSource"));
    if !text("sourceIPAddress").is_empty() {
        message.push_str(&format!(" from {}", text("sourceIPAddress")));
    }
    if !text("errorCode").is_empty() {
        message.push_str(&format!(": {}", text("errorCode")));
    }
    let ms = crate::time::parse_rfc3339(text("eventTime"));
    let mut line = Map::new();
    line.insert("message".into(), message.into());
    line.insert(
        "datetime".into(),
        ms.map(format_utc)
            .unwrap_or_else(|| text("eventTime").to_owned())
            .into(),
    );
    if let Some(ms) = ms {
        line.insert("timestamp".into(), (ms * 1000).into());
    }
    line.insert("timestamp_desc".into(), TIMESKETCH_TIME_DESC.into());
    line.insert("data_type".into(), "aws:cloudtrail:event".into());
    fn flatten(prefix: &str, value: &Value, out: &mut Map<String, Value>) {
        match value {
            Value::Object(fields) => {
                for (key, value) in fields {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    flatten(&name, value, out);
                }
            }
            Value::Null => {}
            Value::Array(_) => {
                out.entry(prefix.to_owned())
                    .or_insert_with(|| value.to_string().into());
            }
            scalar => {
                out.entry(prefix.to_owned())
                    .or_insert_with(|| scalar.clone());
            }
        }
    }
    flatten("", &Value::Object(event), &mut line);
    for (key, value) in extra {
        line.insert((*key).to_owned(), value.clone());
    }
    serde_json::to_string(&line).ok()
}

/// The selected events as Timesketch JSON Lines (see [`timesketch_line`]).
pub fn timesketch_jsonl(store: &EventStore, selection: &[u32]) -> Vec<u8> {
    let mut reader = store.raw_reader();
    let mut out = Vec::new();
    for &index in selection {
        if let Some(line) = timesketch_line(reader.json(&store.rows[index as usize]), &[]) {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

#[cfg(test)]
mod tests;
