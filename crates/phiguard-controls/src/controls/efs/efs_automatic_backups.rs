use crate::prelude::*;

control! {
    /// # Requirement
    /// Every EFS file system in PHI scope has automatic backups enabled (its EFS backup
    /// policy is `ENABLED`, which puts it in the AWS Backup default plan).
    ///
    /// # Rationale
    /// A deleted directory or files encrypted by ransomware on a shared file system are lost
    /// unless a backup exists. HIPAA's contingency plan requires a data backup plan that
    /// creates retrievable exact copies of ePHI. EFS automatic backups are daily with 35-day
    /// retention in the `aws/efs/automatic-backup-vault`.
    ///
    /// # Evaluation
    /// Reads `backup_policy_enabled` of every EFS file system in PHI scope (by tag or
    /// account). Passes when automatic backups are enabled; fails otherwise. File systems
    /// outside PHI scope are not applicable. When the backup policy could not be read the
    /// result is an error. A file system protected only by a custom AWS Backup plan fails
    /// here: waive it with the plan's name as the reason.
    ///
    /// # Remediation
    /// Turn on automatic backups (or select the file system in an AWS Backup plan).
    ///
    /// - Console: Amazon EFS → File systems → file system → Edit → Automatic backups → Enable
    ///   automatic backups → Save changes.
    /// - CLI: `aws efs put-backup-policy --file-system-id FS_ID --backup-policy Status=ENABLED`
    /// - Terraform: `resource "aws_efs_backup_policy" "phi" { file_system_id =
    ///   aws_efs_file_system.phi.id backup_policy { status = "ENABLED" } }`
    ///
    /// # References
    /// - AWS Config rule `efs-in-backup-plan`; Prowler `efs_have_backup_enabled`
    /// - <https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html>
    id: "EFS-002",
    slug: "efs-phi-automatic-backups",
    title: "EFS file systems holding PHI have automatic backups",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(7)(i)", "308(a)(7)(ii)(A)", "308(a)(7)(ii)(B)", "308(a)(7)(ii)(C)", "312(a)(2)(ii)"],
    config_rules: ["efs-in-backup-plan"],
    prowler_checks: ["efs_have_backup_enabled"],
    resource_kinds: [EfsFileSystem],
    inputs: [Regional(EfsFileSystems)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, fs) in ctx.efs_file_systems() {
        let subject = ctx.subject(resource);
        let evidence = evidence!["backup_policy_enabled" => fs.backup_policy_enabled];
        if !subject.phi {
            out.not_applicable(subject, "file system is not in PHI scope", evidence);
            continue;
        }
        out.check(
            subject,
            fs.backup_policy_enabled,
            "automatic backups are enabled",
            "automatic backups are disabled",
            evidence,
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::efs::file_system;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(file_system("fs-0a1b2c3d", |_| {}).tag("PHI", "Yes")),
        fail: Fixture::new().with(
            file_system("fs-0a1b2c3d", |f| f.backup_policy_enabled = false).tag("PHI", "Yes"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::efs::file_system;
    use crate::testkit::*;

    #[test]
    fn phi_scope_and_unreadable_policy() {
        let mut denied = file_system("fs-denied", |_| {}).tag("PHI", "Yes");
        denied.errors.push(phiguard_model::FieldError {
            field: "backup_policy_enabled".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(file_system("fs-on", |_| {}).tag("PHI", "Yes"))
            .with(file_system("fs-off", |f| f.backup_policy_enabled = false).tag("PHI", "Yes"))
            .with(file_system("fs-scratch", |f| {
                f.backup_policy_enabled = false
            }))
            .with(denied)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Pass,
                Status::Fail,
                Status::NotApplicable,
                Status::Error
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
