use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, calls, event};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Deactivating or deleting an MFA device raises an alarm: a metric filter on the CloudTrail
    /// log group matches `DeactivateMFADevice` and `DeleteVirtualMFADevice`, and an alarm on its
    /// metric notifies an SNS topic that someone is subscribed to.
    ///
    /// # Rationale
    /// MFA is what stands between a phished password and PHI. Removing a user's device (or root's)
    /// is a routine help-desk action and also the step an attacker with some IAM access takes
    /// before using a stolen password. HIPAA requires person or entity authentication and security
    /// incident procedures; the CIS benchmark has no control for this event, so HIPAA programmes
    /// add one.
    ///
    /// # Evaluation
    /// Per account, follows the chain shared by all monitoring controls: a multi-region, logging
    /// trail recording all management events (`is_multi_region`, `is_logging`, event selectors) →
    /// its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`, matched with or without the `:*`
    /// suffix) → metric filters whose `pattern` matches `DeactivateMFADevice` and
    /// `DeleteVirtualMFADevice` → an alarm (same account and region) on each filter's metric
    /// (`namespace`, `metric_name`) with `actions_enabled` → an SNS topic among its `alarm_actions`
    /// with at least one confirmed subscription. Patterns are parsed and evaluated against
    /// synthetic CloudTrail events rather than compared as text, so quoted (CIS v1.4–3.0), unquoted
    /// (v4.0+) and reordered forms all count, and several filters may share the events; a filter
    /// that also matches a read-only `GetUser` call is not counted (its alarm would fire on
    /// ordinary activity). Passes with the trail, log group, filter, metric, alarm and topic as
    /// evidence; fails naming the first missing link of the most complete chain; `error` when a
    /// link could not be read.
    ///
    /// # Remediation
    /// Create the metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create metric
    ///   filter with the pattern of the CLI step, namespace `CISBenchmark`, metric `MFADeviceDeactivation`, value 1;
    ///   then Create alarm: Sum ≥ 1 over 5 minutes, notify an SNS topic with a confirmed
    ///   subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name mfa-device-deactivation --filter-pattern '{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeactivateMFADevice) || ($.eventName = DeleteVirtualMFADevice)) }' --metric-transformations metricName=MFADeviceDeactivation,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name mfa-device-deactivation --metric-name MFADeviceDeactivation --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` with that pattern and
    ///   `metric_transformation { name = "MFADeviceDeactivation" namespace = "CISBenchmark" value = "1" }`,
    ///   `aws_cloudwatch_metric_alarm` with `alarm_actions = [aws_sns_topic.security.arn]`,
    ///   and an `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - No CIS or Prowler equivalent; IAM events `DeactivateMFADevice`, `DeleteVirtualMFADevice`
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_disable.html>
    id: "CLOUDWATCH-007",
    slug: "cloudwatch-alarm-mfa-device-deactivation",
    title: "MFA device deactivation or deletion raises a CloudWatch alarm",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(5)(ii)(C)", "308(a)(6)(i)", "308(a)(6)(ii)", "312(d)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

fn monitor() -> Monitor {
    Monitor {
        what: "MFA device deactivation or deletion",
        must_match: calls(
            "iam.amazonaws.com",
            &["DeactivateMFADevice", "DeleteVirtualMFADevice"],
        ),
        must_not_match: (
            "a read-only `GetUser` call",
            event("iam.amazonaws.com", "GetUser", json!({"readOnly": true})),
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
            "{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeactivateMFADevice) || ($.eventName = DeleteVirtualMFADevice)) }",
        ),
        fail: chain("{ $.eventName = DeactivateMFADevice }"),
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
    fn both_events_are_needed() {
        let row = run("{ $.eventName = DeactivateMFADevice }");
        assert_eq!(row.status, Status::Fail);
        assert_eq!(
            row.reason,
            "alarmed metric filters (`cis-alarm`) do not match: DeleteVirtualMFADevice"
        );
        assert_eq!(run("{ $.eventName = *MFADevice }").status, Status::Pass);
        assert_eq!(
            run("?DeactivateMFADevice ?DeleteVirtualMFADevice").status,
            Status::Pass,
            "term pattern"
        );
        assert_eq!(
            run("MFADevice").status,
            Status::Pass,
            "a bare term that GetUser does not contain"
        );
        assert_eq!(
            run("iam.amazonaws.com").status,
            Status::Fail,
            "every IAM call"
        );
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(
            &chain("{ $.eventName = DeactivateMFADevice }").run(&CONTROL)
        ));
    }
}
