//! "Copy as SQL": one SELECT asking Athena or CloudTrail Lake the same
//! question as a search [`Query`] plus the visible time range.
//!
//! Values are log data a stranger may control: each goes into a literal with
//! `'` doubled, each odd name into a double-quoted identifier, and nothing
//! from the query reaches a `--` comment. SQL's NULL would make `NOT x`
//! unknown where Trailglass says true, so a negation of something that can
//! be NULL reads `NOT coalesce(x, FALSE)`. What SQL cannot say exactly
//! (`principal`, free text) is approximated, and a `-- note:` line says so.

use crate::input::identity::PrincipalKind;
use crate::query::{Field, Query, Test};
use crate::store::columns::{Column, Sql};

/// The engine the SQL is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Athena over the table from the CloudTrail docs' DDL (lowercase columns).
    Athena,
    /// A CloudTrail Lake event data store (camelCase fields, map parameters).
    CloudTrailLake,
}

const PRINCIPAL_NOTE: &str = "principal is approximated by the caller ARN, the part of it \
    after the first slash, the user name, the session issuer ARN and the invoking service.";
const TEXT_NOTE: &str = "free text is approximated as a case-insensitive substring of the \
    main text columns, not of the whole event.";

const LIST_NOTE: &str = "a dotted path is read without looking into lists: where it meets \
    a list in an event (resources, requestParameters items), SQL tests only what \
    json_extract_scalar or the first element of the list reaches, where Trailglass tests every element.";

const RULE_NOTE: &str = "rule: (the events a detection rule matched) has no SQL form and \
    is left out, so this selects more; export the rule as Sigma instead.";

/// The leading comment and the SELECT up to the WHERE, per dialect.
const ATHENA_HEAD: (&str, &str) = (
    "-- Replace cloudtrail_logs with your CloudTrail table in Athena.\n",
    "SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress,\n  \
    useridentity.arn AS principal_arn, useridentity.type AS identity_type, errorcode\n\
    FROM cloudtrail_logs\n",
);
const LAKE_HEAD: (&str, &str) = (
    "-- Replace <event-data-store-id> with your CloudTrail Lake event data store ID.\n",
    "SELECT eventTime, eventSource, eventName, awsRegion, sourceIPAddress,\n  \
    userIdentity.arn AS principal_arn, userIdentity.type AS identity_type, errorCode\n\
    FROM <event-data-store-id>\n",
);

/// A condition tree that folds TRUE/FALSE away as it is built.
#[derive(Debug)]
enum Cond {
    Const(bool),
    /// SQL that may be NULL, with no top-level AND/OR.
    Atom(String),
    /// SQL that is never NULL, with no top-level AND/OR.
    Sure(String),
    /// SQL that is never NULL, with a top-level AND/OR of its own.
    Paren(String),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
}

