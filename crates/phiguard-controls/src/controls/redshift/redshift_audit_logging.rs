use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Redshift cluster has audit logging enabled (connection and user logs delivered to
    /// S3 or CloudWatch Logs).
    ///
    /// # Rationale
    /// HIPAA's audit controls standard requires recording activity in systems that contain
    /// ePHI. Redshift audit logging records who connected from where, authentication attempts
    /// and user changes; without it, access to a warehouse full of claims data leaves no
    /// trace outside the cluster's short-lived system tables.
    ///
    /// # Evaluation
    /// Reads `audit_logging` (redshift:DescribeLoggingStatus `LoggingEnabled`) of every
    /// Redshift provisioned cluster. Passes when logging is enabled; fails otherwise. When the
    /// logging status could not be read the result is an error. This is the logging half of
    /// the AWS Config rule `redshift-cluster-configuration-check`.
    ///
    /// # Remediation
    /// Enable audit logging to CloudWatch Logs (or an S3 bucket with the Redshift service
    /// principal allowed to write). To also log every query, set the parameter
    /// `enable_user_activity_logging` to `true`.
    ///
    /// - Console: Amazon Redshift → Clusters → cluster → Properties → Database configurations →
    ///   Edit audit logging → Turn on → CloudWatch → all log types → Save changes.
    /// - CLI: `aws redshift enable-logging --cluster-identifier CLUSTER --log-destination-type cloudwatch
    ///   --log-exports connectionlog userlog useractivitylog`
    /// - Terraform: `resource "aws_redshift_logging" "phi" { cluster_identifier =
    ///   aws_redshift_cluster.phi.id log_destination_type = "cloudwatch" log_exports =
    ///   ["connectionlog", "userlog", "useractivitylog"] }`
    ///
    /// # References
    /// - AWS Config rule `redshift-cluster-configuration-check` (`loggingEnabled`); Prowler
    ///   `redshift_cluster_audit_logging`
    /// - <https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html>
    id: "REDSHIFT-002",
    slug: "redshift-audit-logging-enabled",
    title: "Redshift clusters have audit logging enabled",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "312(b)"],
    config_rules: ["redshift-cluster-configuration-check"],
    prowler_checks: ["redshift_cluster_audit_logging"],
    resource_kinds: [RedshiftCluster],
    inputs: [Regional(RedshiftClusters)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.redshift_clusters() {
        out.check(
            ctx.subject(resource),
            cluster.audit_logging,
            "audit logging is enabled",
            "audit logging is disabled",
            evidence!["audit_logging" => cluster.audit_logging],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::redshift::cluster;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(cluster("claims-dw", |_| {})),
        fail: Fixture::new().with(cluster("claims-dw", |c| c.audit_logging = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::redshift::cluster;
    use crate::testkit::*;

    #[test]
    fn logging_states_and_unreadable_status() {
        let mut unread = cluster("unread", |c| c.audit_logging = false);
        unread.errors.push(phiguard_model::FieldError {
            field: "audit_logging".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(cluster("claims-dw", |_| {}))
            .with(cluster("scratch", |c| c.audit_logging = false))
            .with(unread)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
