//! VPC controls: flow logs on every VPC, network ACLs, subnets and route tables.

pub mod network_acl_no_open_ingress;
pub mod route_table_no_internet_gateway_default_route;
pub mod subnet_no_auto_public_ip;
pub mod vpc_flow_logs_enabled;
