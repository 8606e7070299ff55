use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS DB instance and every RDS or Aurora DB cluster encrypts its storage at rest.
    ///
    /// # Rationale
    /// Databases are where most PHI lives: patient records, claims, appointments. Storage
    /// encryption covers the data files, automated backups, snapshots, read replicas and
    /// logs with a KMS key, so that a copied snapshot or a decommissioned disk does not expose
    /// PHI to anyone without the key. Encryption can only be chosen when the database is
    /// created, so the gap is costly to close later. HIPAA makes encryption at rest an
    /// addressable specification.
    ///
    /// # Evaluation
    /// Reads `storage_encrypted` and `kms_key_id` of every DB cluster and every DB instance.
    /// An instance that belongs to a cluster present in the inventory (its
    /// `cluster_identifier` names a cluster of the same account and region) is judged through
    /// the cluster and reported as not applicable, so a failure is reported once. Instances
    /// whose cluster is missing from the inventory are judged on their own setting. Passes
    /// when storage is encrypted; fails otherwise.
    ///
    /// # Remediation
    /// Encrypt by restoring an encrypted copy: snapshot the database, copy the snapshot with
    /// encryption, restore from it and switch the application over.
    ///
    /// - Console: RDS → Snapshots → take a snapshot → Actions → Copy snapshot → Enable
    ///   encryption (choose your KMS key) → Actions → Restore snapshot; then point clients at
    ///   the new endpoint and delete the old database.
    /// - CLI: `aws rds create-db-snapshot --db-instance-identifier DB --db-snapshot-identifier SNAP`,
    ///   `aws rds copy-db-snapshot --source-db-snapshot-identifier SNAP
    ///   --target-db-snapshot-identifier SNAP-ENC --kms-key-id KEY_ARN`,
    ///   `aws rds restore-db-instance-from-db-snapshot --db-instance-identifier DB-ENC
    ///   --db-snapshot-identifier SNAP-ENC` (clusters: `create-db-cluster-snapshot`,
    ///   `copy-db-cluster-snapshot`, `restore-db-cluster-from-snapshot`).
    /// - Terraform: `storage_encrypted = true` and `kms_key_id = aws_kms_key.phi.arn` on
    ///   `aws_db_instance` / `aws_rds_cluster` (forces a new resource: plan the migration).
    ///
    /// # References
    /// - AWS Config rule `rds-storage-encrypted`; Prowler `rds_instance_storage_encrypted`,
    ///   `rds_cluster_storage_encrypted`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html>
    id: "RDS-001",
    slug: "rds-storage-encrypted",
    title: "RDS databases encrypt their storage",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["rds-storage-encrypted"],
    prowler_checks: ["rds_instance_storage_encrypted", "rds_cluster_storage_encrypted"],
    resource_kinds: [RdsInstance, RdsCluster],
    inputs: [Regional(RdsInstances), Regional(RdsClusters)],
}

/// The cluster an instance belongs to, when it is in the inventory: same account and
/// region, and an ARN ending in `:cluster:ID` or a name equal to the identifier.
pub(crate) fn cluster_of<'a>(
    ctx: &Ctx<'a>,
    resource: &Resource,
    instance: &RdsInstance,
) -> Option<&'a Resource> {
    let id = instance.cluster_identifier.as_deref()?;
    let suffix = format!(":cluster:{id}");
    ctx.rds_clusters_in(&resource.account, &resource.region)
        .map(|(r, _)| r)
        .find(|r| r.arn.ends_with(&suffix) || r.name.as_deref() == Some(id))
}

