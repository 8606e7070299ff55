//! Account-level settings: IAM credential report, password policy, account summary, S3 Block
//! Public Access, EBS encryption defaults and AWS Artifact agreements.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::kinds::s3::PublicAccessBlock;

/// One row of the IAM credential report. `<root_account>` is the root user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialReportRow {
    /// User name, `<root_account>` for root.
    pub user: String,
    /// User ARN.
    pub arn: String,
    /// When the user was created.
    pub user_creation_time: Option<Timestamp>,
    /// Whether the user has a console password.
    pub password_enabled: bool,
    /// Last console sign-in; `None` if never (or no password).
    pub password_last_used: Option<Timestamp>,
    /// When the password was last changed.
    pub password_last_changed: Option<Timestamp>,
    /// Whether an MFA device is active.
    pub mfa_active: bool,
    /// Access key 1, if the user has one.
    pub access_key_1: Option<CredentialReportKey>,
    /// Access key 2, if the user has one.
    pub access_key_2: Option<CredentialReportKey>,
}

/// An access key as the credential report sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialReportKey {
    /// Whether the key is active.
    pub active: bool,
    /// When it was created or last rotated.
    pub last_rotated: Option<Timestamp>,
    /// Last use; `None` if never used.
    pub last_used: Option<Timestamp>,
}

impl CredentialReportRow {
    /// The root user's row name in the report.
    pub const ROOT: &'static str = "<root_account>";

    /// Whether this is the root user's row.
    pub fn is_root(&self) -> bool {
        self.user == Self::ROOT
    }

    /// The user's access keys that exist.
    pub fn keys(&self) -> impl Iterator<Item = &CredentialReportKey> {
        self.access_key_1.iter().chain(self.access_key_2.iter())
    }
}

/// The account password policy (iam:GetAccountPasswordPolicy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PasswordPolicy {
    /// Minimum length.
    pub minimum_password_length: u32,
    /// Requires a symbol.
    pub require_symbols: bool,
    /// Requires a number.
    pub require_numbers: bool,
    /// Requires an upper-case letter.
    pub require_uppercase_characters: bool,
    /// Requires a lower-case letter.
    pub require_lowercase_characters: bool,
    /// Maximum age in days; `None` = passwords never expire.
    pub max_password_age: Option<u32>,
    /// Number of previous passwords that cannot be reused; `None` = no reuse prevention.
    pub password_reuse_prevention: Option<u32>,
    /// Users can change their own password.
    #[serde(default)]
    pub allow_users_to_change_password: bool,
}

/// From iam:GetAccountSummary and iam:ListVirtualMFADevices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountSummary {
    /// `AccountMFAEnabled`: the root user has MFA.
    pub account_mfa_enabled: bool,
    /// `AccountAccessKeysPresent`: the root user has access keys.
    pub account_access_keys_present: bool,
    /// Whether the root user's MFA is a virtual device (a virtual MFA serial for root exists).
    /// `None` if unknown.
    pub root_mfa_is_virtual: Option<bool>,
    /// Number of IAM users.
    #[serde(default)]
    pub users: u32,
}

/// EBS encryption by default in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EbsDefaults {
    /// Region.
    pub region: String,
    /// ec2:GetEbsEncryptionByDefault.
    pub encryption_by_default: bool,
    /// ec2:GetEbsDefaultKmsKeyId.
    pub default_kms_key_id: Option<String>,
}

/// An AWS Artifact agreement (artifact:ListCustomerAgreements).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ArtifactAgreement {
    /// Agreement name, e.g. `AWS Business Associate Addendum`.
    pub name: String,
    /// Agreement type, e.g. `DEFAULT`, `CUSTOM`.
    #[serde(default)]
    pub agreement_type: String,
    /// `ACTIVE` or `INACTIVE`.
    pub state: String,
    /// `account` or `organization`.
    pub scope: String,
    /// When it took effect.
    pub effective_start: Option<Timestamp>,
    /// When it ended, if it did.
    pub effective_end: Option<Timestamp>,
}

impl ArtifactAgreement {
    /// Whether this is an active Business Associate Addendum.
    pub fn is_active_baa(&self) -> bool {
        let name = self.name.to_ascii_lowercase();
        (name.contains("business associate") || name.contains("baa"))
            && self.state.eq_ignore_ascii_case("active")
    }
}

/// Account-level settings that are not resources of their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountSettings {
    /// IAM credential report rows.
    #[serde(default)]
    pub credential_report: Vec<CredentialReportRow>,
    /// `None`: the account has no password policy (NoSuchEntity).
    pub password_policy: Option<PasswordPolicy>,
    /// Account summary.
    pub summary: Option<AccountSummary>,
    /// Account-level S3 Block Public Access; `None`: not configured.
    pub s3_public_access_block: Option<PublicAccessBlock>,
    /// EBS defaults per region.
    #[serde(default)]
    pub ebs_defaults: Vec<EbsDefaults>,
    /// AWS Artifact agreements.
    #[serde(default)]
    pub artifact_agreements: Vec<ArtifactAgreement>,
}
