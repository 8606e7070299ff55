//! Amazon RDS and Aurora in one region: DB instances, DB clusters, and the account's instance
//! and cluster snapshots with who may restore them (the `restore` attribute).

use aws_sdk_rds::types::Tag;
use futures::StreamExt;
use phiguard_model::kinds::{RdsCluster, RdsInstance, RdsParameterGroup, RdsSnapshot};
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::{tags, ts};
use crate::scope::Scope;

type Rds = aws_sdk_rds::Client;

pub(crate) async fn run(scope: &Scope) {
    let rds = client!(scope, aws_sdk_rds);
    let mut members = Vec::new();
    let (instances, clusters, snapshots) = {
        let (i, c, s) = futures::join!(
            instances(scope, &rds),
            clusters(scope, &rds),
            snapshots(scope, &rds),
        );
        (
            i.map(|(r, m)| {
                members.extend(m);
                r
            }),
            c.map(|(r, m)| {
                members.extend(m);
                r
            }),
            s,
        )
    };
    // Parameter groups are found through the databases that use them: without both lists
    // a database's group could be missing, so the source is not collected then.
    let groups = match (&instances, &clusters) {
        (Ok(_), Ok(_)) => parameter_groups(scope, &rds, members).await,
        (Err(e), _) | (_, Err(e)) => Err(e.clone()),
    };
    scope.record(DataSource::RdsInstances, instances);
    scope.record(DataSource::RdsClusters, clusters);
    scope.record(DataSource::RdsSnapshots, snapshots);
    scope.record(DataSource::RdsParameterGroups, groups);
}

/// (cluster group, group name, member identifier) of every database.
type Members = Vec<(bool, String, String)>;

/// The parameters kept from each group.
const TLS_PARAMETERS: &[&str] = &[
    "rds.force_ssl",
    "require_secure_transport",
    "ssl_min_protocol_version",
    "tls_version",
    "tls",
    "neptune_enforce_ssl",
];

/// Reads every parameter group in use once and keeps its TLS parameters.
async fn parameter_groups(
    scope: &Scope,
    rds: &Rds,
    members: Members,
) -> Result<Vec<Resource>, CallError> {
    let mut groups: std::collections::BTreeMap<(bool, String), Vec<String>> =
        std::collections::BTreeMap::new();
    for (cluster, group, member) in members {
        groups.entry((cluster, group)).or_default().push(member);
    }
    let mut out = Vec::new();
    for ((cluster, name), mut members) in groups {
        let mut parameters = std::collections::BTreeMap::new();
        if cluster {
            let mut pages = rds
                .describe_db_cluster_parameters()
                .db_cluster_parameter_group_name(&name)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                keep_tls(&mut parameters, page?.parameters());
            }
        } else {
            let mut pages = rds
                .describe_db_parameters()
                .db_parameter_group_name(&name)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                keep_tls(&mut parameters, page?.parameters());
            }
        }
        members.sort();
        members.dedup();
        let noun = if cluster { "cluster-pg" } else { "pg" };
        let mut r = scope.resource(
            scope.arn("rds", &format!("{noun}:{name}")),
            RdsParameterGroup {
                cluster,
                parameters,
                members,
            },
        );
        r.name = Some(name);
        out.push(r);
    }
    Ok(out)
}

fn keep_tls(
    into: &mut std::collections::BTreeMap<String, String>,
    parameters: &[aws_sdk_rds::types::Parameter],
) {
    for p in parameters {
        if let (Some(name), Some(value)) = (p.parameter_name(), p.parameter_value())
            && TLS_PARAMETERS.contains(&name)
        {
            into.insert(name.to_string(), value.to_string());
        }
    }
}

fn rds_tags(list: &[Tag]) -> std::collections::BTreeMap<String, String> {
    tags(
        list.iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
    )
}

