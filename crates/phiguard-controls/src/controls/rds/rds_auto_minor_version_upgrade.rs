use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS DB instance has automatic minor version upgrades turned on.
    ///
    /// # Rationale
    /// Minor engine versions carry security fixes. With automatic upgrades on, RDS applies them
    /// in the maintenance window; with them off, a database holding PHI keeps known
    /// vulnerabilities until somebody remembers to upgrade it. HIPAA requires procedures for
    /// guarding against malicious software and keeping systems patched; on RDS the engine is
    /// patched by AWS only when this setting lets it.
    ///
    /// # Evaluation
    /// Reads `auto_minor_version_upgrade` of every RDS DB instance (Aurora members included:
    /// the setting is per instance). Passes when it is on, fails when it is off.
    ///
    /// # Remediation
    /// Turn on automatic minor version upgrades (they are applied in the maintenance window).
    ///
    /// - Console: RDS → Databases → the instance → Modify → Maintenance → Auto minor version
    ///   upgrade: Enable → Continue.
    /// - CLI: `aws rds modify-db-instance --db-instance-identifier DB --auto-minor-version-upgrade --apply-immediately`.
    /// - Terraform: `auto_minor_version_upgrade = true` on the `aws_db_instance` (or
    ///   `aws_rds_cluster_instance`).
    ///
    /// # References
    /// - AWS Config rule `rds-automatic-minor-version-upgrade-enabled`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades>
    id: "RDS-203",
    slug: "rds-auto-minor-version-upgrade",
    title: "RDS DB instances upgrade minor engine versions automatically",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: SoftwarePatching,
    citations: ["308(a)(5)(ii)(A)", "308(a)(5)(ii)(B)"],
    config_rules: ["rds-automatic-minor-version-upgrade-enabled"],
    prowler_checks: [],
    resource_kinds: [RdsInstance],
    inputs: [Regional(RdsInstances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.rds_instances() {
        out.check(
            ctx.subject(resource),
            instance.auto_minor_version_upgrade,
            "automatic minor version upgrades are on",
            "automatic minor version upgrades are off",
            evidence![
                "auto_minor_version_upgrade" => instance.auto_minor_version_upgrade,
                "engine_version" => instance.engine_version.as_str(),
            ],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(db("ehr", |d| d.auto_minor_version_upgrade = true)),
        fail: Fixture::new().with(db("ehr", |d| d.auto_minor_version_upgrade = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;

    #[test]
    fn judged_per_instance() {
        let rows = Fixture::new()
            .with(db("on", |d| d.auto_minor_version_upgrade = true))
            .with(
                db("off", |d| {
                    d.auto_minor_version_upgrade = false;
                    d.engine_version = "16.1".into();
                })
                .tag("PHI", "Yes"),
            )
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:rds:us-east-1:111122223333:db:on", Status::Pass),
                ("arn:aws:rds:us-east-1:111122223333:db:off", Status::Fail),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
