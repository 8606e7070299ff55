use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, console_login};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Failed AWS Management Console sign-ins raise an alarm: a metric filter on the CloudTrail log
    /// group matches `ConsoleLogin` events with `errorMessage` `Failed authentication`, and an
    /// alarm on its metric notifies an SNS topic that someone is subscribed to.
    ///
    /// # Rationale
    /// Repeated failed sign-ins are password guessing or credential stuffing against accounts that
    /// can reach PHI. HIPAA names log-in monitoring ("procedures for monitoring log-in attempts and
    /// reporting discrepancies") as an implementation specification; an alarm with a sensible
    /// threshold is that procedure in AWS.
    ///
    /// # Evaluation
    /// Per account, follows the chain shared by all monitoring controls: a multi-region, logging
    /// trail recording all management events (`is_multi_region`, `is_logging`, event selectors) →
    /// its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`, matched with or without the `:*`
    /// suffix) → metric filters whose `pattern` matches a failed `ConsoleLogin` (`errorMessage`
    /// `Failed authentication`) → an alarm (same account and region) on each filter's metric
    /// (`namespace`, `metric_name`) with `actions_enabled` → an SNS topic among its `alarm_actions`
    /// with at least one confirmed subscription. Patterns are parsed and evaluated against
    /// synthetic CloudTrail events rather than compared as text, so quoted (CIS v1.4–3.0), unquoted
    /// (v4.0+) and reordered forms all count, and several filters may share the events; a filter
    /// that also matches a successful sign-in is not counted (its alarm would fire on ordinary
    /// activity). Passes with the trail, log group, filter, metric, alarm and topic as evidence;
    /// fails naming the first missing link of the most complete chain; `error` when a link could
    /// not be read.
    ///
    /// # Remediation
    /// Create the metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create metric
    ///   filter with the pattern of the CLI step, namespace `CISBenchmark`, metric `ConsoleSigninFailures`, value 1;
    ///   then Create alarm: Sum ≥ 1 over 5 minutes, notify an SNS topic with a confirmed
    ///   subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name console-signin-failures --filter-pattern '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }' --metric-transformations metricName=ConsoleSigninFailures,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name console-signin-failures --metric-name ConsoleSigninFailures --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` with that pattern and
    ///   `metric_transformation { name = "ConsoleSigninFailures" namespace = "CISBenchmark" value = "1" }`,
    ///   `aws_cloudwatch_metric_alarm` with `alarm_actions = [aws_sns_topic.security.arn]`,
    ///   and an `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_metric_filter_authentication_failures`; CIS AWS Foundations 4.6
    ///   (v1.4–5.0), 5.6 (v6–7); Security Hub CloudWatch.6
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html>
    id: "CLOUDWATCH-006",
    slug: "cloudwatch-alarm-console-auth-failures",
    title: "Console authentication failures raise a CloudWatch alarm",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(5)(ii)(C)", "308(a)(6)(i)", "308(a)(6)(ii)"],
    config_rules: [],
    prowler_checks: ["cloudwatch_log_metric_filter_authentication_failures"],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

fn monitor() -> Monitor {
    Monitor {
        what: "console authentication failures",
        must_match: vec![(
            "a failed console sign-in",
            console_login(json!({
                "errorMessage": "Failed authentication",
                "responseElements": {"ConsoleLogin": "Failure"},
                "additionalEventData": {
                    "LoginTo": "https://console.aws.amazon.com/console/home",
                    "MobileVersion": "No",
                    "MFAUsed": "No"
                }
            })),
        )],
        must_not_match: ("a successful sign-in", console_login(json!({}))),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    metric_alarm::evaluate(ctx, out, &monitor());
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudwatch::fixtures::chain;
    crate::control::Examples {
        pass: chain("{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed authentication) }"),
        fail: chain("{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed) }"),
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
    fn variants() {
        assert_eq!(
            run(
                r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#
            )
            .status,
            Status::Pass
        );
        assert_eq!(
            run(r#"{ $.responseElements.ConsoleLogin = "Failure" }"#).status,
            Status::Pass
        );
        assert_eq!(
            run(r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed*") }"#).status,
            Status::Pass
        );
        assert_eq!(
            run("{ ($.eventName = ConsoleLogin) }").status,
            Status::Fail,
            "every sign-in"
        );
        assert_eq!(
            run("{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed) }").status,
            Status::Fail
        );
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(
            &chain("{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed) }").run(&CONTROL)
        ));
    }
}
