//! Query semantics on the public corpus: every query form returns exactly the
//! events an independent, naive evaluation (serde_json values, written here)
//! says it should.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::Path;
use trailglass_core::load::ingest::Loader;
use trailglass_core::query::filter::{select, Filter};

fn load(folders: &[&str]) -> Loader {
    let mut loader = Loader::default();
    for folder in folders {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .join("tests/fixtures")
            .join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            loader.load(&file.display().to_string(), &std::fs::read(&file).unwrap());
        }
    }
    loader.store.seal();
    loader
}

fn text<'v>(event: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter().try_fold(event, |v, k| v.get(k))?.as_str()
}

/// A JSON path as Trailglass reads one: exact keys first, then ignoring ASCII case.
fn path_text<'v>(event: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter()
        .try_fold(event, |v, k| {
            let map = v.as_object()?;
            map.get(*k).or_else(|| {
                map.iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v)
            })
        })?
        .as_str()
}

/// Every string at a JSON path, looking into each element where the path meets a list.
fn path_texts<'v>(value: &'v Value, path: &[&str], out: &mut Vec<&'v str>) {
    match (value, path.split_first()) {
        (Value::Array(items), Some(_)) => items.iter().for_each(|v| path_texts(v, path, out)),
        (Value::Object(map), Some((key, rest))) => {
            if let Some(v) = map.get(*key) {
                path_texts(v, rest, out);
            }
        }
        (Value::String(s), None) => out.push(s),
        (Value::Array(items), None) => items.iter().for_each(|v| path_texts(v, &[], out)),
        _ => {}
    }
}

fn time_ms(event: &Value) -> Option<i64> {
    text(event, &["eventTime"]).and_then(trailglass_core::time::parse_rfc3339)
}

