use crate::prelude::*;

use super::rds_storage_encrypted::cluster_of;

control! {
    /// # Requirement
    /// Every RDS DB instance and DB cluster keeps automated backups for at least the
    /// configured number of days (7 by default).
    ///
    /// # Rationale
    /// Automated backups with point-in-time restore are what brings a database holding PHI
    /// back after corruption, a bad migration, an accidental `DELETE` or ransomware. HIPAA
    /// requires a data backup plan that creates retrievable exact copies of ePHI and a
    /// disaster recovery plan to restore it. A retention of 0 turns automated backups off
    /// entirely; a retention of a day or two means a problem noticed after a long weekend can
    /// no longer be undone.
    ///
    /// # Evaluation
    /// Reads `backup_retention_period` of every DB cluster and every DB instance, and
    /// compares it with `thresholds.rds_backup_retention_days` (default 7). An instance that
    /// belongs to a cluster present in the inventory is judged through the cluster and is
    /// not applicable. Passes at or above the threshold; fails below it, and when the
    /// retention is 0 (backups off). Read replicas of engines that cannot keep their own
    /// backups (e.g. PostgreSQL) fail too: waive them if the source instance is covered.
    ///
    /// # Remediation
    /// Set the backup retention period to at least the required number of days (up to 35),
    /// and add the database to an AWS Backup plan for longer retention.
    ///
    /// - Console: RDS → Databases → database → Modify → Backup → Backup retention period →
    ///   7 days or more → Continue → Apply immediately.
    /// - CLI: `aws rds modify-db-instance --db-instance-identifier DB --backup-retention-period 7
    ///   --apply-immediately` (clusters: `aws rds modify-db-cluster --db-cluster-identifier
    ///   CLUSTER --backup-retention-period 7`)
    /// - Terraform: `backup_retention_period = 7` on `aws_db_instance` / `aws_rds_cluster`.
    ///
    /// # References
    /// - AWS Config rule `db-instance-backup-enabled`; Prowler `rds_instance_backup_enabled`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html>
    id: "RDS-005",
    slug: "rds-backup-retention",
    title: "RDS databases keep automated backups for the required days",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: [
        "308(a)(1)(ii)(B)",
        "308(a)(7)(i)",
        "308(a)(7)(ii)(A)",
        "308(a)(7)(ii)(B)",
        "308(a)(7)(ii)(C)",
        "312(a)(2)(ii)",
    ],
    config_rules: ["db-instance-backup-enabled"],
    prowler_checks: ["rds_instance_backup_enabled"],
    resource_kinds: [RdsInstance, RdsCluster],
    inputs: [Regional(RdsInstances), Regional(RdsClusters)],
}

fn judge<'a>(out: &mut Findings<'a>, subject: Subject<'a>, days: u32, required: u32) {
    let evidence = evidence![
        "backup_retention_period" => days,
        "required_days" => required,
    ];
    if days == 0 {
        out.fail(subject, "automated backups are off (retention 0)", evidence);
    } else if days < required {
        out.fail(
            subject,
            format!("automated backups are kept {days} day(s), less than the required {required}"),
            evidence,
        );
    } else {
        out.pass(
            subject,
            format!("automated backups are kept {days} day(s)"),
            evidence,
        );
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let required = ctx.settings.thresholds.rds_backup_retention_days;
    for (resource, cluster) in ctx.rds_clusters() {
        judge(
            out,
            ctx.subject(resource),
            cluster.backup_retention_period,
            required,
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
        judge(out, subject, instance.backup_retention_period, required);
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use super::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(db("ehr", |d| d.backup_retention_period = 14)),
        fail: Fixture::new().with(db("ehr", |d| d.backup_retention_period = 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::rds_storage_encrypted::{cluster, db};
    use super::*;
    use crate::testkit::*;

    #[test]
    fn threshold_off_and_clusters() {
        let rows = Fixture::new()
            .with(cluster("claims", |c| c.backup_retention_period = 1))
            .with(db("claims-1", |d| {
                d.cluster_identifier = Some("claims".into());
                d.backup_retention_period = 1;
            }))
            .with(db("off", |d| d.backup_retention_period = 0))
            .with(db("short", |d| d.backup_retention_period = 6))
            .with(db("exact", |d| d.backup_retention_period = 7))
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
                ("arn:aws:rds:us-east-1:111122223333:db:off", Status::Fail),
                ("arn:aws:rds:us-east-1:111122223333:db:short", Status::Fail),
                ("arn:aws:rds:us-east-1:111122223333:db:exact", Status::Pass),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn threshold_comes_from_settings() {
        let rows = Fixture::new()
            .settings(|s| s.thresholds.rds_backup_retention_days = 35)
            .with(db("two-weeks", |d| d.backup_retention_period = 14))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        assert!(rows[0].reason.contains("required 35"), "{}", rows[0].reason);
    }
}
