//! Owns one Sigma document: its metadata (title, id, author, level, log
//! source…) and its body, a detection rule, a correlation rule or a filter,
//! checked as the specification asks and compiled.

use super::detection::{Detection, RuleError};
use super::yaml::{Node, Value};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl From<crate::analysis::detect::Severity> for Level {
    fn from(severity: crate::analysis::detect::Severity) -> Self {
        use crate::analysis::detect::Severity;
        match severity {
            Severity::Low => Level::Low,
            Severity::Medium => Level::Medium,
            Severity::High => Level::High,
            Severity::Critical => Level::Critical,
        }
    }
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "informational" => Level::Informational,
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            "critical" => Level::Critical,
            _ => return None,
        })
    }

    /// As a heading shows it: `High`.
    pub fn title(self) -> &'static str {
        match self {
            Level::Informational => "Informational",
            Level::Low => "Low",
            Level::Medium => "Medium",
            Level::High => "High",
            Level::Critical => "Critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LogSource {
    pub product: Option<String>,
    pub service: Option<String>,
    pub category: Option<String>,
}

impl LogSource {
    /// Why a rule for this source cannot apply to CloudTrail events, if so.
    pub fn not_cloudtrail(&self) -> Option<String> {
        let off = |key: &str, value: &Option<String>, wanted: &str| match value {
            Some(v) if !v.eq_ignore_ascii_case(wanted) => Some(format!("{key}: {v}")),
            _ => None,
        };
        let reason = off("product", &self.product, "aws")
            .or_else(|| off("service", &self.service, "cloudtrail"))
            .or_else(|| self.category.as_ref().map(|c| format!("category: {c}")))?;
        Some(format!(
            "written for another log source ({reason}), not AWS CloudTrail"
        ))
    }

    /// Whether a filter for `self` applies to a rule for `rule`: every
    /// field the filter names, the rule names alike.
    pub fn contains(&self, rule: &LogSource) -> bool {
        let same = |mine: &Option<String>, theirs: &Option<String>| match mine {
            None => true,
            Some(m) => theirs.as_ref().is_some_and(|t| t.eq_ignore_ascii_case(m)),
        };
        same(&self.product, &rule.product)
            && same(&self.service, &rule.service)
            && same(&self.category, &rule.category)
    }
}

/// What every kind of document may carry.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Meta {
    pub title: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub modified: Option<String>,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub falsepositives: Vec<String>,
    pub level: Option<Level>,
    pub logsource: LogSource,
    pub license: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrelationKind {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
    ValueSum,
    ValueAvg,
    ValuePercentile,
}

