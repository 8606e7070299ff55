//! CloudWatch Logs log groups in one region: retention, KMS key, stored bytes, tags, and the
//! metric filters on each group (one `DescribeMetricFilters` listing for the whole region).

use std::collections::HashMap;

use futures::StreamExt;
use phiguard_model::kinds::{LogGroup, MetricFilter, MetricRef};
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type Logs = aws_sdk_cloudwatchlogs::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::LogsLogGroups, result);
}

/// The log group ARN without the `:*` suffix `DescribeLogGroups` adds to `arn`.
pub(crate) fn group_arn(log_group_arn: Option<&str>, arn: Option<&str>) -> Option<String> {
    log_group_arn
        .filter(|a| !a.is_empty())
        .or(arn)
        .map(|a| a.strip_suffix(":*").unwrap_or(a).to_string())
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let logs = client!(scope, aws_sdk_cloudwatchlogs);
    let mut groups = Vec::new();
    let mut pages = logs.describe_log_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        for g in page?.log_groups() {
            let Some(name) = g.log_group_name() else {
                continue;
            };
            let arn = group_arn(g.log_group_arn(), g.arn())
                .unwrap_or_else(|| scope.arn("logs", &format!("log-group:{name}")));
            let d = LogGroup {
                retention_in_days: g.retention_in_days().and_then(|n| u32::try_from(n).ok()),
                kms_key_id: g.kms_key_id().filter(|k| !k.is_empty()).map(str::to_string),
                stored_bytes: g
                    .stored_bytes()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
                metric_filters: Vec::new(),
            };
            let mut r = scope.resource(arn, d);
            r.name = Some(name.to_string());
            groups.push(r);
        }
    }
    let filters = metric_filters(&logs).await;
    let logs = &logs;
    let filters = &filters;
    Ok(futures::stream::iter(groups)
        .map(|mut r| async move {
            let name = r.name.clone().unwrap_or_default();
            let mine = match filters {
                Ok(by_group) => by_group.get(&name).cloned().unwrap_or_default(),
                Err(e) => {
                    field::<()>(&mut r, "metric_filters", Err(e.clone()));
                    Vec::new()
                }
            };
            if let Details::LogGroup(d) = &mut r.details {
                d.metric_filters = mine;
            }
            let t = logs
                .list_tags_for_resource()
                .resource_arn(&r.arn)
                .send()
                .await
                .map_err(CallError::from)
                .map(|o| {
                    o.tags()
                        .map(|t| tags(t.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
                        .unwrap_or_default()
                });
            r.tags = field(&mut r, "tags", t).unwrap_or_default();
            r
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

/// Every metric filter of the region, by log group name.
async fn metric_filters(logs: &Logs) -> Result<HashMap<String, Vec<MetricFilter>>, CallError> {
    let mut out: HashMap<String, Vec<MetricFilter>> = HashMap::new();
    let mut pages = logs.describe_metric_filters().into_paginator().send();
    while let Some(page) = pages.next().await {
        for f in page?.metric_filters() {
            let Some(group) = f.log_group_name() else {
                continue;
            };
            out.entry(group.to_string()).or_default().push(filter(f));
        }
    }
    Ok(out)
}

/// A metric filter in the model's shape.
pub(crate) fn filter(f: &aws_sdk_cloudwatchlogs::types::MetricFilter) -> MetricFilter {
    MetricFilter {
        name: f.filter_name().unwrap_or_default().to_string(),
        pattern: f.filter_pattern().unwrap_or_default().to_string(),
        metrics: f
            .metric_transformations()
            .iter()
            .map(|m| MetricRef {
                namespace: m.metric_namespace().to_string(),
                name: m.metric_name().to_string(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudwatchlogs::types::MetricTransformation;

    use super::*;

    #[test]
    fn arns_lose_the_wildcard_suffix() {
        let plain = "arn:aws:logs:us-east-1:123456789012:log-group:trail";
        assert_eq!(
            group_arn(None, Some(&format!("{plain}:*"))).as_deref(),
            Some(plain)
        );
        assert_eq!(
            group_arn(Some(plain), Some("ignored")).as_deref(),
            Some(plain)
        );
        assert_eq!(group_arn(Some(""), None), None);
    }

    #[test]
    fn filters_keep_pattern_and_metrics() {
        let f = aws_sdk_cloudwatchlogs::types::MetricFilter::builder()
            .filter_name("root-usage")
            .filter_pattern("{ $.userIdentity.type = \"Root\" }")
            .log_group_name("trail")
            .metric_transformations(
                MetricTransformation::builder()
                    .metric_name("RootUsage")
                    .metric_namespace("CISBenchmark")
                    .metric_value("1")
                    .build()
                    .unwrap(),
            )
            .build();
        let m = filter(&f);
        assert_eq!(m.name, "root-usage");
        assert!(m.pattern.contains("Root"));
        assert_eq!(
            m.metrics,
            vec![MetricRef {
                namespace: "CISBenchmark".into(),
                name: "RootUsage".into()
            }]
        );
    }
}
