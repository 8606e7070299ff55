use crate::ctx::FastMap;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every running EC2 instance is a Systems Manager managed node that is online.
    ///
    /// # Rationale
    /// Patching, inventory, configuration compliance and shell access without open ports all
    /// run through the SSM agent. An instance Systems Manager does not manage is patched, if
    /// at all, by hand, and is invisible to the patch compliance evidence HIPAA's
    /// protection-from-malicious-software and risk-management safeguards call for.
    ///
    /// # Evaluation
    /// For every EC2 instance in state `running`, looks for a managed node with the same
    /// `instance_id` in the same account and region and reads its `ping_status`. Passes when
    /// it is `Online`; fails when there is no managed node (agent missing, no instance profile
    /// with `AmazonSSMManagedInstanceCore`, no route to the SSM endpoints) or it is
    /// `ConnectionLost` / `Inactive`. Instances in other states are not applicable.
    ///
    /// # Remediation
    /// Give the instance a profile with the `AmazonSSMManagedInstanceCore` policy (or turn on
    /// Default Host Management Configuration), make sure the SSM agent runs and can reach
    /// the `ssm`, `ssmmessages` and `ec2messages` endpoints.
    ///
    /// - Console: Systems Manager → Fleet Manager → Account management → Configure Default
    ///   Host Management Configuration → Enable; or EC2 → the instance → Actions → Security →
    ///   Modify IAM role.
    /// - CLI: `aws ssm update-service-setting --setting-id arn:aws:ssm:REGION:ACCOUNT:servicesetting/ssm/managed-instance/default-ec2-instance-management-role --setting-value service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`,
    ///   or `aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile Name=SSMInstanceProfile`.
    /// - Terraform: `iam_instance_profile` on the `aws_instance` whose role has
    ///   `arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore` attached.
    ///
    /// # References
    /// - AWS Config rule `ec2-instance-managed-by-systems-manager`; Prowler
    ///   `ec2_instance_managed_by_ssm`
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/managed_instances.html>
    id: "SSM-001",
    slug: "ssm-ec2-instance-managed",
    title: "EC2 instances are managed by Systems Manager",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: SoftwarePatching,
    citations: ["308(a)(5)(ii)(A)", "308(a)(5)(ii)(B)"],
    config_rules: ["ec2-instance-managed-by-systems-manager"],
    prowler_checks: ["ec2_instance_managed_by_ssm"],
    resource_kinds: [Ec2Instance],
    inputs: [Regional(Ec2Instances), Regional(SsmManagedInstances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    // Managed nodes by (account, region, instance id), the first one wins: searching the
    // place's nodes for every instance was quadratic in the instances of a region.
    let mut nodes: FastMap<(&'a str, &'a str, &'a str), &'a SsmManagedInstance> =
        FastMap::default();
    for (r, node) in ctx.ssm_managed_instances() {
        nodes
            .entry((
                r.account.as_str(),
                r.region.as_str(),
                node.instance_id.as_str(),
            ))
            .or_insert(node);
    }
    for (resource, instance) in ctx.ec2_instances() {
        let subject = ctx.subject(resource);
        if instance.state != "running" {
            out.not_applicable(
                subject,
                format!("instance is `{}`", instance.state),
                evidence!["state" => instance.state.as_str()],
            );
            continue;
        }
        let id = resource.arn.rsplit('/').next().unwrap_or_default();
        match nodes.get(&(resource.account.as_str(), resource.region.as_str(), id)) {
            None => out.fail(
                subject,
                "is not a Systems Manager managed node",
                evidence!["managed" => false],
            ),
            Some(node) => out.check(
                subject,
                node.ping_status == "Online",
                "is a managed node and online",
                format!("is a managed node but `{}`", node.ping_status),
                evidence!["managed" => true, "ping_status" => node.ping_status.as_str()],
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::ssm::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(instance("i-0a1", "running"))
            .with(node("i-0a1", |_| {})),
        fail: Fixture::new().with(instance("i-0a1", "running")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ssm::fixtures::*;
    use crate::testkit::*;

    #[test]
    fn managed_unmanaged_and_lost() {
        let rows = Fixture::new()
            .with(instance("i-managed", "running"))
            .with(instance("i-unmanaged", "running").tag("PHI", "Yes"))
            .with(instance("i-lost", "running"))
            .with(instance("i-stopped", "stopped"))
            .with(node("i-managed", |_| {}))
            .with(node("i-lost", |n| n.ping_status = "ConnectionLost".into()))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
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
