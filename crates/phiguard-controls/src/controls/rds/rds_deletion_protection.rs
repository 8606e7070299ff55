use crate::controls::rds::rds_storage_encrypted::cluster_of;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS or Aurora DB cluster, and every DB instance that is not part of a cluster, has
    /// deletion protection enabled.
    ///
    /// # Rationale
    /// Deleting a database deletes its automated backups with it unless a final snapshot is
    /// kept; a mistyped command, a broken automation or a compromised credential can wipe
    /// patient data in seconds. Deletion protection makes deletion a two-step act (turn it off,
    /// then delete), which HIPAA's integrity and contingency requirements call for: ePHI must
    /// be protected from improper destruction and remain recoverable.
    ///
    /// # Evaluation
    /// Reads `deletion_protection` of every DB cluster and every DB instance. An instance that
    /// belongs to a cluster in the inventory is judged through its cluster (deletion protection
    /// is a cluster setting for Aurora) and reported as not applicable. Passes when deletion
    /// protection is on; fails otherwise.
    ///
    /// # Remediation
    /// Turn deletion protection on; it applies immediately and causes no downtime.
    ///
    /// - Console: RDS → Databases → database → Modify → Deletion protection → Enable →
    ///   Apply immediately.
    /// - CLI: `aws rds modify-db-cluster --db-cluster-identifier CLUSTER --deletion-protection --apply-immediately`
    ///   or `aws rds modify-db-instance --db-instance-identifier DB --deletion-protection --apply-immediately`
    /// - Terraform: `deletion_protection = true` on `aws_rds_cluster` / `aws_db_instance`.
    ///
    /// # References
    /// - AWS Config rule `rds-cluster-deletion-protection-enabled`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeleteInstance.DeletionProtection>
    id: "RDS-102",
    slug: "rds-deletion-protection-enabled",
    title: "RDS databases have deletion protection enabled",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(7)(i)", "308(a)(7)(ii)(C)"],
    config_rules: ["rds-cluster-deletion-protection-enabled"],
    prowler_checks: ["rds_cluster_deletion_protection", "rds_instance_deletion_protection"],
    resource_kinds: [RdsInstance, RdsCluster],
    inputs: [Regional(RdsInstances), Regional(RdsClusters)],
}

fn judge<'a>(out: &mut Findings<'a>, subject: Subject<'a>, what: &str, on: bool) {
    out.check(
        subject,
        on,
        format!("{what} has deletion protection"),
        format!("{what} can be deleted without first turning off deletion protection"),
        evidence!["deletion_protection" => on],
    );
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.rds_clusters() {
        judge(
            out,
            ctx.subject(resource),
            "cluster",
            cluster.deletion_protection,
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
        judge(out, subject, "instance", instance.deletion_protection);
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(db("ehr", |d| d.deletion_protection = true)),
        fail: Fixture::new().with(db("ehr", |d| d.deletion_protection = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::rds::rds_storage_encrypted::{cluster, db};
    use crate::testkit::*;

    #[test]
    fn clusters_judge_their_members() {
        let rows = Fixture::new()
            .with(cluster("claims", |c| c.deletion_protection = true))
            .with(db("claims-1", |d| {
                d.cluster_identifier = Some("claims".into())
            }))
            .with(db("billing", |d| d.deletion_protection = false))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:rds:us-east-1:111122223333:cluster:claims",
                    Status::Pass
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:claims-1",
                    Status::NotApplicable
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:billing",
                    Status::Fail
                ),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
