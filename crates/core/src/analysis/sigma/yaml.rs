//! Owns reading rule files: YAML documents into a small tree that keeps
//! each node's line and each scalar's text as written, within limits that
//! hold against hostile files (no aliases, bounded depth, size and nodes).

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// Bounds on one rule file. Sigma rules are small: SigmaHQ's largest
/// CloudTrail rule is a few kilobytes, so these leave room for thousands of
/// rules in one file while a crafted one stays cheap to reject.
#[derive(Debug, Clone, Copy)]
pub struct YamlLimits {
    pub bytes: usize,
    pub depth: usize,
    pub nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        Self {
            bytes: 16 << 20,
            depth: 32,
            nodes: 2_000_000,
        }
    }
}

/// What a scalar is under YAML 1.2's core schema: quoted scalars are
/// always strings; plain ones may be null, a boolean or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar {
        text: String,
        kind: ScalarKind,
    },
    Seq(Vec<Node>),
    /// Keys in file order; keys are scalars (their text).
    Map(Vec<(String, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// 1-based line where the node starts.
    pub line: usize,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar's text (of any kind); `None` for lists and maps.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(
            self.value,
            Value::Scalar {
                kind: ScalarKind::Null,
                ..
            }
        )
    }

    /// A scalar, or each scalar of a list, as text; `None` if anything else.
    pub fn texts(&self) -> Option<Vec<&str>> {
        match &self.value {
            Value::Scalar {
                kind: ScalarKind::Null,
                ..
            } => Some(Vec::new()),
            Value::Scalar { text, .. } => Some(vec![text]),
            Value::Seq(items) => items.iter().map(Node::text).collect(),
            Value::Map(_) => None,
        }
    }
}

/// Why a file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

/// Every document of a file, each with the line its content starts on.
pub fn parse_documents(source: &str, limits: YamlLimits) -> Result<Vec<Node>, YamlError> {
    if source.len() > limits.bytes {
        return Err(YamlError {
            line: 1,
            message: format!(
                "the file is {} bytes, over the {} bytes a rule file may have",
                source.len(),
                limits.bytes
            ),
        });
    }
    let mut parser = Parser::new_from_str(source);
    let mut builder = Builder {
        stack: Vec::new(),
        documents: Vec::new(),
        nodes: 0,
        limits,
    };
    loop {
        let (event, mark) = parser.next_token().map_err(|error| YamlError {
            line: error.marker().line(),
            message: error.info().to_owned(),
        })?;
        let line = mark.line();
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
            Event::Alias(_) => {
                return Err(YamlError {
                    line,
                    message: "aliases (*name) are not allowed in rule files".into(),
                })
            }
            Event::Scalar(text, style, _, tag) => {
                let kind = if style == TScalarStyle::Plain && tag.is_none() {
                    plain_kind(&text)
                } else {
                    ScalarKind::Str
                };
                builder.add(
                    Node {
                        value: Value::Scalar { text, kind },
                        line,
                    },
                    line,
                )?;
            }
            Event::SequenceStart(..) => builder.open(Open::Seq(Vec::new()), line)?,
            Event::MappingStart(..) => builder.open(Open::Map(Vec::new(), None), line)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close(line)?,
        }
    }
    Ok(builder.documents)
}

enum Open {
    Seq(Vec<Node>),
    /// Entries so far and a key waiting for its value.
    Map(Vec<(String, Node)>, Option<String>),
}

struct Builder {
    stack: Vec<(Open, usize)>,
    documents: Vec<Node>,
    nodes: usize,
    limits: YamlLimits,
}

