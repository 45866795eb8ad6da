//! Owns segments: what one parser of a parallel load hands back for its
//! batch of files (rows, their strings and principals, the sealed raw blocks,
//! the batch's load report) and their encoding as bytes, so a segment can
//! cross from one worker to another as a single transferable buffer.
//! Merging is [`crate::load::ingest::Loader::merge`].

use crate::diagnostic::Diagnostic;
use crate::input::identity::{CredentialKind, Principal, PrincipalKind};
use crate::load::report::{FileReport, FileShape, LoadReport, RowKey};
use crate::store::{EventRow, PrincipalEntry, StoreParts};

/// One batch's parse, self-contained: every id in `parts.rows` points into
/// `parts` itself.
#[derive(Debug, Default)]
pub struct Segment {
    pub parts: StoreParts,
    /// One per row.
    pub row_keys: Vec<RowKey>,
    pub report: LoadReport,
    /// Each row's detection rules, when the parser ran them
    /// ([`crate::analysis::detect::row_masks`]).
    pub rule_masks: Option<Vec<(u32, u64)>>,
    /// Set when the parser kept the raw blocks (`parts.blocks` then holds
    /// their lengths and no bytes): the parser's index of the first block.
    pub kept: Option<u32>,
    /// When kept: each block's compressed size there (for the memory figures).
    pub kept_sizes: Vec<u32>,
}

/// Guards against bytes that were not written by [`Segment::encode`].
const MAGIC: &[u8; 8] = b"TGSEG\x00\x00\x03";
/// The CRC-32 of everything before it ends every segment: bytes damaged on
/// their way between workers are refused, not merged as something else.
const CHECKSUM_BYTES: usize = 4;

impl Segment {
    /// Little-endian, fixed-width rows: decoding a million rows is a copy loop.
    pub fn encode(&self) -> Vec<u8> {
        let parts = &self.parts;
        let raw_bytes: usize = parts.blocks.iter().map(|(block, _)| block.len() + 8).sum();
        let mut out = Writer(Vec::with_capacity(
            64 + raw_bytes
                + parts.rows.len() * (ROW_BYTES + 20)
                + parts.strings.iter().map(|s| s.len() + 4).sum::<usize>(),
        ));
        out.0.extend_from_slice(MAGIC);
        out.u32(self.kept.unwrap_or(u32::MAX));
        out.count(self.kept_sizes.len());
        for &size in &self.kept_sizes {
            out.u32(size);
        }
        out.count(parts.strings.len());
        for value in &parts.strings {
            out.text(value);
        }
        out.count(parts.principals.len());
        for entry in &parts.principals {
            let principal = &entry.principal;
            out.0.push(principal.kind as u8);
            out.0.push(entry.credential as u8);
            out.text(&principal.name);
            out.text(&principal.group);
            out.text(&principal.account);
        }
        out.count(parts.blocks.len());
        for (compressed, len) in &parts.blocks {
            out.count(*len);
            out.bytes(compressed);
        }
        out.count(parts.rows.len());
        for (row, key) in parts.rows.iter().zip(&self.row_keys) {
            out.row(row);
            out.0.extend_from_slice(&key.fingerprint.to_le_bytes());
            out.u32(key.file);
        }
        let report = &self.report;
        for value in [
            report.files,
            report.bytes_read as usize,
            report.text_bytes as usize,
            report.events,
            report.duplicates,
            report.files_refused,
        ] {
            out.count(value);
        }
        out.count(report.diagnostics.len());
        for diagnostic in &report.diagnostics {
            out.text(&diagnostic.file);
            out.u32(diagnostic.line);
            out.u32(diagnostic.column);
            out.text(&diagnostic.message);
        }
        out.count(report.file_reports.len());
        for file in &report.file_reports {
            out.text(&file.name);
            out.0.push(file.shape.code());
            out.count(file.events);
            out.count(file.duplicates);
            out.count(file.problems);
            out.0
                .extend_from_slice(&file.events_fingerprint.to_le_bytes());
            // Rare (a digest per hour per region, a key file): JSON is simplest here.
            if file.digest.is_some() || file.public_keys.is_some() {
                let attached = (&file.digest, &file.public_keys);
                out.bytes(&serde_json::to_vec(&attached).unwrap_or_default());
            } else {
                out.count(0);
            }
        }
        out.count(report.text_parts.len());
        for tally in &report.text_parts {
            out.bytes(&tally.encode());
        }
        match &self.rule_masks {
            None => out.0.push(0),
            Some(masks) => {
                out.0.push(1);
                out.count(masks.len());
                for (row, mask) in masks {
                    out.u32(*row);
                    out.0.extend_from_slice(&mask.to_le_bytes());
                }
            }
        }
        let checksum = crc32fast::hash(&out.0);
        out.u32(checksum);
        out.0
    }

