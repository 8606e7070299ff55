//! AWS Backup plans and vaults.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A backup plan with its rules and selections.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackupPlan {
    /// Rules.
    #[serde(default)]
    pub rules: Vec<BackupRule>,
    /// Resource selections.
    #[serde(default)]
    pub selections: Vec<BackupSelection>,
}

/// A backup rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackupRule {
    /// Rule name.
    pub name: String,
    /// Cron schedule.
    pub schedule_expression: Option<String>,
    /// Target vault name.
    pub target_vault: String,
    /// Recovery points deleted after this many days; `None` = kept forever.
    pub delete_after_days: Option<u32>,
    /// Copies to other vaults (cross-region or cross-account).
    #[serde(default)]
    pub copy_actions: Vec<BackupCopyAction>,
}

/// A copy action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackupCopyAction {
    /// Destination vault ARN.
    pub destination_vault_arn: String,
    /// Copies deleted after this many days.
    pub delete_after_days: Option<u32>,
}

/// A backup selection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackupSelection {
    /// Selection name.
    pub name: String,
    /// Resource ARNs or ARN patterns (`*` for all, `arn:aws:rds:*:*:db:*`).
    #[serde(default)]
    pub resources: Vec<String>,
    /// Excluded ARNs.
    #[serde(default)]
    pub not_resources: Vec<String>,
    /// Tag conditions (`ListOfTags`, STRINGEQUALS): any match selects.
    #[serde(default)]
    pub tags: Vec<BackupTagCondition>,
}

/// A tag condition of a selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BackupTagCondition {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

/// A backup vault.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackupVault {
    /// KMS key for recovery points.
    pub encryption_key_arn: Option<String>,
    /// Vault Lock configured.
    pub locked: bool,
    /// Vault Lock minimum retention.
    pub min_retention_days: Option<u32>,
    /// Vault Lock maximum retention.
    pub max_retention_days: Option<u32>,
    /// When the lock becomes immutable (compliance mode); `None` for governance mode.
    pub lock_date: Option<Timestamp>,
    /// Number of recovery points.
    #[serde(default)]
    pub recovery_points: u64,
}

/// An AWS Backup restore testing plan with its selections.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackupRestoreTestingPlan {
    /// Schedule (cron or rate expression).
    #[serde(default)]
    pub schedule_expression: String,
    /// Last time the plan ran.
    pub last_execution: Option<Timestamp>,
    /// Protected resource types its selections restore (`EBS`, `RDS`, `Aurora`, `EFS`,
    /// `DynamoDB`, `S3`, ...); empty when the plan selects nothing.
    #[serde(default)]
    pub protected_resource_types: Vec<String>,
}
