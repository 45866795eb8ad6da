//! Owns a rule's `detection`: its search identifiers (field maps, lists of
//! maps, keyword lists) and condition compiled into something that tests
//! one JSON event, says why it matched, and tells which `eventName` or
//! `eventSource` values it can match at all.

use serde_json::Value as Json;

use super::condition::{self, Condition};
use super::matcher::{text_of, Event, FieldTest, Glob};
use super::yaml::{Node, Value};

#[derive(Debug, Clone)]
pub enum Search {
    /// Maps joined by OR; the tests in a map joined by AND.
    Fields(Vec<Vec<FieldTest>>),
    /// Values searched for anywhere in the event.
    Keywords {
        all: bool,
        globs: Vec<(Glob, String)>,
    },
}

#[derive(Debug, Clone)]
pub struct Detection {
    names: Vec<String>,
    searches: Vec<Search>,
    condition: Condition,
}

/// One reason an event matched: a search, and per field, what it held.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Why {
    pub search: String,
    /// The field (`"keywords"` for a keyword search) and the event's values
    /// that passed its test.
    pub fields: Vec<(String, Vec<String>)>,
}

/// Where a problem in a rule is, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub line: usize,
    pub message: String,
}

impl RuleError {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Detection {
    /// `node` is a `detection` map (or a filter's, with `skip` keys left out).
    pub fn compile(node: &Node, skip: &[&str]) -> Result<Detection, RuleError> {
        let Value::Map(entries) = &node.value else {
            return Err(RuleError::new(node.line, "'detection' must be a map"));
        };
        let mut names = Vec::new();
        let mut searches = Vec::new();
        let mut condition_node = None;
        for (key, value) in entries {
            match key.as_str() {
                "condition" => condition_node = Some(value),
                // The old aggregation's window; only meaningful with it.
                "timeframe" => {}
                key if skip.contains(&key) => {}
                _ => {
                    let search = compile_search(value).map_err(|e| match e {
                        e if e.line == 0 => {
                            RuleError::new(value.line, format!("in '{key}': {}", e.message))
                        }
                        e => RuleError::new(e.line, format!("in '{key}': {}", e.message)),
                    })?;
                    names.push(key.clone());
                    searches.push(search);
                }
            }
        }
        let Some(condition_node) = condition_node else {
            return Err(RuleError::new(
                node.line,
                "the detection has no 'condition'",
            ));
        };
        // A list of conditions is their OR (deprecated, still found).
        let texts: Vec<&str> = match condition_node.texts() {
            Some(texts) if !texts.is_empty() => texts,
            _ => {
                return Err(RuleError::new(
                    condition_node.line,
                    "'condition' must be an expression or a list of them",
                ))
            }
        };
        let mut parts = Vec::new();
        for text in texts {
            parts.push(
                condition::parse(text, &names)
                    .map_err(|message| RuleError::new(condition_node.line, message))?,
            );
        }
        let condition = if parts.len() == 1 {
            parts.remove(0)
        } else {
            Condition::Or(parts)
        };
        Ok(Detection {
            names,
            searches,
            condition,
        })
    }

    pub fn matches(&self, event: &Event) -> bool {
        // Each search is tested at most once per event; most rules have a
        // few, so the memo lives on the stack.
        const ON_STACK: usize = 16;
        let mut small = [None; ON_STACK];
        let mut large = Vec::new();
        let memo: &mut [Option<bool>] = if self.searches.len() <= ON_STACK {
            &mut small[..self.searches.len()]
        } else {
            large.resize(self.searches.len(), None);
            &mut large
        };
        self.condition.eval(&mut |index| {
            *memo[index].get_or_insert_with(|| search_matches(&self.searches[index], event, None))
        })
    }

