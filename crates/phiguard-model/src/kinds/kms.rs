//! AWS KMS keys.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A KMS key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KmsKey {
    /// `AWS` or `CUSTOMER`.
    pub key_manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    pub key_state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, ...
    pub key_spec: String,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, ...
    #[serde(default)]
    pub key_usage: String,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`.
    #[serde(default)]
    pub origin: String,
    /// Automatic rotation (GetKeyRotationStatus); `None` if not applicable or not read.
    pub rotation_enabled: Option<bool>,
    /// Scheduled deletion date.
    pub deletion_date: Option<Timestamp>,
    /// Aliases.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl KmsKey {
    /// Customer managed symmetric encryption key from KMS key material: the keys automatic
    /// rotation applies to.
    pub fn is_rotatable(&self) -> bool {
        self.key_manager == "CUSTOMER"
            && self.key_spec == "SYMMETRIC_DEFAULT"
            && (self.origin.is_empty() || self.origin == "AWS_KMS")
    }
}
