use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Redshift cluster requires TLS for client connections (`require_ssl` = `true` in
    /// its parameter group).
    ///
    /// # Rationale
    /// Redshift accepts unencrypted JDBC/ODBC connections unless the parameter group forbids
    /// them; BI tools and ETL jobs then move query results full of PHI across the network in
    /// clear text. HIPAA's transmission security standard requires guarding ePHI in transit,
    /// and server-side enforcement is the only way to be sure every client complies. With
    /// `require_ssl` on, current Redshift versions negotiate TLS 1.2 or later.
    ///
    /// # Evaluation
    /// Reads the `require_ssl` value among `parameters` of every Redshift provisioned cluster
    /// (collected from its parameter groups). Passes when it is `true`; fails when it is
    /// `false` or not set (the default is `false`). When the parameters could not be read
    /// (denied, or an AWS Config import, which does not record them) the result is an error.
    ///
    /// # Remediation
    /// Use a custom parameter group with `require_ssl` set to `true` (the default group cannot
    /// be changed), associate it with the cluster and reboot it.
    ///
    /// - Console: Amazon Redshift → Configurations → Workload management → Create parameter
    ///   group → Parameters → `require_ssl` = true → Clusters → cluster → Actions → Modify →
    ///   Database configurations → parameter group → Reboot.
    /// - CLI: `aws redshift modify-cluster-parameter-group --parameter-group-name PHI-RS
    ///   --parameters ParameterName=require_ssl,ParameterValue=true` then
    ///   `aws redshift modify-cluster --cluster-identifier CLUSTER --cluster-parameter-group-name PHI-RS`
    ///   and `aws redshift reboot-cluster --cluster-identifier CLUSTER`
    /// - Terraform: `resource "aws_redshift_parameter_group" "phi" { family = "redshift-1.0"
    ///   parameter { name = "require_ssl" value = "true" } }` and
    ///   `cluster_parameter_group_name = aws_redshift_parameter_group.phi.name`.
    ///
    /// # References
    /// - AWS Config rule `redshift-require-tls-ssl`
    /// - <https://docs.aws.amazon.com/redshift/latest/mgmt/connecting-ssl-support.html>
    id: "REDSHIFT-003",
    slug: "redshift-require-tls",
    title: "Redshift clusters require TLS for connections",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(a)(2)(iv)", "312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["redshift-require-tls-ssl"],
    prowler_checks: ["redshift_cluster_in_transit_encryption_enabled"],
    resource_kinds: [RedshiftCluster],
    inputs: [Regional(RedshiftClusters)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.redshift_clusters() {
        let subject = ctx.subject(resource);
        let value = cluster.parameters.get("require_ssl").map(String::as_str);
        let evidence = evidence![
            "parameter_groups" => cluster.parameter_groups.join(", "),
            "parameters" => value.map(|v| format!("require_ssl={v}")),
        ];
        match value {
            Some(v) if v.eq_ignore_ascii_case("true") => {
                out.pass(subject, "`require_ssl` is `true`", evidence)
            }
            Some(v) => out.fail(
                subject,
                format!("`require_ssl` is `{v}`: unencrypted connections are accepted"),
                evidence,
            ),
            None => out.fail(
                subject,
                "`require_ssl` is not set (default `false`): unencrypted connections are accepted",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::redshift::cluster;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(cluster("claims-dw", |_| {})),
        fail: Fixture::new().with(cluster("claims-dw", |c| {
            c.parameters.insert("require_ssl".into(), "false".into());
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::redshift::cluster;
    use crate::testkit::*;

    #[test]
    fn values_default_and_unrecorded() {
        let mut unrecorded = cluster("from-config", |c| c.parameters.clear());
        unrecorded.errors.push(phiguard_model::FieldError {
            field: "parameters".into(),
            code: "NotRecordedByAwsConfig".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(cluster("claims-dw", |_| {}))
            .with(cluster("default-group", |c| c.parameters.clear()))
            .with(unrecorded)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