fn days(n: Option<i32>) -> u32 {
    n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

async fn instances(scope: &Scope, rds: &Rds) -> Result<(Vec<Resource>, Members), CallError> {
    let mut pages = rds.describe_db_instances().into_paginator().send();
    let mut out = Vec::new();
    let mut members = Vec::new();
    while let Some(page) = pages.next().await {
        for i in page?.db_instances() {
            let Some(id) = i.db_instance_identifier() else {
                continue;
            };
            for g in i.db_parameter_groups() {
                if let Some(name) = g.db_parameter_group_name() {
                    members.push((false, name.to_string(), id.to_string()));
                }
            }
            let d = RdsInstance {
                engine: i.engine().unwrap_or_default().to_string(),
                engine_version: i.engine_version().unwrap_or_default().to_string(),
                storage_encrypted: i.storage_encrypted().unwrap_or(false),
                kms_key_id: i.kms_key_id().map(str::to_string),
                publicly_accessible: i.publicly_accessible().unwrap_or(false),
                backup_retention_period: days(i.backup_retention_period()),
                multi_az: i.multi_az().unwrap_or(false),
                deletion_protection: i.deletion_protection().unwrap_or(false),
                auto_minor_version_upgrade: i.auto_minor_version_upgrade().unwrap_or(false),
                cloudwatch_logs_exports: i.enabled_cloudwatch_logs_exports().to_vec(),
                cluster_identifier: i.db_cluster_identifier().map(str::to_string),
                iam_database_authentication: i
                    .iam_database_authentication_enabled()
                    .unwrap_or(false),
                monitoring_interval: i
                    .monitoring_interval()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0),
            };
            let arn = i
                .db_instance_arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("rds", &format!("db:{id}")));
            let mut r = scope.resource(arn, d);
            r.name = Some(id.to_string());
            r.tags = rds_tags(i.tag_list());
            if i.publicly_accessible().is_none() {
                // `false` would pass the public-access control on a value never read.
                field::<()>(
                    &mut r,
                    "publicly_accessible",
                    Err(CallError::new(
                        "missing",
                        "DescribeDBInstances did not say whether the instance is public",
                    )),
                );
            }
            out.push(r);
        }
    }
    Ok((out, members))
}

async fn clusters(scope: &Scope, rds: &Rds) -> Result<(Vec<Resource>, Members), CallError> {
    let mut pages = rds.describe_db_clusters().into_paginator().send();
    let mut out = Vec::new();
    let mut members = Vec::new();
    while let Some(page) = pages.next().await {
        for c in page?.db_clusters() {
            let Some(id) = c.db_cluster_identifier() else {
                continue;
            };
            if let Some(name) = c.db_cluster_parameter_group() {
                members.push((true, name.to_string(), id.to_string()));
            }
            let d = RdsCluster {
                engine: c.engine().unwrap_or_default().to_string(),
                storage_encrypted: c.storage_encrypted().unwrap_or(false),
                kms_key_id: c.kms_key_id().map(str::to_string),
                backup_retention_period: days(c.backup_retention_period()),
                deletion_protection: c.deletion_protection().unwrap_or(false),
                multi_az: c.multi_az().unwrap_or(false),
                members: c
                    .db_cluster_members()
                    .iter()
                    .filter_map(|m| m.db_instance_identifier().map(str::to_string))
                    .collect(),
            };
            let arn = c
                .db_cluster_arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("rds", &format!("cluster:{id}")));
            let mut r = scope.resource(arn, d);
            r.name = Some(id.to_string());
            r.tags = rds_tags(c.tag_list());
            out.push(r);
        }
    }
    Ok((out, members))
}

/// Whether the `restore` attribute makes a snapshot public, and the accounts it names.
pub(crate) fn restore_attribute<'a>(
    attributes: impl IntoIterator<Item = (Option<&'a str>, &'a [String])>,
) -> (bool, Vec<String>) {
    let mut public = false;
    let mut shared = Vec::new();
    for (name, values) in attributes {
        if name != Some("restore") {
            continue;
        }
        for v in values {
            if v == "all" {
                public = true;
            } else {
                shared.push(v.clone());
            }
        }
    }
    shared.sort();
    shared.dedup();
    (public, shared)
}

