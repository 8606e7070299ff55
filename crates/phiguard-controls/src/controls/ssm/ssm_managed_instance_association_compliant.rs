use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Systems Manager managed node with State Manager associations is association
    /// compliant.
    ///
    /// # Rationale
    /// State Manager associations are how a fleet is kept in its approved configuration: the
    /// anti-malware agent installed, the CloudWatch agent shipping logs, the hardening script
    /// applied. A failed association is a host that silently drifted from that baseline.
    /// HIPAA requires protection from malicious software and security configuration that is
    /// maintained, not only set once.
    ///
    /// # Evaluation
    /// Reads `association_compliance` (the `Association` compliance summary) of every managed
    /// node. Passes when `COMPLIANT`, fails when `NON_COMPLIANT`; nodes without associations
    /// are not applicable.
    ///
    /// # Remediation
    /// Find the failing association and fix its cause (document errors, missing permissions,
    /// agent problems), then re-apply it.
    ///
    /// - Console: Systems Manager → State Manager → the association → Execution history →
    ///   the failed target → output; fix, then Apply association now.
    /// - CLI: `aws ssm list-compliance-items --resource-ids INSTANCE_ID --resource-types ManagedInstance --filters Key=ComplianceType,Values=Association`,
    ///   then `aws ssm start-associations-once --association-ids ASSOCIATION_ID`.
    /// - Terraform: correct the `aws_ssm_association` (document, parameters, targets) and
    ///   apply.
    ///
    /// # References
    /// - AWS Config rule `ec2-managedinstance-association-compliance-status-check`
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state.html>
    id: "SSM-003",
    slug: "ssm-managed-instance-association-compliant",
    title: "Managed nodes comply with their State Manager associations",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: SoftwarePatching,
    citations: ["308(a)(5)(ii)(A)", "308(a)(5)(ii)(B)"],
    config_rules: ["ec2-managedinstance-association-compliance-status-check"],
    prowler_checks: [],
    resource_kinds: [SsmManagedInstance],
    inputs: [Regional(SsmManagedInstances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, node) in ctx.ssm_managed_instances() {
        let subject = ctx.subject(resource);
        let evidence =
            evidence!["association_compliance" => node.association_compliance.as_deref()];
        match node.association_compliance.as_deref() {
            Some("COMPLIANT") => out.pass(subject, "association compliant", evidence),
            Some(status) => out.fail(
                subject,
                format!("association compliance is `{status}`"),
                evidence,
            ),
            None => out.not_applicable(subject, "the node has no associations", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::ssm::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(node("i-0a1", |n| {
            n.association_compliance = Some("COMPLIANT".into());
        })),
        fail: Fixture::new().with(node("i-0a1", |n| {
            n.association_compliance = Some("NON_COMPLIANT".into());
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ssm::fixtures::*;
    use crate::testkit::*;

    #[test]
    fn compliant_failing_and_none() {
        let rows = Fixture::new()
            .with(node("i-ok", |n| {
                n.association_compliance = Some("COMPLIANT".into())
            }))
            .with(node("i-drift", |n| {
                n.association_compliance = Some("NON_COMPLIANT".into());
            }))
            .with(node("i-none", |_| {}))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::NotApplicable]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
