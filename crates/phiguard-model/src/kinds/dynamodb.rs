//! Amazon DynamoDB tables.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A DynamoDB table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DynamodbTable {
    /// Table status.
    #[serde(default)]
    pub status: String,
    /// `SSEDescription.SSEType`: `KMS`, or `None` for the AWS-owned key.
    pub sse_type: Option<String>,
    /// KMS key ARN for `KMS`.
    pub kms_key_arn: Option<String>,
    /// Point-in-time recovery (DescribeContinuousBackups).
    pub pitr_enabled: bool,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: bool,
}
