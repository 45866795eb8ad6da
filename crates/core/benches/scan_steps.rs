//! The steps of a free-text scan over a whole store on one thread, as a
//! parse worker answers one for the raw blocks it keeps: inflate each block,
//! lower-case it, search it. Shared by the native and the wasm side of the
//! per-core benchmark (`make bench-wasm`), so both time the same code.

use trailglass_core::query::filter::RawMatcher;
use trailglass_core::query::Query;
use trailglass_core::store::EventStore;

/// The free-text queries timed: common (in about 4% of events) and rare.
/// The wasm side is handed them by the native side's answer.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub const QUERIES: [&str; 2] = ["AccessDenied", "198.51.100.77"];

/// Inflates every raw block into one buffer: the bytes inflated.
pub fn inflate(store: &EventStore) -> usize {
    inflate_blocks(store, false)
}

/// Inflates and lower-cases every raw block: the scan before its search.
pub fn inflate_and_lower(store: &EventStore) -> usize {
    inflate_blocks(store, true)
}

fn inflate_blocks(store: &EventStore, lower: bool) -> usize {
    let raw = store.raw_store();
    let mut block = Vec::new();
    (0..raw.block_count())
        .map(|index| {
            raw.block_into(index, &mut block);
            if lower {
                block.make_ascii_lowercase();
            }
            block.len()
        })
        .sum()
}

/// The whole scan for `text` over every event: the events matched.
pub fn scan(store: &EventStore, text: &str) -> usize {
    let term = Query::Text(text.to_owned());
    let matcher = RawMatcher::new(&term).expect("free text reads the raw JSON");
    let mut block = Vec::new();
    store
        .rows
        .chunk_by(|a, b| a.raw_block == b.raw_block)
        .map(|rows| {
            let spans: Vec<(u32, u32)> = rows.iter().map(|r| (r.raw_offset, r.raw_len)).collect();
            matcher
                .hits(store.raw_store(), rows[0].raw_block, &spans, &mut block)
                .len()
        })
        .sum()
}