async fn snapshots(scope: &Scope, rds: &Rds) -> Result<Vec<Resource>, CallError> {
    // (resource, identifier, whether it can be shared at all)
    let mut listed: Vec<(Resource, String, bool)> = Vec::new();
    let mut pages = rds.describe_db_snapshots().into_paginator().send();
    while let Some(page) = pages.next().await {
        for s in page?.db_snapshots() {
            let Some(id) = s.db_snapshot_identifier() else {
                continue;
            };
            let snapshot_type = s.snapshot_type().unwrap_or_default().to_string();
            let d = RdsSnapshot {
                cluster: false,
                encrypted: s.encrypted().unwrap_or(false),
                public: false,
                shared_with: Vec::new(),
                create_time: ts(s.snapshot_create_time()),
                snapshot_type: snapshot_type.clone(),
            };
            let arn = s
                .db_snapshot_arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("rds", &format!("snapshot:{id}")));
            let mut r = scope.resource(arn, d);
            r.name = Some(id.to_string());
            r.tags = rds_tags(s.tag_list());
            listed.push((r, id.to_string(), snapshot_type != "automated"));
        }
    }
    let mut pages = rds.describe_db_cluster_snapshots().into_paginator().send();
    while let Some(page) = pages.next().await {
        for s in page?.db_cluster_snapshots() {
            let Some(id) = s.db_cluster_snapshot_identifier() else {
                continue;
            };
            let snapshot_type = s.snapshot_type().unwrap_or_default().to_string();
            let d = RdsSnapshot {
                cluster: true,
                encrypted: s.storage_encrypted().unwrap_or(false),
                public: false,
                shared_with: Vec::new(),
                create_time: ts(s.snapshot_create_time()),
                snapshot_type: snapshot_type.clone(),
            };
            let arn = s
                .db_cluster_snapshot_arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("rds", &format!("cluster-snapshot:{id}")));
            let mut r = scope.resource(arn, d);
            r.name = Some(id.to_string());
            r.tags = rds_tags(s.tag_list());
            listed.push((r, id.to_string(), snapshot_type != "automated"));
        }
    }
    Ok(futures::stream::iter(listed)
        .map(|(mut r, id, shareable)| async move {
            // Automated snapshots cannot be shared (AWS requires a manual copy first).
            if !shareable {
                return r;
            }
            let cluster = matches!(&r.details, Details::RdsSnapshot(d) if d.cluster);
            let attributes = if cluster {
                rds.describe_db_cluster_snapshot_attributes()
                    .db_cluster_snapshot_identifier(&id)
                    .send()
                    .await
                    .map_err(CallError::from)
                    .map(|o| {
                        restore_attribute(
                            o.db_cluster_snapshot_attributes_result()
                                .map(|a| a.db_cluster_snapshot_attributes())
                                .unwrap_or_default()
                                .iter()
                                .map(|a| (a.attribute_name(), a.attribute_values())),
                        )
                    })
            } else {
                rds.describe_db_snapshot_attributes()
                    .db_snapshot_identifier(&id)
                    .send()
                    .await
                    .map_err(CallError::from)
                    .map(|o| {
                        restore_attribute(
                            o.db_snapshot_attributes_result()
                                .map(|a| a.db_snapshot_attributes())
                                .unwrap_or_default()
                                .iter()
                                .map(|a| (a.attribute_name(), a.attribute_values())),
                        )
                    })
            };
            let attributes = match attributes {
                Ok(a) => Some(a),
                Err(e) => {
                    field::<()>(&mut r, "shared_with", Err(e.clone()));
                    field::<()>(&mut r, "public", Err(e));
                    None
                }
            };
            if let (Some((public, shared)), Details::RdsSnapshot(d)) = (attributes, &mut r.details)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_attribute_values() {
        let restore = vec!["210987654321".to_string(), "all".to_string()];
        let other = vec!["all".to_string()];
        let (public, shared) = restore_attribute([
            (Some("restore"), restore.as_slice()),
            (Some("something-else"), other.as_slice()),
        ]);
        assert!(public);
        assert_eq!(shared, vec!["210987654321".to_string()]);
        assert_eq!(
            restore_attribute([(Some("other"), other.as_slice())]),
            (false, Vec::new())
        );
        assert_eq!(restore_attribute([]), (false, Vec::new()));
    }
}
