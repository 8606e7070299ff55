//! IAM users, groups, roles and managed policies.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{PolicyDocument, Timestamp};

/// A managed policy attached to a principal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AttachedPolicy {
    /// Policy name.
    pub name: String,
    /// Policy ARN; look up its document among the `iam_policy` resources.
    pub arn: String,
}

/// An inline policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InlinePolicy {
    /// Policy name.
    pub name: String,
    /// The document.
    pub document: PolicyDocument,
}

/// An IAM user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IamUser {
    /// When the user was created.
    pub create_date: Option<Timestamp>,
    /// Whether the user has a console password (login profile).
    #[serde(default)]
    pub console_access: bool,
    /// Last console sign-in.
    pub password_last_used: Option<Timestamp>,
    /// Group names.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Directly attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// MFA devices.
    #[serde(default)]
    pub mfa_devices: Vec<MfaDevice>,
    /// Access keys (ids and dates only, never secrets).
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
}

/// An MFA device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MfaDevice {
    /// Serial number or ARN.
    pub serial: String,
    /// When it was enabled.
    pub enable_date: Option<Timestamp>,
}

/// An access key (metadata only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessKey {
    /// Key id (`AKIA...`).
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// When it was created.
    pub create_date: Timestamp,
    /// Last use, `None` if never used.
    pub last_used: Option<Timestamp>,
}

/// An IAM group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IamGroup {
    /// Attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// Member user names.
    #[serde(default)]
    pub members: Vec<String>,
}

/// An IAM role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IamRole {
    /// Role path, `/aws-service-role/` for service-linked roles.
    #[serde(default)]
    pub path: String,
    /// Trust policy (AssumeRolePolicyDocument).
    pub trust_policy: PolicyDocument,
    /// Attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// Last time the role was assumed.
    pub last_used: Option<Timestamp>,
}

impl IamRole {
    /// Whether this is a service-linked role managed by AWS.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// A managed IAM policy (customer or AWS managed) with its default version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IamPolicy {
    /// Whether AWS manages it (`arn:aws:iam::aws:policy/...`).
    #[serde(default)]
    pub aws_managed: bool,
    /// Number of principals it is attached to.
    #[serde(default)]
    pub attachment_count: u32,
    /// The default version's document.
    pub document: PolicyDocument,
}
