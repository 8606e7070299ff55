//! Secrets Manager secrets and Lambda functions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{PolicyDocument, Timestamp};

/// A Secrets Manager secret (metadata only; values are never read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Secret {
    /// KMS key; `None` = the AWS-managed `aws/secretsmanager` key.
    pub kms_key_id: Option<String>,
    /// Automatic rotation on.
    pub rotation_enabled: bool,
    /// Rotation interval in days.
    pub rotation_days: Option<u32>,
    /// Last rotation.
    pub last_rotated: Option<Timestamp>,
    /// Last access (day precision).
    pub last_accessed: Option<Timestamp>,
}

/// A Lambda function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LambdaFunction {
    /// Runtime, e.g. `python3.12`; `None` for container images.
    pub runtime: Option<String>,
    /// Execution role ARN.
    pub role: String,
    /// KMS key for environment variables.
    pub kms_key_arn: Option<String>,
    /// VPC, when attached to one.
    pub vpc_id: Option<String>,
    /// Function URL auth type (`NONE` or `AWS_IAM`); `None`: no URL.
    pub url_auth_type: Option<String>,
    /// Resource-based policy.
    pub policy: Option<PolicyDocument>,
    /// Names of environment variables (values are never kept).
    #[serde(default)]
    pub environment_variable_names: Vec<String>,
}
