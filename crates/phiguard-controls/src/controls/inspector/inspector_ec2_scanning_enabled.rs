use crate::controls::ec2::ec2_imdsv2_required::is_gone;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Amazon Inspector scans EC2 instances for vulnerabilities in every region where the
    /// account runs EC2 instances.
    ///
    /// # Rationale
    /// On EC2 the guest operating system and everything installed on it are the customer's to
    /// patch (the shared-responsibility matrix draws the line at the hypervisor). Inspector
    /// continuously compares installed packages and network exposure with known
    /// vulnerabilities, which is the evidence that patching actually happens. HIPAA requires
    /// procedures for guarding against malicious software and a risk analysis that knows the
    /// system's vulnerabilities.
    ///
    /// # Evaluation
    /// For every account and region with at least one EC2 instance that is not terminated,
    /// reads Inspector's account status there (`state`, `ec2`). Passes when EC2 scanning is
    /// `ENABLED`; fails otherwise (including when no status is recorded for a region whose
    /// collection succeeded: Inspector was never activated).
    ///
    /// # Remediation
    /// Activate Inspector with EC2 scanning (in the delegated administrator account for an
    /// organisation, with auto-enable for members).
    ///
    /// - Console: Amazon Inspector → Get started → Activate Inspector; Account management →
    ///   select accounts → Activate → Amazon EC2 scanning; repeat per region.
    /// - CLI: `aws inspector2 enable --resource-types EC2 --region REGION`.
    /// - Terraform: `resource "aws_inspector2_enabler" "this" { account_ids = [ACCOUNT_ID] resource_types = ["EC2"] }`.
    ///
    /// # References
    /// - Prowler `inspector2_is_enabled` (not in its HIPAA mapping)
    /// - <https://docs.aws.amazon.com/inspector/latest/user/scanning-ec2.html>
    id: "INSPECTOR-001",
    slug: "inspector-ec2-scanning-enabled",
    title: "Amazon Inspector scans EC2 instances for vulnerabilities",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: SoftwarePatching,
    citations: ["308(a)(1)(ii)(A)", "308(a)(5)(ii)(B)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [InspectorStatus],
    inputs: [Regional(InspectorStatuses), Regional(Ec2Instances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        for region in &account.regions {
            let instances = ctx
                .ec2_instances_in(&account.id, region)
                .filter(|(_, i)| !is_gone(i))
                .count();
            if instances == 0 {
                continue;
            }
            let subject = ctx.region_subject(account, region);
            let status = ctx.inspector_statuses_in(&account.id, region).next();
            let Some((_, status)) = status else {
                out.fail(
                    subject,
                    format!(
                        "Amazon Inspector is not activated ({instances} EC2 instance(s) unscanned)"
                    ),
                    evidence!["instances" => instances],
                );
                continue;
            };
            let evidence = evidence![
                "state" => status.state.as_str(),
                "ec2" => status.ec2.as_str(),
                "instances" => instances,
            ];
            if status.ec2 == "ENABLED" {
                out.pass(
                    subject,
                    format!("EC2 scanning is on for {instances} instance(s)"),
                    evidence,
                );
            } else {
                out.fail(
                    subject,
                    format!(
                        "EC2 scanning is `{}` ({instances} instance(s) unscanned)",
                        status.ec2
                    ),
                    evidence,
                );
            }
        }
    }
}

#[cfg(test)]
fn status(region: &str, ec2: &str) -> Resource {
    crate::testkit::resource_in(
        region,
        &format!("arn:aws:inspector2:{region}:111122223333:account"),
        InspectorStatus {
            state: "ENABLED".into(),
            ec2: ec2.into(),
            ecr: "ENABLED".into(),
            lambda: "DISABLED".into(),
        },
    )
}

#[cfg(test)]
fn instance(region: &str, id: &str, state: &str) -> Resource {
    crate::testkit::resource_in(
        region,
        &format!("arn:aws:ec2:{region}:111122223333:instance/{id}"),
        Ec2Instance {
            state: state.into(),
            ..Ec2Instance::default()
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(instance(REGION, "i-0a1", "running"))
            .with(status(REGION, "ENABLED")),
        fail: Fixture::new()
            .with(instance(REGION, "i-0a1", "running"))
            .with(status(REGION, "DISABLED")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn regions_with_instances_only() {
        let rows = Fixture::new()
            .with(instance(REGION, "i-0a1", "running"))
            .with(instance(REGION_2, "i-0b2", "stopped"))
            .with(status(REGION, "ENABLED"))
            .run(&CONTROL);
        assert_eq!(
            rows.iter()
                .map(|r| (r.region.as_str(), r.status))
                .collect::<Vec<_>>(),
            [(REGION, Status::Pass), (REGION_2, Status::Fail)]
        );
        let gone = Fixture::new()
            .with(instance(REGION, "i-0a1", "terminated"))
            .run(&CONTROL);
        assert!(gone.is_empty(), "{gone:?}");
        insta::assert_snapshot!(render(&rows));
    }
}
