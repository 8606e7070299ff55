//! Amazon Redshift provisioned clusters.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Redshift cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RedshiftCluster {
    /// Storage encrypted.
    pub encrypted: bool,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// Publicly accessible.
    pub publicly_accessible: bool,
    /// Automated snapshot retention in days (0 = off).
    pub automated_snapshot_retention_period: u32,
    /// Audit logging on (`DescribeLoggingStatus.LoggingEnabled`).
    pub audit_logging: bool,
    /// Names of the cluster's parameter groups.
    #[serde(default)]
    pub parameter_groups: Vec<String>,
    /// Security-relevant parameters of those groups (`require_ssl`, `enable_user_activity_logging`),
    /// name → value; a parameter absent here was not set in any group read.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Major version upgrades allowed in the maintenance window.
    #[serde(default)]
    pub allow_version_upgrade: bool,
    /// Enhanced VPC routing.
    #[serde(default)]
    pub enhanced_vpc_routing: bool,
    /// VPC.
    pub vpc_id: Option<String>,
}
