//! Amazon S3 buckets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{PolicyDocument, Timestamp};

/// An S3 bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct S3Bucket {
    /// When the bucket was created.
    pub creation_date: Option<Timestamp>,
    /// Default encryption; `None`: no default encryption rule.
    pub encryption: Option<S3Encryption>,
    /// Versioning status: `Enabled`, `Suspended`, or `None` if never enabled.
    pub versioning: Option<String>,
    /// MFA delete enabled.
    #[serde(default)]
    pub mfa_delete: bool,
    /// Bucket-level Block Public Access; `None`: not configured.
    pub public_access_block: Option<PublicAccessBlock>,
    /// Bucket policy; `None`: no policy.
    pub policy: Option<PolicyDocument>,
    /// Whether S3 considers the policy public (GetBucketPolicyStatus).
    pub policy_is_public: Option<bool>,
    /// Whether the ACL grants AllUsers or AuthenticatedUsers anything.
    #[serde(default)]
    pub acl_grants_public: bool,
    /// Object ownership (`BucketOwnerEnforced` disables ACLs).
    pub object_ownership: Option<String>,
    /// Server access logging target; `None`: logging off.
    pub logging: Option<S3Logging>,
    /// Object Lock configuration; `None`: not enabled.
    pub object_lock: Option<ObjectLock>,
    /// Replication rules.
    #[serde(default)]
    pub replication_rules: Vec<ReplicationRule>,
    /// Lifecycle rules.
    #[serde(default)]
    pub lifecycle_rules: Vec<LifecycleRule>,
}

/// Default encryption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct S3Encryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    /// KMS key for `aws:kms`; `None` = the AWS-managed `aws/s3` key.
    pub kms_key_id: Option<String>,
    /// S3 Bucket Key enabled.
    #[serde(default)]
    pub bucket_key_enabled: bool,
}

/// Block Public Access settings (bucket or account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PublicAccessBlock {
    /// BlockPublicAcls.
    pub block_public_acls: bool,
    /// IgnorePublicAcls.
    pub ignore_public_acls: bool,
    /// BlockPublicPolicy.
    pub block_public_policy: bool,
    /// RestrictPublicBuckets.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four settings on.
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

/// Server access logging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct S3Logging {
    /// Target bucket.
    pub target_bucket: String,
    /// Target prefix.
    #[serde(default)]
    pub target_prefix: String,
}

/// Object Lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectLock {
    /// Object Lock enabled on the bucket.
    pub enabled: bool,
    /// Default retention mode: `GOVERNANCE` or `COMPLIANCE`.
    pub mode: Option<String>,
    /// Default retention in days.
    pub days: Option<u32>,
    /// Default retention in years.
    pub years: Option<u32>,
}

impl ObjectLock {
    /// Default retention in days, whichever unit it was given in. Years are calendar years
    /// and count the most leap days they can hold (6 years = 2192 days), since a retention of
    /// N years keeps an object for N calendar years whatever the start date.
    pub fn retention_days(&self) -> Option<u32> {
        self.days.or(self
            .years
            .map(|y| y.saturating_mul(365).saturating_add(y.div_ceil(4))))
    }
}

/// A replication rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReplicationRule {
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// Destination bucket ARN.
    pub destination_bucket: String,
    /// Destination account, when cross-account.
    pub destination_account: Option<String>,
}

/// A lifecycle rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LifecycleRule {
    /// Rule id.
    #[serde(default)]
    pub id: String,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// Prefix filter, empty for the whole bucket.
    #[serde(default)]
    pub prefix: String,
    /// Current versions expire after this many days.
    pub expiration_days: Option<u32>,
    /// Noncurrent versions expire after this many days.
    pub noncurrent_expiration_days: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_lock_years_are_calendar_years() {
        let lock = |days, years| ObjectLock {
            enabled: true,
            mode: None,
            days,
            years,
        };
        assert_eq!(lock(None, Some(6)).retention_days(), Some(2192));
        assert_eq!(lock(Some(30), None).retention_days(), Some(30));
        assert_eq!(lock(None, None).retention_days(), None);
    }
}
