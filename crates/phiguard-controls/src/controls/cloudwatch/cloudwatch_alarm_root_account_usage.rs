use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, console_login, event, root_user};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Use of the root user raises an alarm: a metric filter on the CloudTrail log group
    /// matches root activity, and an alarm on its metric notifies an SNS topic that someone
    /// is subscribed to.
    ///
    /// # Rationale
    /// Root can do anything, cannot be restricted by IAM and should be used only under a
    /// break-glass procedure. Every use of it is either that procedure or an incident. HIPAA
    /// requires procedures to monitor log-in attempts and to identify and respond to suspected
    /// security incidents; an alarm is how a root sign-in at 3 a.m. reaches a person.
    ///
    /// # Evaluation
    /// Per account, follows the chain described for all monitoring controls: a multi-region,
    /// logging trail recording all management events (`is_multi_region`, `is_logging`, event
    /// selectors) → its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`, matched with
    /// or without the `:*` suffix) → a metric filter whose `pattern` matches a root API call
    /// and a root console sign-in but not an IAM user's call → an alarm (same account and
    /// region) on the filter's metric (`namespace`, `metric_name`) with `actions_enabled` → an
    /// SNS topic among its `alarm_actions` with at least one confirmed subscription. Patterns
    /// are evaluated, not compared as text, so the quoted (CIS v1.4–3.0), unquoted (v4.0+)
    /// and reordered forms of the CIS pattern
    /// `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
    /// all count. Passes with the trail, log group, filter, metric, alarm and topic as
    /// evidence; fails naming the first missing link of the most complete chain; `error` when
    /// a link could not be read.
    ///
    /// # Remediation
    /// Create the CIS metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create, with
    ///   the pattern above, namespace `CISBenchmark`, metric `RootAccountUsage`, value 1; then
    ///   Create alarm on it: Sum ≥ 1 in 5 minutes, notify an SNS topic with a confirmed
    ///   subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name root-usage --filter-pattern '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }' --metric-transformations metricName=RootAccountUsage,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name root-usage --metric-name RootAccountUsage --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` (`pattern`, `metric_transformation {
    ///   name = "RootAccountUsage" namespace = "CISBenchmark" value = "1" }`),
    ///   `aws_cloudwatch_metric_alarm` (`alarm_actions = [aws_sns_topic.security.arn]`),
    ///   `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_metric_filter_root_usage`; CIS AWS Foundations 4.3 (v1.4–5.0),
    ///   5.3 (v6–7); Security Hub CloudWatch.1
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>
    id: "CLOUDWATCH-003",
    slug: "cloudwatch-alarm-root-account-usage",
    title: "Root user activity raises a CloudWatch alarm",
    severity: High,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(5)(ii)(C)", "308(a)(6)(i)", "308(a)(6)(ii)", "312(b)"],
    config_rules: [],
    prowler_checks: ["cloudwatch_log_metric_filter_root_usage"],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

fn monitor() -> Monitor {
    Monitor {
        what: "root account usage",
        must_match: vec![
            (
                "a root API call",
                event(
                    "s3.amazonaws.com",
                    "ListBuckets",
                    json!({"userIdentity": root_user(), "readOnly": true}),
                ),
            ),
            (
                "a root console sign-in",
                console_login(json!({"userIdentity": root_user()})),
            ),
        ],
        must_not_match: (
            "an IAM user's API call",
            event("s3.amazonaws.com", "ListBuckets", json!({"readOnly": true})),
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
            "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }",
        ),
        fail: chain("{ $.userIdentity.type = IAMUser }"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudwatch::fixtures::chain;

    fn status(pattern: &str) -> Status {
        chain(pattern).run(&CONTROL)[0].status
    }

    #[test]
    fn pattern_variants() {
        assert_eq!(
            status(
                r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#
            ),
            Status::Pass
        );
        assert_eq!(
            status(
                r#"{$.userIdentity.type="Root"&&$.userIdentity.invokedBy NOT EXISTS&&$.eventType!="AwsServiceEvent"}"#
            ),
            Status::Pass
        );
        assert_eq!(
            status("{ $.userIdentity.type = Root }"),
            Status::Pass,
            "broader is fine"
        );
        assert_eq!(
            status("{ $.userIdentity.type = Root && $.eventName = ConsoleLogin }"),
            Status::Fail,
            "sign-ins only miss root API calls"
        );
        assert_eq!(
            status("{ $.userIdentity.type = * }"),
            Status::Fail,
            "matches everyone"
        );
        assert_eq!(
            status("{ $.userIdentity.type = root }"),
            Status::Fail,
            "case-sensitive"
        );
    }

    #[test]
    fn partial_filter_reason_names_what_is_missed() {
        let rows =
            chain("{ $.userIdentity.type = Root && $.eventName = ConsoleLogin }").run(&CONTROL);
        assert_eq!(
            rows[0].reason,
            "alarmed metric filters (`cis-alarm`) do not match: a root API call"
        );
    }
}
