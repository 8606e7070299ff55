//! EC2: EBS volumes and snapshots, instances, security groups, VPCs with flow logs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// An EBS volume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EbsVolume {
    /// Encrypted at rest.
    pub encrypted: bool,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// `in-use`, `available`, ...
    #[serde(default)]
    pub state: String,
    /// Size in GiB.
    #[serde(default)]
    pub size_gib: u32,
    /// Instances it is attached to.
    #[serde(default)]
    pub attached_instances: Vec<String>,
}

/// An EBS snapshot owned by the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EbsSnapshot {
    /// Encrypted.
    pub encrypted: bool,
    /// Source volume.
    pub volume_id: Option<String>,
    /// `createVolumePermission` includes group `all`.
    pub public: bool,
    /// Accounts it is shared with.
    #[serde(default)]
    pub shared_with: Vec<String>,
    /// When it was taken.
    pub start_time: Option<Timestamp>,
}

/// An EC2 instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Ec2Instance {
    /// `running`, `stopped`, ...
    pub state: String,
    /// Instance type.
    #[serde(default)]
    pub instance_type: String,
    /// Launch time.
    pub launch_time: Option<Timestamp>,
    /// Public IPv4 address.
    pub public_ip: Option<String>,
    /// Instance profile ARN.
    pub instance_profile: Option<String>,
    /// IMDS `HttpTokens`: `required` (IMDSv2 only) or `optional`.
    pub metadata_http_tokens: Option<String>,
    /// IMDS `HttpEndpoint`: `enabled` or `disabled`.
    pub metadata_http_endpoint: Option<String>,
    /// VPC.
    pub vpc_id: Option<String>,
    /// Subnet.
    pub subnet_id: Option<String>,
    /// Security group ids.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// AMI.
    pub image_id: Option<String>,
    /// When a stopped instance was stopped (from `StateTransitionReason`); `None` when running
    /// or unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_since: Option<Timestamp>,
    /// Nitro Enclaves enabled (`EnclaveOptions.Enabled`): a confidential-workload host.
    #[serde(default)]
    pub enclave_enabled: bool,
}

/// The time in an EC2 `StateTransitionReason` such as
/// `User initiated (2026-05-23 17:09:43 GMT)`, if it carries one.
pub fn state_transition_time(reason: &str) -> Option<Timestamp> {
    let open = reason.rfind('(')?;
    let inner = reason[open + 1..].strip_suffix(')')?.trim();
    let inner = inner.strip_suffix("GMT").unwrap_or(inner).trim();
    let (date, time) = inner.split_once(' ')?;
    format!("{date}T{time}Z").parse().ok()
}

/// A security group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SecurityGroup {
    /// Group name (`default` for a VPC's default group).
    pub group_name: String,
    /// VPC.
    pub vpc_id: Option<String>,
    /// Inbound rules.
    #[serde(default)]
    pub ingress: Vec<SecurityGroupRule>,
    /// Outbound rules.
    #[serde(default)]
    pub egress: Vec<SecurityGroupRule>,
}

/// A security group rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SecurityGroupRule {
    /// `tcp`, `udp`, `icmp` or `-1` (all).
    pub protocol: String,
    /// First port; `None` for all.
    pub from_port: Option<i32>,
    /// Last port; `None` for all.
    pub to_port: Option<i32>,
    /// IPv4 CIDRs.
    #[serde(default)]
    pub ipv4_ranges: Vec<String>,
    /// IPv6 CIDRs.
    #[serde(default)]
    pub ipv6_ranges: Vec<String>,
    /// Source or destination security groups.
    #[serde(default)]
    pub groups: Vec<String>,
}

impl SecurityGroupRule {
    /// Whether the rule is open to the whole internet (`0.0.0.0/0` or `::/0`).
    pub fn open_to_world(&self) -> bool {
        self.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0")
            || self.ipv6_ranges.iter().any(|c| c == "::/0")
    }

    /// Whether the rule covers a TCP port.
    pub fn covers_tcp_port(&self, port: i32) -> bool {
        let proto_ok = self.protocol == "-1" || self.protocol == "tcp" || self.protocol == "6";
        let from = self.from_port.unwrap_or(0);
        let to = self.to_port.unwrap_or(65535);
        proto_ok
            && (self.protocol == "-1" || (from <= port && port <= to) || (from == -1 && to == -1))
    }
}

/// A VPC with its flow logs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Vpc {
    /// The default VPC of the region.
    #[serde(default)]
    pub is_default: bool,
    /// Primary CIDR block.
    #[serde(default)]
    pub cidr_block: String,
    /// Flow logs attached to the VPC.
    #[serde(default)]
    pub flow_logs: Vec<FlowLog>,
}

/// A VPC flow log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlowLog {
    /// Flow log id.
    pub id: String,
    /// `ACTIVE` when delivering.
    pub status: String,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: String,
    /// Destination ARN.
    pub destination: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_transition_reasons() {
        assert_eq!(
            state_transition_time("User initiated (2026-05-23 17:09:43 GMT)")
                .map(|t| t.as_second()),
            "2026-05-23T17:09:43Z"
                .parse::<Timestamp>()
                .ok()
                .map(|t| t.as_second())
        );
        assert_eq!(state_transition_time(""), None);
        assert_eq!(state_transition_time("Server.InternalError"), None);
        assert_eq!(state_transition_time("User initiated (yesterday)"), None);
    }
}
