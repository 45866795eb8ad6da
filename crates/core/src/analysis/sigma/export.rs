//! Owns writing Sigma: a search of the query language as a Sigma rule, and
//! the built-in TG rules as Sigma rules (with correlations where they
//! count), refusing, with the reason, whatever Sigma cannot say exactly.

use sha2::{Digest, Sha256};

use crate::analysis::detect::{Condition as TgCondition, Rule as TgRule, Severity, RULES};
use crate::input::identity::PrincipalKind as Kind;
use crate::query::{Field, Query, Test};
use crate::store::columns::Column;

/// A search as Sigma: the detection's searches and its condition.
struct Written {
    searches: Vec<(String, String)>,
    condition: String,
}

/// Why a search has no Sigma equivalent.
pub type Untranslatable = String;

/// Quotes a scalar for YAML: always single-quoted, so nothing in it is
/// read as YAML syntax.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A value written for Sigma: Sigma reads `*`, `?` and `\` before them
/// as wildcards and escapes, so exact text escapes them.
fn exact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A glob of the query language (`*`, `?`, no escapes) for Sigma.
fn glob(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Identity types that are CloudTrail's own `userIdentity.type` values.
fn raw_identity_type(value: &str) -> Option<&'static str> {
    const RAW: [Kind; 10] = [
        Kind::Root,
        Kind::IamUser,
        Kind::AssumedRole,
        Kind::FederatedUser,
        Kind::IdentityCenterUser,
        Kind::SamlUser,
        Kind::WebIdentityUser,
        Kind::AwsService,
        Kind::AwsAccount,
        Kind::Directory,
    ];
    RAW.iter()
        .map(|k| k.type_name())
        .find(|k| k.eq_ignore_ascii_case(value))
}

fn field_name(field: &Field, test: &Test) -> Result<String, Untranslatable> {
    match field {
        Field::Path(path) => {
            if path.iter().any(|p| p.parse::<usize>().is_ok()) {
                return Err(format!(
                    "the path {} picks a list element by position, which Sigma cannot",
                    path.join(".")
                ));
            }
            Ok(path.join("."))
        }
        Field::Column(Column::Principal) => Err(
            "'principal' is Trailglass's reading of the identity, not a field of the event; search userIdentity.arn instead"
                .into(),
        ),
        Field::Column(Column::Kind) => match test {
            Test::Equals(v) if raw_identity_type(v).is_some() => Ok("userIdentity.type".into()),
            _ => Err(
                "'kind' is Trailglass's reading of the identity; only CloudTrail's own userIdentity.type values translate"
                    .into(),
            ),
        },
        Field::Column(Column::Time) if matches!(test, Test::TimeRange { .. }) => Err(
            "a time range belongs to the investigation, not to a rule: Sigma rules have no time ranges"
                .into(),
        ),
        Field::Column(column) => Ok(column.def().field.to_owned()),
        Field::Rule => Err(
            "rule: names the events another rule matched; Sigma cannot refer to a rule's hits in a detection"
                .into(),
        ),
    }
}

fn term_value(test: &Test) -> Result<(&'static str, String), Untranslatable> {
    Ok(match test {
        Test::Present => ("", quote("?*")),
        Test::Equals(v) => ("", quote(&exact(v))),
        Test::Glob(g) => ("", quote(&glob(g))),
        Test::Regex(re) => ("|re|i", quote(re.0.as_str())),
        Test::Bool(b) => ("", b.to_string()),
        Test::TimeRange { .. } => {
            return Err("Sigma has no time ranges".into());
        }
    })
}

