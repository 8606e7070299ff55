use crate::controls::rds::rds_storage_encrypted::cluster_of;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS DB instance exports its engine's audit-relevant logs to CloudWatch Logs:
    /// PostgreSQL `postgresql` and `upgrade`; MySQL and MariaDB `audit`, `error`, `general` and
    /// `slowquery`; Oracle `alert`, `audit`, `listener` and `trace`; SQL Server `agent` and
    /// `error`.
    ///
    /// # Rationale
    /// Database logs record who connected and what they ran against the tables that hold PHI.
    /// Left on the instance they rotate away within days and disappear with it; exported to
    /// CloudWatch Logs they are retained, searchable and protected from the database's own
    /// administrators. HIPAA requires audit controls that record activity in systems holding
    /// ePHI.
    ///
    /// # Evaluation
    /// Reads `engine` and `cloudwatch_logs_exports` of every RDS DB instance. Passes when every
    /// log type the engine family needs (the list of the AWS Config rule, above) is exported;
    /// for other engines (Db2, custom engines), when at least one log type is. Fails naming the
    /// missing types. Members of an Aurora or Multi-AZ DB cluster in the inventory are reported
    /// `error`: their exports are a cluster setting this control does not read.
    ///
    /// # Remediation
    /// Turn on log exports for the instance (PostgreSQL logs need `log_statement` /
    /// `pgaudit` settings in the parameter group to carry statements; MySQL audit logs need the
    /// `MARIADB_AUDIT_PLUGIN` option).
    ///
    /// - Console: RDS → Databases → the instance → Modify → Log exports → tick every log type
    ///   → Continue → Apply immediately.
    /// - CLI: `aws rds modify-db-instance --db-instance-identifier DB --cloudwatch-logs-export-configuration '{"EnableLogTypes":["postgresql","upgrade"]}' --apply-immediately`.
    /// - Terraform: `enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]` on the
    ///   `aws_db_instance`.
    ///
    /// # References
    /// - AWS Config rule `rds-logging-enabled`; Prowler `rds_instance_integration_cloudwatch_logs`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html>
    id: "RDS-201",
    slug: "rds-instance-logs-exported",
    title: "RDS DB instances export their logs to CloudWatch Logs",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(5)(ii)(C)", "312(b)"],
    config_rules: ["rds-logging-enabled"],
    prowler_checks: ["rds_instance_integration_cloudwatch_logs"],
    resource_kinds: [RdsInstance],
    inputs: [Regional(RdsInstances), Regional(RdsClusters)],
}

/// The log types an engine family must export, as the AWS Config rule lists them; empty for
/// engines it does not name.
pub(crate) fn required_logs(engine: &str) -> &'static [&'static str] {
    let engine = engine.to_ascii_lowercase();
    if engine.contains("postgres") {
        &["postgresql", "upgrade"]
    } else if engine.contains("mysql") || engine.contains("mariadb") {
        &["audit", "error", "general", "slowquery"]
    } else if engine.starts_with("oracle") || engine.starts_with("custom-oracle") {
        &["alert", "audit", "listener", "trace"]
    } else if engine.starts_with("sqlserver") || engine.starts_with("custom-sqlserver") {
        &["agent", "error"]
    } else {
        &[]
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.rds_instances() {
        let subject = ctx.subject(resource);
        let exported = &instance.cloudwatch_logs_exports;
        let evidence = evidence![
            "engine" => instance.engine.as_str(),
            "cloudwatch_logs_exports" => exported,
        ];
        if let Some(cluster) = cluster_of(ctx, resource, instance) {
            out.error(
                subject,
                format!(
                    "not evaluated: log exports of cluster member instances are set on the cluster `{}`, which this control does not read",
                    cluster.display_name()
                ),
                evidence,
            );
            continue;
        }
        let required = required_logs(&instance.engine);
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|t| !exported.iter().any(|e| e.eq_ignore_ascii_case(t)))
            .collect();
        if required.is_empty() {
            out.check(
                subject,
                !exported.is_empty(),
                format!("exports {} log type(s) to CloudWatch Logs", exported.len()),
                "exports no logs to CloudWatch Logs",
                evidence,
            );
        } else if missing.is_empty() {
            out.pass(
                subject,
                format!("exports `{}` to CloudWatch Logs", required.join("`, `")),
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!(
                    "does not export `{}` to CloudWatch Logs",
                    missing.join("`, `")
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(
            db("ehr", |d| {
                d.cloudwatch_logs_exports = vec!["postgresql".into(), "upgrade".into()];
            })
            .tag("PHI", "Yes"),
        ),
        fail: Fixture::new().with(db("ehr", |_| {}).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::rds::rds_storage_encrypted::{cluster, db};
    use crate::testkit::*;

    #[test]
    fn engine_families_need_their_logs() {
        let rows = Fixture::new()
            .with(db("pg-partial", |d| {
                d.cloudwatch_logs_exports = vec!["postgresql".into()];
            }))
            .with(db("mysql-full", |d| {
                d.engine = "mysql".into();
                d.cloudwatch_logs_exports = vec![
                    "audit".into(),
                    "error".into(),
                    "general".into(),
                    "slowquery".into(),
                ];
            }))
            .with(db("db2-some", |d| {
                d.engine = "db2-se".into();
                d.cloudwatch_logs_exports = vec!["diag.log".into()];
            }))
            .with(db("db2-none", |d| d.engine = "db2-se".into()))
            .with(cluster("claims", |_| {}))
            .with(db("claims-1", |d| {
                d.engine = "aurora-postgresql".into();
                d.cluster_identifier = Some("claims".into());
            }))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Fail,
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::Error
            ]
        );
        assert_eq!(
            rows[0].reason,
            "does not export `upgrade` to CloudWatch Logs"
        );
        assert_eq!(
            required_logs("aurora-mysql"),
            ["audit", "error", "general", "slowquery"]
        );
        assert_eq!(
            required_logs("oracle-ee"),
            ["alert", "audit", "listener", "trace"]
        );
        assert_eq!(required_logs("sqlserver-se"), ["agent", "error"]);
        insta::assert_snapshot!(render(&rows));
    }
}
