use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS DB snapshot and DB cluster snapshot owned by the account is encrypted.
    ///
    /// # Rationale
    /// A snapshot is a complete copy of the database at a point in time, kept for weeks or
    /// years and easy to copy across regions and accounts. An unencrypted snapshot of a
    /// database holding PHI is PHI at rest without encryption, and it can be shared or
    /// restored without any key check. HIPAA makes encryption at rest an addressable
    /// specification.
    ///
    /// # Evaluation
    /// Reads `encrypted` (and `snapshot_type`, `cluster` for context) of every RDS instance
    /// and cluster snapshot, manual or automated. Passes when the snapshot is encrypted;
    /// fails otherwise. Snapshots of unencrypted databases are unencrypted too: fix the
    /// database (RDS-001) and the new snapshots follow.
    ///
    /// # Remediation
    /// Replace the snapshot with an encrypted copy and delete the unencrypted original.
    ///
    /// - Console: RDS → Snapshots → snapshot → Actions → Copy snapshot → Enable encryption →
    ///   choose your KMS key → Copy snapshot; then delete the original.
    /// - CLI: `aws rds copy-db-snapshot --source-db-snapshot-identifier SNAP
    ///   --target-db-snapshot-identifier SNAP-ENC --kms-key-id KEY_ARN` (clusters:
    ///   `aws rds copy-db-cluster-snapshot`), then `aws rds delete-db-snapshot
    ///   --db-snapshot-identifier SNAP`
    /// - Terraform: `aws_db_snapshot_copy` with `kms_key_id`; encrypt the source with
    ///   `storage_encrypted = true` so that future snapshots are encrypted.
    ///
    /// # References
    /// - AWS Config rule `rds-snapshot-encrypted`; Prowler `rds_snapshots_encrypted`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html>
    id: "RDS-002",
    slug: "rds-snapshot-encrypted",
    title: "RDS snapshots are encrypted",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["rds-snapshot-encrypted"],
    prowler_checks: ["rds_snapshots_encrypted"],
    resource_kinds: [RdsSnapshot],
    inputs: [Regional(RdsSnapshots)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, snapshot) in ctx.rds_snapshots() {
        let subject = ctx.subject(resource);
        let kind = if snapshot.cluster {
            "cluster snapshot"
        } else {
            "snapshot"
        };
        let evidence = evidence![
            "encrypted" => snapshot.encrypted,
            "snapshot_type" => snapshot.snapshot_type.as_str(),
            "cluster" => snapshot.cluster,
        ];
        out.check(
            subject,
            snapshot.encrypted,
            format!("{kind} is encrypted"),
            format!("{kind} is not encrypted"),
            evidence,
        );
    }
}

#[cfg(test)]
pub(crate) fn snapshot(id: &str, edit: impl FnOnce(&mut RdsSnapshot)) -> Resource {
    let mut snapshot = RdsSnapshot {
        snapshot_type: "manual".into(),
        ..RdsSnapshot::default()
    };
    edit(&mut snapshot);
    let kind = if snapshot.cluster {
        "cluster-snapshot"
    } else {
        "snapshot"
    };
    crate::testkit::resource(
        &format!("arn:aws:rds:us-east-1:111122223333:{kind}:{id}"),
        snapshot,
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(snapshot("ehr-2026-05-31", |s| s.encrypted = true)),
        fail: Fixture::new().with(snapshot("ehr-2026-05-31", |s| s.encrypted = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn instance_and_cluster_snapshots() {
        let rows = Fixture::new()
            .with(snapshot("enc", |s| s.encrypted = true))
            .with(snapshot("plain", |s| s.snapshot_type = "automated".into()))
            .with(snapshot("aurora-plain", |s| s.cluster = true))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:rds:us-east-1:111122223333:snapshot:enc",
                    Status::Pass
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:snapshot:plain",
                    Status::Fail
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:aurora-plain",
                    Status::Fail
                ),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
