//! EC2 in one region: EBS volumes, snapshots owned by the account (with who may create volumes
//! from them), EBS encryption by default, instances, security groups, and VPCs with their flow
//! logs. Each is its own data source, recorded separately, so a denied `DescribeInstances` does
//! not hide the volumes.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ec2::types::{IpPermission, PermissionGroup, SnapshotAttributeName, Tag};
use futures::StreamExt;
use phiguard_model::kinds::{
    EbsDefaults, EbsSnapshot, EbsVolume, Ec2Instance, FlowLog, SecurityGroup, SecurityGroupRule,
    Vpc, state_transition_time,
};
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::{tags, ts};
use crate::scope::Scope;

type Ec2 = aws_sdk_ec2::Client;

pub(crate) async fn run(scope: &Scope) {
    let ec2 = client!(scope, aws_sdk_ec2);
    let (volumes, snapshots, defaults, instances, groups, vpcs) = futures::join!(
        volumes(scope, &ec2),
        snapshots(scope, &ec2),
        ebs_defaults(scope, &ec2),
        instances(scope, &ec2),
        security_groups(scope, &ec2),
        vpcs(scope, &ec2),
    );
    let (subnets, acls, routes) = futures::join!(
        crate::collect::network::subnets(scope, &ec2),
        crate::collect::network::network_acls(scope, &ec2),
        crate::collect::network::route_tables(scope, &ec2),
    );
    scope.record(DataSource::Ec2Subnets, subnets);
    scope.record(DataSource::Ec2NetworkAcls, acls);
    scope.record(DataSource::Ec2RouteTables, routes);
    scope.record(DataSource::Ec2Volumes, volumes);
    scope.record(DataSource::Ec2Snapshots, snapshots);
    scope.setting(DataSource::Ec2EbsDefaults, defaults, |s, v| {
        s.ebs_defaults.push(v);
    });
    scope.record(DataSource::Ec2Instances, instances);
    scope.record(DataSource::Ec2SecurityGroups, groups);
    scope.record(DataSource::Ec2Vpcs, vpcs);
}

/// EC2 tags (key and value are optional in the SDK's shape).
pub(crate) fn ec2_tags(list: &[Tag]) -> BTreeMap<String, String> {
    tags(
        list.iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
    )
}

/// The display name of an EC2 resource: its id, with its `Name` tag when it has one.
pub(crate) fn display(id: &str, tags: &BTreeMap<String, String>) -> String {
    match tags
        .get("Name")
        .filter(|n| !n.is_empty() && n.as_str() != id)
    {
        Some(name) => format!("{id} ({name})"),
        None => id.to_string(),
    }
}

pub(crate) fn ec2_resource(
    scope: &Scope,
    arn: Option<&str>,
    noun: &str,
    id: &str,
    tag_list: &[Tag],
    details: impl Into<Details>,
) -> Resource {
    let arn = arn
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| scope.arn("ec2", &format!("{noun}/{id}")));
    let mut r = scope.resource(arn, details);
    r.tags = ec2_tags(tag_list);
    r.name = Some(display(id, &r.tags));
    r
}

async fn volumes(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2.describe_volumes().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for v in page?.volumes() {
            let Some(id) = v.volume_id() else { continue };
            let d = EbsVolume {
                encrypted: v.encrypted().unwrap_or(false),
                kms_key_id: v.kms_key_id().map(str::to_string),
                state: v
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                size_gib: v.size().and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                attached_instances: v
                    .attachments()
                    .iter()
                    .filter_map(|a| a.instance_id().map(str::to_string))
                    .collect(),
            };
            out.push(ec2_resource(
                scope,
                v.volume_arn(),
                "volume",
                id,
                v.tags(),
                d,
            ));
        }
    }
    Ok(out)
}

/// Whether a snapshot's `createVolumePermission` list makes it public, and the accounts it is
/// shared with.
pub(crate) fn volume_permissions(
    list: &[aws_sdk_ec2::types::CreateVolumePermission],
) -> (bool, Vec<String>) {
    let public = list
        .iter()
        .any(|p| p.group() == Some(&PermissionGroup::All));
    let mut shared: Vec<String> = list
        .iter()
        .filter_map(|p| p.user_id().map(str::to_string))
        .collect();
    shared.sort();
    shared.dedup();
    (public, shared)
}

