//! The search language: parses what a person types into the search box into a
//! [`Query`] tree. Evaluating that tree against events lives elsewhere.
//!
//! ```text
//! AccessDenied                         free text, anywhere in the event
//! "not authorized to perform"          an exact phrase (\" inside escapes a quote)
//! eventName:ConsoleLogin               a field equals a value (case-insensitive)
//! eventName:Delete*                    wildcards: * any run, ? one character
//! requestParameters.bucketName:prod-*  any dotted JSON path
//! userAgent:/aws-cli\/2\./             a regex (case-insensitive, matches anywhere; \/ is a slash)
//! errorMessage:"is not authorized"     a quoted value is exact: no wildcards
//! errorCode:*     -errorCode:*         field present and non-empty / absent
//! readOnly:false                       booleans
//! time>=2024-05-01T10:00Z time<2024-05-02
//! time:2024-05-01                      that whole day; a full timestamp means that instant
//! time:2024-05-01..2024-05-03T12:00Z   from (inclusive) .. to (exclusive); a side may be empty
//! action:Delete* AND NOT region:us-east-1
//! (service:s3.amazonaws.com OR service:kms.amazonaws.com) -readOnly:true
//! ```
//!
//! Terms next to each other must all match (an implicit `AND`). `NOT` (or a
//! leading `-`) binds tightest, then `AND`, then `OR`; parentheses group.
//! Keywords and the field names below are case-insensitive. An empty query,
//! or `*`, matches everything. The event's columns have names and short
//! aliases (`action` for `eventName`, `ip` for `sourceIPAddress`…): see
//! [`crate::store::columns::COLUMNS`] and [`known_fields`]. Any other name is a JSON path into the
//! event, kept in its case, e.g. `userIdentity.sessionContext.sessionIssuer.userName:Admin`;
//! where a path meets a list it looks into every element (a number picks one).
//! Times are RFC 3339 in UTC unless they carry an offset; `time>2024-05-01`
//! means after that whole day and `time<=2024-05-01` includes it. To search
//! for text containing spaces, `:`, `<`, `>`, parentheses, or the words
//! AND/OR/NOT, put it in double quotes.
//!
//! Answering it: [`filter`] selects events, [`view`] shapes what the page
//! shows, [`sql`] writes the same query as SQL, [`export`] writes events out
//! and [`pretty`] prints an event's JSON.

pub mod export;
pub mod filter;
pub mod pretty;
pub mod sql;
pub mod view;

use crate::store::columns::{Column, Ids, Value, COLUMNS};
use std::fmt;

/// Deepest nesting of parentheses and negations the parser accepts.
pub const MAX_DEPTH: usize = 64;
const DAY_MS: i64 = 86_400_000;
const EXPECT_TERM: &str = "a search term";
const EXPECT_VALUE: &str = "a value, \"quoted value\", /regex/ or *";
const EXPECT_TIME: &str = "a time such as 2024-05-01 or 2024-05-01T10:00Z";
const EXPECT_BOOL: &str = "true, false or *";
const EXPECT_REGEX: &str = "a valid regular expression";
const EXPECT_AFTER_REGEX: &str = "a space or ')' after the closing '/'";

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    All,
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
    Text(String),
    Field { field: Field, test: Test },
}

/// The event field a term looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// One of the event's columns, read from the store without the raw JSON.
    Column(Column),
    /// A dotted JSON path such as `requestParameters.bucketName`, original case.
    Path(Vec<String>),
}

/// The column fields as this module's tests spell them.
#[cfg(test)]
#[allow(non_upper_case_globals)]
impl Field {
    pub const Principal: Field = Field::Column(Column::Principal);
    pub const Kind: Field = Field::Column(Column::Kind);
    pub const EventName: Field = Field::Column(Column::EventName);
    pub const EventSource: Field = Field::Column(Column::EventSource);
    pub const Region: Field = Field::Column(Column::Region);
    pub const Account: Field = Field::Column(Column::Account);
    pub const SourceIp: Field = Field::Column(Column::SourceIp);
    pub const UserAgent: Field = Field::Column(Column::UserAgent);
    pub const ErrorCode: Field = Field::Column(Column::ErrorCode);
    pub const ReadOnly: Field = Field::Column(Column::ReadOnly);
    pub const Time: Field = Field::Column(Column::Time);
}

