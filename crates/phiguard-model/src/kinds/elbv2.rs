//! Elastic Load Balancing v2: application, network and gateway load balancers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A load balancer with its listeners.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadBalancer {
    /// `application`, `network` or `gateway`.
    pub lb_type: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// Listeners.
    #[serde(default)]
    pub listeners: Vec<Listener>,
    /// `access_logs.s3.enabled`.
    pub access_logs_enabled: Option<bool>,
    /// `deletion_protection.enabled`.
    pub deletion_protection: Option<bool>,
}

/// A listener.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Listener {
    /// Port.
    pub port: u16,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: String,
    /// Security policy for HTTPS/TLS listeners, e.g. `ELBSecurityPolicy-TLS13-1-2-2021-06`.
    pub ssl_policy: Option<String>,
    /// Default action redirects to HTTPS.
    #[serde(default)]
    pub redirects_to_https: bool,
}