    /// Reads what [`Self::encode`] wrote, refusing bytes whose checksum
    /// does not hold and anything that names what is not there.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let Some(body_len) = bytes.len().checked_sub(CHECKSUM_BYTES) else {
            return Err("not a segment: too short".into());
        };
        let (body, trailer) = bytes.split_at(body_len);
        let written = u32::from_le_bytes(trailer.try_into().expect("four bytes"));
        if crc32fast::hash(body) != written {
            return Err("the segment was damaged on its way (its checksum does not match)".into());
        }
        Self::decode_body(body)
    }

    /// [`Self::decode`] without the checksum: the fuzz target reaches the
    /// decoder with bytes it changed.
    pub fn decode_body(bytes: &[u8]) -> Result<Self, String> {
        let mut input = Reader { bytes, at: 0 };
        if input.take(MAGIC.len())? != MAGIC {
            return Err("not a segment written by this version".into());
        }
        let kept = Some(input.u32()?).filter(|&first| first != u32::MAX);
        let mut kept_sizes = Vec::new();
        for _ in 0..input.count()? {
            kept_sizes.push(input.u32()?);
        }
        let mut parts = StoreParts::default();
        for _ in 0..input.count()? {
            parts.strings.push(input.text()?);
        }
        for _ in 0..input.count()? {
            let kind = *PrincipalKind::ALL
                .get(input.byte()? as usize)
                .ok_or("unknown principal kind")?;
            let credential = CredentialKind::from_code(input.byte()?);
            parts.principals.push(PrincipalEntry {
                principal: Principal {
                    kind,
                    name: input.text()?,
                    group: input.text()?,
                    account: input.text()?,
                },
                credential,
            });
        }
        for _ in 0..input.count()? {
            let len = input.count()?;
            let compressed = input.bytes()?.into();
            parts.blocks.push((compressed, len));
        }
        let rows = input.count()?;
        let mut row_keys = Vec::with_capacity(rows.min(bytes.len() / ROW_BYTES));
        parts.rows.reserve(row_keys.capacity());
        for _ in 0..rows {
            parts.rows.push(input.row()?);
            row_keys.push(RowKey {
                fingerprint: u128::from_le_bytes(input.array()?),
                file: input.u32()?,
            });
        }
        let mut report = LoadReport {
            files: input.count()?,
            bytes_read: input.count()? as u64,
            text_bytes: input.count()? as u64,
            events: input.count()?,
            duplicates: input.count()?,
            files_refused: input.count()?,
            ..LoadReport::default()
        };
        for _ in 0..input.count()? {
            report.diagnostics.push(Diagnostic {
                file: input.text()?,
                line: input.u32()?,
                column: input.u32()?,
                message: input.text()?,
            });
        }
        for _ in 0..input.count()? {
            report.file_reports.push(FileReport {
                name: input.text()?,
                shape: FileShape::from_code(input.byte()?),
                events: input.count()?,
                duplicates: input.count()?,
                problems: input.count()?,
                events_fingerprint: u128::from_le_bytes(input.array()?),
                digest: None,
                public_keys: None,
            });
            if let json @ [_, ..] = input.bytes()? {
                let (digest, public_keys) =
                    serde_json::from_slice(json).map_err(|e| format!("digest: {e}"))?;
                let file = report.file_reports.last_mut().expect("just pushed");
                file.digest = digest;
                file.public_keys = public_keys;
            }
        }
        for _ in 0..input.count()? {
            report
                .text_parts
                .push(crate::input::split::PartTally::decode(input.bytes()?)?);
        }
        let rule_masks = match input.byte()? {
            0 => None,
            _ => {
                let count = input.count()?;
                let mut masks = Vec::with_capacity(count.min(bytes.len() / 12));
                for _ in 0..count {
                    masks.push((input.u32()?, u64::from_le_bytes(input.array()?)));
                }
                Some(masks)
            }
        };
        if input.at != bytes.len() {
            return Err("trailing bytes after the segment".into());
        }
        let segment = Self {
            parts,
            row_keys,
            report,
            rule_masks,
            kept,
            kept_sizes,
        };
        segment.check()?;
        Ok(segment)
    }

    /// A segment comes from another worker: every id must name something in
    /// it and every event must lie inside its raw block, or merging would
    /// show the wrong values (or none). Block payloads are not inflated
    /// here (that would cost a second pass over every event's JSON); the
    /// raw store reads a damaged one as empty instead of failing.
    fn check(&self) -> Result<(), String> {
        let parts = &self.parts;
        // LZ4 never inflates a byte to more than 255: a larger claimed size
        // would have the raw store allocate whatever it says on reading.
        for (compressed, len) in &parts.blocks {
            let inflates_to = match self.kept {
                // Kept by the parser: only its length came.
                Some(_) if !compressed.is_empty() => {
                    return Err("a kept raw block came with bytes".into())
                }
                Some(_) => u32::MAX as usize,
                None => compressed.len().saturating_mul(255).saturating_add(64),
            };
            if *len > inflates_to || *len > u32::MAX as usize {
                return Err("a raw block claims a size its bytes cannot inflate to".into());
            }
        }
        if let Some(first) = self.kept {
            if u64::from(first) + parts.blocks.len() as u64 > u64::from(u32::MAX) {
                return Err("kept raw blocks past the last index".into());
            }
        }
        if self.kept_sizes.len()
            != if self.kept.is_some() {
                parts.blocks.len()
            } else {
                0
            }
        {
            return Err("kept raw blocks without their sizes".into());
        }
        let strings = parts.strings.len() as u64;
        for (index, row) in parts.rows.iter().enumerate() {
            let bad = |what: &str| {
                Err(format!(
                    "event {index} names {what} that is not in the segment"
                ))
            };
            let Some((_, block_len)) = parts.blocks.get(row.raw_block as usize) else {
                return bad("a raw block");
            };
            if u64::from(row.raw_offset) + u64::from(row.raw_len) > *block_len as u64 {
                return bad("bytes past the end of its raw block");
            }
            if u64::from(row.principal) >= parts.principals.len() as u64 {
                return bad("a principal");
            }
            if row.time_ms != i64::MIN && !crate::time::PARSED_TIMES.contains(&row.time_ms) {
                return Err(format!("event {index} has a time no parse gives"));
            }
            if row.string_ids().iter().any(|&id| u64::from(id) >= strings) {
                return bad("a string");
            }
        }
        if self
            .row_keys
            .iter()
            .any(|key| key.file as usize >= self.report.file_reports.len())
        {
            return Err("an event names a file that is not in the segment".into());
        }
        if let Some(masks) = &self.rule_masks {
            if masks
                .iter()
                .any(|(row, _)| *row as usize >= parts.rows.len())
            {
                return Err("a detection names an event that is not in the segment".into());
            }
        }
        Ok(())
    }
}