    /// What made `event` match: every search the condition uses positively
    /// (not under `not`) that matched, with its fields and values.
    pub fn explain(&self, event: &Event) -> Vec<Why> {
        let mut positive = Vec::new();
        self.condition.positive(&mut positive);
        positive.sort_unstable();
        positive
            .into_iter()
            .filter_map(|index| {
                let mut fields = Vec::new();
                search_matches(&self.searches[index], event, Some(&mut fields)).then(|| Why {
                    search: self.names[index].clone(),
                    fields,
                })
            })
            .collect()
    }

    /// The values (lowercased) `field` must hold for the condition to be
    /// true; `None` when the condition does not pin it down.
    pub fn required(&self, field: &str) -> Option<Vec<String>> {
        required(&self.condition, &self.searches, field)
    }

    /// The slots of [`super::matcher::COLUMN_FIELDS`] the searches test,
    /// one bit each; `None` when they read anything else (keywords read
    /// every value).
    pub fn column_needs(&self) -> Option<u16> {
        let mut needs = 0;
        for search in &self.searches {
            match search {
                Search::Fields(maps) => {
                    for test in maps.iter().flatten() {
                        needs |= test.column_needs()?;
                    }
                }
                Search::Keywords { .. } => return None,
            }
        }
        Some(needs)
    }

    /// Every field name the searches test.
    pub fn fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for search in &self.searches {
            if let Search::Fields(maps) = search {
                for test in maps.iter().flatten() {
                    if !out.contains(&test.field.as_str()) {
                        out.push(&test.field);
                    }
                }
            }
        }
        out
    }

    /// The condition with `extra` (over `extra_searches`) joined by AND:
    /// how a Sigma filter narrows a rule.
    pub fn and_also(&self, other: &Detection) -> Detection {
        let offset = self.searches.len();
        let mut names = self.names.clone();
        names.extend(other.names.iter().map(|n| format!("filter:{n}")));
        let mut searches = self.searches.clone();
        searches.extend(other.searches.iter().cloned());
        Detection {
            names,
            searches,
            condition: Condition::And(vec![
                self.condition.clone(),
                shift(&other.condition, offset),
            ]),
        }
    }
}

fn shift(condition: &Condition, by: usize) -> Condition {
    match condition {
        Condition::Search(i) => Condition::Search(i + by),
        Condition::Not(inner) => Condition::Not(Box::new(shift(inner, by))),
        Condition::And(all) => Condition::And(all.iter().map(|c| shift(c, by)).collect()),
        Condition::Or(any) => Condition::Or(any.iter().map(|c| shift(c, by)).collect()),
    }
}

fn compile_search(node: &Node) -> Result<Search, RuleError> {
    match &node.value {
        Value::Map(entries) => {
            if let [(key, values)] = entries.as_slice() {
                if let Some(modifiers) = key.strip_prefix('|') {
                    return compile_keywords(values, modifiers);
                }
            }
            Ok(Search::Fields(vec![compile_map(entries, node.line)?]))
        }
        Value::Seq(items) if items.is_empty() => Err(RuleError::new(node.line, "an empty list")),
        Value::Seq(items) if items.iter().all(|i| matches!(i.value, Value::Map(_))) => {
            let mut maps = Vec::new();
            for item in items {
                let Value::Map(entries) = &item.value else {
                    unreachable!("checked above")
                };
                maps.push(compile_map(entries, item.line)?);
            }
            Ok(Search::Fields(maps))
        }
        Value::Seq(items)
            if items
                .iter()
                .all(|i| matches!(i.value, Value::Scalar { .. })) =>
        {
            compile_keywords(node, "")
        }
        Value::Seq(_) => Err(RuleError::new(
            node.line,
            "a list must hold only maps (of fields) or only values (keywords)",
        )),
        Value::Scalar { .. } if node.is_null() => {
            Err(RuleError::new(node.line, "a search cannot be empty"))
        }
        Value::Scalar { .. } => compile_keywords(node, ""),
    }
}

