//! Owns the store worker's part in a case: finding a case's event among the
//! loaded ones by its key, and writing the case report from the session
//! (findings, lineage of the case's principals, coverage verdicts) and the
//! loaded files, hashed here one at a time.

use super::fanout::{self, FanOut};
use super::session::{verify_against_digests, Gate, Session};
use crate::handle::FileHandle;
use crate::pool::Asker;
use crate::protocol::FromWorker;
use std::cell::RefCell;
use trailglass_core::analysis::coverage::CoverageReport;
use trailglass_core::case::report::{html, ReportFile, ReportFinding, ReportInput};
use trailglass_core::case::Case;
use trailglass_core::query::filter::{select_with, Filter};

/// The row of the loaded event a case knows by `key` (its `eventID`), if any.
/// Events without an `eventID` are known by their JSON's hash, which no
/// query reads: those are not found again.
// The session is held while the parsers scan, as a view holds it (see `Gate`).
#[allow(clippy::await_holding_refcell_ref)]
pub(super) async fn find(
    session: &RefCell<Session>,
    gate: &Gate,
    asker: &Asker,
    key: &str,
) -> Option<u32> {
    if key.starts_with("sha256:") {
        return None;
    }
    let escaped = key.replace('\\', "\\\\").replace('"', "\\\"");
    let query = trailglass_core::query::parse(&format!("eventID:\"{escaped}\"")).ok()?;
    Gate::until(|| gate.loads.get() > 0).await;
    Gate::until(|| session.try_borrow_mut().is_err()).await;
    gate.views.set(gate.views.get() + 1);
    let fan_out = FanOut::new(asker);
    let mut held = session.borrow_mut();
    let filter = Filter {
        query,
        range: None,
        principal: None,
    };
    let found = select_with(&held.loader.store, &held.order, &filter, &fan_out).await;
    fan_out.settle(&mut held);
    drop(held);
    gate.views.set(gate.views.get() - 1);
    found.first().copied()
}

/// The case report as a file to save.
pub(super) async fn report(
    session: &RefCell<Session>,
    asker: &Asker,
    case: &Case,
    files: Vec<FileHandle>,
) -> FromWorker {
    let findings: Vec<ReportFinding> = session
        .borrow()
        .findings()
        .into_iter()
        .map(|finding| ReportFinding {
            id: finding.id,
            title: finding.title,
            level: finding.level.title().to_owned(),
            technique: finding.technique,
            count: finding.count,
            author: finding.sigma.and_then(|about| about.author),
        })
        .collect();
    let mut principals: Vec<String> = case.events.iter().map(|e| e.principal.clone()).collect();
    principals.extend(case.principals.iter().map(|p| p.principal.clone()));
    principals.sort_unstable();
    principals.dedup();
    let lineage = fanout::with_raw(session, asker, |session| {
        let ids: Vec<(String, u32)> = principals
            .iter()
            .filter_map(|name| {
                let id = session
                    .loader
                    .store
                    .principals
                    .iter()
                    .position(|p| &p.principal.name == name)?;
                Some((name.clone(), id as u32))
            })
            .collect();
        let (index, store) = session.lineage();
        ids.into_iter()
            .map(|(name, id)| (name, index.for_principal(store, id)))
            .collect::<Vec<_>>()
    })
    .await;
    let (coverage, events, first, last) = {
        let session = session.borrow();
        let store = &session.loader.store;
        let span = store.time_span();
        (
            CoverageReport::build(&session.loader.report, store),
            store.len(),
            span.map(|(first, _)| trailglass_core::time::format_utc(first)),
            span.map(|(_, last)| trailglass_core::time::format_utc(last)),
        )
    };
    // Hashing every file once gives both the digest verdicts and the files' SHA-256.
    let coverage = verify_against_digests(session, coverage, files, &[]).await;
    let hashed: Vec<ReportFile> = coverage
        .manifest
        .iter()
        .map(|entry| ReportFile {
            name: entry.file.clone(),
            bytes: entry.bytes,
            sha256: if entry.sha256.len() == 64 {
                Ok(entry.sha256.clone())
            } else {
                Err(entry.sha256.clone())
            },
        })
        .collect();
    let generated = trailglass_core::time::format_utc(js_sys::Date::now() as i64);
    let html = html(&ReportInput {
        case,
        generated,
        events_loaded: events,
        first_event: first,
        last_event: last,
        findings: &findings,
        lineage: &lineage,
        coverage: Some(&coverage),
        files: &hashed,
    });
    FromWorker::Export {
        file_name: "trailglass-case-report.html".into(),
        mime: "text/html".into(),
        bytes: html.into_bytes(),
        gzip: false,
    }
}
