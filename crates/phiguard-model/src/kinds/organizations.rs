//! AWS Organizations service control policies.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::PolicyDocument;

/// A service control policy that applies to the scanned account (attached to the account,
/// one of its organizational units, or the root). Recorded once per account it applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceControlPolicy {
    /// The policy document.
    pub document: PolicyDocument,
    /// Where it is attached on the account's path: the account id, OU ids (`ou-…`) or the
    /// root id (`r-…`).
    #[serde(default)]
    pub attached_to: Vec<String>,
    /// An AWS-managed policy (`FullAWSAccess`).
    #[serde(default)]
    pub aws_managed: bool,
}
