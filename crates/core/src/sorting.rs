//! Owns sorting off the hot paths through one shared instantiation. Every
//! `sort_by` with a closure of its own compiles a whole sort into the
//! binary (about 6 KB of wasm each; the site's binary held 27 stable and 12
//! unstable ones), so the lists a person reads (findings, rules, principals,
//! chains, coverage rows, picked files) are sorted here as indices, through
//! one sort of `usize` with a comparison behind a reference. Hot paths (the
//! time order of every event, facet counts) keep `slice::sort*`.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably, as `slice::sort_by` does.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&at| slots[at].take()));
}

/// Sorts `items` by the key `key` gives each, stably, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The one sort behind both: not generic, so compiled once.
#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_library_does_equal_keys_keeping_their_order() {
        let words = [
            "pear", "fig", "apple", "kiwi", "plum", "date", "lime", "", "fig",
        ];
        let mut ours: Vec<(usize, &str)> = words.iter().copied().enumerate().collect();
        let mut std_sorted = ours.clone();
        sort_by_key(&mut ours, |(_, word)| word.len());
        std_sorted.sort_by_key(|(_, word)| word.len());
        assert_eq!(ours, std_sorted);
        sort_by(&mut ours, |a, b| b.1.cmp(a.1));
        std_sorted.sort_by(|a, b| b.1.cmp(a.1));
        assert_eq!(ours, std_sorted);
        let mut empty: Vec<String> = Vec::new();
        sort_by_key(&mut empty, String::len);
        assert!(empty.is_empty());
    }
}
