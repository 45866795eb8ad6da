//! Owns Sigma rules as detections: a rule set read from rule files (the
//! built-in SigmaHQ rules and the user's), each rule with its status, its
//! correlations resolved and its filters attached; [`engine`] runs the set
//! over events.

pub mod builtin;
pub mod condition;
pub mod correlate;
pub mod detection;
pub mod engine;
pub mod export;
pub mod matcher;
pub mod report;
pub mod rule;
pub mod yaml;

use detection::Detection;
use rule::{Body, Correlation, Filter, Level, Meta};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Shipped with Trailglass (SigmaHQ's rules).
    Builtin,
    /// Picked or dropped by the user.
    User,
}

/// Where a rule was read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Error,
    /// Written for another log source.
    NotApplicable,
    /// Can never fire on the loaded events (see [`engine::cannot_fire`]).
    CannotFire,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::NotApplicable => "not-applicable",
            Status::CannotFire => "cannot-fire",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Compiled {
    Detection(Detection),
    /// With its references resolved to rule indexes.
    Correlation(Correlation, Vec<usize>),
}

#[derive(Debug, Clone)]
pub struct RuleEntry {
    /// The id that names the rule: its `id`, else its `name`, else its title.
    pub key: String,
    pub meta: Meta,
    pub source: Source,
    pub status: Status,
    /// Why the status is not `ok`: a parse error with its line, or the
    /// reason the rule does not apply.
    pub reason: Option<String>,
    pub compiled: Option<Compiled>,
    /// Correlations that use this rule and report in its place.
    pub used_by: Vec<usize>,
}

impl RuleEntry {
    pub fn level(&self) -> Level {
        self.meta.level.unwrap_or(Level::Medium)
    }

    /// Whether the rule reports its own hits (a rule only feeding
    /// correlations that do not `generate` it does not).
    pub fn reports(&self) -> bool {
        self.used_by.is_empty()
    }

