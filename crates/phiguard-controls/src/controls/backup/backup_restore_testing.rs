use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Region of an account that has AWS Backup plans also has a restore testing plan
    /// that restores at least one resource type, and it has run in the last 35 days.
    ///
    /// # Rationale
    /// A backup that has never been restored is a hope, not a control: restores fail on
    /// missing KMS grants, wrong subnets or corrupt recovery points, and that is usually
    /// discovered during the incident. HIPAA's contingency plan includes testing and revision
    /// procedures and a disaster recovery plan that can actually restore lost data. AWS Backup
    /// restore testing restores recovery points on a schedule and validates them. Neither the
    /// AWS Config HIPAA pack nor Prowler's HIPAA mapping checks it.
    ///
    /// # Evaluation
    /// For every account and Region scanned, reads the backup plans and the restore testing
    /// plans (`protected_resource_types`, `last_execution`) of that Region. A Region without
    /// backup plans is not applicable. Passes when a restore testing plan selects at least one
    /// resource type and last ran within 35 days of the scan; fails when there is none, when
    /// the plans select nothing, or when none ran in the last 35 days.
    ///
    /// # Remediation
    /// Create a restore testing plan with a selection for each protected resource type that
    /// holds PHI (RDS, Aurora, EBS, EFS, DynamoDB, S3), scheduled at least monthly.
    ///
    /// - Console: AWS Backup → Restore testing → Create restore testing plan → frequency
    ///   weekly or monthly → Assign resources → resource type, recovery point selection
    ///   "latest" → validation window.
    /// - CLI: `aws backup create-restore-testing-plan --restore-testing-plan
    ///   '{"RestoreTestingPlanName":"phi_weekly","ScheduleExpression":"cron(0 6 ? * SUN *)",
    ///   "RecoveryPointSelection":{"Algorithm":"LATEST_WITHIN_WINDOW","IncludeVaults":["*"],
    ///   "RecoveryPointTypes":["SNAPSHOT"]}}'` then `aws backup create-restore-testing-selection
    ///   --restore-testing-plan-name phi_weekly --restore-testing-selection
    ///   '{"RestoreTestingSelectionName":"rds","ProtectedResourceType":"RDS","IamRoleArn":"ROLE_ARN",
    ///   "ProtectedResourceArns":["*"]}'`
    /// - Terraform: `resource "aws_backup_restore_testing_plan" "phi" { ... }` and
    ///   `resource "aws_backup_restore_testing_selection" "rds" { protected_resource_type =
    ///   "RDS" ... }`.
    ///
    /// # References
    /// - <https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html>
    id: "BACKUP-103",
    slug: "backup-restore-testing",
    title: "Backups are restore-tested regularly in every Region that has backup plans",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(7)(ii)(B)", "308(a)(7)(ii)(D)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [BackupRestoreTestingPlan],
    inputs: [Regional(BackupPlans), Regional(BackupRestoreTestingPlans)],
}

/// A restore test older than this many days does not count.
const MAX_AGE_DAYS: i64 = 35;

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        for region in &account.regions {
            let subject = ctx.region_subject(account, region);
            let backup_plans = ctx.backup_plans_in(&account.id, region).count();
            let tests: Vec<(&'a Resource, &'a BackupRestoreTestingPlan)> = ctx
                .backup_restore_testing_plans_in(&account.id, region)
                .collect();
            let names: Vec<&str> = tests.iter().map(|(r, _)| r.display_name()).collect();
            let evidence = evidence![
                "backup_plans" => backup_plans,
                "restore_testing_plans" => names.join(", "),
            ];
            if backup_plans == 0 {
                out.not_applicable(subject, "no backup plans in this Region", evidence);
                continue;
            }
            let selecting: Vec<_> = tests
                .iter()
                .filter(|(_, t)| !t.protected_resource_types.is_empty())
                .collect();
            let recent = selecting.iter().find(|(_, t)| {
                t.last_execution
                    .is_some_and(|when| ctx.days_since(when) <= MAX_AGE_DAYS)
            });
            match (tests.is_empty(), selecting.is_empty(), recent) {
                (true, _, _) => {
                    out.fail(subject, "no restore testing plan in this Region", evidence)
                }
                (false, true, _) => out.fail(
                    subject,
                    "the restore testing plans select no resources",
                    evidence,
                ),
                (false, false, None) => out.fail(
                    subject,
                    format!("no restore testing plan ran in the last {MAX_AGE_DAYS} days"),
                    evidence,
                ),
                (false, false, Some((r, t))) => out.pass(
                    subject,
                    format!(
                        "`{}` restore-tests {}",
                        r.display_name(),
                        t.protected_resource_types.join(", ")
                    ),
                    evidence,
                ),
            }
        }
    }
}

#[cfg(test)]
fn restore_plan(name: &str, region: &str, ran_days_ago: Option<i64>, types: &[&str]) -> Resource {
    let now = crate::testkit::ts(crate::testkit::NOW);
    crate::testkit::resource_in(
        region,
        &format!("arn:aws:backup:{region}:111122223333:restore-testing-plan:{name}"),
        BackupRestoreTestingPlan {
            schedule_expression: "cron(0 6 ? * SUN *)".into(),
            last_execution: ran_days_ago.map(|d| {
                phiguard_model::Timestamp::from_second(now.as_second() - d * 86_400).unwrap_or(now)
            }),
            protected_resource_types: types.iter().map(|t| (*t).to_string()).collect(),
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::backup::backup_plan_covers_phi_resources::fixtures::{daily, plan};
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(plan("phi", vec![daily()], Vec::new()))
            .with(restore_plan("weekly", REGION, Some(3), &["RDS"])),
        fail: Fixture::new().with(plan("phi", vec![daily()], Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::backup::backup_plan_covers_phi_resources::fixtures::{daily, plan};
    use crate::testkit::*;

    #[test]
    fn per_region_states() {
        let rows = Fixture::new()
            .with(plan("phi", vec![daily()], Vec::new()))
            .with(restore_plan("stale", REGION, Some(90), &["RDS"]))
            .with(restore_plan("empty", REGION, Some(1), &[]))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("AWS::::Account:111122223333/us-east-1", Status::Fail),
                (
                    "AWS::::Account:111122223333/eu-west-1",
                    Status::NotApplicable
                ),
            ]
        );
        assert_eq!(
            rows[0].reason,
            "no restore testing plan ran in the last 35 days"
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn a_plan_in_another_region_does_not_count() {
        let rows = Fixture::new()
            .with(plan("phi", vec![daily()], Vec::new()))
            .with(restore_plan("weekly", REGION_2, Some(3), &["RDS"]))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(rows[0].reason, "no restore testing plan in this Region");
    }
}
