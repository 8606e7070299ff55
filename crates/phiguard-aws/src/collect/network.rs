//! VPC networking in one region, called from the EC2 task: subnets, network ACLs and route
//! tables, each its own data source.

use aws_sdk_ec2::types::RuleAction;
use phiguard_model::Resource;
use phiguard_model::kinds::{NetworkAcl, NetworkAclEntry, Route, RouteTable, Subnet};

use crate::call::CallError;
use crate::collect::ec2::ec2_resource;
use crate::scope::Scope;

type Ec2 = aws_sdk_ec2::Client;

pub(crate) async fn subnets(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2.describe_subnets().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for s in page.map_err(CallError::from)?.subnets() {
            let Some(id) = s.subnet_id() else { continue };
            let d = Subnet {
                vpc_id: s.vpc_id().unwrap_or_default().to_string(),
                cidr_block: s.cidr_block().unwrap_or_default().to_string(),
                availability_zone: s.availability_zone().unwrap_or_default().to_string(),
                map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                default_for_az: s.default_for_az().unwrap_or(false),
            };
            out.push(ec2_resource(
                scope,
                s.subnet_arn(),
                "subnet",
                id,
                s.tags(),
                d,
            ));
        }
    }
    Ok(out)
}

/// One network ACL rule in the model's shape.
pub(crate) fn acl_entry(e: &aws_sdk_ec2::types::NetworkAclEntry) -> NetworkAclEntry {
    NetworkAclEntry {
        rule_number: e.rule_number().unwrap_or(32767),
        egress: e.egress().unwrap_or(false),
        protocol: e.protocol().unwrap_or("-1").to_string(),
        rule_action: match e.rule_action() {
            Some(RuleAction::Allow) => "allow".to_string(),
            Some(other) => other.as_str().to_string(),
            None => "deny".to_string(),
        },
        cidr_block: e.cidr_block().map(str::to_string),
        ipv6_cidr_block: e.ipv6_cidr_block().map(str::to_string),
        port_from: e.port_range().and_then(|p| p.from()),
        port_to: e.port_range().and_then(|p| p.to()),
    }
}

pub(crate) async fn network_acls(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2.describe_network_acls().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for a in page.map_err(CallError::from)?.network_acls() {
            let Some(id) = a.network_acl_id() else {
                continue;
            };
            let d = NetworkAcl {
                vpc_id: a.vpc_id().unwrap_or_default().to_string(),
                is_default: a.is_default().unwrap_or(false),
                entries: a.entries().iter().map(acl_entry).collect(),
                subnets: a
                    .associations()
                    .iter()
                    .filter_map(|s| s.subnet_id().map(str::to_string))
                    .collect(),
            };
            out.push(ec2_resource(scope, None, "network-acl", id, a.tags(), d));
        }
    }
    Ok(out)
}

/// One route in the model's shape: destination and whichever target it has.
pub(crate) fn route(r: &aws_sdk_ec2::types::Route) -> Route {
    let destination = r
        .destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())
        .unwrap_or_default()
        .to_string();
    let target = r
        .gateway_id()
        .or(r.nat_gateway_id())
        .or(r.transit_gateway_id())
        .or(r.vpc_peering_connection_id())
        .or(r.network_interface_id())
        .or(r.instance_id())
        .or(r.egress_only_internet_gateway_id())
        .or(r.local_gateway_id())
        .or(r.carrier_gateway_id())
        .or(r.core_network_arn())
        .unwrap_or_default()
        .to_string();
    Route {
        destination,
        target,
        state: r
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    }
}

pub(crate) async fn route_tables(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2.describe_route_tables().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for t in page.map_err(CallError::from)?.route_tables() {
            let Some(id) = t.route_table_id() else {
                continue;
            };
            let d = RouteTable {
                vpc_id: t.vpc_id().unwrap_or_default().to_string(),
                main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
                subnets: t
                    .associations()
                    .iter()
                    .filter_map(|a| a.subnet_id().map(str::to_string))
                    .collect(),
                routes: t.routes().iter().map(route).collect(),
            };
            out.push(ec2_resource(scope, None, "route-table", id, t.tags(), d));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{PortRange, Route as SdkRoute};

    use super::*;

    #[test]
    fn acl_entries_and_routes() {
        let e = aws_sdk_ec2::types::NetworkAclEntry::builder()
            .rule_number(100)
            .egress(false)
            .protocol("-1")
            .rule_action(RuleAction::Allow)
            .cidr_block("0.0.0.0/0")
            .port_range(PortRange::builder().from(0).to(65535).build())
            .build();
        let got = acl_entry(&e);
        assert!(got.whole_internet() && got.all_traffic() && got.rule_action == "allow");
        let r = SdkRoute::builder()
            .destination_cidr_block("0.0.0.0/0")
            .gateway_id("igw-0a1")
            .build();
        assert_eq!(route(&r).target, "igw-0a1");
        let nat = SdkRoute::builder()
            .destination_ipv6_cidr_block("::/0")
            .nat_gateway_id("nat-0a1")
            .build();
        assert_eq!(
            (
                route(&nat).destination.as_str(),
                route(&nat).target.as_str()
            ),
            ("::/0", "nat-0a1")
        );
    }
}