async fn snapshots(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2
        .describe_snapshots()
        .owner_ids("self")
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        for s in page?.snapshots() {
            let Some(id) = s.snapshot_id() else { continue };
            let d = EbsSnapshot {
                encrypted: s.encrypted().unwrap_or(false),
                volume_id: s
                    .volume_id()
                    .filter(|v| !v.is_empty() && *v != "vol-ffffffff")
                    .map(str::to_string),
                public: false,
                shared_with: Vec::new(),
                start_time: ts(s.start_time()),
            };
            // Snapshot ARNs carry no account id.
            let arn = format!("arn:aws:ec2:{}::snapshot/{id}", scope.region());
            listed.push((
                id.to_string(),
                ec2_resource(scope, Some(&arn), "snapshot", id, s.tags(), d),
            ));
        }
    }
    Ok(futures::stream::iter(listed)
        .map(|(id, mut r)| async move {
            let permissions = ec2
                .describe_snapshot_attribute()
                .snapshot_id(&id)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
                .send()
                .await
                .map_err(CallError::from)
                .map(|o| volume_permissions(o.create_volume_permissions()));
            let permissions = match permissions {
                Ok(p) => Some(p),
                Err(e) => {
                    field::<()>(&mut r, "shared_with", Err(e.clone()));
                    field(&mut r, "public", Err::<(), _>(e));
                    None
                }
            };
            if let (Some((public, shared)), Details::EbsSnapshot(d)) = (permissions, &mut r.details)
            {
                d.public = public;
                d.shared_with = shared;
            }
            r
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

async fn ebs_defaults(scope: &Scope, ec2: &Ec2) -> Result<EbsDefaults, CallError> {
    let (by_default, key) = futures::join!(
        ec2.get_ebs_encryption_by_default().send(),
        ec2.get_ebs_default_kms_key_id().send(),
    );
    let encryption_by_default = by_default?.ebs_encryption_by_default().ok_or_else(|| {
        CallError::new(
            "parse",
            "GetEbsEncryptionByDefault returned no EbsEncryptionByDefault",
        )
    })?;
    Ok(EbsDefaults {
        region: scope.region().to_string(),
        encryption_by_default,
        default_kms_key_id: key?.kms_key_id().map(str::to_string),
    })
}

async fn instances(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2.describe_instances().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for reservation in page?.reservations() {
            for i in reservation.instances() {
                let Some(id) = i.instance_id() else { continue };
                let metadata = i.metadata_options();
                let d = Ec2Instance {
                    state: i
                        .state()
                        .and_then(|s| s.name())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    instance_type: i
                        .instance_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    launch_time: ts(i.launch_time()),
                    public_ip: i
                        .public_ip_address()
                        .filter(|ip| !ip.is_empty())
                        .map(str::to_string),
                    instance_profile: i
                        .iam_instance_profile()
                        .and_then(|p| p.arn())
                        .map(str::to_string),
                    metadata_http_tokens: metadata
                        .and_then(|m| m.http_tokens())
                        .map(|t| t.as_str().to_string()),
                    metadata_http_endpoint: metadata
                        .and_then(|m| m.http_endpoint())
                        .map(|t| t.as_str().to_string()),
                    vpc_id: i.vpc_id().map(str::to_string),
                    subnet_id: i.subnet_id().map(str::to_string),
                    security_groups: i
                        .security_groups()
                        .iter()
                        .filter_map(|g| g.group_id().map(str::to_string))
                        .collect(),
                    image_id: i.image_id().map(str::to_string),
                    stopped_since: i
                        .state_transition_reason()
                        .filter(|_| {
                            i.state()
                                .and_then(|s| s.name())
                                .is_some_and(|n| n.as_str() == "stopped")
                        })
                        .and_then(state_transition_time),
                    enclave_enabled: i
                        .enclave_options()
                        .and_then(|e| e.enabled())
                        .unwrap_or(false),
                };
                out.push(ec2_resource(scope, None, "instance", id, i.tags(), d));
            }
        }
    }
    Ok(out)
}

/// A security group rule in the model's shape.
pub(crate) fn rule(p: &IpPermission) -> SecurityGroupRule {
    let protocol = p.ip_protocol().unwrap_or("-1").to_string();
    let all = protocol == "-1";
    SecurityGroupRule {
        from_port: if all { None } else { p.from_port() },
        to_port: if all { None } else { p.to_port() },
        protocol,
        ipv4_ranges: p
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(str::to_string))
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .filter_map(|r| r.cidr_ipv6().map(str::to_string))
            .collect(),
        groups: p
            .user_id_group_pairs()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_string))
            .chain(
                p.prefix_list_ids()
                    .iter()
                    .filter_map(|l| l.prefix_list_id().map(str::to_string)),
            )
            .collect(),
    }
}

async fn security_groups(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2.describe_security_groups().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for g in page?.security_groups() {
            let Some(id) = g.group_id() else { continue };
            let group_name = g.group_name().unwrap_or_default().to_string();
            let d = SecurityGroup {
                vpc_id: g.vpc_id().map(str::to_string),
                ingress: g.ip_permissions().iter().map(rule).collect(),
                egress: g.ip_permissions_egress().iter().map(rule).collect(),
                group_name: group_name.clone(),
            };
            let mut r = ec2_resource(
                scope,
                g.security_group_arn(),
                "security-group",
                id,
                g.tags(),
                d,
            );
            if !group_name.is_empty() && !r.tags.contains_key("Name") {
                r.name = Some(format!("{id} ({group_name})"));
            }
            out.push(r);
        }
    }
    Ok(out)
}

