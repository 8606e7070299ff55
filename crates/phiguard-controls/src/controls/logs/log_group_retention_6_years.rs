use crate::prelude::*;

control! {
    /// # Requirement
    /// Every CloudWatch Logs log group keeps its events for at least six years (2192 days by
    /// default), or never expires them.
    ///
    /// # Rationale
    /// HIPAA requires the documentation of security activity to be retained for six years.
    /// Application, database, VPC flow and CloudTrail logs in CloudWatch Logs are that
    /// evidence: who accessed which record, from where, and when. CloudWatch Logs offers
    /// 2192 days (six years including leap days) as a retention setting; anything shorter
    /// deletes evidence a breach investigation or an audit may need. Exporting older events to
    /// S3 with a lifecycle to Glacier is a cheaper alternative, but then this setting should
    /// still not be shorter than the export schedule guarantees.
    ///
    /// # Evaluation
    /// Reads `retention_in_days` of every log group. Passes when it is unset (never expire) or
    /// at least the threshold (`log_retention_days`, default 2192); fails when it is shorter.
    ///
    /// # Remediation
    /// Set the log group's retention to 2192 days (or more), or to never expire.
    ///
    /// - Console: CloudWatch → Log groups → select the group → Actions → Edit retention
    ///   setting → 6 years (2192 days).
    /// - CLI: `aws logs put-retention-policy --log-group-name LOG_GROUP --retention-in-days 2192`
    ///   (or `aws logs delete-retention-policy --log-group-name LOG_GROUP` to never expire).
    /// - Terraform: `resource "aws_cloudwatch_log_group" "app" { name = "app" retention_in_days = 2192 }`
    /// - CloudFormation: `AWS::Logs::LogGroup` with `RetentionInDays: 2192`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_group_retention_policy_specific_days_enabled` (set
    ///   `log_group_retention_days` to 2192; its default is 365); AWS Config rule
    ///   `cw-loggroup-retention-period-check` (set `MinRetentionTime` to 2192)
    /// - 45 CFR 164.316(b)(2)(i)
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention>
    id: "LOGS-001",
    slug: "log-group-retention-6-years",
    title: "CloudWatch Logs log groups retain events for at least six years",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["312(b)", "316(b)(2)(i)"],
    config_rules: ["cw-loggroup-retention-period-check"],
    prowler_checks: ["cloudwatch_log_group_retention_policy_specific_days_enabled"],
    resource_kinds: [LogGroup],
    inputs: [Regional(LogsLogGroups)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let threshold = ctx.settings.thresholds.log_retention_days;
    for (resource, group) in ctx.log_groups() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "retention_in_days" => group.retention_in_days,
            "log_retention_days" => threshold,
        ];
        match group.retention_in_days {
            None => out.pass(subject, "events never expire", evidence),
            Some(days) if days >= threshold => out.pass(
                subject,
                format!("events are kept {days} days (at least {threshold})"),
                evidence,
            ),
            Some(days) => out.fail(
                subject,
                format!("events are kept only {days} days; at least {threshold} are required"),
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::logs::fixtures::log_group;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(log_group("app", |g| g.retention_in_days = Some(2192))),
        fail: Fixture::new().with(log_group("app", |g| g.retention_in_days = Some(365))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::logs::fixtures::log_group;
    use crate::testkit::*;
    use phiguard_model::FieldError;

    fn run(retention: Option<u32>) -> Row {
        Fixture::new()
            .with(log_group("app", |g| g.retention_in_days = retention))
            .run(&CONTROL)
            .remove(0)
    }

    #[test]
    fn never_expire_and_threshold() {
        assert_eq!(run(None).status, Status::Pass);
        assert_eq!(run(None).reason, "events never expire");
        assert_eq!(run(Some(2192)).status, Status::Pass);
        assert_eq!(run(Some(3653)).status, Status::Pass);
        let five_years = run(Some(1827));
        assert_eq!(five_years.status, Status::Fail);
        assert_eq!(
            five_years.reason,
            "events are kept only 1827 days; at least 2192 are required"
        );
    }

    #[test]
    fn threshold_comes_from_settings() {
        let rows = Fixture::new()
            .with(log_group("app", |g| g.retention_in_days = Some(400)))
            .settings(|s| s.thresholds.log_retention_days = 365)
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass);
    }

    #[test]
    fn unreadable_retention_is_an_error() {
        let mut group = log_group("app", |_| {});
        group.errors.push(FieldError {
            field: "retention_in_days".into(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(group).run(&CONTROL);
        assert_eq!(
            rows[0].status,
            Status::Error,
            "never expire must not be assumed"
        );
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .with(log_group("forever", |_| {}))
            .with(log_group("short", |g| g.retention_in_days = Some(90)))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
