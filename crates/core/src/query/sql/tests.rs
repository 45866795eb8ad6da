//! Tests of `sql`.

use super::Dialect::{Athena, CloudTrailLake as Lake};
use super::*;
use crate::query::parse;

fn sql(query: &str, dialect: Dialect) -> String {
    to_sql(&parse(query).unwrap(), None, dialect)
}

/// The WHERE clause alone ("" when there is none).
fn filter(query: &str, dialect: Dialect) -> String {
    let full = sql(query, dialect);
    let lines = full.lines().skip_while(|l| !l.starts_with("WHERE "));
    let lines: Vec<&str> = lines.take_while(|l| !l.starts_with("ORDER BY")).collect();
    lines.join("\n")
}

/// `query => Athena's WHERE, Lake's WHERE` rows.
macro_rules! filters {
    ($($query:expr => $athena:expr, $lake:expr;)*) => {$(
        assert_eq!(filter($query, Athena), $athena, "Athena: {}", $query);
        assert_eq!(filter($query, Lake), $lake, "Lake: {}", $query);
    )*};
}

#[test]
fn empty_query_has_no_where() {
    let athena = "-- Replace cloudtrail_logs with your CloudTrail table in Athena.\n\
            SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress,\n  \
            useridentity.arn AS principal_arn, useridentity.type AS identity_type, errorcode\n\
            FROM cloudtrail_logs\nORDER BY eventtime\nLIMIT 1000";
    let lake = "-- Replace <event-data-store-id> with your CloudTrail Lake event data store ID.\n\
            SELECT eventTime, eventSource, eventName, awsRegion, sourceIPAddress,\n  \
            userIdentity.arn AS principal_arn, userIdentity.type AS identity_type, errorCode\n\
            FROM <event-data-store-id>\nORDER BY eventTime\nLIMIT 1000";
    for empty in ["", "*", "principal:* kind:*", "\"\""] {
        assert_eq!(sql(empty, Athena), athena, "{empty}");
        assert_eq!(sql(empty, Lake), lake, "{empty}");
    }
    filters! { "-*" => "WHERE FALSE", "WHERE FALSE"; }
}

#[test]
fn time_range_and_field_equality() {
    let may1 = crate::time::parse_rfc3339("2024-05-01T10:00:00Z").unwrap();
    let query = parse("eventName:ConsoleLogin").unwrap();
    let athena = to_sql(&query, Some((may1, may1 + 86_400_250)), Athena);
    let want = "FROM cloudtrail_logs\n\
            WHERE from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('2024-05-01T10:00:00Z')\n  \
            AND from_iso8601_timestamp(eventtime) < from_iso8601_timestamp('2024-05-02T10:00:00.250Z')\n  \
            AND lower(eventname) = 'consolelogin'\nORDER BY eventtime\nLIMIT 1000";
    assert!(athena.ends_with(want), "{athena}");
    let lake = to_sql(&query, Some((may1, may1 + 86_400_250)), Lake);
    let want = "FROM <event-data-store-id>\n\
            WHERE eventTime >= '2024-05-01 10:00:00'\n  \
            AND eventTime < '2024-05-02 10:00:00.250'\n  \
            AND lower(eventName) = 'consolelogin'\nORDER BY eventTime\nLIMIT 1000";
    assert!(lake.ends_with(want), "{lake}");
    filters! {
        "time>=2024-05-01T10:00Z" =>
            "WHERE from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('2024-05-01T10:00:00Z')",
            "WHERE eventTime >= '2024-05-01 10:00:00'";
        "action:a service:b region:c account:d ip:e agent:f" =>
            "WHERE lower(eventname) = 'a'\n  AND lower(eventsource) = 'b'\n  \
                 AND lower(awsregion) = 'c'\n  AND lower(recipientaccountid) = 'd'\n  \
                 AND lower(sourceipaddress) = 'e'\n  AND lower(useragent) = 'f'",
            "WHERE lower(eventName) = 'a'\n  AND lower(eventSource) = 'b'\n  \
                 AND lower(awsRegion) = 'c'\n  AND lower(recipientAccountId) = 'd'\n  \
                 AND lower(sourceIPAddress) = 'e'\n  AND lower(userAgent) = 'f'";
        "error:\"\"" =>
            "WHERE lower(errorcode) = ''\n  OR errorcode IS NULL",
            "WHERE lower(errorCode) = ''\n  OR errorCode IS NULL";
    }
}

