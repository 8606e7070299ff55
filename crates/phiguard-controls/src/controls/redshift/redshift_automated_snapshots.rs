use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Redshift cluster takes automated snapshots (automated snapshot retention of at
    /// least one day).
    ///
    /// # Rationale
    /// Automated snapshots are Redshift's point-in-time backups; with a retention of 0 they are
    /// off and a dropped table, a bad load or a deleted cluster cannot be recovered. HIPAA's
    /// contingency plan requires a data backup plan with retrievable exact copies of ePHI.
    ///
    /// # Evaluation
    /// Reads `automated_snapshot_retention_period` of every Redshift provisioned cluster.
    /// Passes when it is at least 1 day; fails when it is 0.
    ///
    /// # Remediation
    /// Set an automated snapshot retention period (1 to 35 days); for long-term retention add
    /// manual snapshots or an AWS Backup plan.
    ///
    /// - Console: Amazon Redshift → Clusters → cluster → Maintenance → Backup details → Edit →
    ///   Automated snapshot retention period → 7 days or more.
    /// - CLI: `aws redshift modify-cluster --cluster-identifier CLUSTER --automated-snapshot-retention-period 7`
    /// - Terraform: `automated_snapshot_retention_period = 7` on `aws_redshift_cluster`.
    ///
    /// # References
    /// - AWS Config rule `redshift-backup-enabled`; Prowler `redshift_cluster_automated_snapshot`
    /// - <https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-snapshots.html>
    id: "REDSHIFT-004",
    slug: "redshift-automated-snapshots-enabled",
    title: "Redshift clusters take automated snapshots",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(4)(ii)(A)", "308(a)(7)(i)", "308(a)(7)(ii)(A)", "308(a)(7)(ii)(B)", "308(a)(7)(ii)(C)", "312(a)(2)(ii)"],
    config_rules: ["redshift-backup-enabled"],
    prowler_checks: ["redshift_cluster_automated_snapshot"],
    resource_kinds: [RedshiftCluster],
    inputs: [Regional(RedshiftClusters)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.redshift_clusters() {
        let days = cluster.automated_snapshot_retention_period;
        out.check(
            ctx.subject(resource),
            days >= 1,
            format!("automated snapshots are kept {days} days"),
            "automated snapshots are off (retention 0)",
            evidence!["automated_snapshot_retention_period" => days],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::redshift::cluster;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(cluster("claims-dw", |_| {})),
        fail: Fixture::new().with(cluster("claims-dw", |c| {
            c.automated_snapshot_retention_period = 0
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::redshift::cluster;
    use crate::testkit::*;

    #[test]
    fn retention_boundaries() {
        let rows = Fixture::new()
            .with(cluster("one-day", |c| {
                c.automated_snapshot_retention_period = 1
            }))
            .with(cluster("off", |c| {
                c.automated_snapshot_retention_period = 0
            }))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
