//! Owns the case on the page's side of the browser: kept in IndexedDB (never
//! sent anywhere) so it is there again in the next tab, read from a case file
//! the user imports, and written out as a case file, or as Timesketch JSON
//! Lines, or the findings as an ATT&CK Navigator layer.

use super::idb;
use super::protocol::FindingView;
use trailglass_core::case::{Case, MAX_CASE_FILE_BYTES};

/// The one case this browser keeps.
const KEY: &str = "current";

/// The case kept in this browser (an empty one when there is none, or when
/// what is kept cannot be read).
pub async fn stored() -> Case {
    idb::get(idb::CASE, KEY)
        .await
        .and_then(|value| value.as_string())
        .and_then(|text| Case::from_file(text.as_bytes()).ok())
        .unwrap_or_default()
}

thread_local! {
    /// The newest case not yet written, and whether a write is under way.
    static UNWRITTEN: std::cell::RefCell<(Option<String>, bool)> = const { std::cell::RefCell::new((None, false)) };
}

/// Keeps `case` in this browser. Writes go one at a time, newest last: two
/// edits in quick succession cannot land out of order and leave the older.
pub async fn keep(case: &Case) {
    let writing = UNWRITTEN.with_borrow_mut(|(newest, writing)| {
        *newest = Some(case.to_file());
        std::mem::replace(writing, true)
    });
    if writing {
        return;
    }
    while let Some(text) = UNWRITTEN.with_borrow_mut(|(newest, _)| newest.take()) {
        if let Err(error) = idb::put(idb::CASE, KEY, &text.into()).await {
            web_sys::console::warn_1(&error);
        }
    }
    UNWRITTEN.with_borrow_mut(|(_, writing)| *writing = false);
}

/// Reads a case file the user picked.
pub async fn import(file: web_sys::File) -> Result<Case, String> {
    // One size question is cheap; reading 64 MB into the page's memory
    // (which never shrinks) only to refuse them is not.
    if file.size() > MAX_CASE_FILE_BYTES as f64 {
        return Err(format!(
            "{}: the file is {} MB; a case file is at most {} MB",
            file.name(),
            (file.size() / 1_048_576.0) as u64,
            MAX_CASE_FILE_BYTES >> 20
        ));
    }
    let bytes = super::files::read_prefix(&file, MAX_CASE_FILE_BYTES as f64 + 1.0)
        .await
        .map_err(|()| format!("{}: the file could not be read", file.name()))?;
    Case::from_file(&bytes).map_err(|why| format!("{}: {why}", file.name()))
}

/// The case's events as Timesketch JSON Lines, each with its tags and note.
pub fn timesketch(case: &Case) -> Vec<u8> {
    let mut out = Vec::new();
    for event in case.timeline() {
        let extra = [
            ("tag", serde_json::json!(event.tags)),
            ("trailglass_note", serde_json::json!(event.note)),
            ("trailglass_starred", serde_json::json!(event.starred)),
        ];
        if let Some(line) =
            trailglass_core::query::export::timesketch_line(event.json.as_bytes(), &extra)
        {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

/// The findings as an ATT&CK Navigator layer.
pub fn navigator(findings: &[FindingView]) -> Vec<u8> {
    use trailglass_core::analysis::navigator::{layer, LayerFinding};
    let entries: Vec<LayerFinding> = findings
        .iter()
        .map(|f| LayerFinding {
            technique: &f.technique,
            rule: &f.id,
            title: &f.title,
            count: f.count,
        })
        .collect();
    let layer = layer(
        "Trailglass findings",
        "Techniques of the detections that fired in the loaded CloudTrail logs, scored by events found.",
        &entries,
    );
    serde_json::to_vec_pretty(&layer).unwrap_or_default()
}
