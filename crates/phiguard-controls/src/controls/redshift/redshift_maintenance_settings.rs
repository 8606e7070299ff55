use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Redshift cluster allows version upgrades in its maintenance window and keeps
    /// automated snapshots (retention of at least one day).
    ///
    /// # Rationale
    /// Redshift patches the engine only in the maintenance window and only when upgrades are
    /// allowed; a cluster that refuses them keeps known vulnerabilities. Automated snapshots
    /// are what a restore after a failed upgrade (or an incident) starts from. HIPAA requires
    /// protection from malicious software and data backup and recovery procedures.
    ///
    /// # Evaluation
    /// Reads `allow_version_upgrade` and `automated_snapshot_retention_period` of every
    /// Redshift cluster, as the AWS Config rule does with its defaults. Passes when upgrades
    /// are allowed and retention is at least 1 day; fails naming what is off.
    ///
    /// # Remediation
    /// Allow version upgrades and keep automated snapshots.
    ///
    /// - Console: Amazon Redshift → Clusters → the cluster → Maintenance → Edit → Allow
    ///   version upgrade: on; Backup → Automated snapshot retention period ≥ 1 → Save.
    /// - CLI: `aws redshift modify-cluster --cluster-identifier CLUSTER --allow-version-upgrade --automated-snapshot-retention-period 7`.
    /// - Terraform: `allow_version_upgrade = true` and `automated_snapshot_retention_period = 7`
    ///   on the `aws_redshift_cluster`.
    ///
    /// # References
    /// - AWS Config rule `redshift-cluster-maintenancesettings-check`
    /// - <https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-clusters.html#rs-maintenance-windows>
    id: "REDSHIFT-202",
    slug: "redshift-maintenance-settings",
    title: "Redshift clusters take engine upgrades and keep automated snapshots",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: SoftwarePatching,
    citations: ["308(a)(5)(ii)(A)", "308(a)(7)(ii)(A)"],
    config_rules: ["redshift-cluster-maintenancesettings-check"],
    prowler_checks: [],
    resource_kinds: [RedshiftCluster],
    inputs: [Regional(RedshiftClusters)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.redshift_clusters() {
        let mut off = Vec::new();
        if !cluster.allow_version_upgrade {
            off.push("version upgrades are not allowed".to_string());
        }
        if cluster.automated_snapshot_retention_period == 0 {
            off.push("automated snapshots are off".to_string());
        }
        out.check(
            ctx.subject(resource),
            off.is_empty(),
            format!(
                "version upgrades allowed, automated snapshots kept {} day(s)",
                cluster.automated_snapshot_retention_period
            ),
            off.join("; "),
            evidence![
                "allow_version_upgrade" => cluster.allow_version_upgrade,
                "automated_snapshot_retention_period" => cluster.automated_snapshot_retention_period,
            ],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::redshift::cluster;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(cluster("claims", |_| {})),
        fail: Fixture::new().with(cluster("claims", |c| c.allow_version_upgrade = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::redshift::cluster;
    use crate::testkit::*;

    #[test]
    fn upgrades_and_snapshots() {
        let rows = Fixture::new()
            .with(cluster("ok", |_| {}))
            .with(cluster("frozen", |c| c.allow_version_upgrade = false))
            .with(cluster("nosnap", |c| {
                c.automated_snapshot_retention_period = 0
            }))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
