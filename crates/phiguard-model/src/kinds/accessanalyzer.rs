//! IAM Access Analyzer: analyzers and their active (unreviewed) findings.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An IAM Access Analyzer analyzer in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessAnalyzer {
    /// `ACCOUNT`, `ORGANIZATION` (external access) or `ACCOUNT_UNUSED_ACCESS`,
    /// `ORGANIZATION_UNUSED_ACCESS`, ...
    pub analyzer_type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
    /// Findings with status `ACTIVE` (neither archived nor resolved: not reviewed). Collected
    /// for external-access analyzers only.
    #[serde(default)]
    pub active_findings: Vec<AccessFinding>,
}

impl AccessAnalyzer {
    /// Whether this analyzer is active and looks for external access.
    pub fn analyzes_external_access(&self) -> bool {
        self.status == "ACTIVE" && matches!(self.analyzer_type.as_str(), "ACCOUNT" | "ORGANIZATION")
    }
}

/// One active external-access finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessFinding {
    /// Finding id.
    pub id: String,
    /// The resource ARN the finding is about.
    pub resource: String,
    /// `AWS::S3::Bucket`, `AWS::KMS::Key`, `AWS::IAM::Role`, ...
    #[serde(default)]
    pub resource_type: String,
    /// Whether the access is public.
    #[serde(default)]
    pub is_public: bool,
    /// The external principals (account ids, ARNs, `*`).
    #[serde(default)]
    pub principals: Vec<String>,
}
