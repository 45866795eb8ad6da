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
    /// `rule:ID`: the events a detection rule (a Sigma rule, by its id)
    /// matched in the last run.
    Rule,
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
            Field::Rule => RULE_FIELD.to_owned(),
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
            Field::Path(_) | Field::Rule => Values::Text,
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
            let at = self.pos;
            let test = self.value(&field)?;
            if field == Field::Rule && !matches!(test, Test::Equals(_)) {
                return err(at, "rule: takes one rule's id", "a rule id");
            }
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
    if name.eq_ignore_ascii_case(RULE_FIELD) {
        return Ok(Field::Rule);
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

/// The name of the [`Field::Rule`] term.
pub const RULE_FIELD: &str = "rule";

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
mod tests;
