//! GuardDuty detectors, AWS Config recorders and Security Hub.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A GuardDuty detector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GuarddutyDetector {
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// Finding publishing frequency.
    #[serde(default)]
    pub finding_publishing_frequency: String,
    /// Enabled protection plans (S3, EKS, RDS, ...).
    #[serde(default)]
    pub features: Vec<String>,
    /// Findings of high or critical severity (7.0 and above) that are not archived.
    #[serde(default)]
    pub high_severity_findings: u32,
}

/// An AWS Config configuration recorder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigRecorder {
    /// Records all supported resource types.
    pub all_supported: bool,
    /// Includes global resource types (IAM).
    pub include_global_resource_types: bool,
    /// Currently recording.
    pub recording: bool,
    /// Last status: `SUCCESS`, `FAILURE`, `PENDING`.
    pub last_status: Option<String>,
}

/// Security Hub, when subscribed in a region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SecurityHubHub {
    /// When the account subscribed.
    pub subscribed_at: Option<Timestamp>,
    /// Enabled standards (ARNs).
    #[serde(default)]
    pub enabled_standards: Vec<String>,
}
