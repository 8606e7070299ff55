//! The CloudTrail digest file (`cloudtrail-log-file-validation-digest-file-structure`).

use serde::{Deserialize, Serialize};

/// One digest file: what CloudTrail delivered in an hour, with the link to the previous digest.
/// Every field of the documented structure is kept; unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestFile {
    /// Account the digest belongs to.
    pub aws_account_id: String,
    /// Start of the period covered (`2015-08-17T14:01:31Z`).
    pub digest_start_time: String,
    /// End of the period covered: the first line of the signing string, used verbatim.
    pub digest_end_time: String,
    /// Bucket the digest was delivered to.
    pub digest_s3_bucket: String,
    /// Key the digest was delivered to.
    pub digest_s3_object: String,
    /// Fingerprint (hex) of the public key that verifies this digest's signature.
    #[serde(default, alias = "publicKeyFingerprint")]
    pub digest_public_key_fingerprint: Option<String>,
    /// `SHA256withRSA`.
    #[serde(default)]
    pub digest_signature_algorithm: Option<String>,
    /// Newest event time over the log files (null when the digest lists none).
    #[serde(default)]
    pub newest_event_time: Option<String>,
    /// Oldest event time over the log files (can precede `digestStartTime`).
    #[serde(default)]
    pub oldest_event_time: Option<String>,
    /// Bucket of the previous digest; null in a starting digest.
    #[serde(default)]
    pub previous_digest_s3_bucket: Option<String>,
    /// Key of the previous digest; null in a starting digest.
    #[serde(default)]
    pub previous_digest_s3_object: Option<String>,
    /// Hex SHA-256 of the **uncompressed** previous digest.
    #[serde(default)]
    pub previous_digest_hash_value: Option<String>,
    /// `SHA-256`.
    #[serde(default)]
    pub previous_digest_hash_algorithm: Option<String>,
    /// Hex signature of the previous digest.
    #[serde(default)]
    pub previous_digest_signature: Option<String>,
    /// Log files delivered in the period.
    #[serde(default)]
    pub log_files: Vec<LogFileEntry>,
}

/// One `logFiles[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFileEntry {
    /// Bucket of the log file.
    pub s3_bucket: String,
    /// Key of the log file.
    pub s3_object: String,
    /// Hex SHA-256 of the **uncompressed** log file.
    pub hash_value: String,
    /// `SHA-256`.
    #[serde(default)]
    pub hash_algorithm: Option<String>,
    /// Newest event time in the file.
    #[serde(default)]
    pub newest_event_time: Option<String>,
    /// Oldest event time in the file.
    #[serde(default)]
    pub oldest_event_time: Option<String>,
}

impl DigestFile {
    /// Parses the uncompressed JSON of a digest.
    pub fn from_json(bytes: &[u8]) -> Result<DigestFile, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Whether this is a starting digest: no previous digest (all `previousDigest*` link
    /// fields null).
    pub fn is_start(&self) -> bool {
        self.previous_digest_s3_object.is_none() && self.previous_digest_signature.is_none()
    }

    /// The string CloudTrail signs (`cloudtrail-log-file-custom-validation`, AWS CLI
    /// `validation.py`): `digestEndTime \n bucket/object \n hex(sha256(uncompressed digest))
    /// \n (previousDigestSignature or "null")`.
    pub fn signing_string(&self, uncompressed_sha256_hex: &str) -> String {
        format!(
            "{}\n{}/{}\n{}\n{}",
            self.digest_end_time,
            self.digest_s3_bucket,
            self.digest_s3_object,
            uncompressed_sha256_hex,
            self.previous_digest_signature.as_deref().unwrap_or("null")
        )
    }
}
