//! Owns 128-bit fingerprints of byte strings: the keys that decide whether
//! two events are the same delivery and whether two identities are the same
//! principal. Wide, and as wide on every platform, on purpose: a 32-bit hash (what
//! `usize`-based hashers give on wasm32) collides about a hundred times in a
//! million events, silently merging distinct events.

use foldhash::fast::{FixedState, FoldHasher};
use std::hash::{BuildHasher, Hasher};

/// Fingerprints a sequence of fields (each delimited, so `ab|c` ≠ `a|bc`).
/// Two foldhash hashers (fast, 64-bit on every platform) with different
/// fixed seeds give the two halves. Fields are gathered first, each followed
/// by `0xff` (a byte UTF-8 text never holds), and hashed in one go: one long
/// input costs a hasher far fewer multiplications than many short ones
/// (and a 64-bit multiplication is four on wasm32).
pub struct Fingerprint {
    low: FoldHasher<'static>,
    high: FoldHasher<'static>,
    gathered: [u8; GATHERED],
    len: usize,
}

/// Fields are hashed whenever this much is gathered (only long identities
/// get there).
const GATHERED: usize = 192;

impl Default for Fingerprint {
    fn default() -> Self {
        Self {
            low: FixedState::with_seed(0x243f_6a88_85a3_08d3).build_hasher(),
            high: FixedState::with_seed(0x9e37_79b9_7f4a_7c15).build_hasher(),
            gathered: [0; GATHERED],
            len: 0,
        }
    }
}

impl Fingerprint {
    pub fn field(&mut self, value: Option<&str>) -> &mut Self {
        let bytes = value.unwrap_or_default().as_bytes();
        if self.len + bytes.len() >= GATHERED {
            self.hash_gathered();
        }
        if bytes.len() >= GATHERED {
            for hasher in [&mut self.low, &mut self.high] {
                hasher.write(bytes);
                hasher.write_u8(0xff);
            }
        } else {
            self.gathered[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.gathered[self.len + bytes.len()] = 0xff;
            self.len += bytes.len() + 1;
        }
        self
    }

    fn hash_gathered(&mut self) {
        if self.len > 0 {
            for hasher in [&mut self.low, &mut self.high] {
                hasher.write(&self.gathered[..self.len]);
            }
            self.len = 0;
        }
    }

    pub fn finish(mut self) -> u128 {
        self.hash_gathered();
        (u128::from(self.high.finish()) << 64) | u128::from(self.low.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_delimited_and_both_halves_vary() {
        let of = |parts: &[&str]| {
            let mut f = Fingerprint::default();
            for p in parts {
                f.field(Some(p));
            }
            f.finish()
        };
        // Long fields, and many fields, past what is gathered at once.
        let long = "x".repeat(500);
        assert_ne!(of(&[&long, "a"]), of(&[&long, "b"]));
        assert_ne!(of(&[&long[..190], "ab"]), of(&[&long[..191], "b"]));
        let many: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(of(&many), of(&many));
        assert_ne!(of(&many), of(&many[1..]));
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_eq!(of(&["x", "y"]), of(&["x", "y"]));
        let (a, b) = (of(&["1"]), of(&["2"]));
        assert_ne!(a as u64, b as u64);
        assert_ne!((a >> 64) as u64, (b >> 64) as u64);
        assert_ne!(a as u64, (a >> 64) as u64, "the halves are independent");
        // A million distinct IDs, no collision (a 32-bit hash has ~116 here).
        let mut seen = std::collections::HashSet::new();
        for i in 0..1_000_000u32 {
            assert!(seen.insert(of(&[&format!("{i:08x}-0000-4000-8000-000000000000")])));
        }
    }
}
