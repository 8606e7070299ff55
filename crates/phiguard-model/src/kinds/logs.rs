//! CloudWatch Logs log groups (with metric filters) and CloudWatch alarms.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A log group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LogGroup {
    /// Retention in days; `None` = never expire.
    pub retention_in_days: Option<u32>,
    /// KMS key ARN.
    pub kms_key_id: Option<String>,
    /// Stored bytes.
    #[serde(default)]
    pub stored_bytes: u64,
    /// Metric filters on this group.
    #[serde(default)]
    pub metric_filters: Vec<MetricFilter>,
}

/// A metric filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricFilter {
    /// Filter name.
    pub name: String,
    /// Filter pattern.
    pub pattern: String,
    /// Metrics it publishes.
    #[serde(default)]
    pub metrics: Vec<MetricRef>,
}

/// A metric (namespace + name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MetricRef {
    /// Metric namespace.
    pub namespace: String,
    /// Metric name.
    pub name: String,
}

/// A CloudWatch metric alarm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CloudwatchAlarm {
    /// Metric namespace.
    pub namespace: Option<String>,
    /// Metric name.
    pub metric_name: Option<String>,
    /// Actions enabled.
    pub actions_enabled: bool,
    /// Alarm action ARNs (SNS topics, ...).
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    /// `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    #[serde(default)]
    pub state: String,
}
