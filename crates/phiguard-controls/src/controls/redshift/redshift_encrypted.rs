use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Redshift cluster encrypts its data at rest.
    ///
    /// # Rationale
    /// Data warehouses aggregate claims, encounters and population-health data: large volumes
    /// of PHI in one place. Cluster encryption covers the data blocks, system metadata and
    /// snapshots with a KMS key (or HSM), so that storage or a copied snapshot does not expose
    /// PHI without the key. HIPAA makes encryption at rest an addressable specification.
    ///
    /// # Evaluation
    /// Reads `encrypted` and `kms_key_id` of every Redshift provisioned cluster. Passes when
    /// the cluster is encrypted; fails otherwise. This is the encryption half of the AWS
    /// Config rule `redshift-cluster-configuration-check` (its logging half is REDSHIFT-002).
    ///
    /// # Remediation
    /// Turn on encryption: Redshift migrates the cluster to an encrypted one in place (the
    /// cluster is read-only during the migration).
    ///
    /// - Console: Amazon Redshift → Clusters → cluster → Properties → Database configurations →
    ///   Edit encryption → Use AWS Key Management Service → choose a key → Save changes.
    /// - CLI: `aws redshift modify-cluster --cluster-identifier CLUSTER --encrypted --kms-key-id KEY_ARN`
    /// - Terraform: `encrypted = true` and `kms_key_id = aws_kms_key.phi.arn` on
    ///   `aws_redshift_cluster`.
    ///
    /// # References
    /// - AWS Config rule `redshift-cluster-configuration-check` (`clusterDbEncrypted`)
    /// - <https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html>
    id: "REDSHIFT-001",
    slug: "redshift-cluster-encrypted",
    title: "Redshift clusters encrypt data at rest",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["redshift-cluster-configuration-check"],
    prowler_checks: ["redshift_cluster_encrypted_at_rest"],
    resource_kinds: [RedshiftCluster],
    inputs: [Regional(RedshiftClusters)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, cluster) in ctx.redshift_clusters() {
        out.check(
            ctx.subject(resource),
            cluster.encrypted,
            "the cluster is encrypted",
            "the cluster is not encrypted",
            evidence![
                "encrypted" => cluster.encrypted,
                "kms_key_id" => cluster.kms_key_id.as_deref(),
            ],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::redshift::cluster;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(cluster("claims-dw", |_| {}).tag("PHI", "Yes")),
        fail: Fixture::new().with(
            cluster("claims-dw", |c| {
                c.encrypted = false;
                c.kms_key_id = None;
            })
            .tag("PHI", "Yes"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::redshift::cluster;
    use crate::testkit::*;

    #[test]
    fn encrypted_and_not() {
        let rows = Fixture::new()
            .with(cluster("claims-dw", |_| {}).tag("PHI", "Yes"))
            .with(cluster("scratch", |c| c.encrypted = false))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
