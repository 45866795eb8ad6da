//! Owns the raw JSON of every event: appended into blocks that are sealed
//! with LZ4 once full, so the store holds a fraction of the input size while
//! any event (one block to inflate) and a full-text scan (block by block)
//! stay fast. A block may live in another worker (a parser that keeps what
//! it parsed, see [`Away`]): reading one that has not been fetched reads as
//! empty and is noted, so the caller can fetch it and read again.

use std::borrow::Cow;

/// Uncompressed size a block is sealed at: large enough for LZ4 to find the
/// repetition between events, small enough that showing one event is cheap.
const BLOCK_BYTES: usize = 256 * 1024;

/// Where one event's JSON is: a block and a byte range inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawRef {
    pub block: u32,
    pub offset: u32,
    pub len: u32,
}

struct SealedBlock {
    /// Empty for a block that lives elsewhere.
    compressed: Box<[u8]>,
    len: usize,
    away: Option<Away>,
}

/// Where a block that lives in another worker is: which worker (`home`, a
/// number never reused for another worker) and its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Away {
    pub home: u32,
    pub id: u32,
}

/// What became of a block fetched from its home.
#[derive(Debug)]
pub enum Fetched {
    /// Its compressed bytes.
    Bytes(Box<[u8]>),
    /// Its home is gone, and the block with it: it reads as empty.
    Lost,
}

/// Full blocks a deferring store keeps uncompressed at most (beyond this
/// they are compressed as usual): a parser's batch is a few megabytes.
const DEFERRED_BYTES: usize = 64 << 20;

#[derive(Default)]
pub struct RawStore {
    sealed: Vec<SealedBlock>,
    /// Compressed bytes of the sealed blocks, kept as they are sealed.
    sealed_bytes: usize,
    /// Full blocks not compressed yet, in order after `sealed` (see
    /// [`RawStore::defer_compression`]).
    deferred: Vec<Vec<u8>>,
    deferred_bytes: usize,
    defer: bool,
    open: Vec<u8>,
    /// Compressed bytes of the blocks that live elsewhere, by home.
    away_bytes: rustc_hash::FxHashMap<u32, usize>,
    /// Blocks fetched from their homes, by index (see [`RawStore::install`]).
    fetched: rustc_hash::FxHashMap<u32, Fetched>,
    /// Blocks read while away and not fetched, since the last
    /// [`RawStore::take_misses`]. A lock only because scans run on several
    /// threads natively (where no block is ever away).
    misses: std::sync::Mutex<Vec<u32>>,
}

impl std::fmt::Debug for RawStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RawStore({} sealed blocks, {} open bytes)",
            self.sealed.len(),
            self.open.len()
        )
    }
}

impl RawStore {
    /// Full blocks stay uncompressed until [`RawStore::seal`] (up to a
    /// bound): for a parser's batch, whose detection rules read some events
    /// back before the segment is sealed and sent. The blocks and their
    /// compressed bytes are the same either way.
    pub fn defer_compression(&mut self) {
        self.defer = true;
    }

    pub fn push(&mut self, json: &[u8]) -> RawRef {
        if !self.open.is_empty() && self.open.len() + json.len() > BLOCK_BYTES {
            if self.defer && self.deferred_bytes + self.open.len() <= DEFERRED_BYTES {
                self.deferred_bytes += self.open.len();
                self.deferred.push(std::mem::take(&mut self.open));
            } else {
                self.seal();
            }
        }
        if self.open.capacity() == 0 {
            self.open.reserve(BLOCK_BYTES);
        }
        let raw = RawRef {
            block: u32::try_from(self.sealed.len() + self.deferred.len())
                .expect("fewer than 4 billion blocks"),
            offset: self.open.len() as u32,
            len: u32::try_from(json.len()).unwrap_or(u32::MAX),
        };
        self.open.extend_from_slice(json);
        raw
    }

    /// Compresses the open block. Called when full, and when a load ends so
    /// an idle store is compact.
    pub fn seal(&mut self) {
        for block in std::mem::take(&mut self.deferred) {
            self.seal_block(&block);
        }
        self.deferred_bytes = 0;
        if self.open.is_empty() {
            return;
        }
        let open = std::mem::take(&mut self.open);
        self.seal_block(&open);
        // Freed, not cleared: an idle store should not keep a spare block.
    }

    fn seal_block(&mut self, block: &[u8]) {
        let compressed = lz4_flex::block::compress(block).into_boxed_slice();
        self.sealed_bytes += compressed.len() + 32;
        self.sealed.push(SealedBlock {
            compressed,
            len: block.len(),
            away: None,
        });
    }