async fn vpcs(scope: &Scope, ec2: &Ec2) -> Result<Vec<Resource>, CallError> {
    let mut pages = ec2.describe_vpcs().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for v in page?.vpcs() {
            let Some(id) = v.vpc_id() else { continue };
            let d = Vpc {
                is_default: v.is_default().unwrap_or(false),
                cidr_block: v.cidr_block().unwrap_or_default().to_string(),
                flow_logs: Vec::new(),
            };
            out.push((
                id.to_string(),
                ec2_resource(scope, None, "vpc", id, v.tags(), d),
            ));
        }
    }
    let logs = flow_logs(ec2).await;
    Ok(out
        .into_iter()
        .map(|(id, mut r)| {
            let mine = match &logs {
                Ok(by_vpc) => by_vpc.get(&id).cloned().unwrap_or_default(),
                Err(e) => {
                    field::<()>(&mut r, "flow_logs", Err(e.clone()));
                    Vec::new()
                }
            };
            if let Details::Vpc(d) = &mut r.details {
                d.flow_logs = mine;
            }
            r
        })
        .collect())
}

/// Every flow log of the region, by the VPC it is attached to (subnet and interface flow logs
/// are left out: they do not cover the VPC).
async fn flow_logs(ec2: &Ec2) -> Result<HashMap<String, Vec<FlowLog>>, CallError> {
    let mut pages = ec2.describe_flow_logs().into_paginator().send();
    let mut out: HashMap<String, Vec<FlowLog>> = HashMap::new();
    while let Some(page) = pages.next().await {
        for f in page?.flow_logs() {
            let Some(resource) = f.resource_id().filter(|r| r.starts_with("vpc-")) else {
                continue;
            };
            out.entry(resource.to_string()).or_default().push(FlowLog {
                id: f.flow_log_id().unwrap_or_default().to_string(),
                status: f.flow_log_status().unwrap_or_default().to_string(),
                traffic_type: f
                    .traffic_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                destination: f
                    .log_destination()
                    .or(f.log_group_name())
                    .map(str::to_string),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        CreateVolumePermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair,
    };

    use super::*;

    #[test]
    fn snapshot_permissions() {
        let list = [
            CreateVolumePermission::builder()
                .user_id("210987654321")
                .build(),
            CreateVolumePermission::builder()
                .user_id("111122223333")
                .build(),
            CreateVolumePermission::builder()
                .user_id("210987654321")
                .build(),
        ];
        assert_eq!(
            volume_permissions(&list),
            (false, vec!["111122223333".into(), "210987654321".into()])
        );
        let public = [CreateVolumePermission::builder()
            .group(PermissionGroup::All)
            .build()];
        assert_eq!(volume_permissions(&public), (true, Vec::new()));
        assert_eq!(volume_permissions(&[]), (false, Vec::new()));
    }

    #[test]
    fn security_group_rules() {
        let ssh = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
            .build();
        let r = rule(&ssh);
        assert_eq!(r.protocol, "tcp");
        assert_eq!((r.from_port, r.to_port), (Some(22), Some(22)));
        assert!(r.open_to_world() && r.covers_tcp_port(22) && !r.covers_tcp_port(23));

        // "All traffic": EC2 may still send -1/-1 ports; they must not narrow the rule.
        let all = IpPermission::builder()
            .ip_protocol("-1")
            .from_port(-1)
            .to_port(-1)
            .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-1").build())
            .prefix_list_ids(PrefixListId::builder().prefix_list_id("pl-1").build())
            .build();
        let r = rule(&all);
        assert_eq!((r.from_port, r.to_port), (None, None));
        assert_eq!(r.groups, vec!["sg-1".to_string(), "pl-1".to_string()]);
        assert!(r.covers_tcp_port(3389) && !r.open_to_world());

        // No protocol at all is read as "all", never as "nothing".
        assert_eq!(rule(&IpPermission::builder().build()).protocol, "-1");
    }

    #[test]
    fn names_show_the_name_tag() {
        let t = ec2_tags(&[
            Tag::builder().key("Name").value("web").build(),
            Tag::builder().key("PHI").value("Yes").build(),
            Tag::builder().build(),
        ]);
        assert_eq!(t.get("PHI").map(String::as_str), Some("Yes"));
        assert_eq!(display("i-1", &t), "i-1 (web)");
        assert_eq!(display("i-1", &BTreeMap::new()), "i-1");
    }
}
