use phiguard_model::CoverageState;

use crate::prelude::*;

control! {
    /// # Requirement
    /// Amazon GuardDuty has an enabled detector in every region enabled for the account.
    ///
    /// # Rationale
    /// GuardDuty analyses CloudTrail, VPC flow and DNS logs for credential theft, crypto-mining,
    /// reconnaissance and data exfiltration. Attackers favour regions nobody uses, so a
    /// detector only in the "main" region leaves the rest unwatched. HIPAA requires
    /// information system activity review, protection from malicious software, log-in
    /// monitoring and security incident procedures; GuardDuty findings are the automated
    /// input to all four.
    ///
    /// # Evaluation
    /// For each account and each region in the account's region list, reads the GuardDuty
    /// detector of that region (`status`). Passes when a detector is `ENABLED`; fails when
    /// there is none or it is suspended. A region where GuardDuty is not offered (coverage
    /// `unsupported`) is not applicable. A detector managed by a delegated administrator
    /// counts: it is the member account's own detector.
    ///
    /// # Remediation
    /// Enable GuardDuty in every region, ideally for the whole organisation from a delegated
    /// administrator account with auto-enable for new accounts.
    ///
    /// - Console: GuardDuty → Get started → Enable GuardDuty, in each region; in the
    ///   administrator account, Settings → Accounts → Auto-enable.
    /// - CLI: `for r in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do aws guardduty create-detector --enable --region $r; done`;
    ///   for an organisation `aws guardduty update-organization-configuration --detector-id ID --auto-enable-organization-members ALL`.
    /// - Terraform: `resource "aws_guardduty_detector" "this" { enable = true }` per region
    ///   (one provider alias per region), plus `aws_guardduty_organization_configuration`.
    ///
    /// # References
    /// - AWS Config rule `guardduty-enabled-centralized`; Prowler `guardduty_is_enabled`
    /// - <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html>
    id: "GUARDDUTY-001",
    slug: "guardduty-enabled-all-regions",
    title: "GuardDuty is enabled in every enabled region",
    severity: High,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: [
        "308(a)(1)(ii)(A)", "308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(5)(ii)(C)",
        "308(a)(6)(i)", "308(a)(6)(ii)", "308(a)(8)", "312(b)", "312(e)(2)(i)",
    ],
    config_rules: ["guardduty-enabled-centralized"],
    prowler_checks: ["guardduty_is_enabled"],
    resource_kinds: [],
    inputs: [Regional(GuarddutyDetectors)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        for region in &account.regions {
            let subject = ctx.region_subject(account, region);
            if let Some(CoverageState::Unsupported { .. }) =
                ctx.coverage(&account.id, region, GuarddutyDetectors)
            {
                out.not_applicable(
                    subject,
                    "GuardDuty is not offered in this region",
                    evidence![],
                );
                continue;
            }
            let detectors: Vec<_> = ctx.guardduty_detectors_in(&account.id, region).collect();
            let statuses: Vec<Value<'a>> = detectors
                .iter()
                .map(|(_, d)| d.status.as_str().into())
                .collect();
            let enabled = detectors.iter().find(|(_, d)| d.status == "ENABLED");
            match (enabled, detectors.first()) {
                (Some((r, _)), _) => out.pass(
                    subject,
                    format!("detector `{}` is enabled", r.display_name()),
                    evidence!["status" => statuses],
                ),
                (None, Some((r, d))) => out.fail(
                    subject,
                    format!("detector `{}` is `{}`", r.display_name(), d.status),
                    evidence!["status" => statuses],
                ),
                (None, None) => out.fail(
                    subject,
                    "GuardDuty has no detector in this region",
                    evidence!["status" => statuses],
                ),
            }
        }
    }
}

#[cfg(test)]
pub(crate) fn detector(region: &str, status: &str) -> Resource {
    use crate::testkit::*;
    resource_in(
        region,
        &format!("arn:aws:guardduty:{region}:{ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0"),
        GuarddutyDetector {
            status: status.into(),
            finding_publishing_frequency: "SIX_HOURS".into(),
            features: Vec::new(),
            high_severity_findings: 0,
        },
    )
    .named("12abc34d567e8fa901bc2d34e56789f0")
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(detector(REGION, "ENABLED"))
            .with(detector(REGION_2, "ENABLED")),
        fail: Fixture::new().with(detector(REGION, "ENABLED")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn one_evaluation_per_region() {
        let rows = Fixture::new()
            .with(detector(REGION, "ENABLED"))
            .with(detector(REGION_2, "DISABLED"))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("AWS::::Account:111122223333/us-east-1", Status::Pass),
                ("AWS::::Account:111122223333/eu-west-1", Status::Fail),
            ]
        );
        assert_eq!(
            rows[1].reason,
            "detector `12abc34d567e8fa901bc2d34e56789f0` is `DISABLED`"
        );
    }

    #[test]
    fn unsupported_region_is_not_applicable_and_a_gap_is_an_error() {
        let rows = Fixture::new()
            .with(detector(REGION, "ENABLED"))
            .coverage(
                GuarddutyDetectors,
                REGION_2,
                phiguard_model::CoverageState::Unsupported {
                    reason: String::new(),
                },
            )
            .run(&CONTROL);
        assert_eq!(rows[1].status, Status::NotApplicable);
        let rows = Fixture::new()
            .with(detector(REGION, "ENABLED"))
            .coverage(
                GuarddutyDetectors,
                REGION_2,
                phiguard_model::CoverageState::Failed {
                    message: "throttled".into(),
                },
            )
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("AWS::::Account:111122223333/us-east-1", Status::Pass),
                ("AWS::::Account:111122223333/eu-west-1", Status::Error),
            ],
            "a gap in one region does not hide the other"
        );
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .with(detector(REGION, "ENABLED"))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
