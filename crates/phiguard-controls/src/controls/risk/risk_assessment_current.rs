use crate::prelude::*;

control! {
    /// # Requirement
    /// Every account is covered by a documented risk assessment (risk analysis) completed
    /// within the last 365 days (the `risk_assessment_max_age_days` setting).
    ///
    /// # Rationale
    /// HIPAA's Security Rule starts from an accurate and thorough assessment of the risks and
    /// vulnerabilities to the confidentiality, integrity and availability of ePHI, and requires
    /// periodic evaluation as the environment changes. Cloud environments change weekly; an
    /// assessment older than a year no longer describes them. No AWS API can show that an
    /// assessment was done, so the evidence is an attestation.
    ///
    /// # Evaluation
    /// Reads only `risk_assessments` from `phiguard.toml` (`account` id or `*`, `completed`,
    /// `performed_by`, `reference`), no AWS data. For each scanned account takes the latest
    /// assessment that names it or `*`. Passes when it was completed within
    /// `risk_assessment_max_age_days` of the scan (a pass resting on the attestation, with who
    /// and where in the evidence); fails when it is older; `manual` when none is recorded or
    /// its date is in the future.
    ///
    /// # Remediation
    /// Perform (or update) the risk analysis, keep the report, and record it in
    /// `phiguard.toml`; repeat at least yearly and after significant changes.
    ///
    /// - Console: AWS Audit Manager → Assessments → Create assessment from the HIPAA framework
    ///   can collect supporting evidence; the risk analysis itself is a documented process
    ///   (e.g. the HHS/ONC Security Risk Assessment tool, NIST SP 800-30).
    /// - CLI: `aws auditmanager create-assessment --name hipaa-2026 --framework-id FRAMEWORK --scope file://scope.json --assessment-reports-destination destinationType=S3,destination=s3://BUCKET --roles file://roles.json`;
    ///   then record the result: `[[risk_assessment]] account = "*" completed = 2026-03-15
    ///   performed_by = "Security Officer" reference = "grc/risk-assessment-2026.pdf"`.
    /// - Terraform: `aws_auditmanager_assessment` for evidence collection; the attestation
    ///   lives in `phiguard.toml`, versioned with your infrastructure code.
    ///
    /// # References
    /// - AWS Config process check `annual-risk-assessment-performed`
    /// - HHS Guidance on Risk Analysis: <https://www.hhs.gov/hipaa/for-professionals/security/guidance/guidance-risk-analysis/index.html>
    id: "RISK-001",
    slug: "risk-assessment-current",
    title: "A risk assessment was completed within the last year",
    severity: High,
    seed_area: RiskAssessment,
    shared_area: Governance,
    citations: ["308(a)(1)(ii)(A)", "308(a)(8)"],
    config_rules: ["annual-risk-assessment-performed"],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let max = ctx.settings.risk_assessment_max_age_days;
    let today = ctx.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let latest = ctx
            .settings
            .risk_assessments
            .iter()
            .filter(|r| r.account == account.id || r.account == "*")
            .max_by_key(|r| r.completed);
        let Some(latest) = latest else {
            out.manual(
                subject,
                "no risk assessment is recorded in phiguard.toml for this account",
                evidence![],
            );
            continue;
        };
        let completed = latest.completed.to_string();
        if latest.completed > today {
            out.manual(
                subject,
                format!(
                    "the risk assessment date {completed} is in the future; check phiguard.toml"
                ),
                evidence!["completed" => completed],
            );
            continue;
        }
        let days = latest
            .completed
            .until(today)
            .map_or(i64::MAX, |span| i64::from(span.get_days()));
        let evidence = evidence![
            "completed" => completed.clone(),
            "performed_by" => &latest.performed_by,
            "reference" => &latest.reference,
            "attestation_account" => &latest.account,
            "age_days" => days,
            "max_age_days" => max,
        ];
        if days <= max {
            out.attested(
                subject,
                format!(
                    "risk assessment completed on {completed} by `{}` ({days} days ago)",
                    latest.performed_by
                ),
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!(
                    "last risk assessment on {completed} is {days} days old (limit {max} days)"
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn assessment(account: &str, y: i16, m: i8, d: i8) -> crate::settings::RiskAssessmentAttestation {
    crate::settings::RiskAssessmentAttestation {
        account: account.into(),
        completed: jiff::civil::date(y, m, d),
        performed_by: "Security Officer".into(),
        reference: "grc/risk-assessment.pdf".into(),
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().settings(|s| s.risk_assessments = vec![assessment("*", 2026, 3, 15)]),
        fail: Fixture::new()
            .settings(|s| s.risk_assessments = vec![assessment(ACCOUNT, 2024, 11, 2)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(assessments: Vec<crate::settings::RiskAssessmentAttestation>) -> Vec<Row> {
        Fixture::new()
            .settings(|s| s.risk_assessments = assessments)
            .run(&CONTROL)
    }

    #[test]
    fn none_is_manual() {
        assert_eq!(run(vec![])[0].status, Status::Manual);
        assert_eq!(
            run(vec![assessment(OTHER_ACCOUNT, 2026, 5, 1)])[0].status,
            Status::Manual
        );
    }

    #[test]
    fn latest_counts_and_age_limit() {
        // 2025-06-01 is exactly 365 days before the fixture clock.
        assert_eq!(
            run(vec![assessment("*", 2025, 6, 1)])[0].status,
            Status::Pass
        );
        let old = run(vec![assessment("*", 2025, 5, 31)]);
        assert_eq!(old[0].status, Status::Fail);
        assert_eq!(
            old[0].reason,
            "last risk assessment on 2025-05-31 is 366 days old (limit 365 days)"
        );
        let both = run(vec![
            assessment("*", 2023, 1, 1),
            assessment(ACCOUNT, 2026, 1, 10),
        ]);
        assert_eq!(both[0].status, Status::Pass);
    }

    #[test]
    fn future_date_is_manual_and_limit_is_configurable() {
        assert_eq!(
            run(vec![assessment("*", 2026, 7, 1)])[0].status,
            Status::Manual
        );
        let rows = Fixture::new()
            .settings(|s| {
                s.risk_assessments = vec![assessment("*", 2026, 1, 1)];
                s.risk_assessment_max_age_days = 90;
            })
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
    }

    #[test]
    fn attestation_is_not_gated_by_coverage() {
        let rows = examples()
            .pass
            .deny(phiguard_model::DataSource::IamCredentialReport)
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass);
    }

    #[test]
    fn report() {
        let mut rows = examples().pass.run(&CONTROL);
        rows.extend(examples().fail.run(&CONTROL));
        insta::assert_snapshot!(render(&rows));
    }
}
