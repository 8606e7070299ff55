use crate::prelude::*;

control! {
    /// # Requirement
    /// Every AWS Backup plan has a rule that creates recovery points at least once a day and
    /// keeps them at least 35 days.
    ///
    /// # Rationale
    /// A backup plan that runs weekly can lose a week of clinical records; one that keeps
    /// recovery points for a few days cannot restore data whose corruption or encryption by
    /// ransomware was noticed late. HIPAA requires retrievable exact copies of ePHI and the
    /// ability to restore lost data. The thresholds are the defaults of the AWS Config rule
    /// `backup-plan-min-frequency-and-min-retention-check` as the HIPAA conformance pack
    /// deploys it (1 day, 35 days).
    ///
    /// # Evaluation
    /// Reads the rules (`rules`: `schedule_expression`, `delete_after_days`) of every backup
    /// plan. A schedule runs at least daily when it is `rate(N hours)` with N up to 24,
    /// `rate(1 day)`, or a `cron(...)` with day-of-month, month, day-of-week and year
    /// unrestricted. A rule without `delete_after_days` keeps recovery points forever. Passes
    /// when at least one rule meets both thresholds; fails otherwise (including a plan without
    /// rules). Schedules phiguard cannot bound count as not daily.
    ///
    /// # Remediation
    /// Add (or change) a rule that runs daily and keeps recovery points at least 35 days; keep
    /// longer-term monthly or yearly rules alongside it.
    ///
    /// - Console: AWS Backup → Backup plans → plan → Add backup rule → Backup frequency Daily
    ///   → Retention period 35 days or more.
    /// - CLI: `aws backup update-backup-plan --backup-plan-id PLAN_ID --backup-plan
    ///   '{"BackupPlanName":"phi","Rules":[{"RuleName":"daily","TargetBackupVaultName":"phi",
    ///   "ScheduleExpression":"cron(0 5 ? * * *)","Lifecycle":{"DeleteAfterDays":35}}]}'`
    /// - Terraform: `rule { rule_name = "daily" target_vault_name = aws_backup_vault.phi.name
    ///   schedule = "cron(0 5 ? * * *)" lifecycle { delete_after = 35 } }` in `aws_backup_plan`.
    ///
    /// # References
    /// - AWS Config rule `backup-plan-min-frequency-and-min-retention-check`
    /// - <https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html>
    id: "BACKUP-101",
    slug: "backup-plan-daily-35-day-retention",
    title: "AWS Backup plans back up at least daily and keep recovery points 35 days",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(7)(i)", "308(a)(7)(ii)(A)", "308(a)(7)(ii)(B)", "308(a)(7)(ii)(C)", "310(d)(2)(iv)", "312(a)(2)(ii)"],
    config_rules: ["backup-plan-min-frequency-and-min-retention-check"],
    prowler_checks: [],
    resource_kinds: [BackupPlan],
    inputs: [Regional(BackupPlans)],
}

/// Minimum retention in days.
const MIN_RETENTION_DAYS: u32 = 35;

/// Whether a schedule expression runs at least once a day.
pub(crate) fn runs_daily(expr: &str) -> bool {
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|e| e.strip_suffix(')')) {
        let Some((n, unit)) = inner.trim().split_once(' ') else {
            return false;
        };
        let Ok(n) = n.parse::<u32>() else {
            return false;
        };
        return match unit.trim() {
            "minute" | "minutes" => n > 0 && n <= 24 * 60,
            "hour" | "hours" => n > 0 && n <= 24,
            "day" | "days" => n == 1,
            _ => false,
        };
    }
    let Some(inner) = expr.strip_prefix("cron(").and_then(|e| e.strip_suffix(')')) else {
        return false;
    };
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [_minutes, _hours, dom, month, dow, year] = fields.as_slice() else {
        return false;
    };
    let any = |f: &str| f == "*" || f == "?";
    any(dom) && any(month) && any(dow) && any(year)
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, plan) in ctx.backup_plans() {
        let subject = ctx.subject(resource);
        let good = plan.rules.iter().find(|r| {
            r.schedule_expression.as_deref().is_some_and(runs_daily)
                && r.delete_after_days.is_none_or(|d| d >= MIN_RETENTION_DAYS)
        });
        let schedules: Vec<String> = plan
            .rules
            .iter()
            .map(|r| {
                format!(
                    "{}: {} keep {}",
                    r.name,
                    r.schedule_expression.as_deref().unwrap_or("no schedule"),
                    r.delete_after_days
                        .map_or_else(|| "forever".to_string(), |d| format!("{d} days"))
                )
            })
            .collect();
        let evidence = evidence!["rules" => schedules.join("; ")];
        match good {
            Some(rule) => out.pass(
                subject,
                format!("rule `{}` runs at least daily and keeps recovery points {MIN_RETENTION_DAYS}+ days", rule.name),
                evidence,
            ),
            None if plan.rules.is_empty() => out.fail(subject, "the plan has no rules", evidence),
            None => out.fail(
                subject,
                format!("no rule both runs at least daily and keeps recovery points {MIN_RETENTION_DAYS} days or more"),
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::backup::backup_plan_covers_phi_resources::fixtures::{daily, plan};
    use crate::testkit::*;
    let mut weekly = daily();
    weekly.schedule_expression = Some("cron(0 5 ? * SUN *)".into());
    crate::control::Examples {
        pass: Fixture::new().with(plan("phi", vec![daily()], Vec::new())),
        fail: Fixture::new().with(plan("phi", vec![weekly], Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::backup::backup_plan_covers_phi_resources::fixtures::{daily, plan};
    use crate::testkit::*;

    #[test]
    fn schedules() {
        assert!(runs_daily("cron(0 5 ? * * *)"));
        assert!(runs_daily("cron(0 */4 * * ? *)"));
        assert!(runs_daily("rate(12 hours)"));
        assert!(runs_daily("rate(1 day)"));
        assert!(!runs_daily("rate(2 days)"));
        assert!(!runs_daily("cron(0 5 ? * MON-FRI *)"));
        assert!(!runs_daily("cron(0 5 1 * ? *)"));
        assert!(!runs_daily("whenever"));
    }

    #[test]
    fn one_good_rule_is_enough_and_short_retention_fails() {
        let mut short = daily();
        short.delete_after_days = Some(7);
        let mut forever = daily();
        forever.delete_after_days = None;
        let rows = Fixture::new()
            .with(plan("short", vec![short.clone()], Vec::new()))
            .with(plan("mixed", vec![short, forever], Vec::new()))
            .with(plan("empty", Vec::new(), Vec::new()))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Fail, Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
