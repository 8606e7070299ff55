use crate::prelude::*;

control! {
    /// # Requirement
    /// Every EC2 instance requires IMDSv2 (session tokens) for the instance metadata service,
    /// or has the metadata service turned off.
    ///
    /// # Rationale
    /// The instance metadata service hands out the temporary credentials of the instance's
    /// IAM role. With IMDSv1 a single server-side request forgery bug in a web application,
    /// or a misconfigured proxy, lets an attacker fetch those credentials with a plain GET and
    /// use them from anywhere, with whatever access to PHI the role has. IMDSv2 requires a
    /// session token obtained with a PUT that such bugs and proxies cannot issue. HIPAA
    /// requires technical access controls that let only authorised software reach ePHI.
    ///
    /// # Evaluation
    /// Reads `state`, `metadata_http_tokens` and `metadata_http_endpoint` of every EC2
    /// instance. Instances that are `terminated` or `shutting-down` are not applicable.
    /// Passes when `metadata_http_endpoint` is `disabled` or `metadata_http_tokens` is
    /// `required`; fails when tokens are `optional`. When the tokens setting is missing from
    /// the inventory and the endpoint is not known to be disabled, the instance is reported
    /// as an error rather than guessed.
    ///
    /// # Remediation
    /// Require IMDSv2 on the instance (after checking that its software uses a recent AWS SDK
    /// or agent), and make it the account default for new instances.
    ///
    /// - Console: EC2 → Instances → instance → Actions → Instance settings → Modify instance
    ///   metadata options → IMDSv2: Required → Save.
    /// - CLI: `aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID
    ///   --http-tokens required --http-endpoint enabled`, and for new instances
    ///   `aws ec2 modify-instance-metadata-defaults --http-tokens required`
    /// - Terraform: `metadata_options { http_endpoint = "enabled" http_tokens = "required" }` on
    ///   `aws_instance` and `aws_launch_template`.
    ///
    /// # References
    /// - AWS Config rule `ec2-imdsv2-check`; Prowler `ec2_instance_imdsv2_enabled`,
    ///   `ec2_confidential_workload_host_imdsv2_not_enforced` (the same check on Nitro Enclave
    ///   hosts, which this control covers with every other instance)
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html>
    id: "EC2-005",
    slug: "ec2-imdsv2-required",
    title: "EC2 instances require IMDSv2",
    severity: Medium,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)"],
    config_rules: ["ec2-imdsv2-check"],
    prowler_checks: [
        "ec2_instance_imdsv2_enabled",
        "ec2_confidential_workload_host_imdsv2_not_enforced",
    ],
    resource_kinds: [Ec2Instance],
    inputs: [Regional(Ec2Instances)],
}

/// Whether an instance no longer runs and never will again.
pub(crate) fn is_gone(instance: &Ec2Instance) -> bool {
    matches!(instance.state.as_str(), "terminated" | "shutting-down")
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.ec2_instances() {
        let subject = ctx.subject(resource);
        let tokens = instance.metadata_http_tokens.as_deref();
        let endpoint = instance.metadata_http_endpoint.as_deref();
        let evidence = evidence![
            "state" => instance.state.as_str(),
            "metadata_http_tokens" => tokens,
            "metadata_http_endpoint" => endpoint,
        ];
        if is_gone(instance) {
            out.not_applicable(
                subject,
                format!("instance is `{}`", instance.state),
                evidence,
            );
            continue;
        }
        match (endpoint, tokens) {
            (Some("disabled"), _) => {
                out.pass(subject, "instance metadata service is disabled", evidence);
            }
            (_, Some("required")) => out.pass(subject, "IMDSv2 is required", evidence),
            (_, Some(other)) => out.fail(
                subject,
                format!("metadata tokens are `{other}`, so IMDSv1 is allowed"),
                evidence,
            ),
            (_, None) => out.error(
                subject,
                "instance metadata options are missing from the inventory",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn instance(id: &str, state: &str, tokens: Option<&str>, endpoint: Option<&str>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
        Ec2Instance {
            state: state.into(),
            metadata_http_tokens: tokens.map(Into::into),
            metadata_http_endpoint: endpoint.map(Into::into),
            ..Ec2Instance::default()
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(instance(
            "i-0a1",
            "running",
            Some("required"),
            Some("enabled"),
        )),
        fail: Fixture::new().with(instance(
            "i-0a1",
            "running",
            Some("optional"),
            Some("enabled"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn states_and_settings() {
        let rows = Fixture::new()
            .with(instance(
                "i-required",
                "running",
                Some("required"),
                Some("enabled"),
            ))
            .with(instance(
                "i-optional",
                "stopped",
                Some("optional"),
                Some("enabled"),
            ))
            .with(instance(
                "i-disabled",
                "running",
                Some("optional"),
                Some("disabled"),
            ))
            .with(instance("i-unknown", "running", None, Some("enabled")))
            .with(instance("i-gone", "terminated", Some("optional"), None))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Fail,
                Status::Pass,
                Status::Error,
                Status::NotApplicable
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
