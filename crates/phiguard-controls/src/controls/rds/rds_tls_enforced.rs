use crate::controls::rds::rds_storage_encrypted::cluster_of;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every RDS and Aurora database refuses unencrypted client connections: `rds.force_ssl`
    /// is `1` (PostgreSQL, SQL Server), `require_secure_transport` is `ON` (MySQL, MariaDB,
    /// Aurora MySQL), `tls` is enabled (DocumentDB) or `neptune_enforce_ssl` is `1`
    /// (Neptune), and no parameter lowers the TLS floor below 1.2.
    ///
    /// # Rationale
    /// RDS offers TLS on every engine, but most engines accept plaintext connections unless the
    /// parameter group forbids them: one misconfigured client or connection string then sends
    /// patient data and database credentials in clear text across the network. HIPAA's
    /// transmission security standard requires guarding ePHI in transit; enforcing TLS on the
    /// server is the only way to prove no client can opt out. Neither the AWS Config HIPAA
    /// pack nor Prowler's HIPAA mapping checks this.
    ///
    /// # Evaluation
    /// Reads the DB cluster parameter group of every DB cluster, and the DB parameter group of
    /// every DB instance that is not part of a cluster in the inventory (members are judged
    /// through their cluster and reported as not applicable). The parameter is chosen by
    /// `engine`; a value absent from the group means the engine default (off, except
    /// PostgreSQL 15 and later, where RDS reports the default as `1`). Passes when the group
    /// enforces TLS and neither `ssl_min_protocol_version` (PostgreSQL) nor `tls_version`
    /// (MySQL) allows TLS 1.0 or 1.1; fails otherwise. A database whose parameter group is not
    /// in the inventory is an error. Oracle and Db2 enforce TLS through option groups and
    /// listener configuration, which phiguard does not read: those are reported as manual.
    ///
    /// # Remediation
    /// Use a custom parameter group that enforces TLS (default groups cannot be edited), attach
    /// it, and reboot if the parameter is static for your engine. Update clients to connect
    /// with `sslmode=verify-full` (PostgreSQL) or `--ssl-mode=VERIFY_IDENTITY` (MySQL) and the
    /// RDS CA bundle first.
    ///
    /// - Console: RDS → Parameter groups → Create parameter group (your engine family) → edit
    ///   `rds.force_ssl` = 1 or `require_secure_transport` = ON → Databases → Modify → DB
    ///   (cluster) parameter group → Apply immediately, then reboot.
    /// - CLI: `aws rds modify-db-parameter-group --db-parameter-group-name PHI-PG
    ///   --parameters ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate`;
    ///   Aurora: `aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name
    ///   PHI-CPG --parameters ParameterName=require_secure_transport,ParameterValue=ON,ApplyMethod=immediate`
    /// - Terraform: `resource "aws_db_parameter_group" "phi" { family = "postgres16"
    ///   parameter { name = "rds.force_ssl" value = "1" } }` and `parameter_group_name =
    ///   aws_db_parameter_group.phi.name` on the `aws_db_instance` (Aurora:
    ///   `aws_rds_cluster_parameter_group` with `require_secure_transport = "ON"`).
    ///
    /// # References
    /// - Prowler `rds_instance_transport_encrypted` (not in Prowler's HIPAA mapping)
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html>
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html>
    id: "RDS-103",
    slug: "rds-tls-enforced",
    title: "RDS databases refuse connections without TLS 1.2 or later",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: [],
    prowler_checks: ["rds_instance_transport_encrypted"],
    resource_kinds: [RdsInstance, RdsCluster],
    inputs: [Regional(RdsInstances), Regional(RdsClusters), Regional(RdsParameterGroups)],
}