/// What a field's value must satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// Present and non-empty.
    Present,
    /// Case-insensitive exact match.
    Equals(String),
    /// Whole-value match with `*` and `?`, case-insensitive.
    Glob(String),
    /// Case-insensitive search anywhere in the value.
    Regex(Regex),
    Bool(bool),
    /// Epoch milliseconds, `from` inclusive and `to` exclusive.
    TimeRange {
        from: Option<i64>,
        to: Option<i64>,
    },
}

/// A compiled regex that compares equal by its pattern source.
#[derive(Debug, Clone)]
pub struct Regex(pub regex_lite::Regex);

impl Regex {
    /// Compiles `pattern` case-insensitively, as the parser does.
    pub fn new(pattern: &str) -> Result<Self, regex_lite::Error> {
        let mut builder = regex_lite::RegexBuilder::new(pattern);
        builder.case_insensitive(true).build().map(Regex)
    }
}

impl PartialEq for Regex {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Eq for Regex {}

/// Why a query did not parse; `position` counts characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParseError {
    pub position: usize,
    pub expected: String,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (column, message, expected) = (self.position + 1, &self.message, &self.expected);
        write!(f, "at column {column}: {message} (expected {expected})")
    }
}

impl std::error::Error for ParseError {}

fn err<T>(position: usize, message: impl Into<String>, expected: &str) -> Result<T, ParseError> {
    let (expected, message) = (expected.to_string(), message.into());
    Err(ParseError {
        position,
        expected,
        message,
    })
}

impl Test {
    /// Whether a field's text value passes this test.
    pub fn matches_text(&self, value: &str) -> bool {
        match self {
            Test::Present => !value.is_empty(),
            Test::Equals(want) => value.eq_ignore_ascii_case(want),
            Test::Glob(pattern) => glob_match(pattern, value),
            Test::Regex(re) => re.0.is_match(value),
            Test::Bool(want) => value == if *want { "true" } else { "false" },
            Test::TimeRange { from, to } => crate::time::parse_rfc3339(value)
                .is_some_and(|t| from.is_none_or(|f| t >= f) && to.is_none_or(|e| t < e)),
        }
    }
}

/// Case-insensitive whole-string glob with one backtrack point (the last
/// `*`), so at worst O(pattern × text), never exponential.
fn glob_match(pattern: &str, text: &str) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while let Some(tc) = text[t..].chars().next() {
        match pattern[p..].chars().next() {
            Some('*') => {
                p += 1;
                resume = Some((p, t));
                continue;
            }
            Some(pc) if pc == '?' || pc.eq_ignore_ascii_case(&tc) => {
                (p, t) = (p + pc.len_utf8(), t + tc.len_utf8());
                continue;
            }
            _ => {}
        }
        let Some((star_p, star_t)) = resume else {
            return false;
        };
        let star_t = star_t + text[star_t..].chars().next().map_or(1, char::len_utf8);
        resume = Some((star_p, star_t));
        (p, t) = (star_p, star_t);
    }
    pattern[p..].chars().all(|c| c == '*')
}

impl Field {
    /// Canonical name, which parses back to the same field.
    pub fn name(&self) -> String {
        match self {
            Field::Column(column) => column.field().to_string(),
            Field::Path(parts) => parts.join("."),
        }
    }

    /// How the field's values are written.
    fn values(&self) -> Values {
        match self {
            Field::Column(column) => match column.def().value {
                Value::Time => Values::Time,
                Value::Ids(Ids::ReadOnly) => Values::Bool,
                Value::Ids(_) => Values::Text,
            },
            Field::Path(_) => Values::Text,
        }
    }
}

/// How a field's values are written in a query.
#[derive(PartialEq)]
enum Values {
    /// Text, a glob or a regex.
    Text,
    /// true or false.
    Bool,
    /// A time, a day or a range; the only values `<` and `>` compare.
    Time,
}

/// Field names with a one-line description each, for autocompletion; each
/// field's canonical name comes before its aliases.
pub fn known_fields() -> Vec<(&'static str, &'static str)> {
    COLUMNS
        .iter()
        .flat_map(|def| def.names().map(|name| (name, def.about)))
        .collect()
}

/// Parses a query; empty or whitespace-only input is [`Query::All`].
pub fn parse(input: &str) -> Result<Query, ParseError> {
    let chars = input.chars().collect();
    let (pos, peeked) = (0, None);
    let mut parser = Parser { chars, pos, peeked };
    if parser.peek()?.is_none() {
        return Ok(Query::All);
    }
    let query = parser.binary(0, true)?;
    match parser.next()? {
        None => Ok(query),
        Some((pos, _)) => err(pos, "unmatched ')'", "the end of the query"),
    }
}

