//! Elastic Load Balancing (classic load balancers).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Classic Load Balancer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassicLoadBalancer {
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: String,
    /// VPC (none for EC2-Classic).
    pub vpc_id: Option<String>,
    /// Listeners.
    #[serde(default)]
    pub listeners: Vec<ClassicListener>,
    /// Access logs (`AccessLog.Enabled`).
    pub access_logs_enabled: bool,
    /// Cross-zone load balancing (`CrossZoneLoadBalancing.Enabled`).
    pub cross_zone: bool,
}

/// A listener of a Classic Load Balancer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassicListener {
    /// Front-end protocol: `HTTP`, `HTTPS`, `TCP`, `SSL`.
    pub protocol: String,
    /// Front-end port.
    pub port: i32,
    /// Back-end protocol.
    pub instance_protocol: Option<String>,
    /// Server certificate ARN (ACM or IAM) for HTTPS/SSL listeners.
    pub ssl_certificate_id: Option<String>,
    /// The predefined policy the listener's SSL negotiation policy references
    /// (`Reference-Security-Policy`, e.g. `ELBSecurityPolicy-TLS-1-2-2017-01`); `None` for
    /// non-TLS listeners or a custom policy. A failed read is a field error on
    /// `security_policy`.
    pub security_policy: Option<String>,
}
