//! Amazon SNS topics.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An SNS topic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SnsTopic {
    /// KMS key for SSE; `None`: not encrypted.
    pub kms_master_key_id: Option<String>,
    /// Confirmed subscriptions (protocol only; endpoints are not kept).
    #[serde(default)]
    pub subscriptions: Vec<SnsSubscription>,
}

/// A subscription, without its endpoint (which may be a person's address).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SnsSubscription {
    /// `email`, `https`, `sqs`, `lambda`, ...
    pub protocol: String,
    /// Whether the subscription is confirmed.
    pub confirmed: bool,
}
