//! Owns reading, from the store worker, the raw JSON the parsers keep: free
//! text and JSON paths fanned out to every parser at once ([`FanOut`]), and
//! fetch rounds for the few blocks an event's detail, the lineage, the
//! detections or an export read ([`with_raw`]). A parser that is gone takes
//! its events' JSON with it; that is said in the load report, once.

use super::session::Session;
use crate::pool::Asker;
use std::cell::RefCell;
use trailglass_core::query::filter::{scan_here, RawScan};
use trailglass_core::query::Query;
use trailglass_core::store::partition::{fetches_by_home, rows_of, split_scan, try_with_raw};
use trailglass_core::store::rawstore::Fetched;
use trailglass_core::store::EventStore;

/// Scans raw JSON where it lives: blocks here in this worker, the rest in
/// the parsers that keep them, all at once.
pub(super) struct FanOut<'a> {
    pub(super) asker: &'a Asker,
    /// Parsers found gone on the way.
    pub(super) gone: RefCell<Vec<u32>>,
    /// Every Sigma rule's rows by id, for `rule:ID`.
    rule_rows: Option<std::rc::Rc<rustc_hash::FxHashMap<String, Vec<u32>>>>,
}

impl<'a> FanOut<'a> {
    pub(super) fn new(asker: &'a Asker) -> Self {
        Self {
            asker,
            gone: RefCell::default(),
            rule_rows: None,
        }
    }

    pub(super) fn with_rule_rows(
        self,
        rule_rows: Option<std::rc::Rc<rustc_hash::FxHashMap<String, Vec<u32>>>>,
    ) -> Self {
        Self { rule_rows, ..self }
    }

    /// Marks the events of parsers found gone as lost (see [`lose_homes`]).
    pub(super) fn settle(self, session: &mut Session) {
        lose_homes(session, &self.gone.into_inner());
    }
}

impl RawScan for FanOut<'_> {
    async fn scan(&self, store: &EventStore, term: &Query, rows: Vec<usize>) -> Vec<usize> {
        let (here, shares) = split_scan(store, &rows);
        let term_text = term.to_string();
        // Every ask is posted before anything is awaited: the parsers scan
        // while this worker scans what it holds.
        let answers: Vec<_> = shares
            .iter()
            .map(|(home, share)| self.asker.scan(*home, &term_text, share.work.clone()))
            .collect();
        let mut matched = scan_here(store, term, &here);
        for ((home, share), answer) in shares.iter().zip(answers) {
            match answer.await {
                Ok(hits) => matched.extend(rows_of(share, &hits)),
                Err(_) => self.gone.borrow_mut().push(*home),
            }
        }
        matched.sort_unstable();
        matched
    }

    fn rule_rows(&self, rule: &str) -> Option<Vec<u32>> {
        self.rule_rows.as_ref()?.get(rule).cloned()
    }
}

/// Runs `op` over the session, first fetching from the parsers every block
/// it reads (rounds until it reads nothing away), then forgets them. The
/// session is borrowed only while `op` runs; a round waits while a view that
/// waits on the parsers holds it (detections run beside the queue).
pub(super) async fn with_raw<T>(
    session: &RefCell<Session>,
    asker: &Asker,
    mut op: impl FnMut(&mut Session) -> T,
) -> T {
    loop {
        super::session::Gate::until(|| session.try_borrow_mut().is_err()).await;
        let misses = {
            let mut session = session.borrow_mut();
            match try_with_raw(&mut *session, |s| &s.loader.store, &mut op) {
                Ok(answer) => {
                    session.loader.store.raw_store_mut().forget_fetched();
                    return answer;
                }
                Err(misses) => {
                    // Built from events read as empty: build it again.
                    session.lineage = None;
                    misses
                }
            }
        };
        let mut gone = Vec::new();
        let fetches: Vec<_> = fetches_by_home(&misses)
            .into_iter()
            .map(|(home, blocks)| {
                let ids: Vec<u32> = blocks.iter().map(|&(_, id)| id).collect();
                (home, blocks, asker.fetch(home, &ids))
            })
            .collect();
        let mut fetched = Vec::new();
        for (home, blocks, answer) in fetches {
            match answer.await {
                Ok(bytes) if bytes.len() == blocks.len() => {
                    for ((index, _), bytes) in blocks.into_iter().zip(bytes) {
                        fetched.push((index, Fetched::Bytes(bytes.into_boxed_slice())));
                    }
                }
                _ => {
                    gone.push(home);
                    fetched.extend(blocks.into_iter().map(|(index, _)| (index, Fetched::Lost)));
                }
            }
        }
        // A view may have taken the session while the parsers answered.
        super::session::Gate::until(|| session.try_borrow_mut().is_err()).await;
        let mut session = session.borrow_mut();
        for (index, block) in fetched {
            session.loader.store.raw_store_mut().install(index, block);
        }
        lose_homes(&mut session, &gone);
    }
}

/// The events whose raw JSON a gone parser kept now read as empty; the load
/// report says how many blocks went, once per parser.
pub(super) fn lose_homes(session: &mut Session, homes: &[u32]) {
    for &home in homes {
        let lost = session.loader.store.raw_store_mut().lose_home(home);
        if lost > 0 {
            session.loader.raw_lost(
                &format!("(events kept by parser {home})"),
                format!(
                    "the parser stopped after loading, or its answers arrived damaged twice: the JSON of the events in its {lost} \
                     raw blocks is gone (their columns stay; free text, JSON paths, detail \
                     and exports see them as empty)"
                ),
            );
        }
    }
}
