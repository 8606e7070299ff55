use crate::prelude::*;

control! {
    /// # Requirement
    /// No customer managed KMS key is scheduled for deletion.
    ///
    /// # Rationale
    /// Deleting a KMS key makes everything encrypted under it unrecoverable: PHI in S3, EBS
    /// snapshots, RDS backups, and the backups of those backups. Scheduling deletion is also
    /// a known destructive attack (encrypt-then-delete ransomware). HIPAA requires ePHI to be
    /// protected from improper destruction and backups to remain retrievable; a key pending
    /// deletion should be a deliberate, reviewed decision caught before the waiting period
    /// ends.
    ///
    /// # Evaluation
    /// Reads `key_manager`, `key_state` and `deletion_date` of every KMS key. Customer managed
    /// keys fail when `key_state` is `PendingDeletion` (or `PendingReplicaDeletion`), with the
    /// deletion date, and pass otherwise. AWS managed keys are not applicable.
    ///
    /// # Remediation
    /// If the deletion was not intended, cancel it and re-enable the key before the deletion
    /// date; then find who scheduled it in CloudTrail (`ScheduleKeyDeletion`).
    ///
    /// - Console: KMS → Customer managed keys → key → Key actions → Cancel key deletion, then
    ///   Enable.
    /// - CLI: `aws kms cancel-key-deletion --key-id KEY_ID && aws kms enable-key --key-id KEY_ID`
    /// - Terraform: keep the `aws_kms_key` resource in configuration (and add
    ///   `lifecycle { prevent_destroy = true }` to keys protecting PHI).
    ///
    /// # References
    /// - AWS Config rule `kms-cmk-not-scheduled-for-deletion`; Security Hub KMS.3
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html>
    id: "KMS-002",
    slug: "kms-key-not-pending-deletion",
    title: "Customer managed KMS keys are not scheduled for deletion",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(7)(ii)(A)", "312(c)(1)"],
    config_rules: ["kms-cmk-not-scheduled-for-deletion"],
    prowler_checks: [],
    resource_kinds: [KmsKey],
    inputs: [Regional(KmsKeys)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, key) in ctx.kms_keys() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "key_state" => key.key_state.as_str(),
            "deletion_date" => key.deletion_date,
        ];
        if key.key_manager != "CUSTOMER" {
            out.not_applicable(
                subject,
                "AWS managed keys cannot be scheduled for deletion",
                evidence,
            );
            continue;
        }
        if key.key_state.starts_with("Pending") && key.key_state.ends_with("Deletion") {
            let when = key.deletion_date.map_or_else(
                || "on an unknown date".to_string(),
                |d| {
                    let days = (d.as_second() - ctx.now().as_second()).max(0) / 86_400;
                    format!("on {} (in {days} days)", d.strftime("%Y-%m-%d"))
                },
            );
            out.fail(subject, format!("the key will be deleted {when}"), evidence);
        } else {
            out.pass(
                subject,
                format!("the key is `{}`, not scheduled for deletion", key.key_state),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::kms::fixtures::key;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(key("phi", |_| {})),
        fail: Fixture::new().with(key("phi", |k| {
            k.key_state = "PendingDeletion".into();
            k.deletion_date = Some(ts("2026-06-08T00:00:00Z"));
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::kms::fixtures::key;
    use crate::testkit::*;

    #[test]
    fn states() {
        let rows = Fixture::new()
            .with(key("enabled", |_| {}))
            .with(key("disabled", |k| k.key_state = "Disabled".into()))
            .with(key("doomed", |k| {
                k.key_state = "PendingDeletion".into();
                k.deletion_date = Some(ts("2026-06-08T00:00:00Z"));
            }))
            .with(key("replica", |k| {
                k.key_state = "PendingReplicaDeletion".into()
            }))
            .with(key("aws", |k| k.key_manager = "AWS".into()))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable
            ]
        );
        assert_eq!(
            rows[2].reason,
            "the key will be deleted on 2026-06-08 (in 7 days)"
        );
        assert_eq!(rows[3].reason, "the key will be deleted on an unknown date");
        insta::assert_snapshot!(render(&rows));
    }
}
