use crate::prelude::*;

control! {
    /// # Requirement
    /// No RDS DB instance is publicly accessible.
    ///
    /// # Rationale
    /// A publicly accessible instance gets a DNS name that resolves to a public IP address;
    /// the only thing then standing between the internet and the database's login prompt is
    /// a security group rule, and databases exposed that way are found by scanners and
    /// brute-forced within hours. Databases that hold PHI should be reachable only from the
    /// application tier inside the VPC. HIPAA requires access to ePHI systems to be limited
    /// to authorised users and software.
    ///
    /// # Evaluation
    /// Reads `publicly_accessible` of every RDS DB instance (including Aurora instances,
    /// where the setting lives on the instance). Passes when it is false; fails when it is
    /// true, whatever the security groups allow (they can change at any time).
    ///
    /// # Remediation
    /// Turn off public accessibility and place the instance in private subnets.
    ///
    /// - Console: RDS → Databases → instance → Modify → Connectivity → Additional
    ///   configuration → Not publicly accessible → Continue → Apply immediately.
    /// - CLI: `aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible
    ///   --apply-immediately`
    /// - Terraform: `publicly_accessible = false` on `aws_db_instance` /
    ///   `aws_rds_cluster_instance`, with a `db_subnet_group_name` of private subnets.
    ///
    /// # References
    /// - AWS Config rule `rds-instance-public-access-check`; Prowler `rds_instance_no_public_access`
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html>
    id: "RDS-003",
    slug: "rds-instance-not-public",
    title: "RDS instances are not publicly accessible",
    severity: High,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(3)(i)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["rds-instance-public-access-check"],
    prowler_checks: ["rds_instance_no_public_access"],
    resource_kinds: [RdsInstance],
    inputs: [Regional(RdsInstances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.rds_instances() {
        out.check(
            ctx.subject(resource),
            !instance.publicly_accessible,
            "instance is not publicly accessible",
            "instance is publicly accessible",
            evidence!["publicly_accessible" => instance.publicly_accessible],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use super::rds_storage_encrypted::db;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(db("ehr", |_| {}).tag("PHI", "Yes")),
        fail: Fixture::new().with(db("ehr", |d| d.publicly_accessible = true).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::rds_storage_encrypted::db;
    use super::*;
    use crate::testkit::*;

    #[test]
    fn aurora_members_are_judged_on_their_own_setting() {
        let rows = Fixture::new()
            .with(db("private", |_| {}))
            .with(db("aurora-writer", |d| {
                d.engine = "aurora-mysql".into();
                d.cluster_identifier = Some("claims".into());
                d.publicly_accessible = true;
            }))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:rds:us-east-1:111122223333:db:private",
                    Status::Pass
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:db:aurora-writer",
                    Status::Fail
                ),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
