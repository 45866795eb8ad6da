//! "Copy as SQL": turns a search [`Query`] (plus the visible time range) into
//! one SELECT that asks the same question of Athena or CloudTrail Lake.
//!
//! Values come from log data a stranger may control, so every value goes
//! into a quoted literal (`'` doubled), every unusual name into a quoted
//! identifier, and nothing taken from the query reaches a `--` comment.
//! SQL's NULL would turn `NOT x` into "unknown" where Trainglass says "true",
//! so a negation of something that can be NULL reads `NOT coalesce(x, FALSE)`.
//! What SQL cannot say exactly (`principal`, free text) is approximated and
//! the output says so in a `-- note:` line.

use crate::identity::PrincipalKind;
use crate::query::{Field, Query, Test};
use crate::time::format_utc;

/// The engine the SQL is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Athena over the table from the CloudTrail docs' DDL (lowercase columns).
    Athena,
    /// A CloudTrail Lake event data store (camelCase fields, map parameters).
    CloudTrailLake,
}

const PRINCIPAL_NOTE: &str = "principal is approximated by matching the caller's ARN, \
    the part of it after the first '/', its user name, its session issuer's ARN and the \
    invoking service.";
const TEXT_NOTE: &str = "free text is approximated as a case-insensitive substring of the \
    main text columns, not of the whole event.";

/// A condition tree that folds TRUE/FALSE away as it is built.
#[derive(Debug)]
enum Cond {
    Const(bool),
    /// SQL text; `compound` when it has a top-level AND/OR of its own.
    Atom {
        sql: String,
        nullable: bool,
        compound: bool,
    },
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
}

fn atom(sql: String) -> Cond {
    let (nullable, compound) = (true, false);
    Cond::Atom {
        sql,
        nullable,
        compound,
    }
}

/// A condition that is never NULL; `compound` as in [`Cond::Atom`].
fn sure(sql: String, compound: bool) -> Cond {
    let nullable = false;
    Cond::Atom {
        sql,
        nullable,
        compound,
    }
}

fn and(items: Vec<Cond>) -> Cond {
    let mut out = Vec::new();
    for item in items {
        match item {
            Cond::Const(true) => {}
            Cond::Const(false) => return Cond::Const(false),
            Cond::And(inner) => out.extend(inner),
            other => out.push(other),
        }
    }
    match out.len() {
        0 => Cond::Const(true),
        1 => out.remove(0),
        _ => Cond::And(out),
    }
}

fn or(items: Vec<Cond>) -> Cond {
    let mut out = Vec::new();
    for item in items {
        match item {
            Cond::Const(false) => {}
            Cond::Const(true) => return Cond::Const(true),
            other => out.push(other),
        }
    }
    match out.len() {
        0 => Cond::Const(false),
        1 => out.remove(0),
        _ => Cond::Or(out),
    }
}

fn not(cond: Cond) -> Cond {
    match cond {
        Cond::Const(b) => Cond::Const(!b),
        Cond::Not(inner) => *inner,
        other => Cond::Not(Box::new(other)),
    }
}

impl Cond {
    /// Whether SQL may evaluate this to NULL (where Trainglass says false).
    fn nullable(&self) -> bool {
        match self {
            Cond::Const(_) | Cond::Not(_) => false,
            Cond::Atom { nullable, .. } => *nullable,
            Cond::And(items) | Cond::Or(items) => items.iter().any(Cond::nullable),
        }
    }

    /// SQL text; `nested` when it sits inside another AND/OR.
    fn render(&self, nested: bool) -> String {
        let group = |items: &[Cond], op: &str| {
            let parts: Vec<String> = items.iter().map(|c| c.render(true)).collect();
            let inner = parts.join(op);
            if nested {
                format!("({inner})")
            } else {
                inner
            }
        };
        match self {
            Cond::Const(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
            Cond::Atom { sql, compound, .. } if *compound && nested => format!("({sql})"),
            Cond::Atom { sql, .. } => sql.clone(),
            Cond::And(items) => group(items, " AND "),
            Cond::Or(items) => group(items, " OR "),
            Cond::Not(inner) if inner.nullable() => {
                format!("NOT coalesce({}, FALSE)", inner.render(false))
            }
            Cond::Not(inner) => format!("NOT ({})", inner.render(false)),
        }
    }
}

/// A string literal: `'` doubled, so no value can end it early.
fn lit(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A glob or substring as a LIKE pattern for `ESCAPE '\'`.
fn like_escape(text: &str, glob: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' | '%' | '_' => out.extend(['\\', c]),
            '*' if glob => out.push('%'),
            '?' if glob => out.push('_'),
            c => out.push(c),
        }
    }
    out
}

fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A column or struct field name, double-quoted unless plainly safe.
fn ident(name: &str) -> String {
    if is_plain_name(name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A JSONPath such as `$.bucketName`, `$.items[0]` or `$["odd key"]`.
fn json_path(parts: &[String]) -> String {
    let mut out = String::from("$");
    for part in parts {
        if part.parse::<u32>().is_ok() {
            out.push_str(&format!("[{part}]"));
        } else if is_plain_name(part) {
            out.push_str(&format!(".{part}"));
        } else {
            let quoted = part.replace('\\', "\\\\").replace('"', "\\\"");
            out.push_str(&format!("[\"{quoted}\"]"));
        }
    }
    out
}

/// Top-level fields that hold JSON (Athena: a string; Lake: a string map).
const JSON_COLUMNS: [&str; 4] = [
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "serviceEventDetails",
];

struct Translator {
    dialect: Dialect,
    notes: Vec<&'static str>,
}

impl Translator {
    fn athena(&self) -> bool {
        self.dialect == Dialect::Athena
    }

    /// A field in this dialect: Athena's columns are the lowercase names.
    fn name(&self, camel: &str) -> String {
        if self.athena() {
            camel.to_ascii_lowercase()
        } else {
            camel.to_string()
        }
    }

    fn note(&mut self, note: &'static str) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn query(&mut self, query: &Query) -> Cond {
        match query {
            Query::All => Cond::Const(true),
            Query::And(items) => and(items.iter().map(|q| self.query(q)).collect()),
            Query::Or(items) => or(items.iter().map(|q| self.query(q)).collect()),
            Query::Not(inner) => not(self.query(inner)),
            Query::Text(text) if text.is_empty() => Cond::Const(true),
            Query::Text(text) => self.text(text),
            Query::Field { field, test } => self.field(field, test),
        }
    }

    fn field(&mut self, field: &Field, test: &Test) -> Cond {
        let column = |name: &str| (self.name(name), true);
        let (column, missing_is_empty) = match field {
            Field::EventName => column("eventName"),
            Field::EventSource => column("eventSource"),
            Field::Region => column("awsRegion"),
            Field::Account => column("recipientAccountId"),
            Field::SourceIp => column("sourceIPAddress"),
            Field::UserAgent => column("userAgent"),
            Field::ErrorCode => column("errorCode"),
            Field::Time => (self.name("eventTime"), false),
            Field::Path(parts) => (self.path(parts), false),
            Field::ReadOnly => return self.read_only(test),
            Field::Kind => return self.kind(test),
            Field::Principal => return self.principal(test),
        };
        self.test(&column, test, missing_is_empty)
    }

    /// `test` on a string expression; `missing_is_empty` when Trainglass
    /// reads an absent value as "" (so NULL must pass whatever "" passes).
    fn test(&self, col: &str, test: &Test, missing_is_empty: bool) -> Cond {
        let cond = match test {
            Test::Present => sure(format!("{col} IS NOT NULL AND {col} <> ''"), true),
            Test::Equals(v) => atom(format!("lower({col}) = {}", lit(&v.to_lowercase()))),
            Test::Glob(p) => {
                let pattern = lit(&like_escape(&p.to_lowercase(), true));
                atom(format!("lower({col}) LIKE {pattern} ESCAPE '\\'"))
            }
            Test::Regex(re) => {
                let pattern = lit(&format!("(?i){}", re.0.as_str()));
                atom(format!("regexp_like({col}, {pattern})"))
            }
            Test::Bool(b) => atom(format!("{col} = '{b}'")),
            Test::TimeRange { from, to } => self.time_range(col, *from, *to),
        };
        if missing_is_empty && test.matches_text("") {
            or(vec![cond, sure(format!("{col} IS NULL"), false)])
        } else {
            cond
        }
    }

    fn time_range(&self, col: &str, from: Option<i64>, to: Option<i64>) -> Cond {
        let bound = |op: &str, ms: i64| {
            let utc = format_utc(ms);
            atom(if self.athena() {
                let at = lit(&utc);
                format!("from_iso8601_timestamp({col}) {op} from_iso8601_timestamp({at})")
            } else {
                let at = lit(utc.trim_end_matches('Z').replacen('T', " ", 1).as_str());
                format!("{col} {op} {at}")
            })
        };
        if from.is_none() && to.is_none() {
            return sure(format!("{col} IS NOT NULL"), false);
        }
        let from = from.map(|ms| bound(">=", ms));
        and(from.into_iter().chain(to.map(|ms| bound("<", ms))).collect())
    }

    fn read_only(&self, test: &Test) -> Cond {
        let col = self.name("readOnly");
        let mut parts = Vec::new();
        let values = ["true", "false"].into_iter().filter(|v| test.matches_text(v));
        let values: Vec<&str> = values.collect();
        match (values.as_slice(), self.athena()) {
            ([], _) => {}
            ([v], true) => parts.push(atom(format!("{col} = '{v}'"))),
            ([v], false) => parts.push(atom(format!("{col} = {v}"))),
            (_, true) => parts.push(atom(format!("{col} IN ('true', 'false')"))),
            (_, false) => parts.push(sure(format!("{col} IS NOT NULL"), false)),
        }
        if test.matches_text("") {
            parts.push(sure(format!("{col} IS NULL"), false));
        }
        or(parts)
    }

    /// `userIdentity.type`, plus the kinds Trainglass infers without one.
    fn kind(&self, test: &Test) -> Cond {
        use PrincipalKind as K;
        let accepts = |k: &K| test.matches_text(k.type_name()) || test.matches_text(k.label());
        if PrincipalKind::ALL.iter().all(accepts) {
            return Cond::Const(true);
        }
        let (ty, by) = (self.name("userIdentity.type"), self.name("userIdentity.invokedBy"));
        let typed = PrincipalKind::ALL.iter().filter(|k| !matches!(k, K::Unknown | K::None));
        let quoted = |kinds: Vec<&K>| {
            let names: Vec<String> = kinds.iter().map(|k| lit(k.type_name())).collect();
            names.join(", ")
        };
        let mut parts = Vec::new();
        let wanted: Vec<&K> = typed.clone().filter(|k| accepts(k)).collect();
        match wanted.as_slice() {
            [] => {}
            [one] => parts.push(atom(format!("{ty} = {}", lit(one.type_name())))),
            _ => parts.push(atom(format!("{ty} IN ({})", quoted(wanted)))),
        }
        if accepts(&K::AwsService) {
            parts.push(sure(format!("{ty} IS NULL AND {by} IS NOT NULL"), true));
        }
        let identity = self.name("userIdentity");
        if accepts(&K::Unknown) {
            parts.push(atom(format!("{ty} NOT IN ({})", quoted(typed.collect()))));
            let sql = format!("{identity} IS NOT NULL AND {ty} IS NULL AND {by} IS NULL");
            parts.push(sure(sql, true));
        }
        if accepts(&K::None) {
            parts.push(sure(format!("{identity} IS NULL"), false));
        }
        or(parts)
    }

    fn principal(&mut self, test: &Test) -> Cond {
        // Every event has a principal name ("unknown" at worst).
        if *test == Test::Present {
            return Cond::Const(true);
        }
        self.note(PRINCIPAL_NOTE);
        let arn = self.name("userIdentity.arn");
        let candidates = [
            arn.clone(),
            format!("regexp_replace({arn}, '^[^/]*/', '')"),
            self.name("userIdentity.userName"),
            self.name("userIdentity.sessionContext.sessionIssuer.arn"),
            self.name("userIdentity.invokedBy"),
        ];
        or(candidates.iter().map(|c| self.test(c, test, false)).collect())
    }

    fn text(&mut self, text: &str) -> Cond {
        self.note(TEXT_NOTE);
        let plain = [
            "eventName",
            "eventSource",
            "errorCode",
            "errorMessage",
            "userAgent",
            "sourceIPAddress",
            "userIdentity.arn",
        ];
        let mut columns: Vec<String> = plain.iter().map(|c| self.name(c)).collect();
        for json in ["requestParameters", "responseElements"] {
            columns.push(self.json_column(json));
        }
        let pattern = lit(&format!("%{}%", like_escape(&text.to_lowercase(), false)));
        let all = columns.join(", ");
        sure(
            format!("lower(concat_ws(' ', {all})) LIKE {pattern} ESCAPE '\\'"),
            false,
        )
    }

    /// A whole JSON column as text.
    fn json_column(&self, camel: &str) -> String {
        if self.athena() {
            camel.to_ascii_lowercase()
        } else {
            format!("json_format(CAST({camel} AS JSON))")
        }
    }

    /// The expression for a dotted path into the event.
    fn path(&self, parts: &[String]) -> String {
        let json = JSON_COLUMNS
            .into_iter()
            .find(|c| c.eq_ignore_ascii_case(&parts[0]))
            .filter(|c| self.athena() || *c != "serviceEventDetails");
        match (json, parts) {
            (Some(col), [_, rest @ ..]) if self.athena() && !rest.is_empty() => {
                let path = lit(&json_path(rest));
                format!("json_extract_scalar({}, {path})", col.to_ascii_lowercase())
            }
            (Some(col), [_, key, rest @ ..]) => {
                let value = format!("element_at({col}, {})", lit(key));
                if rest.is_empty() {
                    value
                } else {
                    format!("json_extract_scalar({value}, {})", lit(&json_path(rest)))
                }
            }
            (Some(col), _) => self.json_column(col),
            (None, _) => {
                let mut expr = String::new();
                for part in parts {
                    match part.parse::<u32>() {
                        Ok(i) if !expr.is_empty() => {
                            expr = format!("element_at({expr}, {})", u64::from(i) + 1);
                        }
                        _ if expr.is_empty() => expr = ident(&self.name(part)),
                        _ => expr = format!("{expr}.{}", ident(&self.name(part))),
                    }
                }
                expr
            }
        }
    }
}

/// A complete SELECT for the filter: `query` AND the optional time range
/// `[from, to)` in epoch ms, newest-last, at most 1000 rows.
pub fn to_sql(query: &Query, range: Option<(i64, i64)>, dialect: Dialect) -> String {
    let mut tr = Translator {
        dialect,
        notes: Vec::new(),
    };
    let time_col = tr.name("eventTime");
    let time = range.map(|(from, to)| tr.time_range(&time_col, Some(from), Some(to)));
    let filter = tr.query(query);
    let cond = and(time.into_iter().chain([filter]).collect());
    let mut out = String::from(match dialect {
        Dialect::Athena => "-- Athena: replace cloudtrail_logs with the name of your CloudTrail table.\n",
        Dialect::CloudTrailLake => {
            "-- CloudTrail Lake: replace <event-data-store-id> with your event data store's ID.\n"
        }
    });
    for note in &tr.notes {
        out.push_str(&format!("-- note: {note}\n"));
    }
    let n = |camel: &str| tr.name(camel);
    out.push_str(&format!(
        "SELECT {}, {}, {}, {}, {},\n  {} AS principal_arn, {} AS identity_type, {}\n",
        n("eventTime"),
        n("eventSource"),
        n("eventName"),
        n("awsRegion"),
        n("sourceIPAddress"),
        n("userIdentity.arn"),
        n("userIdentity.type"),
        n("errorCode"),
    ));
    out.push_str(match dialect {
        Dialect::Athena => "FROM cloudtrail_logs\n",
        Dialect::CloudTrailLake => "FROM <event-data-store-id>\n",
    });
    let lines = |items: &[Cond], op: &str| -> String {
        let rendered: Vec<String> = items.iter().map(|c| c.render(true)).collect();
        format!("WHERE {}\n", rendered.join(&format!("\n  {op} ")))
    };
    out.push_str(&match &cond {
        Cond::Const(true) => String::new(),
        Cond::And(items) => lines(items, "AND"),
        Cond::Or(items) => lines(items, "OR"),
        other => format!("WHERE {}\n", other.render(false)),
    });
    out.push_str(&format!("ORDER BY {time_col}\nLIMIT 1000"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn show() {
        for q in ["", "eventName:ConsoleLogin", "kind:AWSService", "-error:AccessDenied readOnly:false", "principal:alice", "hello", "requestParameters.bucketName:prod-* OR -(a b)", "userIdentity.sessionContext.sessionIssuer.userName:Admin", "kind:unknown", "kind:none", "x.0.y:1 resources.0.ARN:*", "readOnly:*", "errorCode:\"\"", "a.b-c:1"] {
            for d in [Dialect::Athena, Dialect::CloudTrailLake] {
                println!("=== {q} {d:?}\n{}\n", to_sql(&crate::query::parse(q).unwrap(), Some((1714557600000, 1714644000000)), d));
            }
        }
    }
}
