//! Amazon CloudFront distributions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A distribution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Distribution {
    /// Enabled.
    pub enabled: bool,
    /// Viewer protocol policy of the default and every other cache behaviour
    /// (`allow-all`, `redirect-to-https`, `https-only`).
    #[serde(default)]
    pub viewer_protocol_policies: Vec<String>,
    /// Viewer certificate minimum protocol version, e.g. `TLSv1.2_2021`. Distributions on the
    /// default `*.cloudfront.net` certificate report `TLSv1`.
    pub minimum_protocol_version: String,
    /// Uses the default CloudFront certificate.
    #[serde(default)]
    pub default_certificate: bool,
    /// Origin protocol policies of custom origins (`http-only`, `match-viewer`, `https-only`).
    #[serde(default)]
    pub origin_protocol_policies: Vec<String>,
    /// Web ACL.
    pub web_acl_id: Option<String>,
    /// Standard logging on.
    #[serde(default)]
    pub logging_enabled: bool,
}
