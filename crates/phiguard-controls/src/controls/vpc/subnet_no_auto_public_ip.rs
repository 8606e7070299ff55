use crate::prelude::*;

control! {
    /// # Requirement
    /// No subnet assigns public IPv4 addresses to instances by default
    /// (`MapPublicIpOnLaunch` is off).
    ///
    /// # Rationale
    /// With the setting on, every instance launched into the subnet — a database host, a
    /// batch job processing claims — is reachable from the internet unless its security group
    /// happens to stop it. Public exposure should be a deliberate choice per instance or load
    /// balancer, not a subnet default. HIPAA requires access to ePHI systems to be limited to
    /// authorised persons and software.
    ///
    /// # Evaluation
    /// Reads `map_public_ip_on_launch` of every subnet (the default VPC's subnets included;
    /// they have it on by default). Passes when off, fails when on.
    ///
    /// # Remediation
    /// Turn the setting off; give the few instances that must be public an Elastic IP or put
    /// them behind a load balancer.
    ///
    /// - Console: VPC → Subnets → the subnet → Actions → Edit subnet settings → clear Enable
    ///   auto-assign public IPv4 address → Save.
    /// - CLI: `aws ec2 modify-subnet-attribute --subnet-id SUBNET_ID --no-map-public-ip-on-launch`.
    /// - Terraform: `map_public_ip_on_launch = false` on the `aws_subnet` (or
    ///   `aws_default_subnet`).
    ///
    /// # References
    /// - AWS Config rule `subnet-auto-assign-public-ip-disabled`; Security Hub EC2.15
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html>
    id: "VPC-202",
    slug: "subnet-no-auto-public-ip",
    title: "Subnets do not assign public IP addresses by default",
    severity: Medium,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["subnet-auto-assign-public-ip-disabled"],
    prowler_checks: [],
    resource_kinds: [Subnet],
    inputs: [Regional(Ec2Subnets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, subnet) in ctx.subnets() {
        out.check(
            ctx.subject(resource),
            !subnet.map_public_ip_on_launch,
            "does not assign public IPv4 addresses on launch",
            "assigns a public IPv4 address to every instance launched in it",
            evidence![
                "vpc_id" => subnet.vpc_id.as_str(),
                "map_public_ip_on_launch" => subnet.map_public_ip_on_launch,
                "default_for_az" => subnet.default_for_az,
            ],
        );
    }
}

#[cfg(test)]
fn subnet(id: &str, public: bool) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:subnet/{id}"),
        Subnet {
            vpc_id: "vpc-0a1b2c3d".into(),
            cidr_block: "10.0.1.0/24".into(),
            availability_zone: "us-east-1a".into(),
            map_public_ip_on_launch: public,
            default_for_az: false,
        },
    )
    .named(id)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(subnet("subnet-0a1", false)),
        fail: Fixture::new().with(subnet("subnet-0a1", true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn public_on_launch_fails() {
        let rows = Fixture::new()
            .with(subnet("subnet-private", false))
            .with(subnet("subnet-public", true))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
