use crate::prelude::*;

control! {
    /// # Requirement
    /// No Redshift cluster is publicly accessible.
    ///
    /// # Rationale
    /// A publicly accessible cluster gets an internet-routable endpoint; a warehouse of claims
    /// or clinical data is then one weak password or one open security group away from the
    /// internet. HIPAA requires access to systems holding ePHI to be limited to authorised
    /// users and software.
    ///
    /// # Evaluation
    /// Reads `publicly_accessible` of every Redshift cluster. Passes when false, fails when
    /// true.
    ///
    /// # Remediation
    /// Turn public accessibility off (clients inside the VPC, or through a VPN / PrivateLink,
    /// keep working).
    ///
    /// - Console: Amazon Redshift → Clusters → the cluster → Actions → Modify publicly
    ///   accessible setting → Disable → Save changes.
    /// - CLI: `aws redshift modify-cluster --cluster-identifier CLUSTER --no-publicly-accessible`.
    /// - Terraform: `publicly_accessible = false` on the `aws_redshift_cluster`.
    ///
    /// # References
    /// - AWS Config rule `redshift-cluster-public-access-check`; Prowler
    ///   `redshift_cluster_public_access`
    /// - <https://docs.aws.amazon.com/redshift/latest/mgmt/managing-clusters-vpc.html>
    id: "REDSHIFT-201",
    slug: "redshift-not-public",
    title: "Redshift clusters are not publicly accessible",
    severity: High,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "312(a)(1)"],
    config_rules: ["redshift-cluster-public-access-check"],
    prowler_checks: ["redshift_cluster_public_access"],
    resource_kinds: [RedshiftCluster],
    inputs: [Regional(RedshiftClusters)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.redshift_clusters() {
        out.check(
            ctx.subject(resource),
            !cluster.publicly_accessible,
            "not publicly accessible",
            "publicly accessible",
            evidence!["publicly_accessible" => cluster.publicly_accessible],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::redshift::cluster;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(cluster("claims", |_| {})),
        fail: Fixture::new().with(cluster("claims", |c| c.publicly_accessible = true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn public_fails() {
        let ex = examples();
        let rows: Vec<Row> = ex
            .pass
            .run(&CONTROL)
            .into_iter()
            .chain(ex.fail.run(&CONTROL))
            .collect();
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
