//! AWS CloudTrail trails.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A trail, recorded once in its home region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Trail {
    /// Home region.
    pub home_region: String,
    /// Multi-region trail.
    pub is_multi_region: bool,
    /// Organisation trail.
    #[serde(default)]
    pub is_organization_trail: bool,
    /// GetTrailStatus IsLogging.
    pub is_logging: bool,
    /// Log file integrity validation.
    pub log_file_validation_enabled: bool,
    /// SSE-KMS key for log files.
    pub kms_key_id: Option<String>,
    /// CloudWatch Logs log group ARN.
    pub cloudwatch_logs_log_group_arn: Option<String>,
    /// Last delivery to CloudWatch Logs.
    pub latest_cloudwatch_logs_delivery_time: Option<Timestamp>,
    /// Destination bucket.
    pub s3_bucket_name: String,
    /// Destination prefix.
    pub s3_key_prefix: Option<String>,
    /// Records global service events (IAM, STS, CloudFront).
    #[serde(default)]
    pub include_global_service_events: bool,
    /// Basic event selectors.
    #[serde(default)]
    pub event_selectors: Vec<EventSelector>,
    /// Advanced event selectors.
    #[serde(default)]
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

/// A basic event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    /// Management events included.
    pub include_management_events: bool,
    /// Data resources.
    #[serde(default)]
    pub data_resources: Vec<DataResource>,
}

/// A data resource of a basic selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DataResource {
    /// e.g. `AWS::S3::Object`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// ARN prefixes, e.g. `arn:aws:s3:::bucket/` or `arn:aws:s3` for all buckets.
    #[serde(default)]
    pub values: Vec<String>,
}

/// An advanced event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AdvancedEventSelector {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Field selectors, all of which must match.
    pub field_selectors: Vec<FieldSelector>,
}

/// One field selector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldSelector {
    /// `eventCategory`, `resources.type`, `resources.ARN`, `readOnly`, `eventName`, ...
    pub field: String,
    /// Equals.
    #[serde(default)]
    pub equals: Vec<String>,
    /// StartsWith.
    #[serde(default)]
    pub starts_with: Vec<String>,
    /// EndsWith.
    #[serde(default)]
    pub ends_with: Vec<String>,
    /// NotEquals.
    #[serde(default)]
    pub not_equals: Vec<String>,
    /// NotStartsWith.
    #[serde(default)]
    pub not_starts_with: Vec<String>,
    /// NotEndsWith.
    #[serde(default)]
    pub not_ends_with: Vec<String>,
}