enum Tok {
    LParen,
    RParen,
    Neg,
    And,
    Or,
    Leaf(Query),
}

/// A token and the character offset where it starts.
type Token = (usize, Tok);

struct Parser {
    chars: Vec<char>,
    pos: usize,
    peeked: Option<Token>,
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"')
}

impl Parser {
    fn peek(&mut self) -> Result<Option<&Tok>, ParseError> {
        if self.peeked.is_none() {
            self.peeked = self.lex()?;
        }
        Ok(self.peeked.as_ref().map(|(_, tok)| tok))
    }

    fn next(&mut self) -> Result<Option<Token>, ParseError> {
        match self.peeked.take() {
            Some(token) => Ok(Some(token)),
            None => self.lex(),
        }
    }

    /// Operands joined by OR (`or`), or else by AND or mere adjacency.
    fn binary(&mut self, depth: usize, or: bool) -> Result<Query, ParseError> {
        let mut items = Vec::new();
        loop {
            let item = if or {
                self.binary(depth, false)
            } else {
                self.unary(depth)
            };
            items.push(item?);
            match (self.peek()?, or) {
                (Some(Tok::Or), true) | (Some(Tok::And), false) => drop(self.next()?),
                (None | Some(Tok::RParen | Tok::Or), _) | (Some(_), true) => break,
                (Some(_), false) => {}
            }
        }
        Ok(match items.len() {
            1 => items.remove(0),
            _ if or => Query::Or(items),
            _ => Query::And(items),
        })
    }

    fn unary(&mut self, depth: usize) -> Result<Query, ParseError> {
        let Some((pos, tok)) = self.next()? else {
            return err(self.chars.len(), "unexpected end of query", EXPECT_TERM);
        };
        if matches!(tok, Tok::Neg | Tok::LParen) && depth >= MAX_DEPTH {
            let message = format!("nesting deeper than {MAX_DEPTH} levels");
            return err(pos, message, "fewer nested parentheses or negations");
        }
        match tok {
            Tok::Leaf(query) => Ok(query),
            Tok::Neg => Ok(Query::Not(Box::new(self.unary(depth + 1)?))),
            Tok::LParen => {
                let inner = self.binary(depth + 1, true)?;
                match self.next()? {
                    Some((_, Tok::RParen)) => Ok(inner),
                    _ => err(pos, "this '(' is never closed", "')'"),
                }
            }
            Tok::RParen => err(pos, "unexpected ')'", EXPECT_TERM),
            Tok::And => err(pos, "unexpected AND", EXPECT_TERM),
            Tok::Or => err(pos, "unexpected OR", EXPECT_TERM),
        }
    }

    fn lex(&mut self) -> Result<Option<Token>, ParseError> {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
        let pos = self.pos;
        let next = self.chars.get(pos + 1).copied();
        let tok = match self.chars.get(pos) {
            None => return Ok(None),
            Some('(') => Tok::LParen,
            Some(')') => Tok::RParen,
            Some('-') if next.is_some_and(|c| !c.is_whitespace() && c != ')') => Tok::Neg,
            Some('-') => return err(pos + 1, "'-' must touch what it negates", EXPECT_TERM),
            Some('"') => Tok::Leaf(Query::Text(self.delimited('"')?)),
            Some(_) => self.word()?,
        };
        // Quotes and words move past themselves; single-character tokens don't.
        self.pos = self.pos.max(pos + 1);
        Ok(Some((pos, tok)))
    }

