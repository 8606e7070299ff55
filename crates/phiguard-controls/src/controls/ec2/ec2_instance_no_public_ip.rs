use crate::prelude::*;

use super::ec2_imdsv2_required::is_gone;

control! {
    /// # Requirement
    /// No EC2 instance has a public IPv4 address.
    ///
    /// # Rationale
    /// An instance with a public address is reachable from the internet as soon as a
    /// security group or network ACL rule allows it, and every such rule then becomes a
    /// direct path to the data on the instance. Instances that process PHI belong in private
    /// subnets, reached through load balancers, VPN, Direct Connect or Session Manager, so
    /// that exposure requires a deliberate, reviewable front door. HIPAA requires access to
    /// ePHI systems to be limited to authorised users.
    ///
    /// # Evaluation
    /// Reads `state` and `public_ip` of every EC2 instance. Instances that are `terminated`
    /// or `shutting-down` are not applicable. Passes when the instance has no public IPv4
    /// address; fails when it has one (auto-assigned or an Elastic IP). Stopped instances
    /// usually show no auto-assigned address; they pass until started again, when a new scan
    /// will see it.
    ///
    /// # Remediation
    /// Move the workload to a private subnet behind a load balancer or NAT gateway, and stop
    /// subnets from assigning public addresses.
    ///
    /// - Console: EC2 → Instances → instance → Actions → Networking → Manage IP addresses →
    ///   turn off Auto-assign public IP (or disassociate the Elastic IP); VPC → Subnets →
    ///   subnet → Actions → Edit subnet settings → clear Enable auto-assign public IPv4 address.
    /// - CLI: `aws ec2 modify-subnet-attribute --subnet-id SUBNET_ID --no-map-public-ip-on-launch`;
    ///   `aws ec2 disassociate-address --association-id ASSOC_ID` for an Elastic IP; an
    ///   auto-assigned address goes away only by relaunching in a private subnet.
    /// - Terraform: `associate_public_ip_address = false` on `aws_instance` /
    ///   `aws_launch_template` network interfaces, `map_public_ip_on_launch = false` on
    ///   `aws_subnet`.
    ///
    /// # References
    /// - AWS Config rule `ec2-instance-no-public-ip`; Prowler `ec2_instance_public_ip`,
    ///   `ec2_confidential_workload_host_public_ip` (Nitro Enclave hosts are instances like any
    ///   other here); AWS Config rule `emr-master-no-public-ip` and Prowler
    ///   `emr_cluster_master_nodes_no_public_ip` (EMR master nodes are EC2 instances of the
    ///   account, so a master with a public IP fails this control on the instance itself)
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html>
    id: "EC2-006",
    slug: "ec2-instance-no-public-ip",
    title: "EC2 instances have no public IP address",
    severity: Medium,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["ec2-instance-no-public-ip", "emr-master-no-public-ip"],
    prowler_checks: [
        "ec2_instance_public_ip",
        "ec2_confidential_workload_host_public_ip",
        "emr_cluster_master_nodes_no_public_ip",
    ],
    resource_kinds: [Ec2Instance],
    inputs: [Regional(Ec2Instances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.ec2_instances() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "state" => instance.state.as_str(),
            "public_ip" => instance.public_ip.as_deref(),
        ];
        if is_gone(instance) {
            out.not_applicable(
                subject,
                format!("instance is `{}`", instance.state),
                evidence,
            );
            continue;
        }
        match &instance.public_ip {
            Some(ip) => out.fail(
                subject,
                format!("instance has the public IP `{ip}`"),
                evidence,
            ),
            None => out.pass(subject, "instance has no public IP address", evidence),
        }
    }
}

#[cfg(test)]
fn instance(id: &str, state: &str, ip: Option<&str>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
        Ec2Instance {
            state: state.into(),
            public_ip: ip.map(Into::into),
            ..Ec2Instance::default()
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(instance("i-0a1", "running", None).tag("PHI", "Yes")),
        fail: Fixture::new()
            .with(instance("i-0a1", "running", Some("198.51.100.7")).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn public_private_and_gone() {
        let rows = Fixture::new()
            .with(instance("i-private", "running", None))
            .with(instance("i-public", "running", Some("198.51.100.7")))
            .with(instance("i-stopped-eip", "stopped", Some("203.0.113.9")))
            .with(instance("i-gone", "terminated", Some("198.51.100.8")))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
