use phiguard_model::CoverageState;

use crate::prelude::*;

control! {
    /// # Requirement
    /// AWS Security Hub is enabled, with at least one security standard, in every region
    /// enabled for the account.
    ///
    /// # Rationale
    /// HIPAA's risk analysis and evaluation standards are continuous duties, not annual
    /// documents. Security Hub continuously checks the account against a standard (AWS
    /// Foundational Security Best Practices, CIS, NIST 800-53) and aggregates GuardDuty,
    /// Inspector and Macie findings into one prioritised list, which is the evidence that risk
    /// is being assessed and managed between formal assessments.
    ///
    /// # Evaluation
    /// For each account and region in the account's region list, reads the Security Hub
    /// subscription of that region (`subscribed_at`, `enabled_standards`). Passes when Security
    /// Hub is enabled with at least one standard; fails when it is not enabled, or enabled with
    /// no standard (as Prowler does: it then scores nothing). Regions where Security Hub is not
    /// offered are not applicable. Note that if the collector reports an unsubscribed region as
    /// "not enabled" coverage rather than as collected with no hub, the result is `error`.
    ///
    /// # Remediation
    /// Enable Security Hub with the AWS Foundational Security Best Practices standard in every
    /// region, preferably through central configuration from a delegated administrator.
    ///
    /// - Console: Security Hub → Go to Security Hub → Enable, with "AWS Foundational Security
    ///   Best Practices" checked; in the administrator account, Configuration → Central
    ///   configuration → policy for all accounts and regions.
    /// - CLI: `aws securityhub enable-security-hub --enable-default-standards --region REGION`
    ///   (repeat per region).
    /// - Terraform: `resource "aws_securityhub_account" "this" { enable_default_standards = true }`
    ///   per region, or `aws_securityhub_configuration_policy` for central configuration.
    ///
    /// # References
    /// - AWS Config rule `securityhub-enabled`; Prowler `securityhub_enabled`
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html>
    id: "SECURITYHUB-001",
    slug: "securityhub-enabled",
    title: "Security Hub is enabled with a standard in every enabled region",
    severity: Medium,
    seed_area: RiskAssessment,
    shared_area: MonitoringAuditing,
    citations: [
        "308(a)(1)(ii)(A)", "308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(5)(ii)(C)",
        "308(a)(6)(i)", "308(a)(6)(ii)", "308(a)(8)", "312(b)", "312(e)(2)(i)",
    ],
    config_rules: ["securityhub-enabled"],
    prowler_checks: ["securityhub_enabled"],
    resource_kinds: [],
    inputs: [Regional(SecurityHub)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        for region in &account.regions {
            let subject = ctx.region_subject(account, region);
            if let Some(CoverageState::Unsupported { .. }) =
                ctx.coverage(&account.id, region, SecurityHub)
            {
                out.not_applicable(
                    subject,
                    "Security Hub is not offered in this region",
                    evidence![],
                );
                continue;
            }
            let hub = ctx.security_hubs_in(&account.id, region).next();
            let Some((_, hub)) = hub else {
                out.fail(
                    subject,
                    "Security Hub is not enabled in this region",
                    evidence![],
                );
                continue;
            };
            let evidence = evidence![
                "subscribed_at" => hub.subscribed_at,
                "enabled_standards" => &hub.enabled_standards,
            ];
            if hub.enabled_standards.is_empty() {
                out.fail(
                    subject,
                    "Security Hub is enabled but no security standard is",
                    evidence,
                );
            } else {
                out.pass(
                    subject,
                    format!(
                        "Security Hub is enabled with {} standard(s)",
                        hub.enabled_standards.len()
                    ),
                    evidence,
                );
            }
        }
    }
}

#[cfg(test)]
fn hub(region: &str, standards: &[&str]) -> Resource {
    use crate::testkit::*;
    resource_in(
        region,
        &format!("arn:aws:securityhub:{region}:{ACCOUNT}:hub/default"),
        SecurityHubHub {
            subscribed_at: Some(ts("2025-01-15T09:00:00Z")),
            enabled_standards: standards.iter().map(|s| (*s).to_string()).collect(),
        },
    )
}

#[cfg(test)]
const FSBP: &str =
    "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(hub(REGION, &[FSBP]))
            .with(hub(REGION_2, &[FSBP])),
        fail: Fixture::new().with(hub(REGION, &[FSBP])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn no_standard_fails_and_missing_region_fails() {
        let rows = Fixture::new().with(hub(REGION, &[])).run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("AWS::::Account:111122223333/us-east-1", Status::Fail),
                ("AWS::::Account:111122223333/eu-west-1", Status::Fail),
            ]
        );
        assert_eq!(
            rows[0].reason,
            "Security Hub is enabled but no security standard is"
        );
        assert_eq!(rows[1].reason, "Security Hub is not enabled in this region");
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unsupported_region_is_not_applicable() {
        let rows = Fixture::new()
            .with(hub(REGION, &[FSBP]))
            .coverage(
                SecurityHub,
                REGION_2,
                phiguard_model::CoverageState::Unsupported {
                    reason: String::new(),
                },
            )
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass);
        assert_eq!(rows[1].status, Status::NotApplicable);
    }
}