fn write(query: &Query, out: &mut Written) -> Result<String, Untranslatable> {
    let mut add = |body: String| {
        let name = format!("search{}", out.searches.len() + 1);
        out.searches.push((name.clone(), body));
        name
    };
    Ok(match query {
        Query::All => {
            return Err(
                "an empty search matches every event; a rule needs something to look for".into(),
            )
        }
        Query::Text(text) => add(format!("        - {}\n", quote(&exact(text)))),
        Query::Field { field, test } => {
            let name = field_name(field, test)?;
            let (modifiers, value) = term_value(test)?;
            let value = match (field, test) {
                (Field::Column(Column::Kind), Test::Equals(v)) => {
                    quote(raw_identity_type(v).unwrap_or(v))
                }
                _ => value,
            };
            add(format!(
                "        {}: {value}\n",
                quote(&format!("{name}{modifiers}"))
            ))
        }
        Query::Not(inner) => format!("not {}", write(inner, out)?),
        Query::And(parts) | Query::Or(parts) => {
            let joiner = if matches!(query, Query::And(_)) {
                " and "
            } else {
                " or "
            };
            let written: Result<Vec<String>, _> = parts.iter().map(|p| write(p, out)).collect();
            format!("({})", written?.join(joiner))
        }
    })
}

/// A stable UUID for a name, so exporting twice gives the same ids.
pub fn uuid_for(name: &str) -> String {
    let hash = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn detection_yaml(query: &Query) -> Result<String, Untranslatable> {
    let mut written = Written {
        searches: Vec::new(),
        condition: String::new(),
    };
    let condition = write(query, &mut written)?;
    written.condition = condition
        .strip_prefix('(')
        .and_then(|c| c.strip_suffix(')'))
        .filter(|inner| !inner.contains('(') && !inner.contains(')'))
        .map_or(condition.clone(), str::to_owned);
    let mut yaml = String::from("detection:\n");
    for (name, body) in &written.searches {
        yaml.push_str(&format!("    {name}:\n"));
        yaml.push_str(body);
    }
    yaml.push_str(&format!("    condition: {}\n", written.condition));
    Ok(yaml)
}

/// The search `text` (already parsed as `query`) as a Sigma rule.
pub fn search_as_rule(text: &str, query: &Query, title: &str) -> Result<String, Untranslatable> {
    let detection = detection_yaml(query)?;
    let title = if title.trim().is_empty() {
        "Saved Trailglass search"
    } else {
        title.trim()
    };
    let mut yaml = String::new();
    yaml.push_str(&format!("title: {}\n", quote(title)));
    yaml.push_str(&format!(
        "id: {}\n",
        uuid_for(&format!("trailglass-search:{text}"))
    ));
    yaml.push_str("status: experimental\n");
    yaml.push_str(&format!(
        "description: {}\n",
        quote(&format!("Saved from the Trailglass search: {text}"))
    ));
    yaml.push_str("author: Trailglass user\n");
    yaml.push_str("logsource:\n    product: aws\n    service: cloudtrail\n");
    yaml.push_str(&detection);
    if query_has_text(query) {
        yaml.push_str("# Free text in Trailglass also finds field names; Sigma keywords look at values only.\n");
    }
    yaml.push_str("level: medium\n");
    Ok(yaml)
}

fn query_has_text(query: &Query) -> bool {
    match query {
        Query::Text(_) => true,
        Query::And(parts) | Query::Or(parts) => parts.iter().any(query_has_text),
        Query::Not(inner) => query_has_text(inner),
        _ => false,
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

fn tg_header(rule: &TgRule, id: &str, title: &str) -> String {
    let mut yaml = String::new();
    yaml.push_str(&format!("title: {}\n", quote(title)));
    yaml.push_str(&format!("id: {id}\n"));
    yaml.push_str(&format!(
        "name: {}\n",
        rule.id.to_lowercase().replace('-', "_")
    ));
    yaml.push_str("status: experimental\n");
    yaml.push_str(&format!(
        "description: {}\n",
        quote(&format!(
            "Trailglass rule {}: {}. Search: {}",
            rule.id, rule.title, rule.query
        ))
    ));
    yaml.push_str("author: Trailglass\n");
    let technique = rule.technique.to_lowercase();
    yaml.push_str(&format!("tags:\n    - attack.{technique}\n"));
    yaml.push_str("logsource:\n    product: aws\n    service: cloudtrail\n");
    yaml
}

/// One built-in rule as Sigma (one or more YAML documents).
pub fn tg_rule_as_sigma(rule: &TgRule) -> Result<String, Untranslatable> {
    let query = crate::query::parse(rule.query).map_err(|e| e.to_string())?;
    let id = uuid_for(&format!("trailglass-rule:{}", rule.id));
    match rule.condition {
        TgCondition::Each => {
            let mut yaml = tg_header(rule, &id, rule.title);
            yaml.push_str(&detection_yaml(&query)?);
            yaml.push_str(&format!("level: {}\n", level(rule.severity)));
            Ok(yaml)
        }
        TgCondition::OtherUser => {
            // The user named is not the caller: a field reference.
            let mut yaml = tg_header(rule, &id, rule.title);
            let detection = detection_yaml(&query)?;
            let (searches, condition) = detection
                .rsplit_once("    condition: ")
                .ok_or("no condition")?;
            yaml.push_str(searches);
            yaml.push_str("    filter_same_user:\n        'requestParameters.userName|fieldref': 'userIdentity.userName'\n");
            yaml.push_str(&format!(
                "    condition: ({}) and not filter_same_user\n",
                condition.trim_end()
            ));
            yaml.push_str(&format!("level: {}\n", level(rule.severity)));
            Ok(yaml)
        }
        TgCondition::Burst { events, minutes } => {
            // An event_count correlation over the rule's events, per principal.
            let base_id = uuid_for(&format!("trailglass-rule:{}:events", rule.id));
            let base_name = format!("{}_events", rule.id.to_lowercase().replace('-', "_"));
            let mut yaml = tg_header(rule, &id, rule.title);
            yaml = yaml.replace("logsource:\n    product: aws\n    service: cloudtrail\n", "");
            yaml.push_str(&format!(
                "correlation:\n    type: event_count\n    rules:\n        - {base_name}\n    group-by:\n        - userIdentity.arn\n    timespan: {minutes}m\n    condition:\n        gte: {events}\n"
            ));
            yaml.push_str(&format!("level: {}\n---\n", level(rule.severity)));
            let mut base = tg_header(rule, &base_id, &format!("{} (each event)", rule.title));
            base = base.replace(
                &format!("name: {}\n", rule.id.to_lowercase().replace('-', "_")),
                &format!("name: {base_name}\n"),
            );
            yaml.push_str(&base);
            yaml.push_str(&detection_yaml(&query)?);
            yaml.push_str("level: informational\n");
            Ok(yaml)
        }
        TgCondition::NewRegion => Err(
            "it compares each region with the loaded time span, which a Sigma rule cannot know".into(),
        ),
        TgCondition::NewUserWithKey => Err(
            "it pairs CreateUser and CreateAccessKey for one user over the whole loaded span; a Sigma temporal correlation needs a fixed time span"
                .into(),
        ),
    }
}

/// Every built-in rule as one multi-document Sigma file; rules Sigma
/// cannot express are listed at the top with the reason.
pub fn tg_rules_as_sigma() -> String {
    let mut documents = Vec::new();
    let mut left_out = Vec::new();
    for rule in RULES {
        match tg_rule_as_sigma(rule) {
            Ok(yaml) => documents.push(yaml),
            Err(reason) => left_out.push(format!("#   {} {}: {reason}", rule.id, rule.title)),
        }
    }
    let mut out = String::from(
        "# Trailglass's built-in detection rules, as Sigma rules for AWS CloudTrail.\n",
    );
    if !left_out.is_empty() {
        out.push_str("# Left out, because Sigma cannot say them exactly:\n");
        out.push_str(&left_out.join("\n"));
        out.push('\n');
    }
    out.push_str(&documents.join("---\n"));
    out
}

#[cfg(test)]
mod tests;