/// The parameter that forces TLS for an engine and the values that mean "on".
fn enforcing_parameter(engine: &str) -> Option<(&'static str, &'static [&'static str])> {
    let e = engine.to_ascii_lowercase();
    if e.contains("postgres") || e.starts_with("sqlserver") {
        Some(("rds.force_ssl", &["1"]))
    } else if e.contains("mysql") || e.starts_with("mariadb") || e == "aurora" {
        Some(("require_secure_transport", &["1", "on"]))
    } else if e == "docdb" {
        Some(("tls", &["enabled", "tls1.2+", "tls1.3+"]))
    } else if e == "neptune" {
        Some(("neptune_enforce_ssl", &["1"]))
    } else {
        None
    }
}

/// A parameter value that allows TLS older than 1.2, with its name.
fn weak_floor(group: &RdsParameterGroup) -> Option<(&'static str, &str)> {
    if let Some(v) = group.parameters.get("ssl_min_protocol_version")
        && matches!(v.as_str(), "TLSv1" | "TLSv1.1")
    {
        return Some(("ssl_min_protocol_version", v));
    }
    if let Some(v) = group.parameters.get("tls_version")
        && v.split(',')
            .any(|p| matches!(p.trim(), "TLSv1" | "TLSv1.1"))
    {
        return Some(("tls_version", v));
    }
    None
}

fn judge<'a>(
    ctx: &Ctx<'a>,
    out: &mut Findings<'a>,
    resource: &'a Resource,
    engine: &'a str,
    cluster: bool,
) {
    let subject = ctx.subject(resource);
    let Some((parameter, on)) = enforcing_parameter(engine) else {
        out.manual(
            subject,
            format!("`{engine}` enforces TLS through its option group or listener configuration, which phiguard does not read: verify it"),
            evidence!["engine" => engine],
        );
        return;
    };
    let id = resource.name.as_deref().unwrap_or(&resource.arn);
    let group = ctx
        .rds_parameter_groups_in(&resource.account, &resource.region)
        .find(|(_, d)| d.cluster == cluster && d.members.iter().any(|m| m == id));
    let Some((group_resource, group)) = group else {
        out.error(
            subject,
            "the database's parameter group is not in the inventory",
            evidence!["engine" => engine],
        );
        return;
    };
    let value = group.parameters.get(parameter).map(String::as_str);
    let name = group_resource.display_name();
    let mut evidence = evidence!["engine" => engine, "parameter_group" => name];
    evidence.push((parameter, Value::from(value)));
    let enforced = value.is_some_and(|v| on.iter().any(|o| v.eq_ignore_ascii_case(o)));
    match (enforced, weak_floor(group)) {
        (false, _) => out.fail(
            subject,
            match value {
                Some(v) => format!("`{parameter}` is `{v}` in `{name}`: plaintext connections are accepted"),
                None => format!("`{parameter}` is not set in `{name}` (engine default): plaintext connections are accepted"),
            },
            evidence,
        ),
        (true, Some((floor, v))) => out.fail(
            subject,
            format!("TLS is enforced but `{floor}` is `{v}` in `{name}`: TLS 1.0/1.1 are accepted"),
            evidence,
        ),
        (true, None) => out.pass(
            subject,
            format!("`{parameter}` enforces TLS in `{name}`"),
            evidence,
        ),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.rds_clusters() {
        judge(ctx, out, resource, &cluster.engine, true);
    }
    for (resource, instance) in ctx.rds_instances() {
        if let Some(cluster) = cluster_of(ctx, resource, instance) {
            out.not_applicable(
                ctx.subject(resource),
                format!("judged through its cluster `{}`", cluster.arn),
                evidence!["cluster_identifier" => instance.cluster_identifier.as_deref()],
            );
            continue;
        }
        judge(ctx, out, resource, &instance.engine, false);
    }
}

#[cfg(test)]
fn group(name: &str, cluster: bool, members: &[&str], parameters: &[(&str, &str)]) -> Resource {
    let noun = if cluster { "cluster-pg" } else { "pg" };
    crate::testkit::resource(
        &format!("arn:aws:rds:us-east-1:111122223333:{noun}:{name}"),
        RdsParameterGroup {
            cluster,
            parameters: parameters
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            members: members.iter().map(|m| (*m).to_string()).collect(),
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::rds::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(db("ehr", |_| {}).tag("PHI", "Yes"))
            .with(group("phi-pg", false, &["ehr"], &[("rds.force_ssl", "1")])),
        fail: Fixture::new()
            .with(db("ehr", |_| {}).tag("PHI", "Yes"))
            .with(group(
                "default.postgres14",
                false,
                &["ehr"],
                &[("rds.force_ssl", "0")],
            )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::rds::rds_storage_encrypted::{cluster, db};
    use crate::testkit::*;

    #[test]
    fn engines_parameters_and_floors() {
        let rows = Fixture::new()
            .with(cluster("claims", |c| c.engine = "aurora-mysql".into()))
            .with(db("claims-1", |d| {
                d.engine = "aurora-mysql".into();
                d.cluster_identifier = Some("claims".into());
            }))
            .with(group(
                "claims-cpg",
                true,
                &["claims"],
                &[("require_secure_transport", "ON")],
            ))
            .with(db("billing", |d| d.engine = "mysql".into()))
            .with(group("default.mysql8.0", false, &["billing"], &[]))
            .with(db("portal", |_| {}))
            .with(group(
                "portal-pg",
                false,
                &["portal"],
                &[
                    ("rds.force_ssl", "1"),
                    ("ssl_min_protocol_version", "TLSv1"),
                ],
            ))
            .with(db("legacy", |d| d.engine = "oracle-ee".into()))
            .with(db("orphan", |_| {}))
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
                ("arn:aws:rds:us-east-1:111122223333:db:portal", Status::Fail),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:legacy",
                    Status::Manual
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:orphan",
                    Status::Error
                ),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn an_instance_group_does_not_stand_in_for_a_cluster_group() {
        let rows = Fixture::new()
            .with(cluster("claims", |_| {}))
            .with(group(
                "claims",
                false,
                &["claims"],
                &[("rds.force_ssl", "1")],
            ))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [(
                "arn:aws:rds:us-east-1:111122223333:cluster:claims",
                Status::Error
            )]
        );
    }
}