impl CorrelationKind {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "event_count" => Self::EventCount,
            "value_count" => Self::ValueCount,
            "temporal" => Self::Temporal,
            "temporal_ordered" => Self::TemporalOrdered,
            "value_sum" => Self::ValueSum,
            "value_avg" => Self::ValueAvg,
            "value_percentile" => Self::ValuePercentile,
            _ => return None,
        })
    }

    /// Whether the condition needs a `field` to aggregate.
    fn needs_field(self) -> bool {
        matches!(
            self,
            Self::ValueCount | Self::ValueSum | Self::ValueAvg | Self::ValuePercentile
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

impl Comparison {
    pub fn holds(self, value: f64, limit: f64) -> bool {
        match self {
            Comparison::Gt => value > limit,
            Comparison::Gte => value >= limit,
            Comparison::Lt => value < limit,
            Comparison::Lte => value <= limit,
            Comparison::Eq => value == limit,
            Comparison::Neq => value != limit,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    pub kind: CorrelationKind,
    /// Referenced rules: ids, names or (as some rule sets do) titles.
    pub rules: Vec<String>,
    pub group_by: Vec<String>,
    pub timespan_ms: i64,
    /// All joined by AND; empty for temporal kinds (every rule must occur).
    pub condition: Vec<(Comparison, f64)>,
    pub field: Option<String>,
    /// alias → (rule reference → field).
    pub aliases: Vec<(String, Vec<(String, String)>)>,
    /// Whether the referenced rules also report on their own.
    pub generate: bool,
}

#[derive(Debug, Clone)]
pub struct Filter {
    /// `None`: every rule of the filter's log source.
    pub rules: Option<Vec<String>>,
    pub detection: Detection,
}

#[derive(Debug, Clone)]
pub enum Body {
    Detection(Detection),
    Correlation(Correlation),
    Filter(Filter),
}

#[derive(Debug, Clone)]
pub struct Document {
    pub meta: Meta,
    pub body: Body,
    /// Where the document starts in its file.
    pub line: usize,
}

/// Reads one YAML document as a Sigma rule, correlation or filter.
pub fn document(node: &Node) -> Result<Document, Box<(Meta, RuleError)>> {
    let meta = meta(node).map_err(|e| Box::new((Meta::default(), e)))?;
    let body = body(node).map_err(|e| Box::new((meta.clone(), e)))?;
    Ok(Document {
        meta,
        body,
        line: node.line,
    })
}

fn text(node: &Node, key: &str) -> Result<Option<String>, RuleError> {
    match node.get(key) {
        None => Ok(None),
        Some(value) if value.is_null() => Ok(None),
        Some(value) => match value.text() {
            Some(text) => Ok(Some(text.to_owned())),
            None => Err(RuleError::new(value.line, format!("'{key}' must be text"))),
        },
    }
}

fn texts(node: &Node, key: &str) -> Result<Vec<String>, RuleError> {
    match node.get(key) {
        None => Ok(Vec::new()),
        Some(value) => match value.texts() {
            Some(list) => Ok(list.into_iter().map(str::to_owned).collect()),
            None => Err(RuleError::new(
                value.line,
                format!("'{key}' must be a list of texts"),
            )),
        },
    }
}

fn meta(node: &Node) -> Result<Meta, RuleError> {
    if !matches!(node.value, Value::Map(_)) {
        return Err(RuleError::new(node.line, "a rule must be a map of keys"));
    }
    let title =
        text(node, "title")?.ok_or_else(|| RuleError::new(node.line, "the rule has no 'title'"))?;
    let level = match node.get("level") {
        None => None,
        Some(value) if value.is_null() => None,
        Some(value) => Some(value.text().and_then(Level::parse).ok_or_else(|| {
            RuleError::new(
                value.line,
                "'level' must be informational, low, medium, high or critical",
            )
        })?),
    };
    let logsource = match node.get("logsource") {
        None => LogSource::default(),
        Some(source) => LogSource {
            product: text(source, "product")?,
            service: text(source, "service")?,
            category: text(source, "category")?,
        },
    };
    // `author` is sometimes written as a list.
    let author = match node.get("author") {
        Some(value) if !value.is_null() => value.texts().map(|list| list.join(", ")),
        _ => None,
    };
    Ok(Meta {
        title,
        id: text(node, "id")?,
        name: text(node, "name")?,
        status: text(node, "status")?,
        description: text(node, "description")?,
        author,
        date: text(node, "date")?,
        modified: text(node, "modified")?,
        references: texts(node, "references")?,
        tags: texts(node, "tags")?,
        falsepositives: texts(node, "falsepositives")?,
        level,
        logsource,
        license: text(node, "license")?,
    })
}

fn body(node: &Node) -> Result<Body, RuleError> {
    let kinds = ["detection", "correlation", "filter"]
        .iter()
        .filter(|k| node.get(k).is_some())
        .count();
    if kinds > 1 {
        return Err(RuleError::new(
            node.line,
            "a document has one of 'detection', 'correlation' or 'filter', not several",
        ));
    }
    if let Some(detection) = node.get("detection") {
        return Ok(Body::Detection(Detection::compile(detection, &[])?));
    }
    if let Some(correlation) = node.get("correlation") {
        return Ok(Body::Correlation(compile_correlation(correlation)?));
    }
    if let Some(filter) = node.get("filter") {
        let rules = match filter.get("rules") {
            None => None,
            Some(value) if value.text().is_some_and(|t| t.eq_ignore_ascii_case("any")) => None,
            Some(value) => match value.texts() {
                Some(list) if list.is_empty() => None,
                Some(list) => Some(list.into_iter().map(str::to_owned).collect()),
                None => {
                    return Err(RuleError::new(
                        value.line,
                        "'rules' must be a list of rule ids",
                    ))
                }
            },
        };
        let detection = Detection::compile(filter, &["rules"])?;
        return Ok(Body::Filter(Filter { rules, detection }));
    }
    Err(RuleError::new(
        node.line,
        "the document has no 'detection' (nor 'correlation' nor 'filter')",
    ))
}

/// `30s`, `5m`, `1h`, `2d`, as the specification writes time spans.
pub fn timespan_ms(text: &str) -> Option<i64> {
    let unit = text.chars().last()?;
    let number: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let scale = match unit {
        's' => 1_000,
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => 86_400_000,
        'w' => 7 * 86_400_000,
        _ => return None,
    };
    (number > 0).then(|| number.checked_mul(scale)).flatten()
}

fn compile_correlation(node: &Node) -> Result<Correlation, RuleError> {
    let kind_text = text(node, "type")?
        .ok_or_else(|| RuleError::new(node.line, "the correlation has no 'type'"))?;
    let kind = CorrelationKind::parse(&kind_text).ok_or_else(|| {
        RuleError::new(
            node.get("type").map_or(node.line, |n| n.line),
            format!("unknown correlation type '{kind_text}'"),
        )
    })?;
    let rules = texts(node, "rules")?;
    if rules.is_empty() {
        return Err(RuleError::new(
            node.line,
            "the correlation names no 'rules'",
        ));
    }
    let group_by = texts(node, "group-by")?;
    let span_node = node
        .get("timespan")
        .ok_or_else(|| RuleError::new(node.line, "the correlation has no 'timespan'"))?;
    let timespan_ms = span_node.text().and_then(timespan_ms).ok_or_else(|| {
        RuleError::new(
            span_node.line,
            "'timespan' must be a number and a unit: s, m, h or d (e.g. 5m)",
        )
    })?;
    let mut condition = Vec::new();
    let mut field = None;
    if let Some(cond) = node.get("condition") {
        let Value::Map(entries) = &cond.value else {
            return Err(RuleError::new(
                cond.line,
                "'condition' must be a map such as 'gte: 10'",
            ));
        };
        for (key, value) in entries {
            let op = match key.as_str() {
                "gt" => Comparison::Gt,
                "gte" => Comparison::Gte,
                "lt" => Comparison::Lt,
                "lte" => Comparison::Lte,
                "eq" => Comparison::Eq,
                "neq" => Comparison::Neq,
                "field" => {
                    field = match value.texts() {
                        Some(list) if !list.is_empty() => Some(list.join(",")),
                        _ => return Err(RuleError::new(value.line, "'field' must name a field")),
                    };
                    continue;
                }
                other => {
                    return Err(RuleError::new(
                        value.line,
                        format!("unknown condition '{other}' (gt, gte, lt, lte, eq, neq, field)"),
                    ))
                }
            };
            let limit = value
                .text()
                .and_then(|t| t.parse::<f64>().ok())
                .ok_or_else(|| RuleError::new(value.line, format!("'{key}' must be a number")))?;
            condition.push((op, limit));
        }
    }
    let temporal = matches!(
        kind,
        CorrelationKind::Temporal | CorrelationKind::TemporalOrdered
    );
    if condition.is_empty() && !temporal {
        return Err(RuleError::new(
            node.line,
            "the correlation has no 'condition'",
        ));
    }
    if kind.needs_field() && field.is_none() {
        return Err(RuleError::new(
            node.line,
            format!("a {kind_text} correlation needs 'field' in its condition"),
        ));
    }
    let mut aliases = Vec::new();
    if let Some(node) = node.get("aliases") {
        let Value::Map(entries) = &node.value else {
            return Err(RuleError::new(node.line, "'aliases' must be a map"));
        };
        for (alias, per_rule) in entries {
            let Value::Map(map) = &per_rule.value else {
                return Err(RuleError::new(
                    per_rule.line,
                    "an alias maps rule names to fields",
                ));
            };
            let mut fields = Vec::new();
            for (rule, field) in map {
                let Some(field) = field.text() else {
                    return Err(RuleError::new(
                        field.line,
                        "an alias's field must be a name",
                    ));
                };
                fields.push((rule.clone(), field.to_owned()));
            }
            aliases.push((alias.clone(), fields));
        }
    }
    let generate = node
        .get("generate")
        .and_then(Node::text)
        .is_some_and(|t| t.eq_ignore_ascii_case("true"));
    Ok(Correlation {
        kind,
        rules,
        group_by,
        timespan_ms,
        condition,
        field,
        aliases,
        generate,
    })
}
