use crate::prelude::*;

use super::ec2_imdsv2_required::is_gone;

control! {
    /// # Requirement
    /// Every EC2 instance has an IAM instance profile, so that software on it gets AWS
    /// permissions from a role rather than from stored access keys.
    ///
    /// # Rationale
    /// Software on an instance without a role that needs to call AWS (to read PHI from S3,
    /// write to DynamoDB, decrypt with KMS) ends up with long-lived access keys in a config
    /// file, an environment variable or the AMI, where they leak through backups, images and
    /// source control and are never rotated. A role gives short-lived credentials scoped to
    /// the workload and every call is attributable to it. HIPAA requires access control
    /// through unique, authorised identities; the role is the workload's identity.
    ///
    /// # Evaluation
    /// Reads `state` and `instance_profile` of every EC2 instance. Instances that are
    /// `terminated` or `shutting-down` are not applicable. Passes when an instance profile is
    /// attached (the evidence names it); fails when none is. What the role may do is judged
    /// by the IAM controls.
    ///
    /// # Remediation
    /// Create a least-privilege role for the workload and attach it through an instance
    /// profile (Systems Manager's `AmazonSSMManagedInstanceCore` is a good minimum).
    ///
    /// - Console: EC2 → Instances → instance → Actions → Security → Modify IAM role → choose
    ///   the role → Update IAM role.
    /// - CLI: `aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID
    ///   --iam-instance-profile Name=PROFILE_NAME`
    /// - Terraform: `resource "aws_iam_instance_profile" "app" { role = aws_iam_role.app.name }`
    ///   and `iam_instance_profile = aws_iam_instance_profile.app.name` on `aws_instance`.
    ///
    /// # References
    /// - AWS Config rule `ec2-instance-profile-attached`; Prowler `ec2_instance_profile_attached`
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html>
    id: "EC2-008",
    slug: "ec2-instance-profile-attached",
    title: "EC2 instances have an IAM instance profile",
    severity: Low,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: [
        "308(a)(3)(i)",
        "308(a)(3)(ii)(A)",
        "308(a)(4)(ii)(B)",
        "308(a)(4)(ii)(C)",
        "312(a)(1)",
    ],
    config_rules: ["ec2-instance-profile-attached"],
    prowler_checks: ["ec2_instance_profile_attached"],
    resource_kinds: [Ec2Instance],
    inputs: [Regional(Ec2Instances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.ec2_instances() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "state" => instance.state.as_str(),
            "instance_profile" => instance.instance_profile.as_deref(),
        ];
        if is_gone(instance) {
            out.not_applicable(
                subject,
                format!("instance is `{}`", instance.state),
                evidence,
            );
            continue;
        }
        match &instance.instance_profile {
            Some(profile) => out.pass(
                subject,
                format!("instance profile `{profile}` is attached"),
                evidence,
            ),
            None => out.fail(subject, "instance has no IAM instance profile", evidence),
        }
    }
}

#[cfg(test)]
fn instance(id: &str, state: &str, profile: Option<&str>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
        Ec2Instance {
            state: state.into(),
            instance_profile: profile.map(Into::into),
            ..Ec2Instance::default()
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let profile = "arn:aws:iam::111122223333:instance-profile/ehr-app";
    crate::control::Examples {
        pass: Fixture::new().with(instance("i-0a1", "running", Some(profile))),
        fail: Fixture::new().with(instance("i-0a1", "running", None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn attached_missing_and_gone() {
        let rows = Fixture::new()
            .with(instance(
                "i-app",
                "running",
                Some("arn:aws:iam::111122223333:instance-profile/ehr-app"),
            ))
            .with(instance("i-keys", "stopped", None))
            .with(instance("i-gone", "shutting-down", None))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [Status::Pass, Status::Fail, Status::NotApplicable]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
