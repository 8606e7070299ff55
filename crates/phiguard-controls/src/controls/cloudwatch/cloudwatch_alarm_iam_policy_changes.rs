use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, calls, event};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Changes to IAM policies raise an alarm: metric filters on the CloudTrail log group match the
    /// sixteen IAM calls that create, change, attach or detach policies, and alarms on their
    /// metrics notify an SNS topic that someone is subscribed to.
    ///
    /// # Rationale
    /// Who may read PHI is decided by IAM policies. An unexpected `PutRolePolicy` or
    /// `AttachUserPolicy` is how privilege escalation and persistence look in CloudTrail. HIPAA
    /// requires access authorisation and modification procedures and monitoring for security
    /// incidents; an alarm on policy changes catches changes made outside them.
    ///
    /// # Evaluation
    /// Per account, follows the chain shared by all monitoring controls: a multi-region, logging
    /// trail recording all management events (`is_multi_region`, `is_logging`, event selectors) →
    /// its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`, matched with or without the `:*`
    /// suffix) → metric filters whose `pattern` matches each of `DeleteGroupPolicy`,
    /// `DeleteRolePolicy`, `DeleteUserPolicy`, `PutGroupPolicy`, `PutRolePolicy`, `PutUserPolicy`,
    /// `CreatePolicy`, `DeletePolicy`, `CreatePolicyVersion`, `DeletePolicyVersion`,
    /// `AttachRolePolicy`, `DetachRolePolicy`, `AttachUserPolicy`, `DetachUserPolicy`,
    /// `AttachGroupPolicy` and `DetachGroupPolicy` → an alarm (same account and region) on each
    /// filter's metric (`namespace`, `metric_name`) with `actions_enabled` → an SNS topic among its
    /// `alarm_actions` with at least one confirmed subscription. Patterns are parsed and evaluated
    /// against synthetic CloudTrail events rather than compared as text, so quoted (CIS v1.4–3.0),
    /// unquoted (v4.0+) and reordered forms all count, and several filters may share the events; a
    /// filter that also matches a read-only `GetPolicy` call is not counted (its alarm would fire
    /// on ordinary activity). Passes with the trail, log group, filter, metric, alarm and topic as
    /// evidence; fails naming the first missing link of the most complete chain; `error` when a
    /// link could not be read.
    ///
    /// # Remediation
    /// Create the metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create metric
    ///   filter with the pattern of the CLI step, namespace `CISBenchmark`, metric `IAMPolicyChanges`, value 1;
    ///   then Create alarm: Sum ≥ 1 over 5 minutes, notify an SNS topic with a confirmed
    ///   subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name iam-policy-changes --filter-pattern '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}' --metric-transformations metricName=IAMPolicyChanges,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name iam-policy-changes --metric-name IAMPolicyChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` with that pattern and
    ///   `metric_transformation { name = "IAMPolicyChanges" namespace = "CISBenchmark" value = "1" }`,
    ///   `aws_cloudwatch_metric_alarm` with `alarm_actions = [aws_sns_topic.security.arn]`,
    ///   and an `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_metric_filter_policy_changes`; CIS AWS Foundations 4.4 (v1.4–5.0),
    ///   5.4 (v6–7); Security Hub CloudWatch.4
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>
    id: "CLOUDWATCH-004",
    slug: "cloudwatch-alarm-iam-policy-changes",
    title: "IAM policy changes raise a CloudWatch alarm",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(4)(ii)(C)", "308(a)(6)(i)", "308(a)(6)(ii)", "312(b)"],
    config_rules: [],
    prowler_checks: ["cloudwatch_log_metric_filter_policy_changes"],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

/// The IAM calls that change policies (CIS 4.4).
const EVENTS: [&str; 16] = [
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];

/// The CIS v1.4+ pattern.
#[cfg(test)]
const CIS: &str = "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}";

fn monitor() -> Monitor {
    Monitor {
        what: "IAM policy changes",
        must_match: calls("iam.amazonaws.com", &EVENTS),
        must_not_match: (
            "a read-only `GetPolicy` call",
            event("iam.amazonaws.com", "GetPolicy", json!({"readOnly": true})),
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
        pass: chain(CIS),
        fail: chain("{($.eventName=PutRolePolicy)||($.eventName=AttachRolePolicy)}"),
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
    fn every_event_is_needed_and_split_filters_count() {
        assert_eq!(run(CIS).status, Status::Pass);
        let row = run("{($.eventName=PutRolePolicy)||($.eventName=AttachRolePolicy)}");
        assert!(row.reason.starts_with("alarmed metric filters (`cis-alarm`) do not match: DeleteGroupPolicy, DeleteRolePolicy"), "{}", row.reason);
        let (puts, rest): (Vec<&str>, Vec<&str>) =
            EVENTS.iter().partition(|e| e.starts_with("Put"));
        let pattern_of = |events: &[&str]| {
            let terms: Vec<String> = events
                .iter()
                .map(|e| format!("($.eventName={e})"))
                .collect();
            format!("{{ {} }}", terms.join(" || "))
        };
        use crate::controls::cloudwatch::fixtures::*;
        let rows = crate::testkit::Fixture::new()
            .with(crate::controls::cloudtrail::fixtures::trail("org", |_| {}))
            .with(log_group(vec![
                filter("puts", &pattern_of(&puts), "Puts"),
                filter("rest", &pattern_of(&rest), "Rest"),
            ]))
            .with(alarm("puts", "Puts"))
            .with(alarm("rest", "Rest"))
            .with(topic())
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass, "{rows:?}");
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn event_source_prefix_is_fine() {
        assert_eq!(
            run(&format!(
                "{{ ($.eventSource = iam.amazonaws.com) && {} }}",
                &CIS[1..CIS.len() - 1]
            ))
            .status,
            Status::Pass
        );
    }
}
