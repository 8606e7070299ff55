//! Amazon Macie: the account's Macie session in one region and what it inspects.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Macie in one region. A region where Macie is not enabled has no such resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MacieSession {
    /// `ENABLED` or `PAUSED`.
    pub status: String,
    /// Automated sensitive data discovery is `ENABLED` (it samples every bucket).
    #[serde(default)]
    pub automated_discovery: bool,
    /// Buckets named in classification jobs that are not cancelled or complete one-time
    /// jobs, as `ACCOUNT:BUCKET`.
    #[serde(default)]
    pub job_buckets: Vec<String>,
}
