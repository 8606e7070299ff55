//! Lenient access to configuration item JSON. AWS Config mixes camelCase (`storageEncrypted`),
//! PascalCase (`KmsMasterKeyId`) and lowered acronyms (`kmskeyArn`, `dBInstanceIdentifier`), gives
//! numbers as floats in `select-resource-config` output (`5.0`), and nests JSON documents as
//! strings (sometimes twice, sometimes percent-encoded). These helpers absorb all of that.

use std::borrow::Cow;
use std::collections::BTreeMap;

use phiguard_model::{PolicyDocument, Timestamp};
use serde_json::Value;

/// The value of `key`, matched exactly first, then case-insensitively; `None` when absent or
/// `null`.
pub fn get<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    let object = value.as_object()?;
    let found = object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })?;
    (!found.is_null()).then_some(found)
}

/// Follows `keys` through nested objects (each looked up as [`get`] does); JSON strings met on
/// the way are decoded.
pub fn path<'v>(value: &'v Value, keys: &[&str]) -> Option<Cow<'v, Value>> {
    let mut current: Cow<'v, Value> = Cow::Borrowed(value);
    for key in keys {
        current = match current {
            Cow::Borrowed(v) => decode(get(v, key)?),
            Cow::Owned(v) => Cow::Owned(decode(get(&v, key)?).into_owned()),
        };
    }
    (!current.is_null()).then_some(current)
}

/// A value that may be a JSON document inside a string (repeatedly): the parsed document, or
/// the value itself when it is not one.
pub fn decode(value: &Value) -> Cow<'_, Value> {
    let Value::String(text) = value else {
        return Cow::Borrowed(value);
    };
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"')) {
        return Cow::Borrowed(value);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(inner @ Value::String(_)) => Cow::Owned(decode(&inner).into_owned()),
        Ok(inner) => Cow::Owned(inner),
        Err(_) => Cow::Borrowed(value),
    }
}

/// A non-empty string.
pub fn as_str(value: &Value) -> Option<&str> {
    value.as_str().filter(|s| !s.is_empty())
}

/// A string, or a number or boolean written as one.
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A boolean, or `"true"`/`"false"` in any case.
pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A whole number, also from `5.0` or `"5"`.
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A whole number that fits a `u32`.
pub fn as_u32(value: &Value) -> Option<u32> {
    as_i64(value).and_then(|n| u32::try_from(n).ok())
}

/// A timestamp: RFC 3339 (`Z` or an offset), a date-time without offset (taken as UTC), or
/// epoch milliseconds / seconds.
pub fn as_timestamp(value: &Value) -> Option<Timestamp> {
    match value {
        Value::String(s) => parse_time(s.trim()),
        Value::Number(_) => {
            let n = as_i64(value)?;
            if n.abs() >= 100_000_000_000 {
                Timestamp::from_millisecond(n).ok()
            } else {
                Timestamp::from_second(n).ok()
            }
        }
        _ => None,
    }
}

fn parse_time(text: &str) -> Option<Timestamp> {
    if text.is_empty() {
        return None;
    }
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t);
    }
    // `2016-09-27 18:39:39`, `2016-09-27T18:39:39.123`, `Tue Sep 27 18:39:39 UTC 2016`.
    let civil = text.replace(' ', "T");
    if let Ok(dt) = civil
        .trim_end_matches("TUTC")
        .parse::<jiff::civil::DateTime>()
    {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    jiff::fmt::strtime::parse("%a %b %d %H:%M:%S UTC %Y", text)
        .ok()
        .and_then(|t| t.to_datetime().ok())
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
}

/// The elements of a list; CloudFront's `{quantity, items}` wrappers are unwrapped; a single
/// object counts as a list of one; absent or `null` is empty.
pub fn items(value: Option<&Value>) -> Vec<Cow<'_, Value>> {
    let Some(value) = value else {
        return Vec::new();
    };
    match decode(value) {
        Cow::Borrowed(Value::Array(list)) => list.iter().map(Cow::Borrowed).collect(),
        Cow::Owned(Value::Array(list)) => list.into_iter().map(Cow::Owned).collect(),
        Cow::Borrowed(Value::Null) | Cow::Owned(Value::Null) => Vec::new(),
        Cow::Borrowed(v @ Value::Object(_)) => match get(v, "items") {
            Some(inner) if v.as_object().is_some_and(|o| o.len() <= 2) => items(Some(inner)),
            _ if get(v, "quantity").is_some() => Vec::new(),
            _ => vec![Cow::Borrowed(v)],
        },
        other => vec![other],
    }
}

/// Strings of a list (`["a","b"]`), skipping anything else.
pub fn strings(value: Option<&Value>) -> Vec<String> {
    items(value).iter().filter_map(|v| as_text(v)).collect()
}

