//! Owns the MITRE ATT&CK Navigator layer written from findings: each
//! technique the rules name, scored by the events they found, with the rules
//! as its comment (layer format 4.5, as the Navigator documents it).

use serde_json::{json, Value};

/// A finding as the layer needs it.
pub struct LayerFinding<'a> {
    /// `T1078` or `T1078.004`; anything else is left out of the layer.
    pub technique: &'a str,
    pub rule: &'a str,
    pub title: &'a str,
    pub count: usize,
}

/// Whether `id` is an ATT&CK technique or sub-technique id.
pub fn is_technique(id: &str) -> bool {
    let Some(number) = id.strip_prefix('T') else {
        return false;
    };
    let (main, sub) = match number.split_once('.') {
        Some((main, sub)) => (main, Some(sub)),
        None => (number, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(main, 4) && sub.is_none_or(|sub| digits(sub, 3))
}

/// The layer: one entry per technique, its score the events its rules
/// found, the rules (id, title, events) in its comment.
pub fn layer(name: &str, description: &str, findings: &[LayerFinding]) -> Value {
    let mut techniques: std::collections::BTreeMap<&str, (usize, Vec<String>)> = Default::default();
    for finding in findings.iter().filter(|f| is_technique(f.technique)) {
        let entry = techniques.entry(finding.technique).or_default();
        entry.0 += finding.count;
        entry.1.push(format!(
            "{} {} ({} events)",
            finding.rule, finding.title, finding.count
        ));
    }
    let max = techniques
        .values()
        .map(|(score, _)| *score)
        .max()
        .unwrap_or(0);
    json!({
        "name": name,
        "versions": { "attack": "16", "navigator": "5.1.0", "layer": "4.5" },
        "domain": "enterprise-attack",
        "description": description,
        "filters": { "platforms": ["IaaS"] },
        "sorting": 3,
        "hideDisabled": false,
        "techniques": techniques.iter().map(|(id, (score, rules))| json!({
            "techniqueID": id,
            "score": score,
            "comment": rules.join("; "),
            "enabled": true,
            "showSubtechniques": true,
        })).collect::<Vec<_>>(),
        "gradient": { "colors": ["#fff7b2", "#ff6666"], "minValue": 0, "maxValue": max.max(1) },
        "legendItems": [],
        "showTacticRowBackground": false,
        "selectTechniquesAcrossTactics": true,
        "selectSubtechniquesWithParent": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn techniques_are_told_from_other_tags() {
        assert!(is_technique("T1078"));
        assert!(is_technique("T1078.004"));
        assert!(!is_technique("T1078.4"));
        assert!(!is_technique("t1078"));
        assert!(!is_technique("TA0001"));
        assert!(!is_technique(""));
    }

    #[test]
    fn the_layer_scores_techniques_by_events_and_names_the_rules() {
        let findings = [
            LayerFinding {
                technique: "T1078.004",
                rule: "TG-001",
                title: "Root account used",
                count: 3,
            },
            LayerFinding {
                technique: "T1078.004",
                rule: "TG-002",
                title: "Console login without MFA",
                count: 2,
            },
            LayerFinding {
                technique: "T1562.008",
                rule: "TG-004",
                title: "CloudTrail logging stopped",
                count: 1,
            },
            LayerFinding {
                technique: "",
                rule: "x",
                title: "no technique",
                count: 9,
            },
        ];
        let layer = layer("case", "findings", &findings);
        // The fields layer format 4.5 requires, with their types.
        assert_eq!(layer["versions"]["layer"], "4.5");
        assert_eq!(layer["domain"], "enterprise-attack");
        assert!(layer["name"].is_string());
        let techniques = layer["techniques"].as_array().unwrap();
        assert_eq!(techniques.len(), 2);
        assert_eq!(techniques[0]["techniqueID"], "T1078.004");
        assert_eq!(techniques[0]["score"], 5);
        assert_eq!(
            techniques[0]["comment"],
            "TG-001 Root account used (3 events); TG-002 Console login without MFA (2 events)"
        );
        assert_eq!(techniques[1]["techniqueID"], "T1562.008");
        assert_eq!(layer["gradient"]["maxValue"], 5);
    }
}
