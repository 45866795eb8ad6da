//! Owns reading a JSON list that stops at a bound before holding more, so a
//! file naming millions of things is refused for what it is instead of
//! being read whole first.

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// Reads a list of at most `limit` items; past it, the error says
/// "more than {limit} {what}: {why}".
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
    limit: usize,
    what: &'static str,
    why: &'static str,
) -> Result<Vec<T>, D::Error> {
    deserializer.deserialize_seq(BoundedList {
        limit,
        what,
        why,
        _of: std::marker::PhantomData,
    })
}

struct BoundedList<T> {
    limit: usize,
    what: &'static str,
    why: &'static str,
    _of: std::marker::PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for BoundedList<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of at most {} {}", self.limit, self.what)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            if items.len() == self.limit {
                return Err(de::Error::custom(format!(
                    "more than {} {}: {}",
                    self.limit, self.what, self.why
                )));
            }
            items.push(item);
        }
        Ok(items)
    }
}