    pub fn detection(&self) -> Option<&Detection> {
        match &self.compiled {
            Some(Compiled::Detection(d)) if self.status == Status::Ok => Some(d),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FilterEntry {
    pub key: String,
    pub meta: Meta,
    pub source: Source,
    pub filter: Option<Filter>,
    pub error: Option<String>,
    /// Indexes of the rules it narrows.
    pub applies_to: Vec<usize>,
}

/// Rule files read, in the order given.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<RuleEntry>,
    pub filters: Vec<FilterEntry>,
}

/// Bounds on what one set may hold, so a file of a hundred thousand rules
/// is refused with a message instead of slowing every load.
pub const MAX_RULES: usize = 20_000;

impl RuleSet {
    /// SigmaHQ's CloudTrail rules.
    pub fn builtin() -> RuleSet {
        let mut set = RuleSet::default();
        for (file, text) in builtin::SIGMAHQ {
            set.add_file(file, text, Origin::Builtin);
        }
        set.resolve();
        set
    }

    /// [`Self::add_file`] for bytes that may not be text.
    pub fn add_bytes(&mut self, file: &str, bytes: &[u8], origin: Origin) {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.add_file(file, text, origin),
            Err(error) => {
                let line = 1 + bytes[..error.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                let source = Source {
                    file: file.to_owned(),
                    line,
                    origin,
                };
                self.push_error(
                    file,
                    source,
                    Meta::default(),
                    "the file is not UTF-8 text".into(),
                );
            }
        }
    }

    /// Reads every document of a rule file. Call [`Self::resolve`] once all
    /// files are added.
    pub fn add_file(&mut self, file: &str, text: &str, origin: Origin) {
        let source = |line| Source {
            file: file.to_owned(),
            line,
            origin,
        };
        let documents = match yaml::parse_documents(text, yaml::YamlLimits::default()) {
            Ok(documents) => documents,
            Err(error) => {
                self.push_error(file, source(error.line), Meta::default(), error.message);
                return;
            }
        };
        if documents.is_empty() {
            self.push_error(
                file,
                source(1),
                Meta::default(),
                "the file holds no rule".into(),
            );
            return;
        }
        for node in documents {
            if self.rules.len() + self.filters.len() >= MAX_RULES {
                self.push_error(
                    file,
                    source(node.line),
                    Meta::default(),
                    format!("more than {MAX_RULES} rules; the rest of this file is not read"),
                );
                return;
            }
            match rule::document(&node) {
                Err(failed) => {
                    let (meta, error) = *failed;
                    self.push_error(file, source(error.line), meta, error.message)
                }
                Ok(document) => {
                    let key = key_of(&document.meta, file, document.line);
                    match document.body {
                        Body::Filter(filter) => self.filters.push(FilterEntry {
                            key,
                            meta: document.meta,
                            source: source(document.line),
                            filter: Some(filter),
                            error: None,
                            applies_to: Vec::new(),
                        }),
                        body => {
                            let (status, reason) = match document.meta.logsource.not_cloudtrail() {
                                Some(reason) => (Status::NotApplicable, Some(reason)),
                                None => (Status::Ok, None),
                            };
                            let compiled = match body {
                                Body::Detection(d) => Compiled::Detection(d),
                                Body::Correlation(c) => Compiled::Correlation(c, Vec::new()),
                                Body::Filter(_) => unreachable!("handled above"),
                            };
                            self.rules.push(RuleEntry {
                                key,
                                meta: document.meta,
                                source: source(document.line),
                                status,
                                reason,
                                compiled: Some(compiled),
                                used_by: Vec::new(),
                            });
                        }
                    }
                }
            }
        }
    }

    fn push_error(&mut self, file: &str, source: Source, meta: Meta, message: String) {
        let key = key_of(&meta, file, source.line);
        let reason = format!("{}: {}", source.line, message);
        self.rules.push(RuleEntry {
            key,
            meta,
            source,
            status: Status::Error,
            reason: Some(format!("line {reason}")),
            compiled: None,
            used_by: Vec::new(),
        });
    }

    /// Settles what depends on the whole set: duplicate ids, correlations'
    /// references (by id, name or title), and which rules each filter narrows.
    pub fn resolve(&mut self) {
        let mut seen: rustc_hash::FxHashMap<String, usize> = Default::default();
        for index in 0..self.rules.len() {
            let key = self.rules[index].key.clone();
            if let Some(&first) = seen.get(&key) {
                let first = &self.rules[first].source;
                let message = format!(
                    "the id {key} is already used by the rule at {}:{}; this one is not run",
                    first.file, first.line
                );
                let entry = &mut self.rules[index];
                entry.status = Status::Error;
                entry.reason = Some(message);
                entry.compiled = None;
            } else {
                seen.insert(key, index);
            }
        }
        for entry in &mut self.rules {
            entry.used_by.clear();
        }
        for index in 0..self.rules.len() {
            let Some(Compiled::Correlation(correlation, _)) = &self.rules[index].compiled else {
                continue;
            };
            let correlation = correlation.clone();
            let mut resolved = Vec::new();
            let mut problem = None;
            for reference in &correlation.rules {
                match self.find(reference) {
                    Some(target) if target == index => {
                        problem = Some(format!("refers to itself ('{reference}')"))
                    }
                    Some(target) if self.rules[target].status != Status::Ok => {
                        problem = Some(format!(
                            "refers to '{reference}', which cannot run: {}",
                            self.rules[target].reason.as_deref().unwrap_or("not ok")
                        ))
                    }
                    Some(target) => resolved.push(target),
                    None => {
                        problem = Some(format!("refers to '{reference}', which no loaded rule is"))
                    }
                }
            }
            if problem.is_none() && self.reaches(index, &resolved, 0) {
                problem = Some("its references loop back to it".into());
            }
            let entry = &mut self.rules[index];
            match problem {
                Some(message) if entry.status == Status::Ok => {
                    entry.status = Status::Error;
                    entry.reason = Some(format!("line {}: {message}", entry.source.line));
                }
                Some(_) => {}
                None => {
                    if let Some(Compiled::Correlation(_, targets)) = &mut entry.compiled {
                        *targets = resolved.clone();
                    }
                    if !correlation.generate && entry.status == Status::Ok {
                        for target in resolved {
                            self.rules[target].used_by.push(index);
                        }
                    }
                }
            }
        }
        for index in 0..self.filters.len() {
            let entry = &self.filters[index];
            let Some(filter) = &entry.filter else {
                continue;
            };
            let logsource = entry.meta.logsource.clone();
            let applies_to: Vec<usize> = match &filter.rules {
                None => (0..self.rules.len())
                    .filter(|&r| logsource.contains(&self.rules[r].meta.logsource))
                    .collect(),
                Some(references) => references.iter().filter_map(|r| self.find(r)).collect(),
            };
            let unknown: Vec<&String> = filter
                .rules
                .iter()
                .flatten()
                .filter(|r| self.find(r).is_none())
                .collect();
            let error = (!unknown.is_empty()).then(|| {
                format!(
                    "names rules that are not loaded: {}",
                    unknown
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            let entry = &mut self.filters[index];
            entry.applies_to = applies_to
                .into_iter()
                .filter(|&r| matches!(self.rules[r].compiled, Some(Compiled::Detection(_))))
                .collect();
            entry.error = error;
        }
    }

    /// A rule by id, then name, then title.
    pub fn find(&self, reference: &str) -> Option<usize> {
        let by = |get: &dyn Fn(&RuleEntry) -> Option<&str>| {
            self.rules.iter().position(|r| get(r) == Some(reference))
        };
        by(&|r| r.meta.id.as_deref())
            .or_else(|| by(&|r| r.meta.name.as_deref()))
            .or_else(|| by(&|r| Some(r.meta.title.as_str())))
            .or_else(|| by(&|r| Some(r.key.as_str())))
    }

    /// Whether following references from `targets` comes back to `start`.
    fn reaches(&self, start: usize, targets: &[usize], depth: usize) -> bool {
        if depth > 16 {
            return true;
        }
        targets.iter().any(|&t| {
            t == start
                || match &self.rules[t].compiled {
                    Some(Compiled::Correlation(c, _)) => {
                        let next: Vec<usize> =
                            c.rules.iter().filter_map(|r| self.find(r)).collect();
                        self.reaches(start, &next, depth + 1)
                    }
                    _ => false,
                }
        })
    }

    /// Removes every rule and filter read from `file`.
    pub fn remove_file(&mut self, file: &str) {
        self.rules.retain(|r| r.source.file != file);
        self.filters.retain(|f| f.source.file != file);
        self.resolve();
    }
}

fn key_of(meta: &Meta, file: &str, line: usize) -> String {
    meta.id
        .clone()
        .or_else(|| meta.name.clone())
        .unwrap_or_else(|| format!("{file}:{line}"))
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests;
