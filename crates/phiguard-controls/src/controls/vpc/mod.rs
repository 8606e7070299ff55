//! VPC controls: flow logs on every VPC.

pub mod vpc_flow_logs_enabled;