/// A policy document given as an object, a JSON string, or a percent-encoded JSON string (as
/// IAM returns inline policies). `Err` with a short cause when it is none of these.
pub fn policy(value: &Value) -> Result<PolicyDocument, String> {
    let parsed: Cow<'_, Value> = match value {
        Value::String(text) => {
            let trimmed = text.trim_start();
            if trimmed.starts_with('%') || (!trimmed.starts_with('{') && text.contains("%7B")) {
                let decoded = percent_encoding::percent_decode_str(text)
                    .decode_utf8()
                    .map_err(|e| format!("percent-encoded policy is not UTF-8: {e}"))?;
                Cow::Owned(
                    serde_json::from_str::<Value>(&decoded)
                        .map_err(|e| format!("policy is not JSON: {e}"))?,
                )
            } else {
                let inner = decode(value);
                if inner.is_string() {
                    return Err("policy is not JSON".to_string());
                }
                Cow::Owned(inner.into_owned())
            }
        }
        other => Cow::Borrowed(other),
    };
    serde_json::from_value::<PolicyDocument>(parsed.into_owned())
        .map_err(|e| format!("not a policy document: {e}"))
}

/// Tags from any of the shapes Config uses: an object `{"k":"v"}`, or a list of
/// `{key,value}`, `{Key,Value}`, `{tagKey,tagValue}` or `{tagName,tagValue}`.
pub fn tags_into(value: Option<&Value>, out: &mut BTreeMap<String, String>) {
    let Some(value) = value else {
        return;
    };
    let value = decode(value);
    match &*value {
        Value::Object(map) => {
            for (k, v) in map {
                if let Some(v) = as_text(v).or_else(|| v.as_str().map(str::to_string)) {
                    out.insert(k.clone(), v);
                }
            }
        }
        Value::Array(list) => {
            for entry in list {
                let key = ["key", "tagKey", "tagName"]
                    .iter()
                    .find_map(|k| get(entry, k).and_then(as_text));
                let val = ["value", "tagValue"]
                    .iter()
                    .find_map(|k| get(entry, k).and_then(|v| v.as_str().map(str::to_string)))
                    .unwrap_or_default();
                if let Some(key) = key {
                    out.insert(key, val);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_match_case_insensitively_and_nulls_are_absent() {
        let v = json!({"dBInstanceIdentifier": "db", "kmskeyArn": "k", "gone": null});
        assert_eq!(get(&v, "DBInstanceIdentifier"), Some(&json!("db")));
        assert_eq!(get(&v, "kmsKeyArn"), Some(&json!("k")));
        assert_eq!(get(&v, "gone"), None);
        assert_eq!(get(&v, "missing"), None);
    }

    #[test]
    fn nested_json_strings_are_decoded_on_the_way() {
        let v = json!({"a": "{\"b\": \"{\\\"c\\\": 5.0}\"}"});
        assert_eq!(path(&v, &["a", "b", "c"]).and_then(|c| as_u32(&c)), Some(5));
        assert_eq!(as_u32(&json!("7")), Some(7));
        assert_eq!(as_u32(&json!(-1)), None);
        assert_eq!(as_bool(&json!("TRUE")), Some(true));
    }

    #[test]
    fn timestamps_in_every_form() {
        let want: Timestamp = "2019-02-12T02:27:33.663Z".parse().unwrap();
        assert_eq!(as_timestamp(&json!("2019-02-12T02:27:33.663Z")), Some(want));
        assert_eq!(
            as_timestamp(&json!("2019-02-11T21:27:33.663-05:00")),
            Some(want)
        );
        assert_eq!(as_timestamp(&json!(1549938453663_i64)), Some(want));
        assert!(as_timestamp(&json!("2019-02-12 02:27:33")).is_some());
        assert_eq!(as_timestamp(&json!("soon")), None);
    }

    #[test]
    fn policies_as_object_string_or_percent_encoded() {
        let doc = json!({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}});
        let a = policy(&doc).unwrap();
        let b = policy(&Value::String(doc.to_string())).unwrap();
        let c = policy(&json!("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AListBucket%22%2C%22Resource%22%3A%22*%22%7D%5D%7D")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert!(policy(&json!("not a policy")).is_err());
    }

    #[test]
    fn tags_in_every_shape() {
        let mut tags = BTreeMap::new();
        tags_into(Some(&json!({"PHI": "Yes"})), &mut tags);
        tags_into(
            Some(&json!([{"key": "Team", "value": "billing"}])),
            &mut tags,
        );
        tags_into(
            Some(&json!([{"tagKey": "Env", "tagValue": "prod"}])),
            &mut tags,
        );
        tags_into(Some(&json!([{"Key": "Owner", "Value": "ops"}])), &mut tags);
        assert_eq!(tags.len(), 4, "{tags:?}");
    }

    #[test]
    fn cloudfront_item_wrappers_are_lists() {
        let v = json!({"quantity": 1, "items": [{"a": 1}]});
        assert_eq!(items(Some(&v)).len(), 1);
        assert_eq!(items(Some(&json!({"quantity": 0}))).len(), 0);
        assert_eq!(items(None).len(), 0);
    }
}
