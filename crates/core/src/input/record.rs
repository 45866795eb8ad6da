//! Owns the typed, borrowed view of one CloudTrail event: only the fields
//! Trailglass indexes are decoded; everything else stays in the raw bytes.

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

/// A string field that may be absent, `null`, or (in hand-edited examples) a
/// number or boolean; borrowed from the input whenever it has no escapes.
pub type Text<'a> = Option<Cow<'a, str>>;

/// One CloudTrail event as far as indexing needs it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventRecord<'a> {
    #[serde(borrow, deserialize_with = "loose_text")]
    pub event_version: Text<'a>,
    #[serde(borrow)]
    pub user_identity: Option<UserIdentity<'a>>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub event_time: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub event_source: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub event_name: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub aws_region: Text<'a>,
    #[serde(borrow, rename = "sourceIPAddress", deserialize_with = "loose_text")]
    pub source_ip_address: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub user_agent: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub error_code: Text<'a>,
    #[serde(borrow, rename = "eventID", deserialize_with = "loose_text")]
    pub event_id: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub event_type: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub recipient_account_id: Text<'a>,
    #[serde(deserialize_with = "loose_bool")]
    pub read_only: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    pub management_event: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    pub session_credential_from_console: Option<bool>,
    /// Logstash-shipped lines carry the time here when `eventTime` was dropped.
    #[serde(borrow, rename = "@timestamp", deserialize_with = "loose_text")]
    pub logstash_timestamp: Text<'a>,
    #[serde(borrow)]
    pub additional_event_data: Option<RawJson<'a>>,
    #[serde(borrow)]
    pub response_elements: Option<RawJson<'a>>,

    // Envelope members: present when this object wraps events instead of being one.
    #[serde(borrow, rename = "detail-type", deserialize_with = "loose_text")]
    pub detail_type: Text<'a>,
    #[serde(borrow)]
    pub detail: Option<RawJson<'a>>,
    #[serde(borrow, rename = "CloudTrailEvent", deserialize_with = "loose_text")]
    pub cloud_trail_event: Text<'a>,
    #[serde(borrow, rename = "Records")]
    pub records: Option<RawJson<'a>>,
    #[serde(borrow, rename = "Events")]
    pub events: Option<RawJson<'a>>,
    #[serde(rename = "logFiles")]
    pub log_files: Option<serde::de::IgnoredAny>,
    pub s3: Option<serde::de::IgnoredAny>,

    /// Set by the quick reader when each column field (eventName,
    /// eventSource, awsRegion, recipientAccountId, sourceIPAddress,
    /// userAgent, errorCode) is absent or a non-empty string, once: the
    /// store's columns then say exactly what the JSON holds there.
    #[serde(skip)]
    pub columns_exact: bool,
    /// Set by the quick reader when the event has an `errorMessage` key.
    #[serde(skip)]
    pub has_error_message: bool,
    /// Set by the quick reader when `userIdentity.type`, `eventType` and
    /// `userIdentity.sessionContext.sessionIssuer.type` are each absent or
    /// a non-empty string, and no other key could be read in their place.
    #[serde(skip)]
    pub kinds_exact: bool,
    /// Read by the quick reader, so the three marks above are known; a
    /// record serde_json read has them worked out from its bytes by the
    /// store (see `eventscan::quick_marks`), so a file reads the same
    /// whichever reader took each record.
    #[serde(skip)]
    pub quick: bool,
}

/// A JSON value kept as its text, borrowed from the input (read as serde_json's
/// `RawValue`; [`crate::input::eventscan`] makes it without serde).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawJson<'a>(pub &'a str);

impl<'a> RawJson<'a> {
    /// The value's JSON text, exactly as in the input.
    pub fn get(&self) -> &'a str {
        self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawJson<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'de serde_json::value::RawValue>::deserialize(deserializer).map(|raw| RawJson(raw.get()))
    }
}

/// The `userIdentity` element (CloudTrail event reference).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserIdentity<'a> {
    #[serde(borrow, rename = "type", deserialize_with = "loose_text")]
    pub identity_type: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub principal_id: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub arn: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub account_id: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub access_key_id: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub user_name: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub invoked_by: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub identity_provider: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub credential_id: Text<'a>,
    #[serde(borrow)]
    pub session_context: Option<SessionContext<'a>>,
    #[serde(borrow)]
    pub on_behalf_of: Option<OnBehalfOf<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionContext<'a> {
    #[serde(borrow)]
    pub session_issuer: Option<SessionIssuer<'a>>,
    #[serde(borrow)]
    pub attributes: Option<SessionAttributes<'a>>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub source_identity: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionIssuer<'a> {
    #[serde(borrow, rename = "type", deserialize_with = "loose_text")]
    pub issuer_type: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub principal_id: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub arn: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub account_id: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub user_name: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionAttributes<'a> {
    #[serde(deserialize_with = "loose_bool")]
    pub mfa_authenticated: Option<bool>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub creation_date: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OnBehalfOf<'a> {
    #[serde(borrow, deserialize_with = "loose_text")]
    pub user_id: Text<'a>,
    #[serde(borrow, deserialize_with = "loose_text")]
    pub identity_store_arn: Text<'a>,
}

/// The few `additionalEventData` keys identity needs, decoded only on demand.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdditionalEventData<'a> {
    #[serde(borrow, rename = "MFAUsed", deserialize_with = "loose_text")]
    pub mfa_used: Text<'a>,
    #[serde(borrow, rename = "UserName", deserialize_with = "loose_text")]
    pub user_name: Text<'a>,
}

impl<'a> EventRecord<'a> {
    /// Decodes `additionalEventData` when it is an object; anything else reads as empty.
    pub fn additional(&self) -> AdditionalEventData<'a> {
        self.additional_event_data
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default()
    }
}

impl EventRecord<'_> {
    /// `eventTime`, or the `@timestamp` a log shipper put in its place.
    pub fn time_text(&self) -> Option<&str> {
        self.event_time
            .as_deref()
            .or(self.logstash_timestamp.as_deref())
    }
}

/// Reads any JSON value where a string is expected: strings borrow, numbers
/// and booleans are written out, `null`, arrays and objects read as absent.
/// Hand-edited and documentation events put odd types in string fields; one
/// odd field must not cost the whole record.
fn loose_text<'de: 'a, 'a, D: Deserializer<'de>>(deserializer: D) -> Result<Text<'a>, D::Error> {
    struct LooseText;
    impl<'de> serde::de::Visitor<'de> for LooseText {
        type Value = Text<'de>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v)))
        }
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(if v { "true" } else { "false" })))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok(None)
        }
    }
    deserializer.deserialize_any(LooseText)
}

/// Accepts `true`/`false`, `"true"`/`"false"` (as older events and docs write
/// them) and `null`; anything else reads as unknown rather than failing the
/// record. Read through [`loose_text`], so no error is built per attempt.
fn loose_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    Ok(match loose_text(deserializer)?.as_deref() {
        Some(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Some(text) if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}
