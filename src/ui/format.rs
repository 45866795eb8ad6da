//! Owns how numbers, sizes and times read on the page (UTC or local).

use trailglass_core::time::{format_utc, EpochMs};

pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` things, with thousands separators: "1 file", "2,000 files".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

pub fn bytes(n: f64) -> String {
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} KB", n / 1e3)
    } else {
        format!("{n:.0} B")
    }
}

/// The browser's offset from UTC now, in minutes (positive east).
fn local_offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

/// A time as `YYYY-MM-DD HH:MM:SS` in UTC (with `Z`) or local time.
pub fn time(ms: EpochMs, local: bool) -> String {
    if local {
        let shifted = format_utc(ms + local_offset_minutes() * 60_000);
        shifted.trim_end_matches('Z').replace('T', " ")
    } else {
        format_utc(ms).replace('T', " ")
    }
}

/// A compact axis label for a bucket start, precise to the bucket width.
pub fn axis(ms: EpochMs, bucket_ms: EpochMs, local: bool) -> String {
    let full = time(ms, local);
    if bucket_ms >= 86_400_000 {
        full[..10].to_owned()
    } else if bucket_ms >= 60_000 {
        full[5..16].to_owned()
    } else {
        full[11..19].to_owned()
    }
}

pub fn duration(ms: EpochMs) -> String {
    match ms {
        ms if ms >= 86_400_000 => format!("{} d", ms / 86_400_000),
        ms if ms >= 3_600_000 => format!("{} h", ms / 3_600_000),
        ms if ms >= 60_000 => format!("{} min", ms / 60_000),
        ms => format!("{} s", ms / 1000),
    }
}

/// Text as it may be shown: Unicode direction controls (which can make
/// `gnp.exe` read as `exe.png`) and other invisible format characters are
/// replaced by a visible `⟨U+202E⟩` marker. Logs are attacker-influenced.
/// Past [`SHOWN_CHARS`] characters the rest is counted, not drawn: one 10 MB
/// value would otherwise stall layout wherever it is shown.
pub fn visible(text: &str) -> String {
    // Fewer bytes than the limit means fewer characters: no walk needed.
    let cut = (text.len() > SHOWN_CHARS)
        .then(|| text.char_indices().nth(SHOWN_CHARS))
        .flatten();
    let (head, rest) = match cut {
        Some((at, _)) => (&text[..at], text[at..].chars().count()),
        None => (text, 0),
    };
    let mut out = if head.chars().any(is_hidden_control) {
        let mut out = String::with_capacity(head.len() + 16);
        for c in head.chars() {
            if is_hidden_control(c) {
                out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
            } else {
                out.push(c);
            }
        }
        out
    } else {
        head.to_owned()
    };
    if rest > 0 {
        out.push_str(&format!("… (and {} more characters)", thousands(rest)));
    }
    out
}

/// The most characters [`visible`] shows of one string: a safety net above
/// the store worker's own cuts (2,000 characters a cell or facet value,
/// 20,000 a value in an event's detail, each saying what it left out).
pub const SHOWN_CHARS: usize = 25_000;

fn is_hidden_control(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
        || (c.is_control() && !matches!(c, '\n' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_marks_hidden_controls_and_counts_what_it_does_not_draw() {
        assert_eq!(visible("a\u{202E}b"), "a⟨U+202E⟩b");
        let long = format!("\u{202E}{}", "é".repeat(10 << 20));
        let shown = visible(&long);
        assert!(shown.starts_with("⟨U+202E⟩éé"));
        assert!(
            shown.ends_with("… (and 10,460,761 more characters)"),
            "{}",
            &shown[shown.len() - 60..]
        );
        assert_eq!(shown.chars().filter(|&c| c == 'é').count(), SHOWN_CHARS - 1);
        assert_eq!(visible(&"x".repeat(SHOWN_CHARS)), "x".repeat(SHOWN_CHARS));
    }
}
