//! Amazon Elastic File System.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An EFS file system.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EfsFileSystem {
    /// Encrypted at rest.
    pub encrypted: bool,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// Automatic backups (`DescribeBackupPolicy` status `ENABLED`); `false` when the file
    /// system has no backup policy. A failed read is a field error on `backup_policy_enabled`.
    pub backup_policy_enabled: bool,
    /// Lifecycle state (`available`, `creating`, ...).
    #[serde(default)]
    pub life_cycle_state: String,
}
