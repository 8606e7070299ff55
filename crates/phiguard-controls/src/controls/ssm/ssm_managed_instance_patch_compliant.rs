use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Systems Manager managed node reports patch compliance, and it is `COMPLIANT`.
    ///
    /// # Rationale
    /// The customer patches the guest operating system of EC2 instances. Patch Manager scans
    /// (or installs) against a patch baseline and records per node whether approved patches
    /// are missing; `NON_COMPLIANT` means known, fixable vulnerabilities on a host that may
    /// process PHI, and no patch data means nobody is checking. HIPAA requires procedures for
    /// guarding against malicious software and a risk management process that fixes known
    /// vulnerabilities.
    ///
    /// # Evaluation
    /// Reads `patch_compliance` (the `Patch` compliance summary) and `non_compliant` of every
    /// managed node. Passes when `COMPLIANT`; fails when `NON_COMPLIANT` (naming counts by
    /// severity) or when there is no patch data (no scan has run).
    ///
    /// # Remediation
    /// Scan and patch the nodes on a schedule with a patch policy (Quick Setup) or a
    /// maintenance window running `AWS-RunPatchBaseline`.
    ///
    /// - Console: Systems Manager → Quick Setup → Patch Manager → Create patch policy → scan
    ///   and install daily, target all nodes → Create.
    /// - CLI: `aws ssm send-command --document-name AWS-RunPatchBaseline --targets Key=InstanceIds,Values=INSTANCE_ID --parameters Operation=Install`.
    /// - Terraform: `aws_ssm_association` with `name = "AWS-RunPatchBaseline"`,
    ///   `parameters = { Operation = "Install" }`, `schedule_expression = "rate(1 day)"` and
    ///   targets for the instances.
    ///
    /// # References
    /// - AWS Config rule `ec2-managedinstance-patch-compliance-status-check`; Prowler
    ///   `ssm_managed_compliant_patching`
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager.html>
    id: "SSM-002",
    slug: "ssm-managed-instance-patch-compliant",
    title: "Managed nodes are patch compliant",
    severity: High,
    seed_area: Monitoring,
    shared_area: SoftwarePatching,
    citations: ["308(a)(1)(ii)(B)", "308(a)(5)(ii)(B)"],
    config_rules: ["ec2-managedinstance-patch-compliance-status-check"],
    prowler_checks: ["ssm_managed_compliant_patching"],
    resource_kinds: [SsmManagedInstance],
    inputs: [Regional(SsmManagedInstances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, node) in ctx.ssm_managed_instances() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "patch_compliance" => node.patch_compliance.as_deref(),
            "non_compliant" => &node.non_compliant,
        ];
        match node.patch_compliance.as_deref() {
            Some("COMPLIANT") => out.pass(subject, "patch compliant", evidence),
            Some(status) if node.non_compliant.is_empty() => {
                out.fail(subject, format!("patch compliance is `{status}`"), evidence);
            }
            Some(status) => out.fail(
                subject,
                format!(
                    "patch compliance is `{status}`: missing {}",
                    node.non_compliant.join(", ")
                ),
                evidence,
            ),
            None => out.fail(
                subject,
                "no patch compliance data: no patch scan has run on this node",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::ssm::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(node("i-0a1", |_| {})),
        fail: Fixture::new().with(node("i-0a1", |n| {
            n.patch_compliance = Some("NON_COMPLIANT".into());
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ssm::fixtures::*;
    use crate::testkit::*;

    #[test]
    fn compliant_missing_and_unscanned() {
        let rows = Fixture::new()
            .with(node("i-ok", |_| {}))
            .with(node("i-behind", |n| {
                n.patch_compliance = Some("NON_COMPLIANT".into());
                n.non_compliant = vec!["CRITICAL=2".into(), "HIGH=1".into()];
            }))
            .with(node("i-never", |n| n.patch_compliance = None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
