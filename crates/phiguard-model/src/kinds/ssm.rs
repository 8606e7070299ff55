//! AWS Systems Manager: managed instances with their patch and association compliance.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A node managed by Systems Manager (an EC2 instance or a hybrid node).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SsmManagedInstance {
    /// The instance id (`i-...` for EC2, `mi-...` for hybrid nodes).
    pub instance_id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    pub ping_status: String,
    /// `Linux`, `Windows`, `MacOS`.
    #[serde(default)]
    pub platform_type: String,
    /// Patch compliance: `COMPLIANT`, `NON_COMPLIANT`; `None`: no patch data reported.
    pub patch_compliance: Option<String>,
    /// Association compliance; `None`: no association.
    pub association_compliance: Option<String>,
    /// Non-compliant patches by severity, e.g. `CRITICAL=2`.
    #[serde(default)]
    pub non_compliant: Vec<String>,
}

/// A Systems Manager document owned by the account, with who it is shared with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SsmDocument {
    /// `Command`, `Automation`, `Session`, ...
    #[serde(default)]
    pub document_type: String,
    /// Shared with everyone (the share permission lists `all`).
    pub public: bool,
    /// Accounts it is shared with.
    #[serde(default)]
    pub shared_with: Vec<String>,
}