impl Builder {
    fn count(&mut self, line: usize) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > self.limits.nodes {
            return Err(YamlError {
                line,
                message: format!(
                    "more than {} values in one file; split it",
                    self.limits.nodes
                ),
            });
        }
        Ok(())
    }

    fn open(&mut self, open: Open, line: usize) -> Result<(), YamlError> {
        self.count(line)?;
        if self.stack.len() >= self.limits.depth {
            return Err(YamlError {
                line,
                message: format!("nested deeper than {} levels", self.limits.depth),
            });
        }
        if let Some((Open::Map(_, key @ None), _)) = self.stack.last() {
            let _ = key;
            return Err(YamlError {
                line,
                message: "a key must be plain text, not a list or a map".into(),
            });
        }
        self.stack.push((open, line));
        Ok(())
    }

    fn close(&mut self, line: usize) -> Result<(), YamlError> {
        let Some((open, start)) = self.stack.pop() else {
            return Err(YamlError {
                line,
                message: "unbalanced end of a list or map".into(),
            });
        };
        let value = match open {
            Open::Seq(items) => Value::Seq(items),
            Open::Map(entries, _) => Value::Map(entries),
        };
        self.place(Node { value, line: start }, line)
    }

    fn add(&mut self, node: Node, line: usize) -> Result<(), YamlError> {
        self.count(line)?;
        self.place(node, line)
    }

    fn place(&mut self, node: Node, line: usize) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some((Open::Seq(items), _)) => items.push(node),
            Some((Open::Map(entries, pending), _)) => match pending.take() {
                Some(key) => {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(YamlError {
                            line: node.line,
                            message: format!("the key '{key}' appears twice in one map"),
                        });
                    }
                    entries.push((key, node));
                }
                None => match node.value {
                    Value::Scalar { text, .. } => *pending = Some(text),
                    _ => {
                        return Err(YamlError {
                            line,
                            message: "a key must be plain text, not a list or a map".into(),
                        })
                    }
                },
            },
        }
        Ok(())
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn plain_kind(text: &str) -> ScalarKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarKind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return ScalarKind::Bool,
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return ScalarKind::Int;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return ScalarKind::Int;
        }
    }
    let looks_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && text.parse::<f64>().is_ok();
    if looks_float || matches!(digits, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return ScalarKind::Float;
    }
    ScalarKind::Str
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(source: &str) -> Node {
        let mut docs = parse_documents(source, YamlLimits::default()).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn scalars_keep_their_text_and_kind() {
        let doc = one("a: 0123\nb: '5'\nc: null\nd: ~\ne: true\nf: 1.50\ng: text\nh:\n");
        let kind = |k: &str| match &doc.get(k).unwrap().value {
            Value::Scalar { text, kind } => (text.clone(), *kind),
            _ => panic!(),
        };
        assert_eq!(kind("a"), ("0123".into(), ScalarKind::Int));
        assert_eq!(kind("b"), ("5".into(), ScalarKind::Str));
        assert_eq!(kind("c").1, ScalarKind::Null);
        assert_eq!(kind("d").1, ScalarKind::Null);
        assert_eq!(kind("e").1, ScalarKind::Bool);
        assert_eq!(kind("f"), ("1.50".into(), ScalarKind::Float));
        assert_eq!(kind("g").1, ScalarKind::Str);
        assert!(doc.get("h").unwrap().is_null());
    }

    #[test]
    fn lines_are_where_nodes_start() {
        let doc = one("title: x\ndetection:\n  sel:\n    a: 1\n");
        assert_eq!(doc.get("detection").unwrap().get("sel").unwrap().line, 4);
        assert_eq!(doc.get("title").unwrap().line, 1);
    }

    #[test]
    fn several_documents() {
        let docs = parse_documents("a: 1\n---\nb: 2\n", YamlLimits::default()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].line, 3);
    }

    #[test]
    fn aliases_are_refused_with_their_line() {
        let bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n";
        let error = parse_documents(bomb, YamlLimits::default()).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("aliases"), "{}", error.message);
    }

    #[test]
    fn depth_nodes_and_size_are_bounded() {
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let error = parse_documents(&deep, YamlLimits::default()).unwrap_err();
        assert!(error.message.contains("nested deeper"), "{}", error.message);
        let limits = YamlLimits {
            nodes: 10,
            ..YamlLimits::default()
        };
        let error = parse_documents("[1,2,3,4,5,6,7,8,9,10,11,12]", limits).unwrap_err();
        assert!(error.message.contains("more than 10"), "{}", error.message);
        let limits = YamlLimits {
            bytes: 4,
            ..YamlLimits::default()
        };
        assert!(parse_documents("a: 12345", limits).is_err());
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let error = parse_documents("a: 1\nb: [1, 2\nc: 3\n", YamlLimits::default()).unwrap_err();
        assert!(error.line >= 2, "{error:?}");
        let error = parse_documents("a: 1\na: 2\n", YamlLimits::default()).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("twice"));
    }
}
