//! Owns one field's test in a Sigma search: a field name with its value
//! modifiers compiled into matchers, and matching them against the values
//! an event holds at that field.

use base64::Engine as _;
use regex_lite::{Regex, RegexBuilder};
use serde_json::Value as Json;

use super::yaml::{Node, ScalarKind, Value};
use crate::input::scan::values_at_path;
use crate::time::{parse_rfc3339, utc_parts};

/// A wildcard pattern (`*`, `?`, with Sigma's backslash escapes), stored
/// lowercased unless case matters.
#[derive(Debug, Clone)]
pub struct Glob {
    pieces: Vec<Piece>,
    /// The common shapes, matched without the general loop.
    shape: Shape,
    cased: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Star,
    One,
}

#[derive(Debug, Clone)]
enum Shape {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Any,
    General,
}

impl Glob {
    /// `text` as written in a rule: wildcards and escapes active.
    pub fn parse(text: &str, cased: bool) -> Self {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek() {
                    Some(&next @ ('*' | '?' | '\\')) => {
                        literal.push(next);
                        chars.next();
                    }
                    _ => literal.push('\\'),
                },
                '*' | '?' => {
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    let piece = if c == '*' { Piece::Star } else { Piece::One };
                    if !(piece == Piece::Star && pieces.last() == Some(&Piece::Star)) {
                        pieces.push(piece);
                    }
                }
                _ => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Self::from_pieces(pieces, cased)
    }

    /// Plain text matched as is, with `*` around it where asked.
    pub fn literal(text: &str, star_before: bool, star_after: bool, cased: bool) -> Self {
        let mut pieces = Vec::new();
        if star_before {
            pieces.push(Piece::Star);
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text.to_owned()));
        }
        if star_after && pieces.last() != Some(&Piece::Star) {
            pieces.push(Piece::Star);
        }
        Self::from_pieces(pieces, cased)
    }

    fn from_pieces(mut pieces: Vec<Piece>, cased: bool) -> Self {
        if !cased {
            for piece in &mut pieces {
                if let Piece::Text(text) = piece {
                    *text = text.to_lowercase();
                }
            }
        }
        let shape = match pieces.as_slice() {
            [] => Shape::Exact(String::new()),
            [Piece::Star] => Shape::Any,
            [Piece::Text(t)] => Shape::Exact(t.clone()),
            [Piece::Text(t), Piece::Star] => Shape::Prefix(t.clone()),
            [Piece::Star, Piece::Text(t)] => Shape::Suffix(t.clone()),
            [Piece::Star, Piece::Text(t), Piece::Star] => Shape::Contains(t.clone()),
            _ => Shape::General,
        };
        Self {
            pieces,
            shape,
            cased,
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        // ASCII text (nearly every value in a log) is compared without
        // lowering a copy; other text is lowered as Unicode says.
        if !self.cased && text.is_ascii() {
            let bytes = text.as_bytes();
            let eq = |a: &[u8], b: &str| a.eq_ignore_ascii_case(b.as_bytes());
            match &self.shape {
                Shape::Exact(t) => return eq(bytes, t),
                Shape::Prefix(t) => return bytes.len() >= t.len() && eq(&bytes[..t.len()], t),
                Shape::Suffix(t) => {
                    return bytes.len() >= t.len() && eq(&bytes[bytes.len() - t.len()..], t)
                }
                Shape::Any => return true,
                Shape::Contains(_) | Shape::General => {}
            }
        }
        let lowered;
        let text = if self.cased || !text.chars().any(char::is_uppercase) {
            text
        } else {
            lowered = text.to_lowercase();
            &lowered
        };
        match &self.shape {
            Shape::Exact(t) => text == t,
            Shape::Prefix(t) => text.starts_with(t.as_str()),
            Shape::Suffix(t) => text.ends_with(t.as_str()),
            Shape::Contains(t) => memchr::memmem::find(text.as_bytes(), t.as_bytes()).is_some(),
            Shape::Any => true,
            Shape::General => general_match(&self.pieces, text),
        }
    }
}

