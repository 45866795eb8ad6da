//! Tests of `eventscan`.

use super::*;

const EVENT: &str = r#"{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROA:s","arn":"arn:aws:sts::1:assumed-role/r/s","accountId":"1","accessKeyId":"ASIA1","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA","arn":"arn:aws:iam::1:role/r","accountId":"1","userName":"r"},"webIdFederationData":{},"attributes":{"creationDate":"2024-05-01T00:00:00Z","mfaAuthenticated":"false"},"sourceIdentity":"me"},"onBehalfOf":{"userId":"u","identityStoreArn":"arn:aws:identitystore::1:identitystore/d-1"},"invokedBy":"x.amazonaws.com","identityProvider":"p","credentialId":"c","userName":"n"},"eventTime":"2024-05-01T00:00:01Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2.0","errorCode":"AccessDenied","errorMessage":"no \"way\" \u00e9","requestParameters":{"bucketName":"b","n":[1,-2.5e3,0,true,false,null,{"k":[]}]},"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No","UserName":"x"},"requestID":"r","eventID":"e","readOnly":true,"eventType":"AwsApiCall","managementEvent":"false","recipientAccountId":"1","sessionCredentialFromConsole":"TRUE","@timestamp":"t","detail-type":"d","CloudTrailEvent":"c","logFiles":[],"s3":{}}"#;

#[test]
fn reads_what_serde_reads() {
    assert!(check_against_serde(EVENT, 0));
    let padded = format!("[ \n\t{EVENT} ,{{}}]");
    assert!(check_against_serde(&padded, 4));
    assert!(check_against_serde(&padded, padded.len() - 3));
    for spaced in [
        "{ \"eventName\" : \"A\" , \"x\" : [ 1 , { } ] }",
        "{\"eventName\":null,\"userIdentity\":null,\"readOnly\":null,\"detail\":null,\"s3\":null}",
        "{\"eventName\":true,\"readOnly\":false,\"Records\":[{\"a\":1}],\"Events\":{}}",
        "{\"eventName\":\"\\u0041\\n\",\"sourceIPAddress\":\"é€😀\"}",
        "{\"x\":\"\\ud800\",\"eventName\":\"a\"}",
        "{\"readOnly\":\"yes\",\"managementEvent\":\"False\"}",
        "{\"eventName\":\"a\",\"eventname\":\"b\",\"x\":1,\"x\":2}",
        "{\"n\":[0,-0,1.5,1e5,1E+5,1e-5,-12.25e-3,123456789012345678901234567890]}",
    ] {
        assert!(check_against_serde(spaced, 0), "{spaced}");
    }
}

#[test]
fn key_codes_tell_keys_apart() {
    let mut codes: Vec<KeyCode> = ALL_KEYS.iter().map(|k| key_code(k)).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ALL_KEYS.len());
    assert_eq!(
        key_code(b"arn"),
        (3, u64::from_le_bytes(*b"arn\0\0\0\0\0"), 0)
    );
    assert_ne!(key_code(b"arn"), key_code(b"arn\0"));
    for key in ALL_KEYS
        .iter()
        .chain(&[&b""[..], b"a", b"abcdefg", b"abcdefgh", b"abcdefghi"])
    {
        assert_eq!(code_of(key), key_code(key));
    }
    let long = key_code(b"recipientAccountId");
    assert_eq!(
        long,
        key_code(b"recipienXXccountId"),
        "longer keys share codes"
    );
}

#[test]
fn gives_up_where_serde_decides() {
    for text in [
        "{\"eventName\":\"a\",\"eventName\":\"b\"}",
        "{\"userIdentity\":{\"arn\":\"a\",\"arn\":null}}",
        "{\"event\\u004eame\":\"a\"}",
        "{\"eventName\":1}",
        "{\"eventName\":[\"a\"]}",
        "{\"readOnly\":1}",
        "{\"userIdentity\":[\"IAMUser\"]}",
        "{\"userIdentity\":\"x\"}",
        "{\"x\":01}",
        "{\"x\":1.}",
        "{\"x\":-}",
        "{\"x\":.5}",
        "{\"x\":1e}",
        "{\"x\":tru}",
        "{\"x\":\"a\tb\"}",
        "{\"x\":\"\\x\"}",
        "{\"x\":\"\\u12g4\"}",
        "{\"x\":[1,]}",
        "{\"x\":{\"a\":1,}}",
        "{\"x\":1,}",
        "{\"x\" 1}",
        "{\"x\":1",
        "{\"x\":\"abc",
        "{'x':1}",
        "{\"x\":NaN}",
    ] {
        assert!(event_at(text, 0).is_none(), "{text}");
    }
    let deep = format!("{{\"x\":{}1{}}}", "[".repeat(150), "]".repeat(150));
    assert!(event_at(&deep, 0).is_none());
    let fine = format!("{{\"x\":{}1{}}}", "[".repeat(90), "]".repeat(90));
    assert!(check_against_serde(&fine, 0));
}

/// Every object in every fixture (records, envelopes, nested values):
/// where the quick path reads one, serde_json reads the same.
#[test]
fn agrees_with_serde_on_every_object_of_every_fixture() {
    fn files(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, into);
            } else {
                into.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures"),
        &mut paths,
    );
    let mut texts: Vec<Vec<u8>> = paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).unwrap();
            if bytes.starts_with(&[0x1f, 0x8b]) {
                crate::input::container::gunzip(&bytes, 1 << 30).bytes
            } else {
                bytes
            }
        })
        .collect();
    let sample = crate::sample::SampleConfig {
        events: 2000,
        gzip: false,
        ..Default::default()
    };
    texts.extend(crate::sample::generate(&sample).map(|file| file.bytes));
    let (mut objects, mut read) = (0, 0);
    for text in &texts {
        let Ok(text) = std::str::from_utf8(text) else {
            continue;
        };
        for open in memchr::memchr_iter(b'{', text.as_bytes()) {
            objects += 1;
            read += usize::from(check_against_serde(text, open));
        }
    }
    assert!(
        objects > 40_000 && read * 2 > objects,
        "{read} of {objects}"
    );
}

#[test]
fn every_cut_and_every_byte_swap_of_an_event_agrees_with_serde() {
    for cut in 0..EVENT.len() {
        if EVENT.is_char_boundary(cut) {
            let _ = check_against_serde(&EVENT[..cut], 0);
        }
    }
    let bytes = EVENT.as_bytes();
    for at in 1..bytes.len() {
        for with in [
            b'"', b'\\', b',', b':', b'}', b']', b'{', b'[', b' ', b'0', b'n', b'\n',
        ] {
            let mut changed = bytes.to_vec();
            changed[at] = with;
            if let Ok(text) = std::str::from_utf8(&changed) {
                let _ = check_against_serde(text, 0);
            }
        }
    }
}

#[test]
fn what_only_the_quick_path_knows_is_not_a_disagreement() {
    // Found by the ingest fuzz target: a record the quick path reads with
    // its columns exact, which serde_json cannot say.
    let text = "\"userIdentity\": {\n  \"type\": \"IAMUser\",\n  \"principalId\": \"AIDAJ45Q7YFFAREXAMPLE\",\n  \"arn\": \"arn:aws:iam::123456789012:user/Alice\",\n  \"accountId\": \"123456789012\",\n  \"accessKeyId\": \"\",\n  \"userName\": \"Alice\"\n}\n";
    let open = text.find('{').unwrap();
    let (record, _) = event_at(text, open).expect("the quick path reads it");
    assert!(record.columns_exact && record.kinds_exact);
    assert!(agrees_with_serde(text, open));
}
