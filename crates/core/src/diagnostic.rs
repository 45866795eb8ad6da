//! Owns load diagnostics: what went wrong, in which file, at which line and
//! column, in words a person can act on.

use serde::{Deserialize, Serialize};

/// One problem found while loading. Loading always goes on past it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based, in characters; 0 when the problem concerns the whole file.
    pub column: u32,
    pub message: String,
}

impl Diagnostic {
    /// A problem with the file as a whole (unreadable, not CloudTrail…).
    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    /// A problem at a byte offset of the (decompressed) text.
    pub fn at(file: &str, text: &[u8], offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(text, offset);
        Self {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// 1-based line and character column of a byte offset. Only called on the
/// error path, so a linear count is fine.
pub fn line_column(text: &[u8], offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Describes the bytes at an offset for messages ("`..addi`", "end of file").
pub fn describe_at(text: &[u8], offset: usize) -> String {
    match text.get(offset..) {
        None | Some([]) => "the end of the file".to_owned(),
        Some(rest) => {
            let snippet: String = String::from_utf8_lossy(&rest[..rest.len().min(24)])
                .chars()
                .take_while(|c| *c != '\n')
                .take(16)
                .collect();
            format!("`{snippet}`")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd\nx".as_bytes();
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 5), (2, 2)); // after the two-byte ç
        assert_eq!(line_column(text, 100), (3, 2));
    }

    #[test]
    fn display_names_file_line_and_column() {
        let d = Diagnostic::at("a.json", b"{\n  x", 4, "bad");
        assert_eq!(d.to_string(), "a.json:2:3: bad");
        assert_eq!(Diagnostic::whole_file("b", "empty").to_string(), "b: empty");
    }
}
