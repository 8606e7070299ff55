use phiguard_model::{GLOBAL, ResourceKind};

use crate::ctx::FastMap;
use crate::prelude::*;

control! {
    /// # Requirement
    /// No PHI resource has external access that nobody has reviewed: IAM Access Analyzer has
    /// no active (unarchived, unresolved) finding on any resource in PHI scope.
    ///
    /// # Rationale
    /// Access from outside the account is how PHI reaches business associates — and how it
    /// leaks. A reviewed, intended grant to a vendor's account is archived in Access Analyzer
    /// (with an archive rule naming the vendor, backed by a BAA); an active finding is access
    /// nobody has signed off. HIPAA allows a business associate to receive ePHI only under
    /// satisfactory assurances, and requires access authorisations to be reviewed.
    ///
    /// # Evaluation
    /// For every resource in PHI scope (IAM identities and policies excepted), reads the
    /// `active_findings` of the account's external-access analyzers (`ACTIVE`, type `ACCOUNT`
    /// or `ORGANIZATION`) in the resource's region (any region for global resources). Fails
    /// when a finding names the resource's ARN (or an object under it), saying who has access
    /// and whether it is public; passes when none does; `error` when the account has no
    /// active external-access analyzer in that region (nothing could have found the access).
    ///
    /// # Remediation
    /// Review each finding: remove access that is not intended (edit the resource policy,
    /// ACL or key grant); archive access that is intended and covered by a BAA, preferably
    /// with an archive rule naming the business associate's account.
    ///
    /// - Console: IAM → Access analyzer → Findings → the finding → review the resource policy
    ///   → remove the grant, or Archive (Create archive rule for recurring, agreed access).
    /// - CLI: `aws accessanalyzer list-findings-v2 --analyzer-arn ANALYZER_ARN --filter '{"status":{"eq":["ACTIVE"]}}'`,
    ///   then fix the policy or `aws accessanalyzer update-findings --analyzer-arn ANALYZER_ARN --ids FINDING_ID --status ARCHIVED`.
    /// - Terraform: `aws_accessanalyzer_archive_rule` with a `filter { criteria = "principal.AWS" eq = ["VENDOR_ACCOUNT_ID"] }`
    ///   for agreed vendors; remove unintended grants from the resource's policy.
    ///
    /// # References
    /// - Prowler `accessanalyzer_enabled_without_findings` (not in its HIPAA mapping)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html>
    id: "ACCESSANALYZER-002",
    slug: "access-analyzer-no-external-access-to-phi",
    title: "No unreviewed external access to PHI resources",
    severity: High,
    seed_area: ThirdParties,
    shared_area: AccessManagement,
    citations: ["308(a)(4)(ii)(B)", "308(b)(1)", "312(a)(1)", "314(a)(1)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [AccountWide(AccessAnalyzers)],
}

fn is_identity(kind: ResourceKind) -> bool {
    matches!(
        kind,
        ResourceKind::IamUser
            | ResourceKind::IamGroup
            | ResourceKind::IamPolicy
            | ResourceKind::AccessAnalyzer
            | ResourceKind::MacieSession
            | ResourceKind::InspectorStatus
    )
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    // Analyzers of external access per account (for global resources) and per account and
    // region, in inventory order; built once, borrowed by every resource.
    type Analyzers<'a> = Vec<(&'a Resource, &'a AccessAnalyzer)>;
    let mut by_account: FastMap<&'a str, Analyzers<'a>> = FastMap::default();
    let mut by_place: FastMap<(&'a str, &'a str), Analyzers<'a>> = FastMap::default();
    for (r, a) in ctx.access_analyzers() {
        if a.analyzes_external_access() {
            by_account
                .entry(r.account.as_str())
                .or_default()
                .push((r, a));
            by_place
                .entry((r.account.as_str(), r.region.as_str()))
                .or_default()
                .push((r, a));
        }
    }
    let none: Analyzers<'a> = Vec::new();
    for (resource, phi) in ctx.all_resources() {
        if !phi || is_identity(resource.kind()) {
            continue;
        }
        let analyzers = if resource.region == GLOBAL {
            by_account.get(resource.account.as_str())
        } else {
            by_place.get(&(resource.account.as_str(), resource.region.as_str()))
        }
        .unwrap_or(&none);
        let subject = ctx.subject(resource);
        if analyzers.is_empty() {
            out.error(
                subject,
                format!(
                    "not evaluated: no active external-access analyzer in {}/{}",
                    resource.account, resource.region
                ),
                evidence![],
            );
            continue;
        }
        // The resource itself, or an object in it (`arn/...`).
        let about = |finding: &str| {
            finding
                .strip_prefix(resource.arn.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        let findings: Vec<String> = analyzers
            .iter()
            .flat_map(|(_, a)| a.active_findings.iter())
            .filter(|f| about(&f.resource))
            .map(|f| {
                let public = if f.is_public { "public, " } else { "" };
                format!("{public}to {} (finding {})", f.principals.join(", "), f.id)
            })
            .collect();
        let evidence = evidence![
            "analyzers" => Value::List(analyzers.iter().map(|(r, _)| Value::from(r.arn.as_str())).collect()),
            "active_findings" => Value::List(findings.iter().map(|f| Value::from(f.clone())).collect()),
        ];
        if findings.is_empty() {
            out.pass(subject, "no unreviewed external access", evidence);
        } else {
            out.fail(
                subject,
                format!("unreviewed external access: {}", findings.join("; ")),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::accessanalyzer::fixtures::{analyzer, finding};
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(analyzer(REGION, "ACCOUNT", "ACTIVE", vec![])),
        fail: Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(analyzer(
                REGION,
                "ACCOUNT",
                "ACTIVE",
                vec![finding("arn:aws:s3:::phi-records", false)],
            )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::accessanalyzer::fixtures::{analyzer, finding};
    use crate::testkit::*;

    #[test]
    fn findings_on_phi_resources_only() {
        let mut elsewhere = s3_bucket("phi-eu", |_| {}).tag("PHI", "Yes");
        elsewhere.region = REGION_2.into();
        let rows = Fixture::new()
            .with(s3_bucket("phi-clean", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("phi-shared", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("public-site", |_| {}))
            .with(elsewhere)
            .with(analyzer(
                REGION,
                "ACCOUNT",
                "ACTIVE",
                vec![
                    finding("arn:aws:s3:::phi-shared", true),
                    finding("arn:aws:s3:::public-site", true),
                    // An object in a PHI bucket counts against the bucket; a bucket whose
                    // name merely starts with a PHI bucket's does not.
                    finding("arn:aws:s3:::phi-shared/exports/2026.csv", false),
                    finding("arn:aws:s3:::phi-clean-archive", true),
                ],
            ))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::phi-clean", Status::Pass),
                ("arn:aws:s3:::phi-shared", Status::Fail),
                ("arn:aws:s3:::phi-eu", Status::Error),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
