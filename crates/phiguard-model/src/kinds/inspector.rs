//! Amazon Inspector: the account's scan status in one region.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Amazon Inspector's status for the account in one region (BatchGetAccountStatus).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InspectorStatus {
    /// Account state: `ENABLED`, `DISABLED`, `ENABLING`, `DISABLING`, `SUSPENDED`, ...
    pub state: String,
    /// EC2 scanning state.
    pub ec2: String,
    /// ECR scanning state.
    #[serde(default)]
    pub ecr: String,
    /// Lambda scanning state.
    #[serde(default)]
    pub lambda: String,
}
