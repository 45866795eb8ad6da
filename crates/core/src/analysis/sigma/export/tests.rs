//! Tests of `export`: what Sigma cannot say is refused with a reason.

use super::*;

fn sigma(text: &str) -> Result<String, Untranslatable> {
    search_as_rule(text, &crate::query::parse(text).unwrap(), "t")
}

#[test]
fn searches_without_a_sigma_equivalent_say_why() {
    assert!(sigma("principal:alice")
        .unwrap_err()
        .contains("userIdentity.arn"));
    assert!(sigma("kind:\"Identity Center user\"").is_err());
    assert!(sigma("time:2024-01-01..2024-02-01")
        .unwrap_err()
        .contains("time range"));
    assert!(sigma("").unwrap_err().contains("every event"));
    assert!(sigma("resources.0.ARN:x").unwrap_err().contains("position"));
}

#[test]
fn values_are_quoted_and_escaped() {
    let yaml = sigma(r#"requestParameters.key:"it's a*b" OR action:Get*"#).unwrap();
    assert!(
        yaml.contains(r"'requestParameters.key': 'it''s a\*b'"),
        "{yaml}"
    );
    assert!(yaml.contains("'eventName': 'Get*'"), "{yaml}");
    assert!(yaml.contains("condition: search1 or search2"), "{yaml}");
    let yaml = sigma("kind:root -error:*").unwrap();
    assert!(yaml.contains("'userIdentity.type': 'Root'"), "{yaml}");
    assert!(yaml.contains("not search2"), "{yaml}");
}

#[test]
fn stable_uuids() {
    assert_eq!(uuid_for("a"), uuid_for("a"));
    assert_ne!(uuid_for("a"), uuid_for("b"));
    let id = uuid_for("a");
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "5");
}
