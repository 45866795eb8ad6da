//! Owns presenting one event's JSON to people: re-indented lines of typed
//! tokens, in the input's own key order, for the UI to render as text nodes
//! (never as HTML). Works on the raw bytes, so hostile or huge values cost
//! only what is shown.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    Key,
    Str,
    Number,
    Literal,
    Punct,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub depth: u16,
    pub tokens: Vec<(TokenKind, String)>,
}

/// A single value longer than this is cut in the view (the copy keeps it all).
const MAX_TOKEN_CHARS: usize = 20_000;

fn shown(token: &str, max_chars: usize) -> String {
    match token.char_indices().nth(max_chars) {
        None => token.to_owned(),
        Some((cut, _)) => format!(
            "{}… ({} more characters: copy the event to see all of it)",
            &token[..cut],
            token[cut..].chars().count()
        ),
    }
}

/// Pretty-prints JSON into at most `max_lines` lines (the last says how
/// many were left out). Invalid JSON is shown as it is, one line.
pub fn pretty_lines(json: &[u8], max_lines: usize) -> Vec<Line> {
    lines(json, max_lines, MAX_TOKEN_CHARS)
}

fn lines(json: &[u8], max_lines: usize, max_token_chars: usize) -> Vec<Line> {
    let text = String::from_utf8_lossy(json);
    let bytes = text.as_bytes();
    let mut lines: Vec<Line> = Vec::new();
    let mut current = Line {
        depth: 0,
        tokens: Vec::new(),
    };
    let mut depth: u16 = 0;
    let mut at = 0;
    let mut total_lines = 0usize;
    let mut push_line = |line: &mut Line, depth: u16, lines: &mut Vec<Line>| {
        if !line.tokens.is_empty() {
            total_lines += 1;
            if lines.len() < max_lines {
                lines.push(std::mem::replace(
                    line,
                    Line {
                        depth,
                        tokens: Vec::new(),
                    },
                ));
            } else {
                line.tokens.clear();
            }
        }
        line.depth = depth;
    };
    while at < bytes.len() {
        let b = bytes[at];
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => at += 1,
            b'"' => {
                let end = crate::input::scan::skip_string(bytes, at).unwrap_or(bytes.len());
                let token = shown(&text[at..end], max_token_chars);
                let after = crate::input::scan::skip_ws(bytes, end);
                let kind = if bytes.get(after) == Some(&b':') {
                    TokenKind::Key
                } else {
                    TokenKind::Str
                };
                current.tokens.push((kind, token));
                at = end;
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let next = crate::input::scan::skip_ws(bytes, at + 1);
                if bytes.get(next) == Some(&close) {
                    current
                        .tokens
                        .push((TokenKind::Punct, format!("{}{}", b as char, close as char)));
                    at = next + 1;
                } else {
                    current
                        .tokens
                        .push((TokenKind::Punct, (b as char).to_string()));
                    depth = depth.saturating_add(1);
                    push_line(&mut current, depth, &mut lines);
                    at += 1;
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                push_line(&mut current, depth, &mut lines);
                current
                    .tokens
                    .push((TokenKind::Punct, (b as char).to_string()));
                at += 1;
            }
            b',' => {
                current.tokens.push((TokenKind::Punct, ",".to_owned()));
                push_line(&mut current, depth, &mut lines);
                at += 1;
            }
            b':' => {
                current.tokens.push((TokenKind::Punct, ": ".to_owned()));
                at += 1;
            }
            _ => {
                let end = bytes[at..]
                    .iter()
                    .position(|c| {
                        matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b':')
                    })
                    .map_or(bytes.len(), |n| at + n.max(1));
                let token = &text[at..end];
                let kind = if matches!(token, "true" | "false" | "null") {
                    TokenKind::Literal
                } else {
                    TokenKind::Number
                };
                current.tokens.push((kind, token.to_owned()));
                at = end;
            }
        }
    }
    push_line(&mut current, 0, &mut lines);
    if total_lines > lines.len() {
        lines.push(Line {
            depth: 0,
            tokens: vec![(
                TokenKind::Punct,
                format!(
                    "… {} more lines not shown (copy the event to see all of it)",
                    total_lines - lines.len()
                ),
            )],
        });
    }
    lines
}

/// The JSON re-indented as plain text (for copying), in input key order,
/// every value whole.
pub fn pretty_text(json: &[u8]) -> String {
    lines(json, usize::MAX, usize::MAX)
        .iter()
        .map(|line| {
            let mut out = "  ".repeat(line.depth as usize);
            for (_, token) in &line.tokens {
                out.push_str(token);
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