    /// Text between `close` delimiters starting at `self.pos`, where `\close`
    /// stands for `close`; in quotes (not regexes) `\\` stands for `\` too.
    fn delimited(&mut self, close: char) -> Result<String, ParseError> {
        let open = self.pos;
        let mut out = String::new();
        let mut i = open + 1;
        loop {
            match (self.chars.get(i), self.chars.get(i + 1)) {
                (None, _) | (Some('\\'), None) => {
                    let message = format!("this '{close}' is never closed");
                    return err(open, message, &format!("a closing '{close}'"));
                }
                (Some(&c), _) if c == close => break,
                (Some('\\'), Some(&c)) if c == close || (c == '\\' && close == '"') => out.push(c),
                (Some('\\'), Some(&c)) => out.extend(['\\', c]),
                (Some(&c), _) => {
                    out.push(c);
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        self.pos = i + 1;
        Ok(out)
    }

    /// Characters up to the next space, parenthesis or quote.
    fn bare(&mut self) -> String {
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|&c| !ends_word(c)) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn word(&mut self) -> Result<Tok, ParseError> {
        let start = self.pos;
        let run = self.bare();
        let is = |keyword: &str| run.eq_ignore_ascii_case(keyword);
        let tok = match run.chars().position(|c| matches!(c, ':' | '<' | '>')) {
            _ if is("and") => Tok::And,
            _ if is("or") => Tok::Or,
            _ if is("not") => Tok::Neg,
            _ if run == "*" => Tok::Leaf(Query::All),
            Some(op) if op > 0 => {
                self.pos = start + op;
                let name: String = run.chars().take(op).collect();
                Tok::Leaf(self.field_term(field_named(&name, start)?)?)
            }
            _ => Tok::Leaf(Query::Text(run)),
        };
        Ok(tok)
    }

    /// The operator and value after a field name; `self.pos` is at the operator.
    fn field_term(&mut self, field: Field) -> Result<Query, ParseError> {
        let op_pos = self.pos;
        let op = self.chars[op_pos];
        self.pos += 1;
        if op == ':' {
            let test = self.value(&field)?;
            return Ok(Query::Field { field, test });
        }
        if field.values() != Values::Time {
            return err(op_pos, "only time can be compared with < or >", "':'");
        }
        let inclusive = self.chars.get(self.pos) == Some(&'=');
        self.pos += usize::from(inclusive);
        let at = self.pos;
        let (text, quoted) = self.raw_value()?;
        if text.is_empty() && !quoted {
            return err(at, format!("missing time after '{op}'"), EXPECT_TIME);
        }
        let (start, end) = time_bounds(&text, at + usize::from(quoted))?;
        let (from, to) = match (op, inclusive) {
            ('>', true) => (Some(start), None),
            ('>', false) => (Some(end), None),
            (_, false) => (None, Some(start)),
            (_, true) => (None, Some(end)),
        };
        let test = Test::TimeRange { from, to };
        Ok(Query::Field { field, test })
    }

    fn raw_value(&mut self) -> Result<(String, bool), ParseError> {
        if self.chars.get(self.pos) == Some(&'"') {
            Ok((self.delimited('"')?, true))
        } else {
            Ok((self.bare(), false))
        }
    }

    fn value(&mut self, field: &Field) -> Result<Test, ParseError> {
        let at = self.pos;
        if self.chars.get(at) == Some(&'/') && field.values() != Values::Bool {
            return self.regex();
        }
        let (text, quoted) = self.raw_value()?;
        if !quoted && text.is_empty() {
            let message = format!("missing value after '{}:'", field.name());
            return err(at, message, EXPECT_VALUE);
        }
        let at = at + usize::from(quoted);
        match field.values() {
            _ if !quoted && text == "*" => Ok(Test::Present),
            Values::Bool if text.eq_ignore_ascii_case("true") => Ok(Test::Bool(true)),
            Values::Bool if text.eq_ignore_ascii_case("false") => Ok(Test::Bool(false)),
            Values::Bool => err(at, format!("'{text}' is not true or false"), EXPECT_BOOL),
            Values::Time => {
                let Some(split) = text.find("..") else {
                    let (from, to) = time_bounds(&text, at).map(|(s, e)| (Some(s), Some(e)))?;
                    return Ok(Test::TimeRange { from, to });
                };
                let (first, second) = (&text[..split], &text[split + 2..]);
                let second_at = at + first.chars().count() + 2;
                let bound = |s: &str, at| (!s.is_empty()).then(|| time_bounds(s, at));
                let from = bound(first, at).transpose()?.map(|b| b.0);
                let to = bound(second, second_at).transpose()?.map(|b| b.0);
                Ok(Test::TimeRange { from, to })
            }
            Values::Text if !quoted && text.contains(['*', '?']) => Ok(Test::Glob(text)),
            Values::Text => Ok(Test::Equals(text)),
        }
    }

    /// `/pattern/` starting at `self.pos`.
    fn regex(&mut self) -> Result<Test, ParseError> {
        let open = self.pos;
        let pattern = self.delimited('/')?;
        if pattern.is_empty() {
            return err(open, "empty regex", EXPECT_REGEX);
        }
        if self.chars.get(self.pos).is_some_and(|&c| !ends_word(c)) {
            let message = "unexpected text after the regex (it is already case-insensitive)";
            return err(self.pos, message, EXPECT_AFTER_REGEX);
        }
        match Regex::new(&pattern) {
            Ok(re) => Ok(Test::Regex(re)),
            Err(e) => err(open, format!("invalid regex: {e}"), EXPECT_REGEX),
        }
    }
}

/// A known field, or a JSON path whose dot-separated parts are all non-empty.
fn field_named(name: &str, start: usize) -> Result<Field, ParseError> {
    if let Some(column) = Column::named(name) {
        return Ok(Field::Column(column));
    }
    let mut at = start;
    let mut parts = Vec::new();
    for part in name.split('.') {
        if part.is_empty() {
            return err(at, "empty part in field name", "a field name");
        }
        at += part.chars().count() + 1;
        parts.push(part.to_string());
    }
    Ok(Field::Path(parts))
}

/// The span a time value covers: a whole day for a date, else one millisecond.
fn time_bounds(text: &str, at: usize) -> Result<(i64, i64), ParseError> {
    match crate::time::parse_rfc3339(text) {
        Some(t) if text.len() == 10 => Ok((t, t.saturating_add(DAY_MS))),
        Some(t) => Ok((t, t.saturating_add(1))),
        None => err(at, format!("'{text}' is not a time"), EXPECT_TIME),
    }
}

// Display contexts by binding strength: a group needs parentheses inside a
// context at least as strong as its own.
const TOP: u8 = 0;
const IN_OR: u8 = 1;
const IN_AND: u8 = 2;
const IN_NOT: u8 = 3;

fn is_bare_value(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('/') && !s.contains(|c| ends_word(c) || c == '*' || c == '?')
}

fn is_bare_text(s: &str) -> bool {
    let keyword = ["and", "or", "not", "*"].contains(&s.to_ascii_lowercase().as_str());
    let special = |c| ends_word(c) || matches!(c, ':' | '<' | '>');
    !s.is_empty() && !keyword && !s.starts_with('-') && !s.contains(special)
}

fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    write!(f, "\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write_test(f: &mut fmt::Formatter<'_>, name: &str, test: &Test) -> fmt::Result {
    use crate::time::format_utc as utc;
    f.write_str(name)?;
    match test {
        Test::Present => f.write_str(":*"),
        Test::Equals(v) if is_bare_value(v) => write!(f, ":{v}"),
        Test::Equals(v) => f.write_str(":").and_then(|()| write_quoted(f, v)),
        Test::Glob(p) => write!(f, ":{p}"),
        Test::Bool(b) => write!(f, ":{b}"),
        // Parsing turns `\/` into `/`, so a parsed pattern never has an escaped slash.
        Test::Regex(re) => write!(f, ":/{}/", re.0.as_str().replace('/', "\\/")),
        Test::TimeRange { from, to } => match (*from, *to) {
            (Some(s), Some(e)) if s.rem_euclid(DAY_MS) == 0 && e == s.saturating_add(DAY_MS) => {
                write!(f, ":{}", &utc(s)[..10])
            }
            (Some(s), Some(e)) if e == s.saturating_add(1) => write!(f, ":{}", utc(s)),
            (Some(s), Some(e)) => write!(f, ":{}..{}", utc(s), utc(e)),
            (Some(s), None) => write!(f, ">={}", utc(s)),
            (None, Some(e)) => write!(f, "<{}", utc(e)),
            (None, None) => f.write_str(":.."),
        },
    }
}

fn write_query(f: &mut fmt::Formatter<'_>, query: &Query, ctx: u8) -> fmt::Result {
    let (items, sep, own) = match query {
        Query::All if ctx == TOP => return Ok(()),
        Query::All => return f.write_str("*"),
        Query::Text(s) if is_bare_text(s) => return f.write_str(s),
        Query::Text(s) => return write_quoted(f, s),
        Query::Field { field, test } => return write_test(f, &field.name(), test),
        Query::Not(inner) => {
            f.write_str("-")?;
            return write_query(f, inner, IN_NOT);
        }
        Query::And(items) => (items, " ", IN_AND),
        Query::Or(items) => (items, " OR ", IN_OR),
    };
    if items.is_empty() {
        return f.write_str("*");
    }
    let parens = ctx >= own;
    f.write_str(if parens { "(" } else { "" })?;
    for (i, item) in items.iter().enumerate() {
        f.write_str(if i == 0 { "" } else { sep })?;
        write_query(f, item, own)?;
    }
    f.write_str(if parens { ")" } else { "" })
}

/// Prints query text that [`parse`] turns back into an equal tree (for every
/// tree `parse` produces; `All` alone prints as nothing).
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_query(f, self, TOP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    mod build {
        use super::super::*;
        pub fn t(s: &str) -> Query { Query::Text(s.to_string()) }
        pub fn fld(field: Field, test: Test) -> Query { Query::Field { field, test } }
        pub fn eq(s: &str) -> Test { Test::Equals(s.to_string()) }
        pub fn glob(s: &str) -> Test { Test::Glob(s.to_string()) }
        pub fn re(s: &str) -> Test { Test::Regex(Regex::new(s).unwrap()) }
        pub fn path(parts: &[&str]) -> Field {
            Field::Path(parts.iter().map(|&p| p.into()).collect())
        }
        pub fn not(q: Query) -> Query { Query::Not(Box::new(q)) }
        pub fn and(items: &[Query]) -> Query { Query::And(items.to_vec()) }
        pub fn or(items: &[Query]) -> Query { Query::Or(items.to_vec()) }
        pub fn range(from: Option<&str>, to: Option<&str>) -> Test {
            let ms = |s: &str| crate::time::parse_rfc3339(s).unwrap();
            Test::TimeRange { from: from.map(ms), to: to.map(ms) }
        }
    }
    use build::*;

    /// `input => expected tree` rows; each input must parse to exactly that tree.
    macro_rules! parses {
        ($($input:expr => $want:expr,)*) => {$(
            assert_eq!(parse($input), Ok($want), "{}", $input);
        )*};
    }

    #[test]
    fn everything_free_text_and_phrases() {
        parses! {
            "" => Query::All,
            " \t\n " => Query::All,
            "*" => Query::All,
            "-*" => not(Query::All),
            "AccessDenied" => t("AccessDenied"),
            r#""exact \"phrase\" a\\b \x""# => t(r#"exact "phrase" a\b \x"#),
            "é🦀 Delete*" => and(&[t("é🦀"), t("Delete*")]),
            r#""OR" "and" :x"# => and(&[t("OR"), t("and"), t(":x")]),
        }
    }

    #[test]
    fn field_values_globs_presence_and_booleans() {
        parses! {
            "eventName:ConsoleLogin" => fld(Field::EventName, eq("ConsoleLogin")),
            "principal:arn:aws:iam::1:user/b" => fld(Field::Principal, eq("arn:aws:iam::1:user/b")),
            r#"errorMessage:"not * here""# => fld(path(&["errorMessage"]), eq("not * here")),
            "eventName:Delete*" => fld(Field::EventName, glob("Delete*")),
            "requestParameters.bucketName:prod-?" =>
                fld(path(&["requestParameters", "bucketName"]), glob("prod-?")),
            "userIdentity.ARN:x" => fld(path(&["userIdentity", "ARN"]), eq("x")),
            "errorCode:*" => fld(Field::ErrorCode, Test::Present),
            "-errorCode:*" => not(fld(Field::ErrorCode, Test::Present)),
            "errorCode:**" => fld(Field::ErrorCode, glob("**")),
            "readOnly:false" => fld(Field::ReadOnly, Test::Bool(false)),
            "readonly:TRUE" => fld(Field::ReadOnly, Test::Bool(true)),
        }
    }

    #[test]
    fn regexes() {
        parses! {
            r"agent:/aws-cli\/2\.\d/" => fld(Field::UserAgent, re(r"aws-cli/2\.\d")),
            "(ip:/a (b)\"/)" => fld(Field::SourceIp, re("a (b)\"")),
            r"x:/a\\/" => fld(path(&["x"]), re(r"a\\")),
        }
        assert_ne!(re("a"), re("b"));
    }

    #[test]
    fn aliases_and_known_names() {
        let twice = |field: Field| and(&[fld(field.clone(), eq("x")), fld(field, eq("x"))]);
        parses! {
            "ACTION:x eventname:x" => twice(Field::EventName),
            "kind:x USERIDENTITY.TYPE:x" => twice(Field::Kind),
            "ip:x SourceIpAddress:x" => twice(Field::SourceIp),
            "TIME:* readonly:*" =>
                and(&[fld(Field::Time, Test::Present), fld(Field::ReadOnly, Test::Present)]),
        }
        // Every short and long name (matched case-insensitively) prints as its
        // field's canonical name.
        let names: Vec<String> = known_fields()
            .iter()
            .map(|(n, _)| format!("{n}:*"))
            .collect();
        let shown = "principal:* kind:* kind:* eventName:* eventName:* eventSource:* \
            eventSource:* awsRegion:* awsRegion:* recipientAccountId:* recipientAccountId:* \
            sourceIPAddress:* sourceIPAddress:* errorCode:* errorCode:* userAgent:* userAgent:* \
            eventTime:* eventTime:* readOnly:*";
        assert_eq!(
            parse(&names.join(" ").to_uppercase()).unwrap().to_string(),
            shown
        );
    }

    #[test]
    fn times() {
        let (may1, may2) = (Some("2024-05-01"), Some("2024-05-02"));
        let ten = Some("2024-05-01T10:00:00Z");
        let exact = range(ten, Some("2024-05-01T10:00:00.001Z"));
        let time = |test| fld(Field::Time, test);
        parses! {
            "time>=2024-05-01T10:00Z" => time(range(ten, None)),
            "time<2024-05-02" => time(range(None, may2)),
            "time>2024-05-01" => time(range(may2, None)),
            "TIME<=2024-05-01" => time(range(None, may2)),
            "eventTime:2024-05-01" => time(range(may1, may2)),
            "time:2024-05-01T12:00+02:00" => time(exact.clone()),
            r#"time:"2024-05-01 10:00:00""# => time(exact.clone()),
            "time:2024-05-01..2024-05-02" => time(range(may1, may2)),
            "time:..2024-05-02" => time(range(None, may2)),
            "time:*" => time(Test::Present),
        }
    }

    #[test]
    fn operators_and_precedence() {
        let (a, b, c) = (t("a"), t("b"), t("c"));
        parses! {
            "a b" => and(&[a.clone(), b.clone()]),
            "a and b" => and(&[a.clone(), b.clone()]),
            "a OR b AND c" => or(&[a.clone(), and(&[b.clone(), c.clone()])]),
            "a or b c" => or(&[a.clone(), and(&[b.clone(), c.clone()])]),
            "(a OR b) c" => and(&[or(&[a.clone(), b.clone()]), c.clone()]),
            "NOT a b" => and(&[not(a.clone()), b.clone()]),
            "-(a b)" => not(and(&[a.clone(), b.clone()])),
            r#"not -"a""# => not(not(a.clone())),
            "a-b" => t("a-b"),
            "(a)(b)" => and(&[a.clone(), b.clone()]),
            "((a b)) c" => and(&[and(&[a.clone(), b.clone()]), c.clone()]),
        }
    }

    #[test]
    fn errors_have_position_and_expectation() {
        let cases: &[(&str, usize, &str)] = &[
            ("time:<", 5, EXPECT_TIME),
            ("time<", 5, EXPECT_TIME),
            ("time>=yesterday", 6, EXPECT_TIME),
            ("time:\"2024-05-01..soon\"", 18, EXPECT_TIME),
            ("readOnly:maybe", 9, EXPECT_BOOL),
            ("eventName:", 10, EXPECT_VALUE),
            ("(a b", 0, "')'"),
            ("a b)", 3, "the end of the query"),
            ("()", 1, EXPECT_TERM),
            ("a OR", 4, EXPECT_TERM),
            ("OR a", 0, EXPECT_TERM),
            ("NOT", 3, EXPECT_TERM),
            ("a - b", 3, EXPECT_TERM),
            ("say \"hi", 4, "a closing '\"'"),
            ("é🦀 \"x", 3, "a closing '\"'"),
            ("x:/ab", 2, "a closing '/'"),
            ("x:/a(/", 2, EXPECT_REGEX),
            ("x://", 2, EXPECT_REGEX),
            ("x:/a/i", 5, EXPECT_AFTER_REGEX),
            ("eventName>x", 9, "':'"),
            ("a..b:x", 2, "a field name"),
        ];
        for &(input, position, expected) in cases {
            let e = parse(input).expect_err(input);
            assert_eq!((e.position, &*e.expected), (position, expected), "{input}");
        }
        let shown = "at column 10: 'maybe' is not true or false (expected true, false or *)";
        assert_eq!(parse("readOnly:maybe").unwrap_err().to_string(), shown);
    }

    #[test]
    fn nesting_is_limited() {
        let nest = |n| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(parse(&nest(MAX_DEPTH)), Ok(t("a")));
        assert_eq!(parse(&nest(MAX_DEPTH + 1)).unwrap_err().position, MAX_DEPTH);
        let nots = "NOT ".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&nots).unwrap_err().position, 4 * MAX_DEPTH);
        assert!(parse(&format!("{}a", "-".repeat(MAX_DEPTH))).is_ok());
        for unit in ["(", "-", "not ", "-("] {
            assert!(parse(&unit.repeat(50_000)).is_err());
        }
        assert!(parse(&"a OR b ".repeat(20_000)).is_ok());
    }

    #[test]
    fn display_round_trips() {
        let queries = [
            r#"AccessDenied "exact \"phrase\"" "and" "-x" "a:b" "" "*""#,
            "eventName:Delete* OR (region:us-east-1 -readOnly:true)",
            r#"principal:"Bob Smith" errorCode:* -errorCode:"*" ip:"""#,
            r"agent:/aws-cli\/2 (x)\\/ requestParameters.bucketName:prod-?",
            "time>=2024-05-01T10:00Z time<2024-05-02 time>2024-05-01 time<=2024-05-03",
            "time:2024-05-01 time:2024-05-01T10:00:00.250Z time:2024-05-01..2024-05-01T12:00Z",
            "time:.. time:..2024-05-02 time:2024-05-02..",
            "NOT (a OR b) -(c d) --e ((a b) c) (a OR (b OR c)) * OR x",
            "kind:AssumedRole account:123 service:s3.amazonaws.com agent:x readOnly:false",
        ];
        for text in queries {
            let q = parse(text).unwrap();
            assert_eq!(parse(&q.to_string()), Ok(q.clone()), "{text} -> {q}");
        }
        let chip = fld(Field::EventName, eq("Console Login"));
        let q = and(&[t("x"), chip, not(fld(Field::ReadOnly, Test::Bool(true)))]);
        let shown = r#"x eventName:"Console Login" -readOnly:true"#;
        assert_eq!(q.to_string(), shown);
        let q = or(&[and(&[t("a"), t("b")]), t("c")]);
        assert_eq!(q.to_string(), "a b OR c");
        assert_eq!(Query::All.to_string(), "");
    }

    /// Random strings from the grammar's pieces (deterministic xorshift).
    #[test]
    fn never_panics_and_round_trips() {
        let pieces =
            "a|Bb|Delete*|?| |  |(|)|\"|\\|/|-|:|<|>|=|.|..|*|AND|or|NOT|time|readOnly|true|\
            eventName|2024-05-01|T10:00Z|é|🦀|\u{0}|\t|[|+|x.y|\u{200b}";
        let pieces: Vec<&str> = pieces.split('|').collect();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut parsed = 0;
        for _ in 0..20_000 {
            let len = next() % 16;
            let input: String = (0..len)
                .map(|_| pieces[next() as usize % pieces.len()])
                .collect();
            let result = parse(&input);
            parsed += usize::from(result.is_ok());
            match result {
                Ok(q) => assert_eq!(parse(&q.to_string()), Ok(q.clone()), "{input:?} -> {q}"),
                Err(e) => assert!(e.position <= input.chars().count(), "{input:?}: {e}"),
            }
        }
        assert!(
            (1000..19_000).contains(&parsed),
            "only {parsed} of 20000 parsed"
        );
    }

    #[test]
    fn matches_text_and_globs() {
        let g = |p: &str, s: &str| glob(p).matches_text(s);
        assert!(g("Delete*", "DeleteBucket") && g("delete*", "DELETEBUCKET"));
        assert!(!g("Delete*", "xDeleteBucket") && !g("Delete", "DeleteBucket"));
        assert!(g("*", "") && g("*", "anything"));
        assert!(g("a?c", "abc") && g("a?c", "a🦀c"));
        assert!(!g("a?c", "ac") && !g("a?c", "abbc"));
        assert!(g("*Bucket*", "s3:ListBucketVersions") && !g("*Bucket*", "s3:ListObjects"));
        let long = "a".repeat(100_000);
        let started = std::time::Instant::now();
        assert!(!g("a*a*a*a*a*b", &long));
        assert!(g("a*a*a*a*a*", &long));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(eq("ConsoleLogin").matches_text("consolelogin"));
        assert!(!eq("ConsoleLogin").matches_text("ConsoleLogins"));
        assert!(Test::Present.matches_text("x") && !Test::Present.matches_text(""));
        assert!(Test::Bool(false).matches_text("false") && !Test::Bool(true).matches_text("false"));
        assert!(re("cli/2").matches_text("AWS-CLI/2.1") && !re("^cli").matches_text("aws-cli"));
        let day = range(Some("2024-05-01"), Some("2024-05-02"));
        assert!(day.matches_text("2024-05-01T23:59:59Z") && !day.matches_text("junk"));
        assert!(!day.matches_text("2024-05-02T00:00:00Z"));
    }
}
