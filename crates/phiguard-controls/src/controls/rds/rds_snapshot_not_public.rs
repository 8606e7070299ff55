use crate::prelude::*;

control! {
    /// # Requirement
    /// No RDS DB snapshot or DB cluster snapshot owned by the account can be restored by
    /// everyone.
    ///
    /// # Rationale
    /// A public snapshot can be restored into any AWS account in the world, giving a
    /// stranger a full, queryable copy of the database. For a database that holds PHI this is
    /// a breach of every record in it. HIPAA requires access to ePHI to be limited to
    /// authorised persons.
    ///
    /// # Evaluation
    /// Reads `public` (the `restore` attribute includes `all`) and `shared_with` of every RDS
    /// instance and cluster snapshot (automated snapshots cannot be shared and pass). Passes
    /// when the snapshot is not public (sharing with named accounts is shown in the evidence
    /// but is not public); fails when it is.
    ///
    /// # Remediation
    /// Remove `all` from the snapshot's restore attribute.
    ///
    /// - Console: RDS → Snapshots → snapshot → Actions → Share snapshot → DB snapshot
    ///   visibility: Private → Save.
    /// - CLI: `aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAP
    ///   --attribute-name restore --values-to-remove all` (clusters:
    ///   `aws rds modify-db-cluster-snapshot-attribute`)
    /// - Terraform: remove `shared_accounts = ["all"]` from `aws_db_snapshot` /
    ///   `aws_db_cluster_snapshot`; an SCP denying `rds:ModifyDBSnapshotAttribute` with
    ///   `rds:AddAttribute` / values `all` prevents it from coming back.
    ///
    /// # References
    /// - AWS Config rule `rds-snapshots-public-prohibited`; Prowler `rds_snapshots_public_access`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html>
    id: "RDS-004",
    slug: "rds-snapshot-not-public",
    title: "RDS snapshots are not public",
    severity: High,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "312(a)(1)"],
    config_rules: ["rds-snapshots-public-prohibited"],
    prowler_checks: ["rds_snapshots_public_access"],
    resource_kinds: [RdsSnapshot],
    inputs: [Regional(RdsSnapshots)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, snapshot) in ctx.rds_snapshots() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "public" => snapshot.public,
            "shared_with" => &snapshot.shared_with,
        ];
        if snapshot.public {
            out.fail(subject, "snapshot can be restored by everyone", evidence);
        } else if snapshot.shared_with.is_empty() {
            out.pass(subject, "snapshot is private", evidence);
        } else {
            out.pass(
                subject,
                format!(
                    "snapshot is not public (shared with {} named account(s))",
                    snapshot.shared_with.len()
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use super::rds_snapshot_encrypted::snapshot;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(snapshot("ehr-copy", |_| {})),
        fail: Fixture::new().with(snapshot("ehr-copy", |s| s.public = true)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::rds_snapshot_encrypted::snapshot;
    use super::*;
    use crate::testkit::*;

    #[test]
    fn private_shared_public() {
        let rows = Fixture::new()
            .with(snapshot("private", |_| {}).tag("PHI", "Yes"))
            .with(snapshot("partner", |s| {
                s.shared_with = vec![OTHER_ACCOUNT.into()]
            }))
            .with(snapshot("public", |s| {
                s.public = true;
                s.cluster = true;
            }))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Pass, Status::Fail]);
        assert!(rows[0].phi);
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_attributes_are_an_error() {
        let mut snap = snapshot("x", |_| {});
        snap.errors.push(phiguard_model::FieldError {
            field: "public".into(),
            code: "AccessDenied".into(),
            message: "rds:DescribeDBSnapshotAttributes".into(),
        });
        let rows = Fixture::new().with(snap).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }
}
