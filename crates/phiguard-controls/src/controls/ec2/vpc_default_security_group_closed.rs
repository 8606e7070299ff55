use crate::prelude::*;

control! {
    /// # Requirement
    /// The default security group of every VPC has no inbound and no outbound rules.
    ///
    /// # Rationale
    /// Every network interface launched without an explicit security group lands in the VPC's
    /// default group, and by default that group lets its members talk to each other freely and
    /// to anything outside. An instance or database created in a hurry then silently joins a
    /// flat network with everything else that was created in a hurry. Closing the default
    /// group forces every workload onto a purpose-made group and keeps PHI systems segmented.
    /// HIPAA requires access to ePHI systems to be limited to what is authorised.
    ///
    /// # Evaluation
    /// Reads `group_name`, `ingress` and `egress` of every security group named `default`
    /// (the one AWS creates with each VPC); other groups are not in scope of this control
    /// and are not reported. Passes when both rule lists are empty; fails when either has a
    /// rule (the evidence counts them).
    ///
    /// # Remediation
    /// Move members to purpose-made security groups, then delete every rule of the default
    /// group (the group itself cannot be deleted).
    ///
    /// - Console: VPC → Security groups → the `default` group of the VPC → Inbound rules →
    ///   Edit → Delete all → Save; same for Outbound rules.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id SG_ID --ip-permissions
    ///   "$(aws ec2 describe-security-groups --group-ids SG_ID --query
    ///   'SecurityGroups[0].IpPermissions')"` and the same with `revoke-security-group-egress`
    ///   and `IpPermissionsEgress`.
    /// - Terraform: `resource "aws_default_security_group" "this" { vpc_id = aws_vpc.this.id }`
    ///   with no `ingress` or `egress` blocks removes every rule.
    ///
    /// # References
    /// - AWS Config rule `vpc-default-security-group-closed`; Prowler
    ///   `ec2_securitygroup_default_restrict_traffic`; CIS AWS Foundations Benchmark
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html>
    id: "EC2-007",
    slug: "vpc-default-security-group-closed",
    title: "Default security groups allow no traffic",
    severity: Low,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(3)(i)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["vpc-default-security-group-closed"],
    prowler_checks: ["ec2_securitygroup_default_restrict_traffic"],
    resource_kinds: [SecurityGroup],
    inputs: [Regional(Ec2SecurityGroups)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, group) in ctx.security_groups() {
        if group.group_name != "default" {
            continue;
        }
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "group_name" => group.group_name.as_str(),
            "vpc_id" => group.vpc_id.as_deref(),
            "ingress" => group.ingress.len(),
            "egress" => group.egress.len(),
        ];
        match (group.ingress.len(), group.egress.len()) {
            (0, 0) => out.pass(subject, "default security group has no rules", evidence),
            (inbound, outbound) => out.fail(
                subject,
                format!(
                    "default security group has {inbound} inbound and {outbound} outbound rule(s)"
                ),
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn sg(id: &str, name: &str, ingress: usize, egress: usize) -> Resource {
    let open = SecurityGroupRule {
        protocol: "-1".into(),
        ipv4_ranges: vec!["0.0.0.0/0".into()],
        ..SecurityGroupRule::default()
    };
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:security-group/{id}"),
        SecurityGroup {
            group_name: name.into(),
            vpc_id: Some("vpc-0a1b2c3d".into()),
            ingress: vec![open.clone(); ingress],
            egress: vec![open; egress],
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(sg("sg-0a1", "default", 0, 0)),
        fail: Fixture::new().with(sg("sg-0a1", "default", 1, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn only_default_groups_are_judged() {
        let rows = Fixture::new()
            .with(sg("sg-closed", "default", 0, 0))
            .with(sg("sg-egress", "default", 0, 1))
            .with(sg("sg-ingress", "default", 2, 0))
            .with(sg("sg-web", "web", 1, 1))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:ec2:us-east-1:111122223333:security-group/sg-closed",
                    Status::Pass
                ),
                (
                    "arn:aws:ec2:us-east-1:111122223333:security-group/sg-egress",
                    Status::Fail
                ),
                (
                    "arn:aws:ec2:us-east-1:111122223333:security-group/sg-ingress",
                    Status::Fail
                ),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