#[test]
fn every_query_form_matches_a_naive_evaluation() {
    let loader = load(&["invictus-ir", "stratus-red-team", "seeds", "panther"]);
    let store = &loader.store;
    let order = trailglass_core::query::view::time_order(store);
    let events: Vec<Value> = store
        .rows
        .iter()
        .map(|row| serde_json::from_slice(&store.raw_json(row)).unwrap())
        .collect();
    let raws: Vec<String> = store
        .rows
        .iter()
        .map(|row| String::from_utf8_lossy(&store.raw_json(row)).to_ascii_lowercase())
        .collect();
    let t = |s: &str| trailglass_core::time::parse_rfc3339(s).unwrap();
    let kind = |e: &Value| {
        text(e, &["userIdentity", "type"])
            .map(str::to_owned)
            .or_else(|| text(e, &["userIdentity", "invokedBy"]).map(|_| "AWSService".to_owned()))
    };
    type Naive<'a> = Box<dyn Fn(usize, &Value) -> bool + 'a>;
    let cases: Vec<(&str, Naive<'_>)> = vec![
        (
            "eventName:ConsoleLogin",
            Box::new(|_, e| {
                text(e, &["eventName"]).is_some_and(|n| n.eq_ignore_ascii_case("consolelogin"))
            }),
        ),
        (
            "eventName:Get*",
            Box::new(|_, e| {
                text(e, &["eventName"]).is_some_and(|n| n.to_ascii_lowercase().starts_with("get"))
            }),
        ),
        (
            "action:/^(Put|Delete)/",
            Box::new(|_, e| {
                text(e, &["eventName"])
                    .is_some_and(|n| n.starts_with("Put") || n.starts_with("Delete"))
            }),
        ),
        (
            "errorCode:*",
            Box::new(|_, e| text(e, &["errorCode"]).is_some_and(|c| !c.is_empty())),
        ),
        (
            "-errorCode:*",
            Box::new(|_, e| text(e, &["errorCode"]).is_none_or(str::is_empty)),
        ),
        (
            "AccessDenied",
            Box::new(|i, _| raws[i].contains("accessdenied")),
        ),
        (
            "\"iam.amazonaws.com\" -readOnly:true",
            Box::new(|i, e| {
                raws[i].contains("iam.amazonaws.com")
                    && e.get("readOnly") != Some(&Value::Bool(true))
            }),
        ),
        (
            "readOnly:false",
            Box::new(|_, e| e.get("readOnly") == Some(&Value::Bool(false))),
        ),
        (
            "kind:AssumedRole",
            Box::new(|_, e| kind(e).as_deref() == Some("AssumedRole")),
        ),
        (
            "kind:AWSService OR kind:Root",
            Box::new(|_, e| matches!(kind(e).as_deref(), Some("AWSService" | "Root"))),
        ),
        (
            "requestParameters.bucketName:*",
            Box::new(|_, e| {
                path_text(e, &["requestParameters", "bucketName"]).is_some_and(|b| !b.is_empty())
            }),
        ),
        (
            "userIdentity.sessionContext.sessionIssuer.userName:/admin/",
            Box::new(|_, e| {
                path_text(
                    e,
                    &[
                        "userIdentity",
                        "sessionContext",
                        "sessionIssuer",
                        "userName",
                    ],
                )
                .is_some_and(|n| n.to_ascii_lowercase().contains("admin"))
            }),
        ),
        (
            // Paths look into every element of the lists they cross.
            "requestParameters.eventSelectors.dataResources.type:\"AWS::Lambda::Function\" OR responseElements.securityGroupRuleSet.items.cidrIpv4:*/0",
            Box::new(|_, e| {
                let mut found = Vec::new();
                path_texts(e, &["requestParameters", "eventSelectors", "dataResources", "type"], &mut found);
                let lambda = found.contains(&"AWS::Lambda::Function");
                found.clear();
                path_texts(e, &["responseElements", "securityGroupRuleSet", "items", "cidrIpv4"], &mut found);
                lambda || found.iter().any(|c| c.ends_with("/0"))
            }),
        ),
        (
            "region:us-east-1 service:ec2.amazonaws.com",
            Box::new(|_, e| {
                text(e, &["awsRegion"]) == Some("us-east-1")
                    && text(e, &["eventSource"]) == Some("ec2.amazonaws.com")
            }),
        ),
        (
            "time>=2023-07-10T12:10Z time<2023-07-10T12:20Z",
            Box::new(|_, e| {
                time_ms(e).is_some_and(|ms| {
                    ms >= t("2023-07-10T12:10:00Z") && ms < t("2023-07-10T12:20:00Z")
                })
            }),
        ),
        (
            "time:2023-07-10 NOT (service:sts.amazonaws.com OR service:s3.amazonaws.com)",
            Box::new(|_, e| {
                time_ms(e).is_some_and(|ms| ms >= t("2023-07-10") && ms < t("2023-07-11"))
                    && !matches!(
                        text(e, &["eventSource"]),
                        Some("sts.amazonaws.com" | "s3.amazonaws.com")
                    )
            }),
        ),
        (
            "ip:/^10\\./ OR agent:*boto3*",
            Box::new(|_, e| {
                text(e, &["sourceIPAddress"]).is_some_and(|ip| ip.starts_with("10."))
                    || text(e, &["userAgent"])
                        .is_some_and(|a| a.to_ascii_lowercase().contains("boto3"))
            }),
        ),
    ];
    for (query, naive) in cases {
        let filter = Filter {
            query: trailglass_core::query::parse(query).unwrap(),
            ..Filter::default()
        };
        let mut got = select(store, &order, &filter);
        got.sort_unstable();
        let expected: Vec<u32> = (0..events.len())
            .filter(|&i| naive(i, &events[i]))
            .map(|i| i as u32)
            .collect();
        assert_eq!(got.len(), expected.len(), "`{query}`");
        assert_eq!(got, expected, "`{query}`");
        assert!(
            !expected.is_empty(),
            "`{query}` should match something in the corpus"
        );
    }
}
