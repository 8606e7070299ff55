//! Amazon Redshift provisioned clusters in one region (`DescribeClusters`), with audit logging
//! (`DescribeLoggingStatus` per cluster) and the `require_ssl` /
//! `enable_user_activity_logging` parameters of their parameter groups
//! (`DescribeClusterParameters` once per group in use).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_redshift::types::Cluster;
use futures::StreamExt;
use phiguard_model::kinds::RedshiftCluster;
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type Redshift = aws_sdk_redshift::Client;

/// The parameters kept from each group.
const PARAMETERS: &[&str] = &["require_ssl", "enable_user_activity_logging"];

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::RedshiftClusters, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let rs = client!(scope, aws_sdk_redshift);
    let mut clusters = Vec::new();
    let mut pages = rs.describe_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        for c in page?.clusters() {
            if let Some(r) = cluster(scope, c) {
                clusters.push(r);
            }
        }
    }
    // One read per parameter group in use.
    let groups: BTreeSet<String> = clusters
        .iter()
        .filter_map(|r| match &r.details {
            Details::RedshiftCluster(d) => Some(d.parameter_groups.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut values: HashMap<String, Result<BTreeMap<String, String>, CallError>> = HashMap::new();
    for group in groups {
        let read = parameters(&rs, &group).await;
        values.insert(group, read);
    }
    let values = &values;
    Ok(futures::stream::iter(clusters)
        .map(|mut r| {
            let rs = &rs;
            async move {
                let id = r.name.clone().unwrap_or_default();
                let logging = rs
                    .describe_logging_status()
                    .cluster_identifier(&id)
                    .send()
                    .await
                    .map_err(CallError::from)
                    .map(|o| o.logging_enabled().unwrap_or(false));
                let logging = field(&mut r, "audit_logging", logging);
                let groups = match &r.details {
                    Details::RedshiftCluster(d) => d.parameter_groups.clone(),
                    _ => Vec::new(),
                };
                let mut merged = BTreeMap::new();
                let mut failed = None;
                for g in &groups {
                    match values.get(g) {
                        Some(Ok(v)) => merged.extend(v.clone()),
                        Some(Err(e)) => failed = Some(e.clone()),
                        None => {}
                    }
                }
                if let Some(e) = failed {
                    field::<()>(&mut r, "parameters", Err(e));
                }
                if let Details::RedshiftCluster(d) = &mut r.details {
                    d.audit_logging = logging.unwrap_or(false);
                    d.parameters = merged;
                }
                r
            }
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

async fn parameters(rs: &Redshift, group: &str) -> Result<BTreeMap<String, String>, CallError> {
    let mut out = BTreeMap::new();
    let mut pages = rs
        .describe_cluster_parameters()
        .parameter_group_name(group)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for p in page?.parameters() {
            if let (Some(name), Some(value)) = (p.parameter_name(), p.parameter_value())
                && PARAMETERS.contains(&name)
            {
                out.insert(name.to_string(), value.to_string());
            }
        }
    }
    Ok(out)
}

fn cluster(scope: &Scope, c: &Cluster) -> Option<Resource> {
    let id = c.cluster_identifier()?;
    let details = RedshiftCluster {
        encrypted: c.encrypted().unwrap_or(false),
        kms_key_id: c.kms_key_id().map(str::to_string),
        publicly_accessible: c.publicly_accessible().unwrap_or(false),
        automated_snapshot_retention_period: c
            .automated_snapshot_retention_period()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        audit_logging: false,
        parameter_groups: c
            .cluster_parameter_groups()
            .iter()
            .filter_map(|g| g.parameter_group_name().map(str::to_string))
            .collect(),
        parameters: BTreeMap::new(),
        allow_version_upgrade: c.allow_version_upgrade().unwrap_or(false),
        enhanced_vpc_routing: c.enhanced_vpc_routing().unwrap_or(false),
        vpc_id: c.vpc_id().map(str::to_string),
    };
    let mut r = scope.resource(scope.arn("redshift", &format!("cluster:{id}")), details);
    r.name = Some(id.to_string());
    r.tags = tags(
        c.tags()
            .iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
    );
    if c.publicly_accessible().is_none() {
        field::<()>(
            &mut r,
            "publicly_accessible",
            Err(CallError::new(
                "missing",
                "DescribeClusters did not say whether the cluster is public",
            )),
        );
    }
    Some(r)
}
