//! Owns one parser's batch: files in, one encoded segment out (rows,
//! strings, principals, sealed raw blocks, load report and each row's
//! detection rules). A parse worker in the browser runs exactly this per
//! batch, and so does the per-core benchmark (`crates/core/benches/percore.rs` natively,
//! `crates/core/examples/percore_wasm.rs` in wasm).

use crate::load::ingest::{Limits, Loader};

pub use crate::load::schedule::{BATCH_BYTES, BATCH_FILES};

/// One batch being parsed.
pub struct BatchParse {
    loader: Loader,
}

impl BatchParse {
    pub fn new(limits: Limits) -> Self {
        Self {
            loader: Loader::for_segment(limits),
        }
    }

    /// Parses one file of the batch.
    pub fn load(&mut self, name: &str, bytes: &[u8]) {
        self.loader.load(name, bytes);
    }

    /// Parses one part of a file (see [`crate::load::schedule::Part`]).
    pub fn load_part(&mut self, name: &str, bytes: &[u8], part: crate::load::schedule::Part) {
        self.loader.load_part(name, bytes, part);
    }

    /// Parses one part of a file from what was read of it (see
    /// [`crate::load::ingest::Loader::load_bytes`]).
    pub fn load_bytes(
        &mut self,
        name: &str,
        file: crate::load::ingest::FileBytes<'_>,
        part: crate::load::schedule::Part,
    ) {
        self.loader.load_bytes(name, file, part);
    }

    /// Records a file of the batch that could not be read.
    pub fn unreadable(&mut self, name: &str, why: &str) {
        self.loader.unreadable(name, why);
    }

    /// What the batch has loaded so far.
    pub fn report(&self) -> &crate::load::ingest::LoadReport {
        &self.loader.report
    }

    /// Runs the detection rules over the batch and encodes the segment.
    pub fn finish(self) -> Vec<u8> {
        self.loader.into_detected_segment().encode()
    }

    /// [`BatchParse::finish`] for a parser that keeps the raw JSON it
    /// parsed: the blocks move into `keep` and the segment names them there.
    pub fn finish_keeping(self, keep: &mut crate::store::rawstore::RawStore) -> Vec<u8> {
        let mut segment = self.loader.into_detected_segment();
        segment.kept = Some(keep.block_count());
        for (compressed, len) in &mut segment.parts.blocks {
            segment.kept_sizes.push(compressed.len() as u32);
            keep.append_sealed(std::mem::take(compressed), *len);
        }
        segment.encode()
    }
}

/// An encoded segment made comparable across platforms, for comparing a
/// parse in wasm with a native one: its raw blocks inflated (LZ4 hashes 5
/// bytes on 64-bit targets and 4 on wasm32, so the same blocks compress
/// differently) and its fingerprints reduced to present or absent (foldhash
/// folds its multiplications differently on 32-bit targets; fingerprints are
/// only ever compared with others made on the same platform).
pub fn canonical(segment: &[u8]) -> Result<Vec<u8>, String> {
    let mut segment = crate::store::segment::Segment::decode(segment)?;
    for (block, len) in &mut segment.parts.blocks {
        *block = lz4_flex::block::decompress(block, *len)
            .map_err(|e| e.to_string())?
            .into_boxed_slice();
    }
    for key in &mut segment.row_keys {
        key.fingerprint = u128::from(key.fingerprint != 0);
    }
    for file in &mut segment.report.file_reports {
        file.events_fingerprint = u128::from(file.events_fingerprint != 0);
    }
    Ok(segment.encode())
}

/// Cuts files (by their sizes, in order) into batches the way the store
/// worker does when every file is at hand: index ranges into `sizes`.
pub fn batches(sizes: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < sizes.len() {
        let (mut end, mut bytes) = (start, 0);
        while end < sizes.len() && bytes < BATCH_BYTES && end - start < BATCH_FILES {
            bytes += sizes[end];
            end += 1;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_end_at_a_megabyte_or_256_files() {
        assert!(batches(&[]).is_empty());
        assert_eq!(batches(&[10; 600]), [0..256, 256..512, 512..600]);
        assert_eq!(batches(&[400_000, 400_000, 400_000, 5]), [0..3, 3..4]);
        assert_eq!(batches(&[2_000_000, 1]), [0..1, 1..2]);
    }

    #[test]
    fn canonical_segments_hold_inflated_blocks() {
        let mut parse = BatchParse::new(Limits::default());
        let event = r#"{"eventName":"GetObject","eventTime":"2024-05-01T00:00:00Z"}"#;
        let text = format!("[{}]", vec![event; 200].join(","));
        parse.load("a.json", text.as_bytes());
        let segment = parse.finish();
        let inflated = canonical(&segment).expect("a segment");
        let blocks = crate::store::segment::Segment::decode(&inflated)
            .unwrap()
            .parts
            .blocks;
        assert_eq!(blocks.len(), 1);
        assert_eq!(&*blocks[0].0, vec![event; 200].concat().as_bytes());
        assert!(canonical(b"junk").is_err());
    }
}