    /// One block's uncompressed bytes. A block that does not inflate (only
    /// possible for one another worker sent damaged) reads as empty.
    pub fn block(&self, index: u32) -> Cow<'_, [u8]> {
        let index = index as usize;
        match self.sealed.get(index) {
            Some(SealedBlock {
                away: Some(_), len, ..
            }) => match self.fetched.get(&(index as u32)) {
                Some(Fetched::Bytes(compressed)) => {
                    Cow::Owned(lz4_flex::block::decompress(compressed, *len).unwrap_or_default())
                }
                Some(Fetched::Lost) => Cow::Borrowed(&[]),
                None => {
                    if let Ok(mut misses) = self.misses.lock() {
                        misses.push(index as u32);
                    }
                    Cow::Borrowed(&[])
                }
            },
            Some(block) => Cow::Owned(
                lz4_flex::block::decompress(&block.compressed, block.len).unwrap_or_default(),
            ),
            None => match self.deferred.get(index - self.sealed.len()) {
                Some(block) => Cow::Borrowed(block),
                None => Cow::Borrowed(&self.open),
            },
        }
    }

    /// One block's uncompressed bytes into `out` (replacing what it held),
    /// without a buffer of its own: for scans, which go block by block.
    pub fn block_into(&self, index: u32, out: &mut Vec<u8>) {
        out.clear();
        match self.sealed.get(index as usize) {
            Some(SealedBlock {
                compressed,
                len,
                away: None,
            }) => {
                out.resize(*len, 0);
                match lz4_flex::block::decompress_into(compressed, out) {
                    Ok(written) => out.truncate(written),
                    Err(_) => out.clear(),
                }
            }
            _ => out.extend_from_slice(&self.block(index)),
        }
    }

    /// One event's bytes; empty where its block is damaged.
    pub fn get(&self, raw: RawRef) -> Cow<'_, [u8]> {
        let start = raw.offset as usize;
        let range = start..start.saturating_add(raw.len as usize);
        match self.block(raw.block) {
            Cow::Borrowed(open) => Cow::Borrowed(open.get(range).unwrap_or_default()),
            Cow::Owned(block) => Cow::Owned(block.get(range).unwrap_or_default().to_vec()),
        }
    }

    /// The sealed blocks as (compressed bytes, uncompressed length), for a
    /// segment. Call after [`RawStore::seal`]: an open block is not included.
    pub fn into_sealed(self) -> Vec<(Box<[u8]>, usize)> {
        self.sealed
            .into_iter()
            .map(|block| (block.compressed, block.len))
            .collect()
    }

    /// Appends a block another store sealed; returns its index here.
    pub fn append_sealed(&mut self, compressed: Box<[u8]>, len: usize) -> u32 {
        self.seal();
        self.sealed_bytes += compressed.len() + 32;
        self.sealed.push(SealedBlock {
            compressed,
            len,
            away: None,
        });
        u32::try_from(self.sealed.len() - 1).expect("fewer than 4 billion blocks")
    }

    /// Appends a block that stays in another worker (`compressed` bytes
    /// there); returns its index here.
    pub fn append_away(&mut self, away: Away, len: usize, compressed: usize) -> u32 {
        self.seal();
        self.sealed_bytes += 32;
        *self.away_bytes.entry(away.home).or_default() += compressed;
        self.sealed.push(SealedBlock {
            compressed: Box::default(),
            len,
            away: Some(away),
        });
        u32::try_from(self.sealed.len() - 1).expect("fewer than 4 billion blocks")
    }

    /// A block's compressed bytes, when it is held here.
    pub fn compressed(&self, index: u32) -> Option<&[u8]> {
        let block = self.sealed.get(index as usize)?;
        block.away.is_none().then_some(&*block.compressed)
    }

    /// Where a block lives when it is not here.
    pub fn away(&self, index: u32) -> Option<Away> {
        self.sealed.get(index as usize)?.away
    }

    /// The away blocks read (as empty) since the last call, each once, with
    /// where they live.
    pub fn take_misses(&self) -> Vec<(u32, Away)> {
        let mut misses = self
            .misses
            .lock()
            .map(|mut misses| std::mem::take(&mut *misses))
            .unwrap_or_default();
        misses.sort_unstable();
        misses.dedup();
        misses
            .into_iter()
            .filter(|index| !self.fetched.contains_key(index))
            .filter_map(|index| Some((index, self.away(index)?)))
            .collect()
    }

    /// Holds a fetched block until [`RawStore::forget_fetched`].
    pub fn install(&mut self, index: u32, fetched: Fetched) {
        if self.away(index).is_some() {
            self.fetched.insert(index, fetched);
        }
    }

    /// Drops every fetched block (they live at home).
    pub fn forget_fetched(&mut self) {
        self.fetched = Default::default();
    }

    /// Moves blocks to a new home: the blocks `old.id..` of `old.home`,
    /// `lens` long each, are now `new.id..` of `new.home`, `sizes` bytes
    /// there (a parser that parsed the same files again, after the first
    /// one stopped: parsing is deterministic, so the blocks are the same).
    /// Blocks whose length differs are left where they were. Returns how
    /// many moved.
    pub fn rehome(
        &mut self,
        old: Away,
        lens: &[usize],
        new: Away,
        sizes: &[(usize, u32)],
    ) -> usize {
        if lens.len() != sizes.len() || lens.iter().zip(sizes).any(|(a, (b, _))| a != b) {
            return 0;
        }
        let mut moved = 0;
        let end = u64::from(old.id) + lens.len() as u64;
        for block in &mut self.sealed {
            let Some(away) = block.away.filter(|a| a.home == old.home) else {
                continue;
            };
            if u64::from(away.id) >= end || away.id < old.id {
                continue;
            }
            let at = (away.id - old.id) as usize;
            block.away = Some(Away {
                home: new.home,
                id: new.id + at as u32,
            });
            *self.away_bytes.entry(new.home).or_default() += sizes[at].1 as usize;
            moved += 1;
        }
        moved
    }

    /// Compressed bytes of the blocks other workers keep.
    pub fn away_bytes(&self) -> usize {
        self.away_bytes.values().sum()
    }

    /// The most any one other worker keeps (each has its own memory to fill).
    pub fn fullest_home_bytes(&self) -> usize {
        self.away_bytes.values().copied().max().unwrap_or(0)
    }

    /// Every block that lives in `home` is lost with it: it reads as empty
    /// from now on. Returns how many there were.
    pub fn lose_home(&mut self, home: u32) -> usize {
        let mut lost = 0;
        for block in &mut self.sealed {
            if block.away.is_some_and(|away| away.home == home) {
                block.away = None;
                block.len = 0;
                lost += 1;
            }
        }
        self.away_bytes.remove(&home);
        lost
    }

    pub fn block_count(&self) -> u32 {
        (self.sealed.len() + self.deferred.len()) as u32 + u32::from(!self.open.is_empty())
    }

    pub fn heap_bytes(&self) -> usize {
        self.sealed_bytes
            + self
                .fetched
                .values()
                .map(|fetched| match fetched {
                    Fetched::Bytes(bytes) => bytes.len(),
                    Fetched::Lost => 0,
                })
                .sum::<usize>()
            + self.deferred.iter().map(Vec::capacity).sum::<usize>()
            + self.open.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_comes_back_byte_for_byte_across_sealed_and_open_blocks() {
        let mut store = RawStore::default();
        let events: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    r#"{{"eventID":"{i}","eventName":"GetObject","padding":"{}"}}"#,
                    "x".repeat(i % 97)
                )
            })
            .collect();
        let refs: Vec<RawRef> = events.iter().map(|e| store.push(e.as_bytes())).collect();
        assert!(store.block_count() > 1, "the test spans several blocks");
        for (event, raw) in events.iter().zip(&refs).step_by(7) {
            assert_eq!(&*store.get(*raw), event.as_bytes());
        }
        store.seal();
        for (event, raw) in events.iter().zip(&refs).step_by(5) {
            assert_eq!(&*store.get(*raw), event.as_bytes());
        }
        let total: usize = events.iter().map(String::len).sum();
        assert!(
            store.heap_bytes() * 4 < total,
            "repetitive JSON compresses well"
        );
        // Deferring compression changes when blocks are compressed, not what
        // they hold nor how they compress.
        let mut deferring = RawStore::default();
        deferring.defer_compression();
        for (event, raw) in events.iter().zip(&refs) {
            assert_eq!(deferring.push(event.as_bytes()), *raw);
        }
        assert!(deferring.sealed.is_empty() && !deferring.deferred.is_empty());
        for (event, raw) in events.iter().zip(&refs).step_by(3) {
            assert_eq!(&*deferring.get(*raw), event.as_bytes());
        }
        deferring.seal();
        assert_eq!(deferring.into_sealed(), store.into_sealed());
    }
}
