use crate::controls::ec2::ec2_imdsv2_required::is_gone;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every EC2 instance runs inside a VPC.
    ///
    /// # Rationale
    /// An instance outside a VPC (EC2-Classic, retired in 2023, or an inventory that lost the
    /// association) shares a flat network with other customers and cannot be segmented with
    /// subnets, route tables, network ACLs or flow logs. HIPAA requires technical safeguards
    /// that limit access to systems holding ePHI and protect data in transit; a VPC is where
    /// those safeguards are configured.
    ///
    /// # Evaluation
    /// Reads `state` and `vpc_id` of every EC2 instance. Terminated and shutting-down instances
    /// are not applicable. Passes when `vpc_id` is set, fails when it is not.
    ///
    /// # Remediation
    /// Relaunch the workload in a VPC subnet (an instance cannot be moved between networks):
    /// create an AMI, launch it into a private subnet, switch traffic, terminate the old one.
    ///
    /// - Console: EC2 → Instances → the instance → Actions → Image and templates → Create
    ///   image; then Launch instance from the AMI choosing a VPC and private subnet.
    /// - CLI: `aws ec2 create-image --instance-id INSTANCE_ID --name migrate`, then
    ///   `aws ec2 run-instances --image-id AMI_ID --subnet-id SUBNET_ID --security-group-ids SG_ID`.
    /// - Terraform: `subnet_id = aws_subnet.private.id` and `vpc_security_group_ids` on the
    ///   `aws_instance`.
    ///
    /// # References
    /// - AWS Config rule `ec2-instances-in-vpc`
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/how-it-works.html>
    id: "EC2-201",
    slug: "ec2-instance-in-vpc",
    title: "EC2 instances run inside a VPC",
    severity: Medium,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["ec2-instances-in-vpc"],
    prowler_checks: [],
    resource_kinds: [Ec2Instance],
    inputs: [Regional(Ec2Instances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.ec2_instances() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "state" => instance.state.as_str(),
            "vpc_id" => instance.vpc_id.as_deref(),
        ];
        if is_gone(instance) {
            out.not_applicable(
                subject,
                format!("instance is `{}`", instance.state),
                evidence,
            );
            continue;
        }
        match instance.vpc_id.as_deref() {
            Some(vpc) => out.pass(subject, format!("runs in VPC `{vpc}`"), evidence),
            None => out.fail(subject, "is not in a VPC", evidence),
        }
    }
}

#[cfg(test)]
fn instance(id: &str, state: &str, vpc: Option<&str>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
        Ec2Instance {
            state: state.into(),
            vpc_id: vpc.map(Into::into),
            ..Ec2Instance::default()
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(instance("i-0a1", "running", Some("vpc-0a1b2c3d"))),
        fail: Fixture::new().with(instance("i-0a1", "running", None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn in_vpc_outside_and_gone() {
        let rows = Fixture::new()
            .with(instance("i-vpc", "running", Some("vpc-0a1b2c3d")))
            .with(instance("i-classic", "stopped", None).tag("PHI", "Yes"))
            .with(instance("i-gone", "terminated", None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::NotApplicable]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