fn compile_map(entries: &[(String, Node)], line: usize) -> Result<Vec<FieldTest>, RuleError> {
    if entries.is_empty() {
        return Err(RuleError::new(line, "an empty map"));
    }
    entries
        .iter()
        .map(|(key, values)| {
            if key.starts_with('|') {
                return Err(RuleError::new(
                    values.line,
                    format!("'{key}' has no field name"),
                ));
            }
            FieldTest::compile(key, values)
                .map_err(|message| RuleError::new(values.line, format!("{key}: {message}")))
        })
        .collect()
}

fn compile_keywords(node: &Node, modifiers: &str) -> Result<Search, RuleError> {
    let all = match modifiers {
        "" => false,
        "all" => true,
        other => {
            return Err(RuleError::new(
                node.line,
                format!("keyword searches take only the 'all' modifier, not '{other}'"),
            ))
        }
    };
    let Some(values) = node.texts() else {
        return Err(RuleError::new(node.line, "keywords must be values"));
    };
    if values.is_empty() {
        return Err(RuleError::new(node.line, "an empty list of keywords"));
    }
    let globs = values
        .into_iter()
        .map(|v| (Glob::parse(&format!("*{v}*"), false), v.to_owned()))
        .collect();
    Ok(Search::Keywords { all, globs })
}

fn search_matches(
    search: &Search,
    event: &Event,
    mut why: Option<&mut Vec<(String, Vec<String>)>>,
) -> bool {
    match search {
        Search::Fields(maps) => maps.iter().any(|tests| {
            let mut fields = Vec::new();
            let ok = tests.iter().all(|test| {
                let mut values = Vec::new();
                let ok = test.matches(event, why.is_some().then_some(&mut values));
                fields.push((test.field.clone(), values));
                ok
            });
            if ok {
                if let Some(why) = why.as_deref_mut() {
                    why.extend(fields);
                }
            }
            ok
        }),
        Search::Keywords { all, globs } => {
            // Keywords look at every value: the one search that decodes
            // the whole event.
            let whole: Json = serde_json::from_slice(event.json()).unwrap_or(Json::Null);
            let mut scalars = Vec::new();
            collect_scalars(&whole, &mut scalars);
            let hit = |glob: &Glob| scalars.iter().find(|v| glob.is_match(&text_of(v)));
            let found: Vec<Option<&&Json>> = globs.iter().map(|(g, _)| hit(g)).collect();
            let ok = if *all {
                found.iter().all(Option::is_some)
            } else {
                found.iter().any(Option::is_some)
            };
            if let (true, Some(why)) = (ok, why) {
                let values = found
                    .iter()
                    .flatten()
                    .map(|v| text_of(v).chars().take(200).collect())
                    .collect();
                why.push(("keywords".into(), values));
            }
            ok
        }
    }
}

fn collect_scalars<'a>(event: &'a Json, out: &mut Vec<&'a Json>) {
    match event {
        Json::Object(map) => map.values().for_each(|v| collect_scalars(v, out)),
        Json::Array(items) => items.iter().for_each(|v| collect_scalars(v, out)),
        Json::Null => {}
        scalar => out.push(scalar),
    }
}

fn required(condition: &Condition, searches: &[Search], field: &str) -> Option<Vec<String>> {
    match condition {
        Condition::Search(index) => match &searches[*index] {
            Search::Fields(maps) => {
                let mut union: Vec<String> = Vec::new();
                for tests in maps {
                    let pinned = tests
                        .iter()
                        .filter(|t| t.field == field)
                        .filter_map(FieldTest::exact_values)
                        .min_by_key(Vec::len)?;
                    for value in pinned {
                        if !union.contains(&value) {
                            union.push(value);
                        }
                    }
                }
                Some(union)
            }
            Search::Keywords { .. } => None,
        },
        Condition::Not(_) => None,
        Condition::And(all) => all
            .iter()
            .filter_map(|c| required(c, searches, field))
            .min_by_key(Vec::len),
        Condition::Or(any) => {
            let mut union: Vec<String> = Vec::new();
            for c in any {
                for value in required(c, searches, field)? {
                    if !union.contains(&value) {
                        union.push(value);
                    }
                }
            }
            Some(union)
        }
    }
}
