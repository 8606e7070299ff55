use crate::prelude::*;

control! {
    /// # Requirement
    /// Every AWS Backup vault has Vault Lock configured with a minimum retention period.
    ///
    /// # Rationale
    /// Ransomware operators and malicious insiders delete backups before they strike. Vault
    /// Lock makes recovery points undeletable (and the retention unshortenable) for the minimum
    /// retention period; in compliance mode, once the cooling-off period ends, not even the
    /// root user or AWS can remove it. HIPAA requires retrievable exact copies of ePHI and
    /// protection of ePHI from improper alteration or destruction; a backup anyone with admin
    /// rights can delete provides neither against those threats.
    ///
    /// # Evaluation
    /// Reads `locked`, `min_retention_days`, `max_retention_days` and `lock_date` of every
    /// backup vault. Passes when the vault is locked with a minimum retention; fails otherwise.
    /// The evidence tells the mode: with a `lock_date` the lock is in compliance mode
    /// (immutable after that date, still removable before it), without one it is in governance
    /// mode (users with `backup:DeleteBackupVaultLockConfiguration` can remove it).
    ///
    /// # Remediation
    /// Configure Vault Lock with a minimum retention matching your backup policy; use
    /// compliance mode (a `ChangeableForDays` grace period) for vaults holding PHI.
    ///
    /// - Console: AWS Backup → Backup vaults → vault → Vault lock → Create vault lock →
    ///   Compliance mode, minimum and maximum retention, grace time.
    /// - CLI: `aws backup put-backup-vault-lock-configuration --backup-vault-name VAULT --min-retention-days 35 --max-retention-days 2192 --changeable-for-days 3`
    /// - Terraform: `resource "aws_backup_vault_lock_configuration" "phi" { backup_vault_name =
    ///   aws_backup_vault.phi.name min_retention_days = 35 max_retention_days = 2192
    ///   changeable_for_days = 3 }`
    ///
    /// # References
    /// - AWS Config rule `backup-recovery-point-manual-deletion-disabled` (which looks for a
    ///   vault access policy denying `backup:DeleteRecoveryPoint`; Vault Lock blocks the same
    ///   deletions for every principal, including the root user once in compliance mode)
    /// - <https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html>
    id: "BACKUP-002",
    slug: "backup-vault-lock-enabled",
    title: "AWS Backup vaults are locked with a minimum retention",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(7)(ii)(A)", "310(d)(2)(iv)", "312(c)(1)"],
    config_rules: ["backup-recovery-point-manual-deletion-disabled"],
    prowler_checks: [],
    resource_kinds: [BackupVault],
    inputs: [Regional(BackupVaults)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, vault) in ctx.backup_vaults() {
        let subject = ctx.subject(resource);
        let mode = match vault.lock_date {
            _ if !vault.locked => None,
            Some(date) if date <= ctx.now() => Some(format!(
                "compliance mode, immutable since {}",
                date.strftime("%Y-%m-%d")
            )),
            Some(date) => Some(format!(
                "compliance mode, changeable until {}",
                date.strftime("%Y-%m-%d")
            )),
            None => Some("governance mode".to_string()),
        };
        let evidence = evidence![
            "locked" => vault.locked,
            "min_retention_days" => vault.min_retention_days,
            "max_retention_days" => vault.max_retention_days,
            "lock_date" => vault.lock_date,
            "lock_mode" => mode.clone(),
            "recovery_points" => vault.recovery_points,
        ];
        match (vault.locked, vault.min_retention_days, mode) {
            (true, Some(days), Some(mode)) => out.pass(
                subject,
                format!("Vault Lock ({mode}) keeps recovery points at least {days} days"),
                evidence,
            ),
            (true, None, _) => out.fail(
                subject,
                "Vault Lock is configured without a minimum retention",
                evidence,
            ),
            _ => out.fail(
                subject,
                "Vault Lock is not configured: recovery points can be deleted",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn vault(name: &str, edit: impl FnOnce(&mut BackupVault)) -> Resource {
    use crate::testkit::*;
    let mut vault = BackupVault {
        encryption_key_arn: Some(format!(
            "arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )),
        recovery_points: 42,
        ..BackupVault::default()
    };
    edit(&mut vault);
    resource(
        &format!("arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:{name}"),
        vault,
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(vault("phi", |v| {
            v.locked = true;
            v.min_retention_days = Some(35);
            v.lock_date = Some(ts("2026-01-01T00:00:00Z"));
        })),
        fail: Fixture::new().with(vault("phi", |_| {})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn modes_and_failures() {
        let rows = Fixture::new()
            .with(vault("compliance", |v| {
                v.locked = true;
                v.min_retention_days = Some(35);
                v.max_retention_days = Some(2192);
                v.lock_date = Some(ts("2026-01-01T00:00:00Z"));
            }))
            .with(vault("cooling-off", |v| {
                v.locked = true;
                v.min_retention_days = Some(35);
                v.lock_date = Some(ts("2026-06-04T00:00:00Z"));
            }))
            .with(vault("governance", |v| {
                v.locked = true;
                v.min_retention_days = Some(7);
            }))
            .with(vault("no-minimum", |v| v.locked = true))
            .with(vault("open", |_| {}))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Pass,
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::Fail
            ]
        );
        assert_eq!(
            rows[1].reason,
            "Vault Lock (compliance mode, changeable until 2026-06-04) keeps recovery points at least 35 days"
        );
        insta::assert_snapshot!(render(&rows));
    }
}
