//! CloudTrail's public keys, as `aws cloudtrail list-public-keys` prints them.
//!
//! Fetching them (`ListPublicKeys`) needs the AWS SDK and lives outside this crate; here they
//! are read from a file saved ahead of time:
//! `{"PublicKeyList":[{"Value":"<base64 DER>","ValidityStartTime":"...","ValidityEndTime":"...",
//! "Fingerprint":"<hex>"}]}`. `Value` is accepted as PKCS#1 `RSAPublicKey` or X.509
//! `SubjectPublicKeyInfo` DER (AWS documents the first, its samples show both).

use base64::Engine as _;
use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs8::DecodePublicKey as _;
use serde::Deserialize;

use phiguard_model::Timestamp;

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not the JSON `list-public-keys` prints.
    #[error("public key file is not `list-public-keys` JSON: {0}")]
    Json(String),
    /// `Value` is not base64.
    #[error("public key `{fingerprint}`: `Value` is not base64")]
    Base64 {
        /// Fingerprint of the entry.
        fingerprint: String,
    },
    /// `Value` is neither PKCS#1 nor SubjectPublicKeyInfo RSA DER.
    #[error(
        "public key `{fingerprint}`: not an RSA public key (PKCS#1 or SubjectPublicKeyInfo DER)"
    )]
    Der {
        /// Fingerprint of the entry.
        fingerprint: String,
    },
    /// A validity time that is neither RFC 3339 nor epoch seconds.
    #[error("public key `{fingerprint}`: bad validity time `{value}`")]
    Time {
        /// Fingerprint of the entry.
        fingerprint: String,
        /// The value.
        value: String,
    },
}

/// One public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// Fingerprint, lower-case hex (as `digestPublicKeyFingerprint`).
    pub fingerprint: String,
    /// Start of validity, if given.
    pub validity_start: Option<Timestamp>,
    /// End of validity, if given.
    pub validity_end: Option<Timestamp>,
    /// The RSA key.
    pub key: RsaPublicKey,
}

impl PublicKey {
    /// Whether `at` lies within the validity window (open ends are unbounded).
    pub fn valid_at(&self, at: Timestamp) -> bool {
        self.validity_start.is_none_or(|s| s <= at) && self.validity_end.is_none_or(|e| at <= e)
    }
}

/// The keys to verify digests with, chosen by fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicKeys {
    keys: Vec<PublicKey>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyListJson {
    public_key_list: Vec<KeyJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyJson {
    value: String,
    fingerprint: String,
    #[serde(default)]
    validity_start_time: Option<serde_json::Value>,
    #[serde(default)]
    validity_end_time: Option<serde_json::Value>,
}

impl PublicKeys {
    /// No keys.
    pub fn new() -> PublicKeys {
        PublicKeys::default()
    }

    /// Parses `aws cloudtrail list-public-keys` JSON output. Several files (one per region)
    /// can be merged with [`PublicKeys::extend`].
    pub fn from_json(bytes: &[u8]) -> Result<PublicKeys, KeyError> {
        let list: KeyListJson =
            serde_json::from_slice(bytes).map_err(|e| KeyError::Json(e.to_string()))?;
        let mut keys = PublicKeys::new();
        for entry in list.public_key_list {
            let der = base64::engine::general_purpose::STANDARD
                .decode(entry.value.trim())
                .map_err(|_| KeyError::Base64 {
                    fingerprint: entry.fingerprint.clone(),
                })?;
            let start = parse_time(&entry.fingerprint, entry.validity_start_time.as_ref())?;
            let end = parse_time(&entry.fingerprint, entry.validity_end_time.as_ref())?;
            keys.insert_der(&entry.fingerprint, &der, start, end)?;
        }
        Ok(keys)
    }

    /// Adds a key from DER (PKCS#1 `RSAPublicKey` or `SubjectPublicKeyInfo`).
    pub fn insert_der(
        &mut self,
        fingerprint: &str,
        der: &[u8],
        validity_start: Option<Timestamp>,
        validity_end: Option<Timestamp>,
    ) -> Result<(), KeyError> {
        let key = RsaPublicKey::from_pkcs1_der(der)
            .or_else(|_| RsaPublicKey::from_public_key_der(der))
            .map_err(|_| KeyError::Der {
                fingerprint: fingerprint.to_string(),
            })?;
        self.keys.push(PublicKey {
            fingerprint: fingerprint.trim().to_ascii_lowercase(),
            validity_start,
            validity_end,
            key,
        });
        Ok(())
    }

    /// Adds the keys of another set.
    pub fn extend(&mut self, other: PublicKeys) {
        self.keys.extend(other.keys);
    }

    /// The keys with this fingerprint (compared case-insensitively); several can share one
    /// when key lists of overlapping periods are merged.
    pub fn by_fingerprint<'s>(
        &'s self,
        fingerprint: &'s str,
    ) -> impl Iterator<Item = &'s PublicKey> {
        let wanted = fingerprint.trim();
        self.keys
            .iter()
            .filter(move |k| k.fingerprint.eq_ignore_ascii_case(wanted))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn parse_time(
    fingerprint: &str,
    value: Option<&serde_json::Value>,
) -> Result<Option<Timestamp>, KeyError> {
    let bad = |v: &serde_json::Value| KeyError::Time {
        fingerprint: fingerprint.to_string(),
        value: v.to_string(),
    };
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => {
            s.parse::<Timestamp>()
                .map(Some)
                .map_err(|_| KeyError::Time {
                    fingerprint: fingerprint.to_string(),
                    value: s.clone(),
                })
        }
        Some(v @ serde_json::Value::Number(n)) => {
            let seconds = n.as_f64().ok_or_else(|| bad(v))?;
            let whole = seconds.floor() as i64;
            Timestamp::from_second(whole).map(Some).map_err(|_| bad(v))
        }
        Some(v) => Err(bad(v)),
    }
}
