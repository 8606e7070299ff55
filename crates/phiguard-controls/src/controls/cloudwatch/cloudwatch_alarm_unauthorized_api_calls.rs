use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, event};
use crate::prelude::*;

control! {
    /// # Requirement
    /// API calls refused for lack of permission (`*UnauthorizedOperation`, `AccessDenied*`) raise
    /// an alarm: a metric filter on the CloudTrail log group matches them, and an alarm on its
    /// metric notifies an SNS topic that someone is subscribed to.
    ///
    /// # Rationale
    /// A burst of denied calls is the signature of stolen credentials being tried against services
    /// they were not meant for, of an attacker enumerating permissions, or of a misconfigured
    /// application about to fail in production. HIPAA requires procedures to identify and respond
    /// to suspected security incidents and to review information system activity; an alarm puts the
    /// first signal in front of a person.
    ///
    /// # Evaluation
    /// Per account, follows the chain shared by all monitoring controls: a multi-region, logging
    /// trail recording all management events (`is_multi_region`, `is_logging`, event selectors) →
    /// its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`, matched with or without the `:*`
    /// suffix) → metric filters whose `pattern` matches an `UnauthorizedOperation` error (EC2), an
    /// `AccessDenied` error (IAM) and an `AccessDeniedException` (KMS) → an alarm (same account and
    /// region) on each filter's metric (`namespace`, `metric_name`) with `actions_enabled` → an SNS
    /// topic among its `alarm_actions` with at least one confirmed subscription. Patterns are
    /// parsed and evaluated against synthetic CloudTrail events rather than compared as text, so
    /// quoted (CIS v1.4–3.0), unquoted (v4.0+) and reordered forms all count, and several filters
    /// may share the events; a filter that also matches a successful `DescribeInstances` call is
    /// not counted (its alarm would fire on ordinary activity). The CIS v1.4–3.0 text of this
    /// filter ORs `$.sourceIPAddress != "delivery.logs.amazonaws.com"` and `$.eventName !=
    /// "HeadBucket"` and so matches nearly every event: it fails here, use the v4.0 pattern (those
    /// terms joined with `&&`) or the Security Hub one. Passes with the trail, log group, filter,
    /// metric, alarm and topic as evidence; fails naming the first missing link of the most
    /// complete chain; `error` when a link could not be read.
    ///
    /// # Remediation
    /// Create the metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create metric
    ///   filter with the pattern of the CLI step, namespace `CISBenchmark`, metric `UnauthorizedAPICalls`, value 1;
    ///   then Create alarm: Sum ≥ 1 over 5 minutes, notify an SNS topic with a confirmed
    ///   subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name unauthorized-api-calls --filter-pattern '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }' --metric-transformations metricName=UnauthorizedAPICalls,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name unauthorized-api-calls --metric-name UnauthorizedAPICalls --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` with that pattern and
    ///   `metric_transformation { name = "UnauthorizedAPICalls" namespace = "CISBenchmark" value = "1" }`,
    ///   `aws_cloudwatch_metric_alarm` with `alarm_actions = [aws_sns_topic.security.arn]`,
    ///   and an `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_metric_filter_unauthorized_api_calls`; CIS AWS Foundations 4.1
    ///   (v1.4–5.0), 5.1 (v6–7); Security Hub CloudWatch.2
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>
    id: "CLOUDWATCH-001",
    slug: "cloudwatch-alarm-unauthorized-api-calls",
    title: "Unauthorized API calls raise a CloudWatch alarm",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(6)(i)", "308(a)(6)(ii)", "312(b)"],
    config_rules: [],
    prowler_checks: ["cloudwatch_log_metric_filter_unauthorized_api_calls"],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

fn monitor() -> Monitor {
    Monitor {
        what: "unauthorized API calls",
        must_match: vec![
            (
                "an `UnauthorizedOperation` error",
                event(
                    "ec2.amazonaws.com",
                    "DescribeInstances",
                    json!({"errorCode": "Client.UnauthorizedOperation", "errorMessage": "You are not authorized to perform this operation.", "readOnly": true}),
                ),
            ),
            (
                "an `AccessDenied` error",
                event(
                    "iam.amazonaws.com",
                    "ListUsers",
                    json!({"errorCode": "AccessDenied", "errorMessage": "User is not authorized to perform: iam:ListUsers", "readOnly": true}),
                ),
            ),
            (
                "an `AccessDeniedException` error",
                event(
                    "kms.amazonaws.com",
                    "Decrypt",
                    json!({"errorCode": "AccessDeniedException", "readOnly": true}),
                ),
            ),
        ],
        must_not_match: (
            "a successful `DescribeInstances` call",
            event(
                "ec2.amazonaws.com",
                "DescribeInstances",
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
        pass: chain(r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#),
        fail: chain(
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }"#,
        ),
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
    fn cis_versions() {
        assert_eq!(
            run(r#"{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#).status,
            Status::Pass,
            "the pattern the remediation recommends"
        );
        assert_eq!(
            run("{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && ($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }").status,
            Status::Pass,
            "CIS v4.0"
        );
        let v14 = run(
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }"#,
        );
        assert_eq!(v14.status, Status::Fail, "CIS v1.4-3.0 matches everything");
        assert_eq!(
            v14.reason,
            "metric filter `cis` on log group `cloudtrail/org` also matches a successful `DescribeInstances` call, so its alarm would fire on ordinary activity"
        );
    }

    #[test]
    fn exact_codes_miss_variants() {
        let row = run(r#"{ ($.errorCode = "AccessDenied") }"#);
        assert_eq!(row.status, Status::Fail);
        assert_eq!(
            row.reason,
            "alarmed metric filters (`cis-alarm`) do not match: an `UnauthorizedOperation` error, an `AccessDeniedException` error"
        );
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(
            &chain(r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#)
                .run(&CONTROL)
        ));
    }
}
