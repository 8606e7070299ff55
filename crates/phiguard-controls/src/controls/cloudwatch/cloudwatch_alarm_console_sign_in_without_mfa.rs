use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, console_login};
use crate::prelude::*;

control! {
    /// # Requirement
    /// A successful AWS Management Console sign-in without MFA raises an alarm: a metric filter on
    /// the CloudTrail log group matches `ConsoleLogin` events whose `MFAUsed` is not `Yes`, and an
    /// alarm on its metric notifies an SNS topic that someone is subscribed to.
    ///
    /// # Rationale
    /// HIPAA requires verifying that a person seeking access to ePHI is the one claimed, and log-in
    /// monitoring. A password-only console sign-in is either a user who escaped the MFA policy or a
    /// stolen password in use; either needs a person to look now, not at the next quarterly access
    /// review.
    ///
    /// # Evaluation
    /// Per account, follows the chain shared by all monitoring controls: a multi-region, logging
    /// trail recording all management events (`is_multi_region`, `is_logging`, event selectors) →
    /// its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`, matched with or without the `:*`
    /// suffix) → metric filters whose `pattern` matches an IAM user's successful `ConsoleLogin`
    /// with `MFAUsed` `No` → an alarm (same account and region) on each filter's metric
    /// (`namespace`, `metric_name`) with `actions_enabled` → an SNS topic among its `alarm_actions`
    /// with at least one confirmed subscription. Patterns are parsed and evaluated against
    /// synthetic CloudTrail events rather than compared as text, so quoted (CIS v1.4–3.0), unquoted
    /// (v4.0+) and reordered forms all count, and several filters may share the events; a filter
    /// that also matches a sign-in with `MFAUsed` `Yes` is not counted (its alarm would fire on
    /// ordinary activity). Note CloudWatch's `!=` is true when the field is absent, so the plain
    /// CIS pattern also fires for SSO and federated sign-ins (which carry no `MFAUsed`); the CIS
    /// alternative adding `$.userIdentity.type = "IAMUser"` and `$.responseElements.ConsoleLogin =
    /// "Success"` avoids that and counts too. Passes with the trail, log group, filter, metric,
    /// alarm and topic as evidence; fails naming the first missing link of the most complete chain;
    /// `error` when a link could not be read.
    ///
    /// # Remediation
    /// Create the metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create metric
    ///   filter with the pattern of the CLI step, namespace `CISBenchmark`, metric `ConsoleSigninWithoutMFA`, value 1;
    ///   then Create alarm: Sum ≥ 1 over 5 minutes, notify an SNS topic with a confirmed
    ///   subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name console-signin-without-mfa --filter-pattern '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }' --metric-transformations metricName=ConsoleSigninWithoutMFA,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name console-signin-without-mfa --metric-name ConsoleSigninWithoutMFA --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` with that pattern and
    ///   `metric_transformation { name = "ConsoleSigninWithoutMFA" namespace = "CISBenchmark" value = "1" }`,
    ///   `aws_cloudwatch_metric_alarm` with `alarm_actions = [aws_sns_topic.security.arn]`,
    ///   and an `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_metric_filter_sign_in_without_mfa`; CIS AWS Foundations 4.2
    ///   (v1.4–5.0), 5.2 (v6–7); Security Hub CloudWatch.3
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html>
    id: "CLOUDWATCH-002",
    slug: "cloudwatch-alarm-console-sign-in-without-mfa",
    title: "Console sign-ins without MFA raise a CloudWatch alarm",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(5)(ii)(C)", "308(a)(6)(i)", "308(a)(6)(ii)", "312(d)"],
    config_rules: [],
    prowler_checks: ["cloudwatch_log_metric_filter_sign_in_without_mfa"],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

fn monitor() -> Monitor {
    Monitor {
        what: "console sign-ins without MFA",
        must_match: vec![(
            "a console sign-in without MFA",
            console_login(json!({
                "additionalEventData": {
                    "LoginTo": "https://console.aws.amazon.com/console/home",
                    "MobileVersion": "No",
                    "MFAUsed": "No"
                }
            })),
        )],
        must_not_match: ("a sign-in with MFA", console_login(json!({}))),
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
            r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
        ),
        fail: chain(r#"{ ($.eventName = "ConsoleLogin") }"#),
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
    fn cis_variants_pass_and_noise_fails() {
        assert_eq!(
            run("{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }")
                .status,
            Status::Pass
        );
        assert_eq!(
            run(r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#).status,
            Status::Pass
        );
        let all_logins = run(r#"{ ($.eventName = "ConsoleLogin") }"#);
        assert_eq!(all_logins.status, Status::Fail);
        assert!(
            all_logins
                .reason
                .contains("also matches a sign-in with MFA"),
            "{}",
            all_logins.reason
        );
        assert_eq!(
            run(r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "NO") }"#)
                .status,
            Status::Fail,
            "CloudTrail writes `No`; CloudWatch compares case-sensitively"
        );
    }
}
