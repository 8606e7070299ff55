use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, calls, event};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Changes to CloudTrail configuration raise an alarm: a metric filter on the CloudTrail log
    /// group matches `CreateTrail`, `UpdateTrail`, `DeleteTrail`, `StartLogging` and `StopLogging`,
    /// and an alarm on its metric notifies an SNS topic that someone is subscribed to.
    ///
    /// # Rationale
    /// Stopping or redirecting the audit trail is the first thing an intruder who knows AWS does,
    /// and it blinds every other control. HIPAA requires audit controls and protection of the
    /// information they record; an alarm on trail changes tells you the moment the record stops.
    ///
    /// # Evaluation
    /// Per account, follows the chain shared by all monitoring controls: a multi-region, logging
    /// trail recording all management events (`is_multi_region`, `is_logging`, event selectors) →
    /// its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`, matched with or without the `:*`
    /// suffix) → metric filters whose `pattern` matches each of `CreateTrail`, `UpdateTrail`,
    /// `DeleteTrail`, `StartLogging` and `StopLogging` → an alarm (same account and region) on each
    /// filter's metric (`namespace`, `metric_name`) with `actions_enabled` → an SNS topic among its
    /// `alarm_actions` with at least one confirmed subscription. Patterns are parsed and evaluated
    /// against synthetic CloudTrail events rather than compared as text, so quoted (CIS v1.4–3.0),
    /// unquoted (v4.0+) and reordered forms all count, and several filters may share the events; a
    /// filter that also matches a read-only `DescribeTrails` call is not counted (its alarm would
    /// fire on ordinary activity). (`PutEventSelectors`, which can silently drop data events, is
    /// not in the CIS list and not required here; adding it to the filter is recommended.) Passes
    /// with the trail, log group, filter, metric, alarm and topic as evidence; fails naming the
    /// first missing link of the most complete chain; `error` when a link could not be read.
    ///
    /// # Remediation
    /// Create the metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create metric
    ///   filter with the pattern of the CLI step, namespace `CISBenchmark`, metric `CloudTrailChanges`, value 1;
    ///   then Create alarm: Sum ≥ 1 over 5 minutes, notify an SNS topic with a confirmed
    ///   subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name cloudtrail-changes --filter-pattern '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) }' --metric-transformations metricName=CloudTrailChanges,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name cloudtrail-changes --metric-name CloudTrailChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` with that pattern and
    ///   `metric_transformation { name = "CloudTrailChanges" namespace = "CISBenchmark" value = "1" }`,
    ///   `aws_cloudwatch_metric_alarm` with `alarm_actions = [aws_sns_topic.security.arn]`,
    ///   and an `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled`;
    ///   CIS AWS Foundations 4.5 (v1.4–5.0), 5.5 (v6–7); Security Hub CloudWatch.5
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>
    id: "CLOUDWATCH-005",
    slug: "cloudwatch-alarm-cloudtrail-changes",
    title: "CloudTrail configuration changes raise a CloudWatch alarm",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(6)(i)", "308(a)(6)(ii)", "312(b)"],
    config_rules: [],
    prowler_checks: ["cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled"],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

fn monitor() -> Monitor {
    Monitor {
        what: "CloudTrail configuration changes",
        must_match: calls(
            "cloudtrail.amazonaws.com",
            &[
                "CreateTrail",
                "UpdateTrail",
                "DeleteTrail",
                "StartLogging",
                "StopLogging",
            ],
        ),
        must_not_match: (
            "a read-only `DescribeTrails` call",
            event(
                "cloudtrail.amazonaws.com",
                "DescribeTrails",
                json!({"readOnly": true}),
            ),
        ),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    metric_alarm::evaluate(ctx, out, &monitor());
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudwatch::fixtures::chain;
    crate::control::Examples {
        pass: chain(
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        ),
        fail: chain("{ ($.eventName = DeleteTrail) || ($.eventName = StopLogging) }"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudwatch::fixtures::chain;
    use crate::testkit::*;

    fn run(pattern: &str) -> Row {
        chain(pattern).run(&CONTROL).remove(0)
    }

    #[test]
    fn missing_events_are_listed() {
        let row = run("{ ($.eventName = DeleteTrail) || ($.eventName = StopLogging) }");
        assert_eq!(row.status, Status::Fail);
        assert_eq!(
            row.reason,
            "alarmed metric filters (`cis-alarm`) do not match: CreateTrail, UpdateTrail, StartLogging"
        );
        assert_eq!(
            run(r#"{ ($.eventSource = "cloudtrail.amazonaws.com") && ($.readOnly IS FALSE) }"#)
                .status,
            Status::Pass,
            "every write call of CloudTrail"
        );
    }
}
