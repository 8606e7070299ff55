//! Amazon RDS and Aurora: instances, clusters, snapshots.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// An RDS DB instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RdsInstance {
    /// Engine, e.g. `postgres`, `aurora-mysql`.
    pub engine: String,
    /// Engine version.
    #[serde(default)]
    pub engine_version: String,
    /// Storage encrypted.
    pub storage_encrypted: bool,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// Publicly accessible.
    pub publicly_accessible: bool,
    /// Automated backup retention in days (0 = off).
    pub backup_retention_period: u32,
    /// Multi-AZ.
    #[serde(default)]
    pub multi_az: bool,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: bool,
    /// Auto minor version upgrade.
    #[serde(default)]
    pub auto_minor_version_upgrade: bool,
    /// Log types exported to CloudWatch Logs.
    #[serde(default)]
    pub cloudwatch_logs_exports: Vec<String>,
    /// The Aurora cluster this instance belongs to.
    pub cluster_identifier: Option<String>,
    /// IAM database authentication.
    #[serde(default)]
    pub iam_database_authentication: bool,
    /// Enhanced Monitoring interval in seconds (0 = off).
    #[serde(default)]
    pub monitoring_interval: u32,
}

/// An RDS or Aurora DB cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RdsCluster {
    /// Engine.
    pub engine: String,
    /// Storage encrypted.
    pub storage_encrypted: bool,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// Backup retention in days.
    pub backup_retention_period: u32,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: bool,
    /// Multi-AZ.
    #[serde(default)]
    pub multi_az: bool,
    /// Member instance identifiers.
    #[serde(default)]
    pub members: Vec<String>,
}

/// An RDS instance or cluster snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RdsSnapshot {
    /// A cluster snapshot rather than an instance snapshot.
    #[serde(default)]
    pub cluster: bool,
    /// `manual` or `automated`.
    #[serde(default)]
    pub snapshot_type: String,
    /// Encrypted.
    pub encrypted: bool,
    /// Restore attribute includes `all`.
    pub public: bool,
    /// Accounts allowed to restore it.
    #[serde(default)]
    pub shared_with: Vec<String>,
    /// When it was taken.
    pub create_time: Option<Timestamp>,
}

/// An RDS DB parameter group or DB cluster parameter group, with the TLS-related parameters
/// and the databases that use it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RdsParameterGroup {
    /// A DB cluster parameter group rather than a DB parameter group.
    #[serde(default)]
    pub cluster: bool,
    /// TLS-related parameters (`rds.force_ssl`, `require_secure_transport`), name → value; a
    /// name absent here has no value in the group (the engine's default applies).
    #[serde(default)]
    pub parameters: std::collections::BTreeMap<String, String>,
    /// Identifiers of the DB instances (or clusters, for cluster groups) using the group.
    #[serde(default)]
    pub members: Vec<String>,
}