/// `items` joined by AND (`all`) or OR, flattening nested ANDs into one.
fn join(all: bool, items: Vec<Cond>) -> Cond {
    let mut out = Vec::new();
    for item in items {
        match item {
            Cond::Const(b) if b == all => {}
            Cond::Const(b) => return Cond::Const(b),
            Cond::And(inner) if all => out.extend(inner),
            other => out.push(other),
        }
    }
    match out.len() {
        0 => Cond::Const(all),
        1 => out.remove(0),
        _ if all => Cond::And(out),
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
    /// Whether SQL may evaluate this to NULL (where Trailglass says false).
    fn nullable(&self) -> bool {
        match self {
            Cond::Atom(_) => true,
            Cond::And(items) | Cond::Or(items) => items.iter().any(Cond::nullable),
            _ => false,
        }
    }

    /// SQL text; `nested` when it sits inside another AND/OR.
    fn render(&self, nested: bool) -> String {
        let group = |items: &[Cond], op: &str| {
            let inner = items.iter().map(|c| c.render(true));
            let inner = inner.collect::<Vec<_>>().join(op);
            if nested {
                format!("({inner})")
            } else {
                inner
            }
        };
        match self {
            Cond::Const(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
            Cond::Paren(sql) if nested => format!("({sql})"),
            Cond::Atom(sql) | Cond::Sure(sql) | Cond::Paren(sql) => sql.clone(),
            Cond::And(items) => group(items, " AND "),
            Cond::Or(items) => group(items, " OR "),
            Cond::Not(x) if x.nullable() => format!("NOT coalesce({}, FALSE)", x.render(false)),
            Cond::Not(x) => format!("NOT ({})", x.render(false)),
        }
    }
}

/// A string literal: `'` doubled, so no value can end it early.
fn lit(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Text (a glob if `glob`) as a LIKE pattern for `ESCAPE '\'`.
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
    let first = chars.next();
    first.is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A JSONPath such as `$.bucketName`, `$.items[0]` or `$["odd key"]`.
fn json_path(parts: &[String]) -> String {
    let mut out = String::from("$");
    for part in parts {
        out += &match part {
            p if p.parse::<u32>().is_ok() => format!("[{p}]"),
            p if is_plain_name(p) => format!(".{p}"),
            p => format!("[\"{}\"]", p.replace('\\', "\\\\").replace('"', "\\\"")),
        };
    }
    out
}

/// Columns holding JSON: strings in Athena, string maps in Lake.
const JSON_COLUMNS: [&str; 3] = [
    "requestParameters",
    "responseElements",
    "additionalEventData",
];

struct Translator {
    athena: bool,
    notes: Vec<&'static str>,
}

impl Translator {
    /// A field in this dialect: Athena's columns are the lowercase names.
    fn name(&self, camel: &str) -> String {
        match self.athena {
            true => camel.to_ascii_lowercase(),
            false => camel.to_string(),
        }
    }

    /// A column or struct field, double-quoted unless plainly safe.
    fn ident(&self, name: &str) -> String {
        match self.name(name) {
            n if is_plain_name(&n) => n,
            n => format!("\"{}\"", n.replace('"', "\"\"")),
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
            Query::And(items) => join(true, items.iter().map(|q| self.query(q)).collect()),
            Query::Or(items) => join(false, items.iter().map(|q| self.query(q)).collect()),
            Query::Not(inner) => not(self.query(inner)),
            Query::Text(text) if text.is_empty() => Cond::Const(true),
            Query::Text(text) => self.text(text),
            Query::Field { field, test } => self.field(field, test),
        }
    }

    fn field(&mut self, field: &Field, test: &Test) -> Cond {
        let def = match field {
            Field::Column(column) => column.def(),
            Field::Path(parts) => {
                if parts.len() > 1 {
                    self.note(LIST_NOTE);
                }
                return self.test(&self.path(parts), test, false);
            }
            Field::Rule => {
                self.note(RULE_NOTE);
                return Cond::Const(true);
            }
        };
        match def.sql {
            Sql::Field => self.test(&self.name(def.field), test, def.value.absent_is_empty()),
            Sql::ReadOnly => self.read_only(def.field, test),
            Sql::Kind => self.kind(test),
            Sql::Principal => self.principal(test),
        }
    }

    /// `test` on a string expression; `missing_is_empty` when Trailglass
    /// reads an absent value as "" (so NULL must pass whatever "" passes).
    fn test(&self, col: &str, test: &Test, missing_is_empty: bool) -> Cond {
        let cond = match test {
            Test::Present => Cond::Paren(format!("{col} IS NOT NULL AND {col} <> ''")),
            Test::Equals(v) => Cond::Atom(format!("lower({col}) = {}", lit(&v.to_lowercase()))),
            Test::Glob(p) => {
                let pattern = lit(&like_escape(&p.to_lowercase(), true));
                Cond::Atom(format!("lower({col}) LIKE {pattern} ESCAPE '\\'"))
            }
            Test::Regex(re) => {
                let pattern = lit(&format!("(?i){}", re.0.as_str()));
                Cond::Atom(format!("regexp_like({col}, {pattern})"))
            }
            Test::Bool(b) => Cond::Atom(format!("{col} = '{b}'")),
            Test::TimeRange { from, to } => self.time_range(col, *from, *to),
        };
        match missing_is_empty && test.matches_text("") {
            true => join(false, vec![cond, Cond::Sure(format!("{col} IS NULL"))]),
            false => cond,
        }
    }

    /// `from <= col < to`; Athena parses ISO strings, Lake compares text.
    fn time_range(&self, col: &str, from: Option<i64>, to: Option<i64>) -> Cond {
        if from.is_none() && to.is_none() {
            return Cond::Sure(format!("{col} IS NOT NULL"));
        }
        let bound = |op: &str, ms: i64| {
            let utc = crate::time::format_utc(ms);
            Cond::Atom(match self.athena {
                true => format!(
                    "from_iso8601_timestamp({col}) {op} from_iso8601_timestamp({})",
                    lit(&utc)
                ),
                false => format!(
                    "{col} {op} {}",
                    lit(&utc[..utc.len() - 1].replace('T', " "))
                ),
            })
        };
        let bounds = [from.map(|ms| bound(">=", ms)), to.map(|ms| bound("<", ms))];
        join(true, bounds.into_iter().flatten().collect())
    }

    fn read_only(&self, field: &str, test: &Test) -> Cond {
        let col = self.name(field);
        let (t, f) = (test.matches_text("true"), test.matches_text("false"));
        let known = match (t, f, self.athena) {
            (false, false, _) => Cond::Const(false),
            (true, true, true) => Cond::Atom(format!("{col} IN ('true', 'false')")),
            (true, true, false) => Cond::Sure(format!("{col} IS NOT NULL")),
            (_, _, true) => Cond::Atom(format!("{col} = '{t}'")),
            (_, _, false) => Cond::Atom(format!("{col} = {t}")),
        };
        let unknown = match test.matches_text("") {
            true => Cond::Sure(format!("{col} IS NULL")),
            false => Cond::Const(false),
        };
        join(false, vec![known, unknown])
    }

    /// `userIdentity.type`, plus the kinds Trailglass infers without one.
    fn kind(&self, test: &Test) -> Cond {
        use PrincipalKind as K;
        let accepts = |k: &K| test.matches_text(k.type_name()) || test.matches_text(k.label());
        let (ty, by) = (
            self.name("userIdentity.type"),
            self.name("userIdentity.invokedBy"),
        );
        let identity = self.name("userIdentity");
        let typed = || K::ALL.iter().filter(|k| !matches!(k, K::Unknown | K::None));
        let list = |kinds: Vec<&K>| {
            let names: Vec<String> = kinds.iter().map(|k| lit(k.type_name())).collect();
            names.join(", ")
        };
        let wanted: Vec<&K> = typed().filter(|k| accepts(k)).collect();
        let mut parts = vec![match wanted.as_slice() {
            _ if K::ALL.iter().all(accepts) => Cond::Const(true),
            [] => Cond::Const(false),
            [one] => Cond::Atom(format!("{ty} = {}", lit(one.type_name()))),
            _ => Cond::Atom(format!("{ty} IN ({})", list(wanted))),
        }];
        if accepts(&K::AwsService) {
            parts.push(Cond::Paren(format!("{ty} IS NULL AND {by} IS NOT NULL")));
        }
        if accepts(&K::Unknown) {
            parts.push(Cond::Atom(format!(
                "{ty} NOT IN ({})",
                list(typed().collect())
            )));
            let sql = format!("{identity} IS NOT NULL AND {ty} IS NULL AND {by} IS NULL");
            parts.push(Cond::Paren(sql));
        }
        if accepts(&K::None) {
            parts.push(Cond::Sure(format!("{identity} IS NULL")));
        }
        join(false, parts)
    }

    fn principal(&mut self, test: &Test) -> Cond {
        // Every event has a principal name ("unknown" at worst).
        if *test == Test::Present {
            return Cond::Const(true);
        }
        self.note(PRINCIPAL_NOTE);
        let arn = self.name("userIdentity.arn");
        let candidates = [
            format!("regexp_replace({arn}, '^[^/]*/', '')"),
            arn,
            self.name("userIdentity.userName"),
            self.name("userIdentity.sessionContext.sessionIssuer.arn"),
            self.name("userIdentity.invokedBy"),
        ];
        let tests = candidates.iter().map(|c| self.test(c, test, false));
        join(false, tests.collect())
    }

    fn text(&mut self, text: &str) -> Cond {
        self.note(TEXT_NOTE);
        let columns = "eventName eventSource errorCode errorMessage userAgent sourceIPAddress \
            userIdentity.arn requestParameters responseElements";
        let columns: Vec<String> = columns
            .split_whitespace()
            .map(|c| self.json_column(c))
            .collect();
        let pattern = lit(&format!("%{}%", like_escape(&text.to_lowercase(), false)));
        let all = columns.join(", ");
        Cond::Sure(format!(
            "lower(concat_ws(' ', {all})) LIKE {pattern} ESCAPE '\\'"
        ))
    }

    /// A column as text (Lake's JSON maps as their JSON).
    fn json_column(&self, camel: &str) -> String {
        match self.athena || !JSON_COLUMNS.contains(&camel) {
            true => self.name(camel),
            false => format!("json_format(CAST({camel} AS JSON))"),
        }
    }

    /// The expression for a dotted path into the event: JSON columns by
    /// JSONPath (Lake: by map key first), anything else by struct access.
    fn path(&self, parts: &[String]) -> String {
        let mut json = JSON_COLUMNS.to_vec();
        json.extend(self.athena.then_some("serviceEventDetails"));
        let json = json.into_iter().find(|c| c.eq_ignore_ascii_case(&parts[0]));
        match (json, parts) {
            (Some(col), [_, rest @ ..]) if self.athena && !rest.is_empty() => {
                format!(
                    "json_extract_scalar({}, {})",
                    self.name(col),
                    lit(&json_path(rest))
                )
            }
            (Some(col), [_, key, rest @ ..]) => {
                let value = format!("element_at({col}, {})", lit(key));
                match rest.is_empty() {
                    true => value,
                    false => format!("json_extract_scalar({value}, {})", lit(&json_path(rest))),
                }
            }
            (Some(col), _) => self.json_column(col),
            (None, _) => {
                let mut expr = self.ident(&parts[0]);
                let rest = &parts[1..];
                // `resources` is a list of structs: a field of it is read from its first element.
                if parts[0].eq_ignore_ascii_case("resources")
                    && rest.first().is_some_and(|p| p.parse::<u32>().is_err())
                {
                    expr = format!("element_at({expr}, 1)");
                }
                for part in rest {
                    expr = match part.parse::<u32>() {
                        Ok(i) => format!("element_at({expr}, {})", u64::from(i) + 1),
                        Err(_) => format!("{expr}.{}", self.ident(part)),
                    };
                }
                expr
            }
        }
    }
}

/// A complete SELECT for the filter: `query` AND the optional time range
/// `[from, to)` in epoch ms, oldest first, at most 1000 rows.
pub fn to_sql(query: &Query, range: Option<(i64, i64)>, dialect: Dialect) -> String {
    let athena = dialect == Dialect::Athena;
    let mut tr = Translator {
        athena,
        notes: Vec::new(),
    };
    let time = tr.name(Column::Time.field());
    let range = range.map(|(from, to)| tr.time_range(&time, Some(from), Some(to)));
    let filter = tr.query(query);
    let cond = join(true, range.into_iter().chain([filter]).collect());
    let (head, select) = match athena {
        true => ATHENA_HEAD,
        false => LAKE_HEAD,
    };
    let mut out = head.to_string();
    for note in &tr.notes {
        out += &format!("-- note: {note}\n");
    }
    out += select;
    let lines = |items: &[Cond], op: &str| {
        let rendered: Vec<String> = items.iter().map(|c| c.render(true)).collect();
        format!("WHERE {}\n", rendered.join(&format!("\n  {op} ")))
    };
    out += &match &cond {
        Cond::Const(true) => String::new(),
        Cond::And(items) => lines(items, "AND"),
        Cond::Or(items) => lines(items, "OR"),
        other => format!("WHERE {}\n", other.render(false)),
    };
    out + &format!("ORDER BY {time}\nLIMIT 1000")
}

#[cfg(test)]
mod tests;