#[test]
fn globs_regexes_and_presence() {
    filters! {
        r"eventName:Get_%Obj\*?" =>
            r"WHERE lower(eventname) LIKE 'get\_\%obj\\%_' ESCAPE '\'",
            r"WHERE lower(eventName) LIKE 'get\_\%obj\\%_' ESCAPE '\'";
        r"agent:/aws-cli\/2\.'/" =>
            r"WHERE regexp_like(useragent, '(?i)aws-cli/2\.''')",
            r"WHERE regexp_like(userAgent, '(?i)aws-cli/2\.''')";
        "errorCode:*" =>
            "WHERE errorcode IS NOT NULL AND errorcode <> ''",
            "WHERE errorCode IS NOT NULL AND errorCode <> ''";
        "-errorCode:* action:x" =>
            "WHERE NOT (errorcode IS NOT NULL AND errorcode <> '')\n  AND lower(eventname) = 'x'",
            "WHERE NOT (errorCode IS NOT NULL AND errorCode <> '')\n  AND lower(eventName) = 'x'";
        // NULL errorcode must count as "not AccessDenied".
        "-error:AccessDenied" =>
            "WHERE NOT coalesce(lower(errorcode) = 'accessdenied', FALSE)",
            "WHERE NOT coalesce(lower(errorCode) = 'accessdenied', FALSE)";
    }
}

#[test]
fn kinds_and_read_only() {
    let aws_service = "useridentity.type = 'AWSService' OR \
            (useridentity.type IS NULL AND useridentity.invokedby IS NOT NULL)";
    filters! {
        "kind:AWSService action:x" =>
            format!("WHERE ({aws_service})\n  AND lower(eventname) = 'x'"),
            "WHERE (userIdentity.type = 'AWSService' OR (userIdentity.type IS NULL \
                 AND userIdentity.invokedBy IS NOT NULL))\n  AND lower(eventName) = 'x'";
        "-kind:AWSService" =>
            format!("WHERE NOT coalesce({aws_service}, FALSE)"),
            "WHERE NOT coalesce(userIdentity.type = 'AWSService' OR (userIdentity.type \
                 IS NULL AND userIdentity.invokedBy IS NOT NULL), FALSE)";
        "kind:iamuser" => "WHERE useridentity.type = 'IAMUser'", "WHERE userIdentity.type = 'IAMUser'";
        "kind:*Role" =>
            "WHERE useridentity.type IN ('AssumedRole', 'Role')",
            "WHERE userIdentity.type IN ('AssumedRole', 'Role')";
        "kind:none" => "WHERE useridentity IS NULL", "WHERE userIdentity IS NULL";
        "kind:nobody" => "WHERE FALSE", "WHERE FALSE";
        "readOnly:false" => "WHERE readonly = 'false'", "WHERE readOnly = false";
        "readOnly:true" => "WHERE readonly = 'true'", "WHERE readOnly = true";
        "readOnly:*" => "WHERE readonly IN ('true', 'false')", "WHERE readOnly IS NOT NULL";
        "-readOnly:*" =>
            "WHERE NOT coalesce(readonly IN ('true', 'false'), FALSE)",
            "WHERE NOT (readOnly IS NOT NULL)";
    }
}

#[test]
fn paths() {
    filters! {
        "requestParameters.bucketName:prod" =>
            "WHERE lower(json_extract_scalar(requestparameters, '$.bucketName')) = 'prod'",
            "WHERE lower(element_at(requestParameters, 'bucketName')) = 'prod'";
        "responseelements.items.0.x-y:1" =>
            r#"WHERE lower(json_extract_scalar(responseelements, '$.items[0]["x-y"]')) = '1'"#,
            r#"WHERE lower(json_extract_scalar(element_at(responseElements, 'items'), '$[0]["x-y"]')) = '1'"#;
        "userIdentity.sessionContext.sessionIssuer.userName:Admin" =>
            "WHERE lower(useridentity.sessioncontext.sessionissuer.username) = 'admin'",
            "WHERE lower(userIdentity.sessionContext.sessionIssuer.userName) = 'admin'";
        "errorMessage:x resources.0.ARN:y" =>
            "WHERE lower(errormessage) = 'x'\n  AND lower(element_at(resources, 1).arn) = 'y'",
            "WHERE lower(errorMessage) = 'x'\n  AND lower(element_at(resources, 1).ARN) = 'y'";
    }
}

