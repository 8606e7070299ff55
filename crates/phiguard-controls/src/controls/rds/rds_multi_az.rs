use crate::controls::rds::rds_storage_encrypted::cluster_of;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS DB instance and every RDS or Aurora DB cluster in PHI scope runs in more than
    /// one Availability Zone.
    ///
    /// # Rationale
    /// A Multi-AZ deployment keeps a synchronous standby in a second Availability Zone and
    /// fails over to it automatically, so an AZ outage or a failed host does not make patient
    /// records unavailable or lose committed transactions. HIPAA's contingency plan asks for
    /// procedures that keep critical processes running in emergency mode and restore access to
    /// ePHI; for a clinical database that means surviving the loss of one data centre.
    ///
    /// # Evaluation
    /// Reads `multi_az` of every DB cluster and DB instance in PHI scope (by tag or account).
    /// An instance that belongs to a cluster in the inventory is judged through its cluster
    /// and reported as not applicable. Passes when `multi_az` is true; fails otherwise.
    /// Databases outside PHI scope are not applicable.
    ///
    /// # Remediation
    /// Convert the database to Multi-AZ (a short I/O pause; schedule it in a maintenance
    /// window). For Aurora, add a reader instance in another Availability Zone.
    ///
    /// - Console: RDS → Databases → database → Modify → Availability & durability → Create a
    ///   standby instance → Apply during the next maintenance window. Aurora: Actions → Add
    ///   reader → a different Availability Zone.
    /// - CLI: `aws rds modify-db-instance --db-instance-identifier DB --multi-az --apply-immediately`;
    ///   Aurora: `aws rds create-db-instance --db-cluster-identifier CLUSTER
    ///   --db-instance-identifier CLUSTER-reader --engine aurora-postgresql
    ///   --db-instance-class db.r6g.large --availability-zone us-east-1b`
    /// - Terraform: `multi_az = true` on `aws_db_instance`; for Aurora a second
    ///   `aws_rds_cluster_instance` with a different `availability_zone`.
    ///
    /// # References
    /// - AWS Config rules `rds-multi-az-support`, `rds-cluster-multi-az-enabled`; Prowler
    ///   `rds_instance_multi_az`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html>
    id: "RDS-101",
    slug: "rds-phi-database-multi-az",
    title: "RDS databases holding PHI are deployed across Availability Zones",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(7)(i)", "308(a)(7)(ii)(A)", "308(a)(7)(ii)(B)", "308(a)(7)(ii)(C)"],
    config_rules: ["rds-multi-az-support", "rds-cluster-multi-az-enabled"],
    prowler_checks: ["rds_instance_multi_az"],
    resource_kinds: [RdsInstance, RdsCluster],
    inputs: [Regional(RdsInstances), Regional(RdsClusters)],
}

fn judge<'a>(out: &mut Findings<'a>, subject: Subject<'a>, what: &str, multi_az: bool) {
    let evidence = evidence!["multi_az" => multi_az];
    if !subject.phi {
        out.not_applicable(subject, format!("{what} is not in PHI scope"), evidence);
        return;
    }
    out.check(
        subject,
        multi_az,
        format!("{what} runs in more than one Availability Zone"),
        format!("{what} runs in a single Availability Zone"),
        evidence,
    );
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.rds_clusters() {
        judge(out, ctx.subject(resource), "cluster", cluster.multi_az);
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
        judge(out, subject, "instance", instance.multi_az);
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(db("ehr", |d| d.multi_az = true).tag("PHI", "Yes")),
        fail: Fixture::new().with(db("ehr", |d| d.multi_az = false).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::rds::rds_storage_encrypted::{cluster, db};
    use crate::testkit::*;

    #[test]
    fn phi_scope_clusters_and_instances() {
        let rows = Fixture::new()
            .with(
                cluster("claims", |c| {
                    c.multi_az = false;
                    c.members = vec!["claims-1".into()];
                })
                .tag("PHI", "Yes"),
            )
            .with(
                db("claims-1", |d| d.cluster_identifier = Some("claims".into())).tag("PHI", "Yes"),
            )
            .with(db("ehr", |d| d.multi_az = true).tag("PHI", "Yes"))
            .with(db("scratch", |d| d.multi_az = false))
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
                ("arn:aws:rds:us-east-1:111122223333:db:ehr", Status::Pass),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:scratch",
                    Status::NotApplicable
                ),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
