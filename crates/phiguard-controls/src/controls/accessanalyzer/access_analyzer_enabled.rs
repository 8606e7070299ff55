use crate::prelude::*;

control! {
    /// # Requirement
    /// IAM Access Analyzer has an active external-access analyzer (account or organisation
    /// zone of trust) in every region of every scanned account.
    ///
    /// # Rationale
    /// Resource policies on buckets, keys, roles, queues, snapshots and functions can grant
    /// access to other accounts or to everyone, and such grants are easy to add and hard to
    /// notice. Access Analyzer proves every grant that crosses the zone of trust and reports
    /// it; without an analyzer, external access to PHI is found only by accident. HIPAA
    /// requires regular review of information system activity and access authorisations, and
    /// business associate access is only allowed when it is agreed.
    ///
    /// # Evaluation
    /// Reads `analyzer_type` and `status` of the Access Analyzer analyzers of every account and
    /// region. Passes for a region with an `ACTIVE` analyzer of type `ACCOUNT` or
    /// `ORGANIZATION`; fails otherwise (unused-access analyzers do not count: they do not look
    /// for external access). One evaluation per account and region.
    ///
    /// # Remediation
    /// Create an analyzer in every region (an organisation analyzer in the delegated
    /// administrator account covers all member accounts).
    ///
    /// - Console: IAM → Access analyzer → Analyzer settings → Create analyzer → Zone of trust:
    ///   current account (or organisation) → Create; repeat per region.
    /// - CLI: `for r in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do aws accessanalyzer create-analyzer --analyzer-name external --type ACCOUNT --region $r; done`.
    /// - Terraform: `resource "aws_accessanalyzer_analyzer" "external" { analyzer_name = "external" type = "ACCOUNT" }`
    ///   in a provider per region.
    ///
    /// # References
    /// - Prowler `accessanalyzer_enabled` (not in its HIPAA mapping); CIS AWS Foundations 1.20
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html>
    id: "ACCESSANALYZER-001",
    slug: "access-analyzer-enabled",
    title: "IAM Access Analyzer watches for external access in every region",
    severity: Medium,
    seed_area: ThirdParties,
    shared_area: AccessManagement,
    citations: ["308(a)(1)(ii)(D)", "308(a)(4)(ii)(B)", "308(b)(1)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [AccessAnalyzer],
    inputs: [Regional(AccessAnalyzers)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        for region in &account.regions {
            let analyzers: Vec<(&Resource, &AccessAnalyzer)> =
                ctx.access_analyzers_in(&account.id, region).collect();
            let active: Vec<&str> = analyzers
                .iter()
                .filter(|(_, a)| a.analyzes_external_access())
                .map(|(r, _)| r.display_name())
                .collect();
            let evidence = evidence![
                "analyzers" => Value::List(analyzers.iter().map(|(r, a)| Value::from(format!("{} ({}, {})", r.display_name(), a.analyzer_type, a.status))).collect()),
            ];
            let subject = ctx.region_subject(account, region);
            if active.is_empty() {
                out.fail(
                    subject,
                    "no active external-access analyzer in this region",
                    evidence,
                );
            } else {
                out.pass(
                    subject,
                    format!(
                        "external-access analyzer `{}` is active",
                        active.join("`, `")
                    ),
                    evidence,
                );
            }
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::accessanalyzer::fixtures::analyzer;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(analyzer(REGION, "ACCOUNT", "ACTIVE", vec![]))
            .with(analyzer(REGION_2, "ORGANIZATION", "ACTIVE", vec![])),
        fail: Fixture::new().with(analyzer(REGION, "ACCOUNT", "ACTIVE", vec![])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::accessanalyzer::fixtures::analyzer;
    use crate::testkit::*;

    #[test]
    fn per_region_and_only_external_access_analyzers() {
        let rows = Fixture::new()
            .with(analyzer(REGION, "ACCOUNT_UNUSED_ACCESS", "ACTIVE", vec![]))
            .with(analyzer(REGION_2, "ACCOUNT", "ACTIVE", vec![]))
            .run(&CONTROL);
        assert_eq!(
            rows.iter()
                .map(|r| (r.region.as_str(), r.status))
                .collect::<Vec<_>>(),
            [(REGION, Status::Fail), (REGION_2, Status::Pass)]
        );
        let rows = Fixture::new()
            .with(analyzer(REGION, "ACCOUNT", "DISABLED", vec![]))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        insta::assert_snapshot!(render(&rows));
    }
}
