//! Small conversions from SDK shapes to the model's.

use std::collections::BTreeMap;

use aws_smithy_types::DateTime;
use phiguard_model::{PolicyDocument, Timestamp};

use crate::call::CallError;

/// An SDK timestamp as a model timestamp.
pub fn ts(t: Option<&DateTime>) -> Option<Timestamp> {
    let t = t?;
    Timestamp::new(t.secs(), i32::try_from(t.subsec_nanos()).ok()?).ok()
}

/// Tags from any iterator of key/value pairs.
pub fn tags<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A policy document as IAM returns it: URL-encoded JSON (IAM) or plain JSON (S3, KMS, ...).
pub fn policy(text: &str) -> Result<PolicyDocument, CallError> {
    let decoded;
    let json = if text.trim_start().starts_with('{') {
        text
    } else {
        decoded = percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map_err(|e| CallError::new("parse", &format!("policy is not UTF-8: {e}")))?;
        &decoded
    };
    PolicyDocument::from_json(json)
        .map_err(|e| CallError::new("parse", &format!("policy document: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_and_plain_policies() {
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        assert_eq!(policy(plain).unwrap(), policy(encoded).unwrap());
        let e = policy("%7Bnot json").unwrap_err();
        assert_eq!(e.code, "parse");
    }

    #[test]
    fn timestamps() {
        let t = ts(Some(&DateTime::from_secs(1_700_000_000))).unwrap();
        assert_eq!(t.as_second(), 1_700_000_000);
        assert_eq!(ts(None), None);
    }
}
