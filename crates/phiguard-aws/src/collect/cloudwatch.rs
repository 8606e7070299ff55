//! CloudWatch metric alarms in one region, with their actions, state and tags.
//!
//! The current SDK speaks the RPCv2-CBOR protocol to CloudWatch, which moto does not serve (it
//! answers 404): against the emulator this source is recorded as not collected and the alarm
//! controls report `error`. Against AWS it works as written.

use aws_sdk_cloudwatch::types::MetricAlarm;
use futures::StreamExt;
use phiguard_model::kinds::CloudwatchAlarm;
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::CloudwatchAlarms, result);
}

/// The metric an alarm watches: its own `Namespace`/`MetricName`, or, for an alarm written
/// with `Metrics`, the single metric query when there is exactly one (no math expression).
pub(crate) fn watched(a: &MetricAlarm) -> (Option<String>, Option<String>) {
    if a.namespace().is_some() || a.metric_name().is_some() {
        return (
            a.namespace().map(str::to_string),
            a.metric_name().map(str::to_string),
        );
    }
    match a.metrics() {
        [only] if only.expression().is_none() => {
            let metric = only.metric_stat().and_then(|s| s.metric());
            (
                metric.and_then(|m| m.namespace()).map(str::to_string),
                metric.and_then(|m| m.metric_name()).map(str::to_string),
            )
        }
        _ => (None, None),
    }
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let cw = client!(scope, aws_sdk_cloudwatch);
    let mut alarms = Vec::new();
    let mut pages = cw.describe_alarms().into_paginator().send();
    while let Some(page) = pages.next().await {
        for a in page?.metric_alarms() {
            let Some(name) = a.alarm_name() else { continue };
            let (namespace, metric_name) = watched(a);
            let d = CloudwatchAlarm {
                namespace,
                metric_name,
                actions_enabled: a.actions_enabled().unwrap_or(false),
                alarm_actions: a.alarm_actions().to_vec(),
                state: a
                    .state_value()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            };
            let arn = a
                .alarm_arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("cloudwatch", &format!("alarm:{name}")));
            let mut r = scope.resource(arn, d);
            r.name = Some(name.to_string());
            alarms.push(r);
        }
    }
    let cw = &cw;
    Ok(futures::stream::iter(alarms)
        .map(|mut r| async move {
            let t = cw
                .list_tags_for_resource()
                .resource_arn(&r.arn)
                .send()
                .await
                .map_err(CallError::from)
                .map(|o| {
                    tags(
                        o.tags()
                            .iter()
                            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
                    )
                });
            r.tags = field(&mut r, "tags", t).unwrap_or_default();
            r
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, MetricStat};

    use super::*;

    fn query(id: &str, ns: &str, name: &str) -> MetricDataQuery {
        MetricDataQuery::builder()
            .id(id)
            .metric_stat(
                MetricStat::builder()
                    .metric(Metric::builder().namespace(ns).metric_name(name).build())
                    .period(300)
                    .stat("Sum")
                    .build(),
            )
            .build()
    }

    #[test]
    fn watched_metric() {
        let plain = MetricAlarm::builder()
            .namespace("CISBenchmark")
            .metric_name("RootUsage")
            .build();
        assert_eq!(
            watched(&plain),
            (Some("CISBenchmark".into()), Some("RootUsage".into()))
        );
        let single = MetricAlarm::builder()
            .metrics(query("m1", "CISBenchmark", "RootUsage"))
            .build();
        assert_eq!(
            watched(&single),
            (Some("CISBenchmark".into()), Some("RootUsage".into()))
        );
        let math = MetricAlarm::builder()
            .metrics(query("m1", "A", "x"))
            .metrics(
                MetricDataQuery::builder()
                    .id("e1")
                    .expression("m1 * 2")
                    .build(),
            )
            .build();
        assert_eq!(watched(&math), (None, None));
    }
}
