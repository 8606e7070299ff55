use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS DB instance has Enhanced Monitoring on (a monitoring interval of 1 to 60
    /// seconds).
    ///
    /// # Rationale
    /// Enhanced Monitoring records operating-system metrics of the database host (processes,
    /// memory, file system, I/O) every few seconds into CloudWatch Logs. They show an
    /// unexplained process, a mass export or a resource exhaustion attack against a database
    /// holding PHI, which hypervisor-level metrics cannot. HIPAA requires audit controls and
    /// review of information system activity.
    ///
    /// # Evaluation
    /// Reads `monitoring_interval` of every RDS DB instance. Passes when it is greater than 0,
    /// fails when it is 0 (off); `error` when it was not read (an AWS Config item without
    /// `monitoringInterval`).
    ///
    /// # Remediation
    /// Turn on Enhanced Monitoring with a role RDS can use to publish the metrics.
    ///
    /// - Console: RDS → Databases → the instance → Modify → Monitoring → Enable Enhanced
    ///   Monitoring, granularity 60 seconds, monitoring role default → Continue → Apply
    ///   immediately.
    /// - CLI: `aws rds modify-db-instance --db-instance-identifier DB --monitoring-interval 60 --monitoring-role-arn arn:aws:iam::ACCOUNT_ID:role/rds-monitoring-role --apply-immediately`.
    /// - Terraform: `monitoring_interval = 60` and `monitoring_role_arn` on the `aws_db_instance`
    ///   (the role trusts `monitoring.rds.amazonaws.com` and has
    ///   `AmazonRDSEnhancedMonitoringRole`).
    ///
    /// # References
    /// - AWS Config rule `rds-enhanced-monitoring-enabled`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.html>
    id: "RDS-202",
    slug: "rds-enhanced-monitoring-enabled",
    title: "RDS DB instances have Enhanced Monitoring on",
    severity: Low,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["312(b)", "308(a)(1)(ii)(D)"],
    config_rules: ["rds-enhanced-monitoring-enabled"],
    prowler_checks: [],
    resource_kinds: [RdsInstance],
    inputs: [Regional(RdsInstances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.rds_instances() {
        let interval = instance.monitoring_interval;
        out.check(
            ctx.subject(resource),
            interval > 0,
            format!("Enhanced Monitoring every {interval} s"),
            "Enhanced Monitoring is off",
            evidence!["monitoring_interval" => interval],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(db("ehr", |d| d.monitoring_interval = 60)),
        fail: Fixture::new().with(db("ehr", |d| d.monitoring_interval = 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;

    #[test]
    fn interval_zero_is_off() {
        let rows = Fixture::new()
            .with(db("on", |d| d.monitoring_interval = 15))
            .with(db("off", |_| {}).tag("PHI", "Yes"))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
