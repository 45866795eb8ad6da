//! Owns the store's conversation with the workers that keep raw JSON: in
//! the browser each parser keeps the raw blocks it parsed (see
//! [`crate::store::rawstore::Away`]) and answers for them. Here are both sides of
//! that conversation, as plain bytes: the scan a free-text or JSON-path term
//! sends each worker and its answer, and the fetch rounds that bring the
//! few blocks an event's detail, the lineage, the detections or an export
//! read. No transport: the store worker carries the bytes.

use crate::query::filter::RawMatcher;
use crate::store::rawstore::{Away, RawStore};
use crate::store::EventStore;
use std::collections::BTreeMap;

/// A term's scan for one worker: the rows it asks about (store indexes,
/// ascending) and the work as bytes (see [`encode_work`]).
#[derive(Debug, Default)]
pub struct ScanShare {
    pub rows: Vec<usize>,
    pub work: Vec<u8>,
}

/// Splits `rows` (ascending) into those whose blocks are here and one share
/// per worker that holds the rest.
pub fn split_scan(store: &EventStore, rows: &[usize]) -> (Vec<usize>, BTreeMap<u32, ScanShare>) {
    let raw = store.raw_store();
    let mut here = Vec::new();
    let mut away: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for group in rows.chunk_by(|a, b| store.rows[*a].raw_block == store.rows[*b].raw_block) {
        match raw.away(store.rows[group[0]].raw_block) {
            None => here.extend_from_slice(group),
            Some(home) => away.entry(home.home).or_default().extend_from_slice(group),
        }
    }
    let shares = away
        .into_iter()
        .map(|(home, rows)| {
            let work = encode_work(store, &rows);
            (home, ScanShare { rows, work })
        })
        .collect();
    (here, shares)
}

/// Per block, in order: the block's index in its worker, how many events,
/// then each event's offset and length (little-endian `u32`s).
fn encode_work(store: &EventStore, rows: &[usize]) -> Vec<u8> {
    let raw = store.raw_store();
    let mut work = Vec::with_capacity(rows.len() * 8 + 64);
    for group in rows.chunk_by(|a, b| store.rows[*a].raw_block == store.rows[*b].raw_block) {
        let id = raw
            .away(store.rows[group[0]].raw_block)
            .map_or(u32::MAX, |away| away.id);
        for value in [id, group.len() as u32] {
            work.extend_from_slice(&value.to_le_bytes());
        }
        for &row in group {
            let row = &store.rows[row];
            for value in [row.raw_offset, row.raw_len] {
                work.extend_from_slice(&value.to_le_bytes());
            }
        }
    }
    work
}

/// One event's place in a raw block: offset and length.
pub type Span = (u32, u32);

/// The blocks a piece of work names, each with its events' spans, in the
/// work's order.
pub fn work_blocks(work: &[u8]) -> Result<Vec<(u32, Vec<Span>)>, String> {
    if !work.len().is_multiple_of(4) {
        return Err("scan work is not whole numbers".into());
    }
    let mut words = work
        .chunks_exact(4)
        .map(|word| u32::from_le_bytes([word[0], word[1], word[2], word[3]]));
    let mut blocks = Vec::new();
    while let Some(id) = words.next() {
        let count = words.next().ok_or("scan work ends inside a block")? as usize;
        let mut spans = Vec::with_capacity(count.min(work.len() / 8));
        for _ in 0..count {
            let (Some(offset), Some(len)) = (words.next(), words.next()) else {
                return Err("scan work ends inside a block".into());
            };
            spans.push((offset, len));
        }
        blocks.push((id, spans));
    }
    Ok(blocks)
}

/// The worker's side of a scan: which of the events the work names pass
/// `term` (a term's query text, as [`crate::query::Query`] prints it), as positions in
/// the work's order. A block it does not hold reads as empty.
pub fn answer_scan(keep: &RawStore, term: &str, work: &[u8]) -> Result<Vec<u32>, String> {
    let term = crate::query::parse(term).map_err(|error| error.to_string())?;
    let matcher = RawMatcher::new(&term).ok_or("not a term that reads the raw JSON")?;
    let (mut hits, mut lower, mut first) = (Vec::new(), Vec::new(), 0u32);
    for (id, spans) in work_blocks(work)? {
        // A block it does not hold is scanned as empty.
        let id = if id < keep.block_count() {
            id
        } else {
            u32::MAX
        };
        hits.extend(
            matcher
                .hits(keep, id, &spans, &mut lower)
                .into_iter()
                .map(|hit| first + hit),
        );
        first += spans.len() as u32;
    }
    Ok(hits)
}

/// Maps a worker's scan answer back to store rows.
pub fn rows_of(share: &ScanShare, hits: &[u32]) -> Vec<usize> {
    hits.iter()
        .filter_map(|&hit| share.rows.get(hit as usize).copied())
        .collect()
}

/// Runs `op` once; when it read blocks of `state`'s store that live in
/// other workers (each read as empty), the answer is thrown away and those
/// blocks are returned, to be fetched ([`RawStore::install`]) before
/// running it again. Reading only grows the set of fetched blocks, so the
/// rounds end.
pub fn try_with_raw<S, T>(
    state: &mut S,
    store: impl Fn(&S) -> &EventStore,
    op: impl FnOnce(&mut S) -> T,
) -> Result<T, Vec<(u32, Away)>> {
    let _ = store(state).raw_store().take_misses();
    let answer = op(state);
    let misses = store(state).raw_store().take_misses();
    if misses.is_empty() {
        Ok(answer)
    } else {
        Err(misses)
    }
}

/// Groups blocks to fetch by the worker that holds them: (store index,
/// index there) per block.
pub fn fetches_by_home(misses: &[(u32, Away)]) -> BTreeMap<u32, Vec<(u32, u32)>> {
    let mut by_home: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
    for &(index, away) in misses {
        by_home.entry(away.home).or_default().push((index, away.id));
    }
    by_home
}

/// The worker's side of a fetch: each named block's compressed bytes, in
/// order (empty for a block it does not hold).
pub fn answer_fetch(keep: &RawStore, ids: &[u32]) -> Vec<Box<[u8]>> {
    ids.iter()
        .map(|&id| keep.compressed(id).unwrap_or_default().into())
        .collect()
}

/// The checksum a worker's answer travels with (CRC-32 of each part and
/// its length, in order), so that bytes damaged on their way between
/// workers are noticed instead of read as another answer.
pub fn answer_checksum<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize()
}

#[cfg(test)]
mod checksum_tests {
    use super::answer_checksum;

    #[test]
    fn an_answer_checksum_changes_with_any_byte_and_with_where_parts_end() {
        let blocks: Vec<Vec<u8>> = vec![b"first block".to_vec(), Vec::new(), b"third".to_vec()];
        let sealed = answer_checksum(blocks.iter().map(Vec::as_slice));
        assert_eq!(sealed, answer_checksum(blocks.iter().map(Vec::as_slice)));
        for part in [0, 2] {
            for at in 0..blocks[part].len() {
                let mut damaged = blocks.clone();
                damaged[part][at] ^= 0x20;
                assert_ne!(sealed, answer_checksum(damaged.iter().map(Vec::as_slice)));
            }
        }
        // The same bytes cut at another place are another answer.
        let moved: Vec<&[u8]> = vec![b"first bloc", b"k", b"third"];
        assert_ne!(sealed, answer_checksum(moved));
        assert_ne!(answer_checksum([&[][..]]), answer_checksum([]));
    }
}