/// Wildcard matching with one backtrack point (the last `*`): linear in
/// practice and never exponential.
fn general_match(pieces: &[Piece], text: &str) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut resume: Option<(usize, usize)> = None;
    loop {
        if p == pieces.len() && t == text.len() {
            return true;
        }
        let step = match pieces.get(p) {
            Some(Piece::Star) => {
                resume = Some((p, t));
                p += 1;
                continue;
            }
            Some(Piece::One) => text[t..].chars().next().map(|c| t + c.len_utf8()),
            Some(Piece::Text(s)) => text[t..].starts_with(s.as_str()).then(|| t + s.len()),
            None => None,
        };
        match step {
            Some(next) => {
                t = next;
                p += 1;
            }
            None => match resume {
                Some((star, from)) => match text[from..].chars().next() {
                    Some(c) => {
                        let from = from + c.len_utf8();
                        resume = Some((star, from));
                        p = star + 1;
                        t = from;
                    }
                    None => return false,
                },
                None => return false,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePart {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Exact,
    Contains,
    StartsWith,
    EndsWith,
}

/// One value of a field's test, compiled.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Text (and numbers and booleans, by their text).
    Text {
        glob: Glob,
        /// A number as written in the rule, also compared as a number.
        number: Option<f64>,
    },
    /// A regular expression, and text any match must contain (lowercased
    /// when the expression ignores case): most values are turned down by
    /// a substring search before the expression runs.
    Regex(Regex, Option<(String, bool)>),
    Cidr(ipnet::IpNet),
    Compare(Compare, f64),
    /// The value of another field of the same event.
    FieldRef {
        path: Vec<String>,
        position: Position,
        cased: bool,
    },
}

impl Matcher {
    fn matches(&self, value: &Json, event: &Event) -> bool {
        match self {
            Matcher::Text { glob, number } => {
                if let (Some(expected), Some(actual)) = (number, value.as_f64()) {
                    if *expected == actual {
                        return true;
                    }
                }
                glob.is_match(&text_of(value))
            }
            Matcher::Regex(regex, needed) => {
                let text = text_of(value);
                let present = match needed {
                    None => true,
                    Some((literal, false)) => {
                        memchr::memmem::find(text.as_bytes(), literal.as_bytes()).is_some()
                    }
                    Some((literal, true)) => {
                        memchr::memmem::find(text.to_lowercase().as_bytes(), literal.as_bytes())
                            .is_some()
                    }
                };
                present && regex.is_match(&text)
            }
            Matcher::Cidr(net) => text_of(value)
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| net.contains(&ip)),
            Matcher::Compare(op, expected) => number_of(value).is_some_and(|actual| match op {
                Compare::Gt => actual > *expected,
                Compare::Gte => actual >= *expected,
                Compare::Lt => actual < *expected,
                Compare::Lte => actual <= *expected,
            }),
            Matcher::FieldRef {
                path,
                position,
                cased,
            } => {
                let others = event.values(path);
                let text = text_of(value);
                others.iter().filter(|other| !other.is_null()).any(|other| {
                    let other = text_of(other);
                    let glob = Glob::literal(
                        &other,
                        matches!(position, Position::Contains | Position::EndsWith),
                        matches!(position, Position::Contains | Position::StartsWith),
                        *cased,
                    );
                    glob.is_match(&text)
                })
            }
        }
    }
}

/// A field's test in a search.
#[derive(Debug, Clone)]
pub enum Test {
    /// `|exists: true` or `false`: the key is there, whatever its value.
    Exists(bool),
    /// `null`: the field is absent, or null.
    Null,
    Values {
        /// `|all`: every matcher matches one of the values.
        all: bool,
        /// `|neq`: the field has a value and none of the matchers matches it.
        negate: bool,
        /// Time modifiers test a part of a date instead of the value.
        part: Option<TimePart>,
        matchers: Vec<Matcher>,
    },
}

/// `field|modifiers: values` compiled.
#[derive(Debug, Clone)]
pub struct FieldTest {
    /// The field as written, without modifiers.
    pub field: String,
    path: Vec<String>,
    test: Test,
}

/// Why a field's test could not be compiled.
pub type CompileError = String;

/// Most Windows flags have one or two dashes; past this, the variants
/// `windash` asks for (five per dash) grow too many to keep.
const MAX_WINDASH_DASHES: usize = 4;
const WINDASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];
/// Enough for any reasonable pattern, small enough that building one stays quick.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl FieldTest {
    pub fn compile(key: &str, values: &Node) -> Result<FieldTest, CompileError> {
        let mut parts = key.split('|');
        let field = parts.next().unwrap_or_default().to_owned();
        let modifiers: Vec<&str> = parts.collect();
        let path = split_path(&field);
        let test = compile_test(&modifiers, values)?;
        Ok(FieldTest { field, path, test })
    }

    pub fn path(&self) -> &[String] {
        &self.path
    }

    pub fn test(&self) -> &Test {
        &self.test
    }

    /// Whether `event` passes; when it does and `why` is given, the values
    /// that made it pass are pushed there.
    pub fn matches(&self, event: &Event, why: Option<&mut Vec<String>>) -> bool {
        let found = event.values(&self.path);
        match &self.test {
            Test::Exists(expected) => {
                let ok = event.has(&self.path) == *expected;
                if let (true, Some(why)) = (ok && *expected, why) {
                    why.extend(found.iter().take(1).map(shown));
                }
                ok
            }
            Test::Null => {
                let ok = found.iter().all(|v| v.is_null());
                if let (true, Some(why)) = (ok, why) {
                    why.push(if found.is_empty() {
                        "(absent)".into()
                    } else {
                        "null".into()
                    });
                }
                ok
            }
            Test::Values {
                all,
                negate,
                part,
                matchers,
            } => {
                let converted: Vec<Json>;
                let candidates: &[Json] = match part {
                    None => &found,
                    Some(part) => {
                        converted = found
                            .iter()
                            .filter_map(|v| time_part(v, *part).map(Json::from))
                            .collect();
                        &converted
                    }
                };
                let candidates: Vec<&Json> = candidates.iter().filter(|v| !v.is_null()).collect();
                if *negate {
                    let ok = !candidates.is_empty()
                        && !candidates
                            .iter()
                            .any(|v| matchers.iter().any(|m| m.matches(v, event)));
                    if let (true, Some(why)) = (ok, why) {
                        why.extend(candidates.iter().take(1).map(|v| shown(v)));
                    }
                    return ok;
                }
                let hit = |m: &Matcher| candidates.iter().copied().find(|v| m.matches(v, event));
                if *all {
                    let hits: Option<Vec<&Json>> = matchers.iter().map(hit).collect();
                    match hits {
                        Some(hits) => {
                            if let Some(why) = why {
                                for value in hits {
                                    let value = shown(value);
                                    if !why.contains(&value) {
                                        why.push(value);
                                    }
                                }
                            }
                            true
                        }
                        None => false,
                    }
                } else {
                    match matchers.iter().find_map(hit) {
                        Some(value) => {
                            if let Some(why) = why {
                                why.push(shown(value));
                            }
                            true
                        }
                        None => false,
                    }
                }
            }
        }
    }

    /// The slots of [`COLUMN_FIELDS`] this test reads (its own field, and
    /// a `fieldref`'s), one bit each; `None` when it reads anything else.
    pub fn column_needs(&self) -> Option<u16> {
        let own = column_slot(&self.path)?;
        if own == ERROR_MESSAGE_SLOT && !matches!(self.test, Test::Exists(_)) {
            return None;
        }
        let mut needs = 1 << own;
        if let Test::Values { matchers, .. } = &self.test {
            for matcher in matchers {
                if let Matcher::FieldRef { path, .. } = matcher {
                    needs |= 1 << value_column_slot(path)?;
                }
            }
        }
        Some(needs)
    }

    /// Exact values this test demands of its field, lowercased, when it
    /// demands one of a few (plain equality): lets a rule be skipped for
    /// events whose value is not among them.
    pub fn exact_values(&self) -> Option<Vec<String>> {
        match &self.test {
            Test::Values {
                all: false,
                negate: false,
                part: None,
                matchers,
            } => matchers
                .iter()
                .map(|m| match m {
                    Matcher::Text {
                        glob:
                            Glob {
                                shape: Shape::Exact(text),
                                cased: false,
                                ..
                            },
                        ..
                    } => Some(text.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }
}

/// A dotted field name as a path into nested objects. A key that itself
/// holds dots is still found: see [`Event::values`].
fn split_path(field: &str) -> Vec<String> {
    field.split('.').map(str::to_owned).collect()
}

/// The top-level fields a store row holds as columns, in the order of
/// [`column_slot`]: a rule that tests only these can run on a row whose
/// columns are exactly its JSON's fields (see `store::flags::COLUMNS_EXACT`)
/// without the JSON being read at all.
/// `errorMessage` is kept only as whether the key is there
/// ([`ERROR_MESSAGE_SLOT`]): only `exists` tests of it run on columns. The
/// last three are codes (`store::kinds`), known on most rows, not all.
pub const COLUMN_FIELDS: [&str; 11] = [
    "eventName",
    "eventSource",
    "awsRegion",
    "recipientAccountId",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "userIdentity.type",
    "eventType",
    "userIdentity.sessionContext.sessionIssuer.type",
];

/// The slot of `errorMessage`, whose presence alone the row keeps.
pub const ERROR_MESSAGE_SLOT: usize = 7;
/// The first of the slots the row keeps as codes.
pub const FIRST_KIND_SLOT: usize = 8;

/// Which of [`COLUMN_FIELDS`] a path is, if it is one.
pub fn column_slot(path: &[String]) -> Option<usize> {
    COLUMN_FIELDS
        .iter()
        .position(|field| field.split('.').eq(path.iter().map(String::as_str)))
}

/// Which of [`COLUMN_FIELDS`] whose value the row holds a path is.
pub fn value_column_slot(path: &[String]) -> Option<usize> {
    column_slot(path).filter(|&slot| slot != ERROR_MESSAGE_SLOT)
}

/// An event's values for each of [`COLUMN_FIELDS`]: none when the field is
/// absent, else its one value.
pub type ColumnValues<'c> = &'c dyn Fn(usize) -> std::rc::Rc<Vec<Json>>;

/// One event's JSON as the rules see it: the values at each path are read
/// once per event, however many rules and filters test that path.
pub struct Event<'j> {
    json: &'j [u8],
    /// Set when the event is its row's columns, not its JSON: only rules
    /// that test nothing else are given such an event.
    columns: Option<ColumnValues<'j>>,
    seen: std::cell::RefCell<Vec<Seen>>,
}

/// A path read in one event: whether its key is there at all, and its values.
struct Seen {
    path: Vec<String>,
    there: bool,
    values: std::rc::Rc<Vec<Json>>,
}

impl<'j> Event<'j> {
    pub fn new(json: &'j [u8]) -> Self {
        Self {
            json,
            columns: None,
            seen: std::cell::RefCell::default(),
        }
    }

    /// An event known only by its row's columns.
    pub fn from_columns(columns: ColumnValues<'j>) -> Self {
        Self {
            json: b"",
            columns: Some(columns),
            seen: std::cell::RefCell::default(),
        }
    }

    pub fn json(&self) -> &'j [u8] {
        self.json
    }

    fn lookup(&self, path: &[String]) -> (bool, std::rc::Rc<Vec<Json>>) {
        if let Some(columns) = self.columns {
            debug_assert!(column_slot(path).is_some(), "{path:?} is not a column");
            let values = column_slot(path).map(columns).unwrap_or_default();
            return (!values.is_empty(), values);
        }
        if let Some(seen) = self.seen.borrow().iter().find(|seen| seen.path == path) {
            return (seen.there, seen.values.clone());
        }
        let mut raw = Vec::new();
        raw_values(self.json, path, &mut raw);
        let there = !raw.is_empty();
        let mut values = Vec::new();
        for slice in raw {
            if let Ok(value) = serde_json::from_slice::<Json>(slice) {
                flatten(value, &mut values, 0);
            }
        }
        let values = std::rc::Rc::new(values);
        self.seen.borrow_mut().push(Seen {
            path: path.to_vec(),
            there,
            values: values.clone(),
        });
        (there, values)
    }

    /// Every value at `path` in the event: a list on the way (or at the
    /// end) stands for each of its elements. Where nothing is found, the
    /// path is also tried with its last parts as one key with dots in it.
    /// Values are read by skipping through the text, not by decoding the
    /// whole event.
    pub fn values(&self, path: &[String]) -> std::rc::Rc<Vec<Json>> {
        self.lookup(path).1
    }

    /// Whether the key at `path` is there, whatever its value.
    pub fn has(&self, path: &[String]) -> bool {
        self.lookup(path).0
    }
}

/// The raw values at `path`; when there are none, the path is tried again
/// with its last parts joined by dots into one key (`requestParameters` →
/// `a.b`), where the event's text holds such a key at all.
fn raw_values<'j>(event: &'j [u8], path: &[String], raw: &mut Vec<&'j [u8]>) {
    values_at_path(event, path, raw);
    if !raw.is_empty() {
        return;
    }
    for split in 0..path.len().saturating_sub(1) {
        let tail = path[split..].join(".");
        if memchr::memmem::find(event, tail.as_bytes()).is_none() {
            continue;
        }
        let mut joined: Vec<String> = path[..split].to_vec();
        joined.push(tail);
        values_at_path(event, &joined, raw);
        if !raw.is_empty() {
            return;
        }
    }
}

