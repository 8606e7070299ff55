use serde_json::json;

use crate::controls::cloudwatch::metric_alarm::{self, Monitor, calls, event};
use crate::prelude::*;

/// The CIS filter pattern for VPC changes.
#[cfg(test)]
const PATTERN: &str = "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }";

control! {
    /// # Requirement
    /// VPC changes raise an alarm: a metric filter on the CloudTrail log group
    /// matches `CreateVpc`, `DeleteVpc`, `ModifyVpcAttribute`, `AcceptVpcPeeringConnection`, `CreateVpcPeeringConnection`, `DeleteVpcPeeringConnection`, `RejectVpcPeeringConnection`, `AttachClassicLinkVpc`, `DetachClassicLinkVpc`, `DisableVpcClassicLink`, `EnableVpcClassicLink`, and an alarm on its metric notifies an SNS topic that someone is
    /// subscribed to.
    ///
    /// # Rationale
    /// A peering connection to another VPC or account, or a changed VPC attribute, can join a PHI network to one with different owners and controls. These changes are rare and deliberate; an alarm makes sure each one is seen. HIPAA requires procedures to monitor and respond to security incidents;
    /// an alarm on these calls tells the security team the moment the network around PHI
    /// changes.
    ///
    /// # Evaluation
    /// Per account, follows the chain shared by all monitoring controls: a multi-region, logging
    /// trail recording all management events (`is_multi_region`, `is_logging`, event selectors) →
    /// its CloudWatch Logs group (`cloudwatch_logs_log_group_arn`) → metric filters whose
    /// `pattern` matches each of `CreateVpc`, `DeleteVpc`, `ModifyVpcAttribute`, `AcceptVpcPeeringConnection`, `CreateVpcPeeringConnection`, `DeleteVpcPeeringConnection`, `RejectVpcPeeringConnection`, `AttachClassicLinkVpc`, `DetachClassicLinkVpc`, `DisableVpcClassicLink`, `EnableVpcClassicLink` (patterns are parsed and evaluated against synthetic
    /// CloudTrail events, so quoted, unquoted and reordered forms all count, and several filters
    /// may share the events; a filter that also matches a read-only `DescribeVpcs` call is not counted)
    /// → an alarm (same account and region) on each filter's metric with `actions_enabled` → an
    /// SNS topic among its `alarm_actions` with at least one confirmed subscription. Passes with
    /// the chain as evidence; fails naming the first missing link of the most complete chain;
    /// `error` when a link could not be read.
    ///
    /// # Remediation
    /// Create the metric filter on the trail's log group and an alarm that notifies a
    /// monitored SNS topic.
    ///
    /// - Console: CloudWatch → Log groups → the trail's group → Metric filters → Create metric
    ///   filter with the pattern of the CLI step, namespace `CISBenchmark`, metric
    ///   `VpcChanges`, value 1; then Create alarm: Sum ≥ 1 over 5 minutes, notify an SNS topic
    ///   with a confirmed subscription.
    /// - CLI: `aws logs put-metric-filter --log-group-name LOG_GROUP --filter-name vpc-changes --filter-pattern '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }' --metric-transformations metricName=VpcChanges,metricNamespace=CISBenchmark,metricValue=1`,
    ///   then `aws cloudwatch put-metric-alarm --alarm-name vpc-changes --metric-name VpcChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN`.
    /// - Terraform: `aws_cloudwatch_log_metric_filter` with that pattern and
    ///   `metric_transformation { name = "VpcChanges" namespace = "CISBenchmark" value = "1" }`,
    ///   `aws_cloudwatch_metric_alarm` with `alarm_actions = [aws_sns_topic.security.arn]`,
    ///   and an `aws_sns_topic_subscription`.
    ///
    /// # References
    /// - Prowler `cloudwatch_changes_to_vpcs_alarm_configured`; CIS AWS Foundations 4.14 (v1.4–3.0)
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>
    id: "CLOUDWATCH-011",
    slug: "cloudwatch-alarm-vpc-changes",
    title: "VPC changes raise a CloudWatch alarm",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(6)(i)", "308(a)(6)(ii)", "312(b)"],
    config_rules: [],
    prowler_checks: ["cloudwatch_changes_to_vpcs_alarm_configured"],
    resource_kinds: [],
    inputs: [
        AccountWide(CloudtrailTrails), AccountWide(LogsLogGroups), AccountWide(CloudwatchAlarms),
        AccountWide(SnsTopics),
    ],
}

fn monitor() -> Monitor {
    Monitor {
        what: "VPC changes",
        must_match: calls(
            "ec2.amazonaws.com",
            &[
                "CreateVpc",
                "DeleteVpc",
                "ModifyVpcAttribute",
                "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection",
                "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection",
                "AttachClassicLinkVpc",
                "DetachClassicLinkVpc",
                "DisableVpcClassicLink",
                "EnableVpcClassicLink",
            ],
        ),
        must_not_match: (
            "a read-only `DescribeVpcs` call",
            event(
                "ec2.amazonaws.com",
                "DescribeVpcs",
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
        pass: chain(PATTERN),
        fail: chain(
            "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) }",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudwatch::fixtures::chain;
    use crate::testkit::*;

    #[test]
    fn missing_events_are_listed() {
        let row = chain("{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) }").run(&CONTROL).remove(0);
        assert_eq!(row.status, Status::Fail);
        assert_eq!(
            row.reason,
            "alarmed metric filters (`cis-alarm`) do not match: DeleteVpcPeeringConnection, RejectVpcPeeringConnection, AttachClassicLinkVpc, DetachClassicLinkVpc, DisableVpcClassicLink, EnableVpcClassicLink"
        );
        assert_eq!(chain(PATTERN).run(&CONTROL).remove(0).status, Status::Pass);
        assert_eq!(
            chain(r#"{ $.eventSource = "ec2.amazonaws.com" }"#)
                .run(&CONTROL)
                .remove(0)
                .status,
            Status::Fail,
            "a filter that matches read-only calls too is not counted"
        );
        insta::assert_snapshot!(render(&[row]));
    }
}