const ROW_BYTES: usize = 8 + 4 * 11 + 2 + 1 + 1;

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn count(&mut self, value: usize) {
        self.0.extend_from_slice(&(value as u64).to_le_bytes());
    }

    fn bytes(&mut self, value: &[u8]) {
        self.count(value.len());
        self.0.extend_from_slice(value);
    }

    fn text(&mut self, value: &str) {
        self.bytes(value.as_bytes());
    }

    fn row(&mut self, row: &EventRow) {
        self.0.extend_from_slice(&row.time_ms.to_le_bytes());
        for value in [row.raw_block, row.raw_offset, row.raw_len, row.principal]
            .into_iter()
            .chain(row.string_ids())
        {
            self.u32(value);
        }
        self.0.extend_from_slice(&row.flags.to_le_bytes());
        self.0.push(row.credential);
        self.0.push(row.kinds);
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, len: usize) -> Result<&'b [u8], String> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or("segment cut short")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn count(&mut self) -> Result<usize, String> {
        usize::try_from(u64::from_le_bytes(self.array()?)).map_err(|_| "count too large".into())
    }

    fn bytes(&mut self) -> Result<&'b [u8], String> {
        let len = self.count()?;
        self.take(len)
    }

    fn text(&mut self) -> Result<String, String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| "text is not UTF-8".into())
    }

    fn row(&mut self) -> Result<EventRow, String> {
        let mut row = EventRow {
            time_ms: i64::from_le_bytes(self.array()?),
            raw_block: self.u32()?,
            raw_offset: self.u32()?,
            raw_len: self.u32()?,
            principal: self.u32()?,
            ..EventRow::default()
        };
        for id in row.string_ids_mut() {
            *id = self.u32()?;
        }
        row.flags = u16::from_le_bytes(self.array()?);
        row.credential = self.byte()?;
        row.kinds = self.byte()?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests;