/// Lists nested deeper than this are not looked into.
const MAX_LIST_DEPTH: usize = 32;

fn flatten(value: Json, out: &mut Vec<Json>, depth: usize) {
    match value {
        Json::Array(items) if depth < MAX_LIST_DEPTH => {
            for item in items {
                flatten(item, out, depth + 1);
            }
        }
        Json::Array(_) => {}
        other => out.push(other),
    }
}

/// A value as the text patterns see it: strings as they are, numbers and
/// booleans as JSON writes them, objects and lists as compact JSON.
pub fn text_of(value: &Json) -> std::borrow::Cow<'_, str> {
    match value {
        Json::String(text) => std::borrow::Cow::Borrowed(text),
        Json::Null => std::borrow::Cow::Borrowed(""),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

/// A value for the explanation, cut to a readable length.
fn shown(value: &Json) -> String {
    const MAX: usize = 200;
    let text = text_of(value);
    if text.len() <= MAX {
        return text.into_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn number_of(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        Json::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
}

fn time_part(value: &Json, part: TimePart) -> Option<i64> {
    let ms = match value {
        Json::String(text) => parse_rfc3339(text)?,
        // Epoch seconds or milliseconds, told apart by size.
        Json::Number(n) => {
            let n = n.as_i64()?;
            if n.abs() < 100_000_000_000 {
                n * 1000
            } else {
                n
            }
        }
        _ => return None,
    };
    let parts = utc_parts(ms);
    Some(match part {
        TimePart::Minute => i64::from(parts.minute),
        TimePart::Hour => i64::from(parts.hour),
        TimePart::Day => i64::from(parts.day),
        TimePart::Week => i64::from(parts.week),
        TimePart::Month => i64::from(parts.month),
        TimePart::Year => parts.year,
    })
}

#[derive(Default)]
struct Modifiers {
    position: Option<Position>,
    all: bool,
    cased: bool,
    negate: bool,
    exists: bool,
    cidr: bool,
    fieldref: bool,
    regex: Option<(bool, bool, bool)>,
    compare: Option<Compare>,
    part: Option<TimePart>,
    /// Value transformations, in the order written.
    transforms: Vec<Transform>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transform {
    Windash,
    Utf16Le,
    Utf16Be,
    Utf16Bom,
    Base64,
    Base64Offset,
}

fn parse_modifiers(names: &[&str]) -> Result<Modifiers, CompileError> {
    let mut m = Modifiers::default();
    let mut names = names.iter().peekable();
    while let Some(&name) = names.next() {
        let set_position = |m: &mut Modifiers, p| {
            if m.position.replace(p).is_some() {
                Err(format!(
                    "'{name}' after another of contains, startswith, endswith"
                ))
            } else {
                Ok(())
            }
        };
        match name {
            "contains" => set_position(&mut m, Position::Contains)?,
            "startswith" => set_position(&mut m, Position::StartsWith)?,
            "endswith" => set_position(&mut m, Position::EndsWith)?,
            "all" => m.all = true,
            "cased" => m.cased = true,
            "neq" => m.negate = true,
            "exists" => m.exists = true,
            "cidr" => m.cidr = true,
            "fieldref" => m.fieldref = true,
            "re" => {
                let (mut i, mut multi, mut dot) = (false, false, false);
                while let Some(&&flag) = names.peek() {
                    match flag {
                        "i" => i = true,
                        "m" => multi = true,
                        "s" => dot = true,
                        _ => break,
                    }
                    names.next();
                }
                m.regex = Some((i, multi, dot));
            }
            "i" | "m" | "s" => return Err(format!("'{name}' is a flag of 're' and must follow it")),
            "gt" => m.compare = Some(Compare::Gt),
            "gte" => m.compare = Some(Compare::Gte),
            "lt" => m.compare = Some(Compare::Lt),
            "lte" => m.compare = Some(Compare::Lte),
            "minute" => m.part = Some(TimePart::Minute),
            "hour" => m.part = Some(TimePart::Hour),
            "day" => m.part = Some(TimePart::Day),
            "week" => m.part = Some(TimePart::Week),
            "month" => m.part = Some(TimePart::Month),
            "year" => m.part = Some(TimePart::Year),
            "windash" => m.transforms.push(Transform::Windash),
            "utf16le" | "wide" => m.transforms.push(Transform::Utf16Le),
            "utf16be" => m.transforms.push(Transform::Utf16Be),
            "utf16" => m.transforms.push(Transform::Utf16Bom),
            "base64" => m.transforms.push(Transform::Base64),
            "base64offset" => m.transforms.push(Transform::Base64Offset),
            "expand" => {
                return Err(
                    "'expand' needs placeholder values from a processing pipeline, which Trailglass does not have"
                        .into(),
                )
            }
            "" => return Err("an empty modifier (two '|' in a row)".into()),
            other => return Err(format!("unknown modifier '{other}'")),
        }
    }
    let kinds = [
        m.regex.is_some(),
        m.cidr,
        m.compare.is_some(),
        m.fieldref,
        m.exists,
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if kinds > 1 {
        return Err("re, cidr, gt/gte/lt/lte, fieldref and exists cannot be combined".into());
    }
    if (m.regex.is_some() || m.cidr || m.compare.is_some()) && m.position.is_some() {
        return Err(
            "contains, startswith and endswith do not apply to re, cidr or comparisons".into(),
        );
    }
    if !m.transforms.is_empty()
        && (m.regex.is_some() || m.cidr || m.compare.is_some() || m.fieldref)
    {
        return Err("encoding modifiers apply to plain text values only".into());
    }
    Ok(m)
}

fn compile_test(names: &[&str], values: &Node) -> Result<Test, CompileError> {
    let m = parse_modifiers(names)?;
    if m.exists {
        return match &values.value {
            Value::Scalar {
                kind: ScalarKind::Bool,
                text,
            } => Ok(Test::Exists(text.eq_ignore_ascii_case("true"))),
            _ => Err("'exists' takes true or false".into()),
        };
    }
    let items: Vec<&Node> = match &values.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Map(_) => {
            return Err("a field's value must be a value or a list of values, not a map".into())
        }
        Value::Scalar { .. } => vec![values],
    };
    if items.is_empty() {
        return Err("an empty list of values".into());
    }
    if items.len() == 1 && items[0].is_null() && names.is_empty() {
        return Ok(Test::Null);
    }
    if items.iter().any(|n| n.is_null()) {
        return Err("null cannot be one value of several, or take modifiers: give it a selection of its own".into());
    }
    if m.all && items.len() == 1 {
        return Err("'all' needs a list of values".into());
    }
    let mut matchers = Vec::new();
    for item in items {
        let (text, kind) = match &item.value {
            Value::Scalar { text, kind } => (text.as_str(), *kind),
            _ => return Err("values must be plain values, not lists or maps".into()),
        };
        compile_value(&m, text, kind, &mut matchers)?;
    }
    Ok(Test::Values {
        all: m.all,
        negate: m.negate,
        part: m.part,
        matchers,
    })
}

fn compile_value(
    m: &Modifiers,
    text: &str,
    kind: ScalarKind,
    out: &mut Vec<Matcher>,
) -> Result<(), CompileError> {
    if let Some((insensitive, multi, dot)) = m.regex {
        let regex = RegexBuilder::new(text)
            .case_insensitive(insensitive)
            .multi_line(multi)
            .dot_matches_new_line(dot)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| format!("the regular expression does not compile: {e}"))?;
        let needed = required_literal(text).map(|literal| {
            if insensitive {
                (literal.to_lowercase(), true)
            } else {
                (literal, false)
            }
        });
        out.push(Matcher::Regex(regex, needed));
        return Ok(());
    }
    if m.cidr {
        let net = text
            .parse::<ipnet::IpNet>()
            .map_err(|_| format!("'{text}' is not a CIDR range"))?;
        out.push(Matcher::Cidr(net));
        return Ok(());
    }
    if let Some(op) = m.compare {
        let number = text
            .parse::<f64>()
            .map_err(|_| format!("'{text}' is not a number to compare with"))?;
        out.push(Matcher::Compare(op, number));
        return Ok(());
    }
    if m.fieldref {
        out.push(Matcher::FieldRef {
            path: split_path(text),
            position: m.position.unwrap_or(Position::Exact),
            cased: m.cased,
        });
        return Ok(());
    }
    let (before, after) = match m.position.unwrap_or(Position::Exact) {
        Position::Exact => (false, false),
        Position::Contains => (true, true),
        Position::StartsWith => (false, true),
        Position::EndsWith => (true, false),
    };
    if m.transforms.is_empty() {
        let number = matches!(kind, ScalarKind::Int | ScalarKind::Float)
            .then(|| text.parse::<f64>().ok())
            .flatten();
        let glob = if before || after {
            let mut pattern = String::new();
            if before {
                pattern.push('*');
            }
            pattern.push_str(text);
            // A trailing escape must not swallow the added wildcard.
            if after {
                if text.ends_with('\\') && !text.ends_with("\\\\") {
                    pattern.push('\\');
                }
                pattern.push('*');
            }
            Glob::parse(&pattern, m.cased)
        } else {
            Glob::parse(text, m.cased)
        };
        out.push(Matcher::Text { glob, number });
        return Ok(());
    }
    for variant in transform(text, &m.transforms)? {
        let (variant, before, after) = match variant {
            Encoded::Whole(v) => (v, before, after),
            // The middle of an encoding found at an offset: anywhere.
            Encoded::Inner(v) => (v, true, true),
        };
        // Encoded values are plain text: base64 has no wildcards, and the
        // encoding's letter case matters.
        let cased = m.cased
            || m.transforms
                .iter()
                .any(|t| matches!(t, Transform::Base64 | Transform::Base64Offset));
        out.push(Matcher::Text {
            glob: Glob::literal(&variant, before, after, cased),
            number: None,
        });
    }
    Ok(())
}

/// The longest run of plain characters every match of `pattern` must
/// contain, when that is sure: patterns with alternation, groups, inline
/// flags or classes around it are left alone. Conservative: `None` only
/// costs the quick rejection.
fn required_literal(pattern: &str) -> Option<String> {
    if pattern.contains('|') || pattern.contains("(?") {
        return None;
    }
    let mut best = String::new();
    let mut run = String::new();
    let mut chars = pattern.chars().peekable();
    let mut depth = 0usize;
    let end_run = |run: &mut String, best: &mut String| {
        if run.chars().count() > best.chars().count() {
            *best = run.clone();
        }
        run.clear();
    };
    while let Some(c) = chars.next() {
        let literal = match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => Some(e),
                _ => None,
            },
            '[' => {
                // Skip the class.
                while let Some(e) = chars.next() {
                    if e == '\\' {
                        chars.next();
                    } else if e == ']' {
                        break;
                    }
                }
                None
            }
            '(' => {
                depth += 1;
                None
            }
            ')' => {
                depth = depth.saturating_sub(1);
                None
            }
            '.' | '^' | '$' => None,
            '*' | '?' | '{' => {
                // The character before is optional or repeated: not required as is.
                run.pop();
                if c == '{' {
                    for e in chars.by_ref() {
                        if e == '}' {
                            break;
                        }
                    }
                }
                None
            }
            '+' => {
                end_run(&mut run, &mut best);
                None
            }
            other => Some(other),
        };
        match literal {
            // Inside a group, a quantifier after it could make it optional.
            Some(ch) if depth == 0 => {
                let next_optional = matches!(chars.peek(), Some('*' | '?' | '{'));
                if next_optional {
                    end_run(&mut run, &mut best);
                } else {
                    run.push(ch);
                }
            }
            _ => end_run(&mut run, &mut best),
        }
    }
    end_run(&mut run, &mut best);
    (best.chars().count() >= 3).then_some(best)
}

enum Encoded {
    Whole(String),
    Inner(String),
}

fn transform(text: &str, transforms: &[Transform]) -> Result<Vec<Encoded>, CompileError> {
    let mut values: Vec<Vec<u8>> = vec![text.as_bytes().to_vec()];
    let mut inner = false;
    for t in transforms {
        if inner {
            return Err("base64offset must be the last modifier before contains".into());
        }
        match t {
            Transform::Windash => {
                let mut next = Vec::new();
                for value in &values {
                    let text = String::from_utf8_lossy(value);
                    let dashes = text.chars().filter(|c| WINDASHES.contains(c)).count();
                    if dashes > MAX_WINDASH_DASHES {
                        return Err(format!(
                            "windash on a value with more than {MAX_WINDASH_DASHES} dashes"
                        ));
                    }
                    let mut variants = vec![String::new()];
                    for c in text.chars() {
                        if WINDASHES.contains(&c) {
                            variants = variants
                                .iter()
                                .flat_map(|v| WINDASHES.iter().map(move |d| format!("{v}{d}")))
                                .collect();
                        } else {
                            for v in &mut variants {
                                v.push(c);
                            }
                        }
                    }
                    next.extend(variants.into_iter().map(String::into_bytes));
                }
                values = next;
            }
            Transform::Utf16Le | Transform::Utf16Be | Transform::Utf16Bom => {
                for value in &mut values {
                    let text = String::from_utf8_lossy(value).into_owned();
                    let mut bytes = Vec::new();
                    if *t == Transform::Utf16Bom {
                        bytes.extend([0xFF, 0xFE]);
                    }
                    for unit in text.encode_utf16() {
                        let pair = if *t == Transform::Utf16Be {
                            unit.to_be_bytes()
                        } else {
                            unit.to_le_bytes()
                        };
                        bytes.extend(pair);
                    }
                    *value = bytes;
                }
            }
            Transform::Base64 => {
                for value in &mut values {
                    *value = base64::engine::general_purpose::STANDARD
                        .encode(&value)
                        .into_bytes();
                }
            }
            Transform::Base64Offset => {
                let mut next = Vec::new();
                for value in &values {
                    next.extend(base64_offsets(value));
                }
                values = next;
                inner = true;
            }
        }
    }
    let text = |v: Vec<u8>| String::from_utf8_lossy(&v).into_owned();
    Ok(values
        .into_iter()
        .map(|v| {
            if inner {
                Encoded::Inner(text(v))
            } else {
                Encoded::Whole(text(v))
            }
        })
        .collect())
}

/// The three encodings of `value` at byte offsets 0, 1 and 2 of a longer
/// text, each cut to the characters that do not depend on its neighbours
/// (as Sigma's reference implementation does).
fn base64_offsets(value: &[u8]) -> Vec<Vec<u8>> {
    const START: [usize; 3] = [0, 2, 3];
    const END: [usize; 3] = [0, 3, 2];
    (0..3)
        .map(|shift| {
            let mut padded = vec![b' '; shift];
            padded.extend_from_slice(value);
            let encoded = base64::engine::general_purpose::STANDARD.encode(&padded);
            let end_cut = END[(value.len() + shift) % 3];
            let start = START[shift].min(encoded.len());
            let end = encoded.len().saturating_sub(end_cut).max(start);
            encoded.as_bytes()[start..end].to_vec()
        })
        .collect()
}

#[cfg(test)]
mod tests;
