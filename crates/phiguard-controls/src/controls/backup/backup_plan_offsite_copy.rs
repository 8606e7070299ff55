use crate::prelude::*;

control! {
    /// # Requirement
    /// Every AWS Backup plan copies its recovery points to a vault in another AWS Region or
    /// another AWS account.
    ///
    /// # Rationale
    /// Backups that live in the same Region and account as the data share their fate: a
    /// regional outage, a compromised administrator or a ransomware actor with account access
    /// can destroy both. HIPAA's disaster recovery plan requires restoring lost data, and the
    /// data backup and storage specification asks for a retrievable exact copy before
    /// equipment moves; an off-site (cross-Region) or off-account (a separate backup account
    /// in the organisation) copy is how that survives a disaster. Neither the AWS Config
    /// HIPAA pack nor Prowler's HIPAA mapping checks it.
    ///
    /// # Evaluation
    /// Reads the copy actions (`rules[].copy_actions[].destination_vault_arn`) of every backup
    /// plan. Passes when at least one rule copies to a vault whose ARN names a Region or an
    /// account other than the plan's; fails when no rule does (copies within the same Region
    /// and account do not count). A destination that is not a vault ARN does not count.
    ///
    /// # Remediation
    /// Add a copy action to the plan's daily rule, targeting a vault in your disaster-recovery
    /// Region or in a dedicated backup account (cross-account copies need AWS Organizations and
    /// a vault access policy on the destination).
    ///
    /// - Console: AWS Backup → Backup plans → plan → rule → Edit → Copy to destination →
    ///   Region (or Copy to another account's vault) → destination vault → retention.
    /// - CLI: `aws backup update-backup-plan --backup-plan-id PLAN_ID --backup-plan
    ///   '{"BackupPlanName":"phi","Rules":[{"RuleName":"daily","TargetBackupVaultName":"phi",
    ///   "ScheduleExpression":"cron(0 5 ? * * *)","CopyActions":[{"DestinationBackupVaultArn":
    ///   "arn:aws:backup:us-west-2:111122223333:backup-vault:phi-dr","Lifecycle":{"DeleteAfterDays":35}}]}]}'`
    /// - Terraform: `copy_action { destination_vault_arn = aws_backup_vault.dr.arn lifecycle {
    ///   delete_after = 35 } }` inside the `rule` block of `aws_backup_plan`.
    ///
    /// # References
    /// - <https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html>
    /// - <https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html>
    id: "BACKUP-102",
    slug: "backup-plan-offsite-copy",
    title: "AWS Backup plans copy recovery points to another Region or account",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(7)(ii)(A)", "308(a)(7)(ii)(B)", "310(d)(2)(iv)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [BackupPlan],
    inputs: [Regional(BackupPlans)],
}

/// (region, account) of a vault ARN `arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME`.
fn vault_place(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    match parts.as_slice() {
        ["arn", _, "backup", region, account, "backup-vault", _]
            if !region.is_empty() && !account.is_empty() =>
        {
            Some((region, account))
        }
        _ => None,
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, plan) in ctx.backup_plans() {
        let subject = ctx.subject(resource);
        let destinations: Vec<&str> = plan
            .rules
            .iter()
            .flat_map(|r| r.copy_actions.iter())
            .map(|c| c.destination_vault_arn.as_str())
            .collect();
        let offsite = destinations.iter().find(|d| {
            vault_place(d).is_some_and(|(region, account)| {
                region != resource.region || account != resource.account
            })
        });
        let evidence = evidence!["copy_actions" => destinations.join(", ")];
        match offsite {
            Some(d) => out.pass(
                subject,
                format!("recovery points are copied to `{d}`"),
                evidence,
            ),
            None if destinations.is_empty() => {
                out.fail(subject, "no rule copies recovery points anywhere", evidence)
            }
            None => out.fail(
                subject,
                "copies stay in the plan's own Region and account",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn with_copy(to: &str) -> phiguard_model::kinds::BackupRule {
    let mut rule = crate::controls::backup::backup_plan_covers_phi_resources::fixtures::daily();
    rule.copy_actions.push(BackupCopyAction {
        destination_vault_arn: to.into(),
        delete_after_days: Some(35),
    });
    rule
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::backup::backup_plan_covers_phi_resources::fixtures::{daily, plan};
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(plan(
            "phi",
            vec![with_copy(
                "arn:aws:backup:us-west-2:111122223333:backup-vault:phi-dr",
            )],
            Vec::new(),
        )),
        fail: Fixture::new().with(plan("phi", vec![daily()], Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::backup::backup_plan_covers_phi_resources::fixtures::plan;
    use crate::testkit::*;

    #[test]
    fn region_account_and_same_place_copies() {
        let rows = Fixture::new()
            .with(plan(
                "other-account",
                vec![with_copy(
                    "arn:aws:backup:us-east-1:999988887777:backup-vault:vault",
                )],
                Vec::new(),
            ))
            .with(plan(
                "same-place",
                vec![with_copy(
                    "arn:aws:backup:us-east-1:111122223333:backup-vault:second",
                )],
                Vec::new(),
            ))
            .with(plan("garbage", vec![with_copy("not-an-arn")], Vec::new()))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