fn judge<'a>(
    out: &mut Findings<'a>,
    subject: Subject<'a>,
    what: &str,
    encrypted: bool,
    key: Option<&'a str>,
) {
    let evidence = evidence!["storage_encrypted" => encrypted, "kms_key_id" => key];
    match (encrypted, key) {
        (true, Some(key)) => out.pass(
            subject,
            format!("{what} storage is encrypted with `{key}`"),
            evidence,
        ),
        (true, None) => out.pass(subject, format!("{what} storage is encrypted"), evidence),
        (false, _) => out.fail(
            subject,
            format!("{what} storage is not encrypted"),
            evidence,
        ),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.rds_clusters() {
        judge(
            out,
            ctx.subject(resource),
            "cluster",
            cluster.storage_encrypted,
            cluster.kms_key_id.as_deref(),
        );
    }
    for (resource, instance) in ctx.rds_instances() {
        let subject = ctx.subject(resource);
        if let Some(cluster) = cluster_of(ctx, resource, instance) {
            out.not_applicable(
                subject,
                format!("judged through its cluster `{}`", cluster.arn),
                evidence!["cluster_identifier" => instance.cluster_identifier.as_deref()],
            );
            continue;
        }
        judge(
            out,
            subject,
            "instance",
            instance.storage_encrypted,
            instance.kms_key_id.as_deref(),
        );
    }
}

#[cfg(test)]
pub(crate) fn db(id: &str, edit: impl FnOnce(&mut RdsInstance)) -> Resource {
    let mut instance = RdsInstance {
        engine: "postgres".into(),
        ..RdsInstance::default()
    };
    edit(&mut instance);
    crate::testkit::resource(
        &format!("arn:aws:rds:us-east-1:111122223333:db:{id}"),
        instance,
    )
    .named(id)
}

#[cfg(test)]
pub(crate) fn cluster(id: &str, edit: impl FnOnce(&mut RdsCluster)) -> Resource {
    let mut cluster = RdsCluster {
        engine: "aurora-postgresql".into(),
        ..RdsCluster::default()
    };
    edit(&mut cluster);
    crate::testkit::resource(
        &format!("arn:aws:rds:us-east-1:111122223333:cluster:{id}"),
        cluster,
    )
    .named(id)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(db("ehr", |d| d.storage_encrypted = true).tag("PHI", "Yes")),
        fail: Fixture::new().with(db("ehr", |d| d.storage_encrypted = false).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn cluster_members_are_judged_once_through_the_cluster() {
        let rows = Fixture::new()
            .with(cluster("claims", |c| {
                c.storage_encrypted = false;
                c.members = vec!["claims-1".into(), "claims-2".into()];
            }))
            .with(db("claims-1", |d| {
                d.cluster_identifier = Some("claims".into())
            }))
            .with(db("claims-2", |d| {
                d.cluster_identifier = Some("claims".into())
            }))
            .with(db("orphan", |d| {
                d.cluster_identifier = Some("not-collected".into());
                d.storage_encrypted = true;
            }))
            .with(db("standalone", |d| {
                d.storage_encrypted = true;
                d.kms_key_id = Some(
                    "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000003"
                        .into(),
                );
            }))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:rds:us-east-1:111122223333:cluster:claims",
                    Status::Fail
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:claims-1",
                    Status::NotApplicable
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:claims-2",
                    Status::NotApplicable
                ),
                ("arn:aws:rds:us-east-1:111122223333:db:orphan", Status::Pass),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:standalone",
                    Status::Pass
                ),
            ]
        );
        assert_eq!(
            rows.iter().filter(|r| r.status == Status::Fail).count(),
            1,
            "one failure for the cluster, not one per member"
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn a_same_named_cluster_in_another_region_does_not_count() {
        let other_region = resource_in(
            REGION_2,
            "arn:aws:rds:eu-west-1:111122223333:cluster:claims",
            RdsCluster {
                storage_encrypted: true,
                ..RdsCluster::default()
            },
        );
        let rows = Fixture::new()
            .with(other_region)
            .with(db("claims-1", |d| {
                d.cluster_identifier = Some("claims".into())
            }))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:rds:eu-west-1:111122223333:cluster:claims",
                    Status::Pass
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:claims-1",
                    Status::Fail
                ),
            ]
        );
    }

    #[test]
    fn denied_clusters_leave_instances_unjudged() {
        let rows = Fixture::new()
            .with(db("solo", |d| d.storage_encrypted = true))
            .deny(RdsClusters)
            .run(&CONTROL);
        assert!(rows.iter().all(|r| r.status == Status::Error), "{rows:#?}");
    }
}
