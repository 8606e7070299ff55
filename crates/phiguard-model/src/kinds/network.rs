//! VPC networking: subnets, network ACLs and route tables.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A VPC subnet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subnet {
    /// VPC.
    pub vpc_id: String,
    /// IPv4 CIDR block.
    #[serde(default)]
    pub cidr_block: String,
    /// Availability zone.
    #[serde(default)]
    pub availability_zone: String,
    /// Instances launched here get a public IPv4 address by default (`MapPublicIpOnLaunch`).
    pub map_public_ip_on_launch: bool,
    /// The default subnet of its availability zone (in the default VPC).
    #[serde(default)]
    pub default_for_az: bool,
}

/// A network ACL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NetworkAcl {
    /// VPC.
    pub vpc_id: String,
    /// The VPC's default network ACL.
    #[serde(default)]
    pub is_default: bool,
    /// Rules, in any order (evaluate by `rule_number`).
    #[serde(default)]
    pub entries: Vec<NetworkAclEntry>,
    /// Subnets associated with it.
    #[serde(default)]
    pub subnets: Vec<String>,
}

/// A network ACL rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NetworkAclEntry {
    /// Rule number (evaluated lowest first; 32767 is the implicit deny).
    pub rule_number: i32,
    /// An outbound rule.
    pub egress: bool,
    /// Protocol number as text, `-1` for all.
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    /// IPv4 CIDR.
    pub cidr_block: Option<String>,
    /// IPv6 CIDR.
    pub ipv6_cidr_block: Option<String>,
    /// First port (TCP/UDP).
    pub port_from: Option<i32>,
    /// Last port (TCP/UDP).
    pub port_to: Option<i32>,
}

impl NetworkAclEntry {
    /// Whether the rule matches traffic from or to the whole internet.
    pub fn whole_internet(&self) -> bool {
        self.cidr_block.as_deref() == Some("0.0.0.0/0")
            || self.ipv6_cidr_block.as_deref() == Some("::/0")
    }

    /// Whether the rule matches every protocol and port (protocol `-1`).
    pub fn all_traffic(&self) -> bool {
        self.protocol == "-1"
    }
}

/// A route table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RouteTable {
    /// VPC.
    pub vpc_id: String,
    /// The VPC's main route table (used by subnets without an explicit association).
    #[serde(default)]
    pub main: bool,
    /// Explicitly associated subnets.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// Routes.
    #[serde(default)]
    pub routes: Vec<Route>,
}

/// A route.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Route {
    /// Destination CIDR (IPv4 or IPv6) or prefix list id.
    pub destination: String,
    /// Target: `igw-...`, `nat-...`, `tgw-...`, `pcx-...`, `eni-...`, `local`, ...
    pub target: String,
    /// `active` or `blackhole`.
    #[serde(default)]
    pub state: String,
}