#[test]
fn and_or_not_nesting() {
    let query = "action:Delete* AND NOT region:us-east-1 OR (service:s3.amazonaws.com -error:*)";
    filters! {
        query =>
            "WHERE (lower(eventname) LIKE 'delete%' ESCAPE '\\' AND NOT coalesce(lower(awsregion) = 'us-east-1', FALSE))\n  \
                 OR (lower(eventsource) = 's3.amazonaws.com' AND NOT (errorcode IS NOT NULL AND errorcode <> ''))",
            "WHERE (lower(eventName) LIKE 'delete%' ESCAPE '\\' AND NOT coalesce(lower(awsRegion) = 'us-east-1', FALSE))\n  \
                 OR (lower(eventSource) = 's3.amazonaws.com' AND NOT (errorCode IS NOT NULL AND errorCode <> ''))";
        "action:a (ip:b OR -(ip:c agent:d))" =>
            "WHERE lower(eventname) = 'a'\n  AND (lower(sourceipaddress) = 'b' OR \
                 NOT coalesce(lower(sourceipaddress) = 'c' AND lower(useragent) = 'd', FALSE))",
            "WHERE lower(eventName) = 'a'\n  AND (lower(sourceIPAddress) = 'b' OR \
                 NOT coalesce(lower(sourceIPAddress) = 'c' AND lower(userAgent) = 'd', FALSE))";
        "--action:a" => "WHERE lower(eventname) = 'a'", "WHERE lower(eventName) = 'a'";
    }
}

#[test]
fn quotes_stay_inside_literals() {
    filters! {
        r#"errorMessage:"it's""# =>
            "WHERE lower(errormessage) = 'it''s'", "WHERE lower(errorMessage) = 'it''s'";
        r#"action:"'; DROP TABLE x; --""# =>
            "WHERE lower(eventname) = '''; drop table x; --'",
            "WHERE lower(eventName) = '''; drop table x; --'";
    }
    // Whatever the input, removing literals and quoted names leaves no payload.
    let nasty = [
        r#"action:"'; DROP TABLE x; --""#,
        r#""'; DROP TABLE x; --""#,
        r"agent:/'; DROP TABLE x; --/",
        r"action:'*;DROP?TABLE'--",
        r#"requestParameters.a';DROP--:1 responseElements.b.c';DROP--:1"#,
        r#"userIdentity.a';DROP--:1 principal:"'; DROP TABLE x; --""#,
    ];
    for query in nasty {
        for dialect in [Athena, Lake] {
            let out = sql(query, dialect);
            let (mut outside, mut quote) = (String::new(), None);
            for c in out.chars() {
                match quote {
                    None if c == '\'' || c == '"' => quote = Some(c),
                    None => outside.push(c),
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                }
            }
            assert_eq!(quote, None, "{out}");
            assert!(!outside.to_lowercase().contains("drop"), "{out}");
            assert!(!outside.contains(';'), "{out}");
        }
    }
}

#[test]
fn approximations_are_noted() {
    let athena = sql("principal:alice AccessDenied", Athena);
    let notes: Vec<&str> = athena
        .lines()
        .filter(|l| l.starts_with("-- note:"))
        .collect();
    assert_eq!(
        notes,
        [
            format!("-- note: {PRINCIPAL_NOTE}"),
            format!("-- note: {TEXT_NOTE}")
        ]
    );
    assert!(!sql("action:a", Athena).contains("-- note:"));
    filters! {
        "principal:alice" =>
            "WHERE lower(regexp_replace(useridentity.arn, '^[^/]*/', '')) = 'alice'\n  \
                 OR lower(useridentity.arn) = 'alice'\n  OR lower(useridentity.username) = 'alice'\n  \
                 OR lower(useridentity.sessioncontext.sessionissuer.arn) = 'alice'\n  \
                 OR lower(useridentity.invokedby) = 'alice'",
            "WHERE lower(regexp_replace(userIdentity.arn, '^[^/]*/', '')) = 'alice'\n  \
                 OR lower(userIdentity.arn) = 'alice'\n  OR lower(userIdentity.userName) = 'alice'\n  \
                 OR lower(userIdentity.sessionContext.sessionIssuer.arn) = 'alice'\n  \
                 OR lower(userIdentity.invokedBy) = 'alice'";
        "100%_Sure" =>
            "WHERE lower(concat_ws(' ', eventname, eventsource, errorcode, errormessage, \
                 useragent, sourceipaddress, useridentity.arn, requestparameters, \
                 responseelements)) LIKE '%100\\%\\_sure%' ESCAPE '\\'",
            "WHERE lower(concat_ws(' ', eventName, eventSource, errorCode, errorMessage, \
                 userAgent, sourceIPAddress, userIdentity.arn, \
                 json_format(CAST(requestParameters AS JSON)), \
                 json_format(CAST(responseElements AS JSON)))) LIKE '%100\\%\\_sure%' ESCAPE '\\'";
    }
}
