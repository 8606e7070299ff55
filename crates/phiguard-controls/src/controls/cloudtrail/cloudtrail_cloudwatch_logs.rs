use crate::prelude::*;

/// The last delivery must be at most this old.
const MAX_DELIVERY_AGE_SECONDS: i64 = 24 * 3600;

control! {
    /// # Requirement
    /// Every CloudTrail trail delivers its events to a CloudWatch Logs log group, and the last
    /// delivery happened within the last 24 hours.
    ///
    /// # Rationale
    /// Events in S3 are kept, but nobody is told about them. Sending them to CloudWatch Logs
    /// lets metric filters and alarms (root use, sign-in failures, MFA removal, policy changes)
    /// raise a security incident within minutes, which HIPAA's information system activity
    /// review and security incident procedures expect. A configured but stale delivery (a
    /// deleted log group, a broken IAM role) silently stops every one of those alarms.
    ///
    /// # Evaluation
    /// Reads `cloudwatch_logs_log_group_arn` and `latest_cloudwatch_logs_delivery_time` of
    /// every trail. Passes when a log group is set and the latest delivery is at most 24 hours
    /// before the scan's clock; fails when no log group is set, no delivery was recorded, or
    /// the last one is older (as Prowler does).
    ///
    /// # Remediation
    /// Point the trail at a log group with a role CloudTrail can assume, then check that
    /// deliveries resume.
    ///
    /// - Console: CloudTrail → Trails → trail → CloudWatch Logs → Edit → Enabled, choose a log
    ///   group and an IAM role (the console can create both).
    /// - CLI: `aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn arn:aws:logs:REGION:ACCOUNT:log-group:cloudtrail:* --cloud-watch-logs-role-arn arn:aws:iam::ACCOUNT:role/CloudTrailToLogs`;
    ///   check with `aws cloudtrail get-trail-status --name TRAIL --query LatestCloudWatchLogsDeliveryTime`.
    /// - Terraform: `resource "aws_cloudtrail" "org" { ... cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
    ///   cloud_watch_logs_role_arn = aws_iam_role.trail_to_logs.arn }`
    /// - CloudFormation: `AWS::CloudTrail::Trail` with `CloudWatchLogsLogGroupArn` and
    ///   `CloudWatchLogsRoleArn`.
    ///
    /// # References
    /// - AWS Config rule `cloud-trail-cloud-watch-logs-enabled`; Prowler
    ///   `cloudtrail_cloudwatch_logging_enabled`; CIS AWS Foundations 3.4 (v1.4)
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html>
    id: "CLOUDTRAIL-004",
    slug: "cloudtrail-cloudwatch-logs",
    title: "CloudTrail trails deliver to CloudWatch Logs, last delivery within 24 hours",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(6)(ii)", "312(b)", "312(e)(2)(i)"],
    config_rules: ["cloud-trail-cloud-watch-logs-enabled"],
    prowler_checks: ["cloudtrail_cloudwatch_logging_enabled"],
    resource_kinds: [Trail],
    inputs: [Regional(CloudtrailTrails)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, trail) in ctx.trails() {
        let subject = ctx.subject(resource);
        let group = trail
            .cloudwatch_logs_log_group_arn
            .as_deref()
            .filter(|g| !g.is_empty());
        let evidence = evidence![
            "cloudwatch_logs_log_group_arn" => group,
            "latest_cloudwatch_logs_delivery_time" => trail.latest_cloudwatch_logs_delivery_time,
        ];
        let Some(group) = group else {
            out.fail(
                subject,
                "the trail does not deliver to CloudWatch Logs",
                evidence,
            );
            continue;
        };
        let Some(last) = trail.latest_cloudwatch_logs_delivery_time else {
            out.fail(
                subject,
                format!("no delivery to log group `{group}` has been recorded"),
                evidence,
            );
            continue;
        };
        let age = ctx.now().as_second() - last.as_second();
        if age <= MAX_DELIVERY_AGE_SECONDS {
            out.pass(
                subject,
                format!("delivers to log group `{group}`; last delivery within 24 hours"),
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!(
                    "last delivery to log group `{group}` was {} hours ago ({}); check the trail's CloudWatch Logs role",
                    age / 3600,
                    last.strftime("%Y-%m-%d %H:%M UTC")
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(trail("org", |_| {})),
        fail: Fixture::new().with(trail("org", |t| t.cloudwatch_logs_log_group_arn = None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;

    fn at(delivery: Option<&str>) -> Row {
        Fixture::new()
            .with(trail("t", |t| {
                t.latest_cloudwatch_logs_delivery_time = delivery.map(ts)
            }))
            .run(&CONTROL)
            .remove(0)
    }

    #[test]
    fn boundary_is_24_hours() {
        // The fixture clock is 2026-06-01T00:00:00Z.
        assert_eq!(at(Some("2026-05-31T00:00:00Z")).status, Status::Pass);
        let stale = at(Some("2026-05-30T23:59:59Z"));
        assert_eq!(stale.status, Status::Fail);
        assert!(
            stale
                .reason
                .contains("was 24 hours ago (2026-05-30 23:59 UTC)"),
            "{}",
            stale.reason
        );
        assert_eq!(
            at(Some("2026-06-01T00:05:00Z")).status,
            Status::Pass,
            "clock skew"
        );
    }

    #[test]
    fn configured_but_never_delivered_fails() {
        let row = at(None);
        assert_eq!(row.status, Status::Fail);
        assert_eq!(
            row.reason,
            "no delivery to log group `arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail/t:*` has been recorded"
        );
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .with(trail("fresh", |_| {}))
            .with(trail("stale", |t| {
                t.latest_cloudwatch_logs_delivery_time = Some(ts("2026-05-20T10:00:00Z"));
            }))
            .with(trail("none", |t| t.cloudwatch_logs_log_group_arn = None))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
