use crate::prelude::*;

control! {
    /// # Requirement
    /// Every EFS file system is encrypted at rest.
    ///
    /// # Rationale
    /// Shared file systems hold scanned documents, imaging exports, HL7 drop folders and
    /// application data with PHI. EFS encryption at rest protects file data and metadata with
    /// a KMS key; it can only be chosen at creation, so an unencrypted file system has to be
    /// migrated. HIPAA makes encryption at rest an addressable specification.
    ///
    /// # Evaluation
    /// Reads `encrypted` and `kms_key_id` of every EFS file system. Passes when the file
    /// system is encrypted; fails otherwise.
    ///
    /// # Remediation
    /// Create an encrypted file system and copy the data (AWS DataSync or a restore from AWS
    /// Backup into a new encrypted file system), then switch mounts over.
    ///
    /// - Console: Amazon EFS → Create file system → Customize → Enable encryption of data at
    ///   rest (choose your KMS key); then AWS DataSync → Create task from the old file system
    ///   to the new one.
    /// - CLI: `aws efs create-file-system --encrypted --kms-key-id KEY_ARN --tags Key=PHI,Value=Yes`,
    ///   then `aws datasync create-task` between the two EFS locations.
    /// - Terraform: `encrypted = true` and `kms_key_id = aws_kms_key.phi.arn` on
    ///   `aws_efs_file_system` (forces a new file system: plan the migration).
    ///
    /// # References
    /// - AWS Config rule `efs-encrypted-check`; Prowler `efs_encryption_at_rest_enabled`
    /// - <https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html>
    id: "EFS-001",
    slug: "efs-encrypted",
    title: "EFS file systems are encrypted at rest",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["efs-encrypted-check"],
    prowler_checks: ["efs_encryption_at_rest_enabled"],
    resource_kinds: [EfsFileSystem],
    inputs: [Regional(EfsFileSystems)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, fs) in ctx.efs_file_systems() {
        out.check(
            ctx.subject(resource),
            fs.encrypted,
            "the file system is encrypted",
            "the file system is not encrypted",
            evidence![
                "encrypted" => fs.encrypted,
                "kms_key_id" => fs.kms_key_id.as_deref(),
            ],
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
            file_system("fs-0a1b2c3d", |f| {
                f.encrypted = false;
                f.kms_key_id = None;
            })
            .tag("PHI", "Yes"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::efs::file_system;
    use crate::testkit::*;

    #[test]
    fn encrypted_plain_and_unknown() {
        let mut unknown = file_system("fs-unknown", |_| {});
        unknown.errors.push(phiguard_model::FieldError {
            field: "encrypted".into(),
            code: "missing".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(file_system("fs-enc", |_| {}))
            .with(file_system("fs-plain", |f| f.encrypted = false))
            .with(unknown)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
