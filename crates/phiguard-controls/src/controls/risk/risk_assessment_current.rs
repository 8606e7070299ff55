use crate::prelude::*;
use phiguard_model::{Account, Records, RecordsSnapshot};

control! {
    /// # Requirement
    /// Every account is covered by a documented, signed-off risk assessment (risk analysis)
    /// that is current: within its cadence when it is in the risk register (quarterly,
    /// monthly when a high-risk system is in scope), or completed within the last 365 days
    /// (the `risk_assessment_max_age_days` setting) when it is attested in `phiguard.toml`.
    ///
    /// # Rationale
    /// HIPAA's Security Rule starts from an accurate and thorough assessment of the risks and
    /// vulnerabilities to the confidentiality, integrity and availability of ePHI, and requires
    /// periodic evaluation as the environment changes. Cloud environments change weekly; an
    /// assessment older than a year no longer describes them. No AWS API can show that an
    /// assessment was done, so the evidence is an attestation.
    ///
    /// # Evaluation
    /// With a records database (`phiguard scan --db`), first reads the risk register: for
    /// each scanned account, the latest assessment that is approved (signed off, with
    /// approver and date) and lists the account (or `*`) in its scope. Its cadence is monthly
    /// when a high-risk system is in its scope (named high risk in the assessment, or with an
    /// open high or very high risk in the risk register), else quarterly. Passes when the scan
    /// date is no later than the sign-off date plus the cadence, fails when it is later (a
    /// pass resting on the register, with the assessment id, approver and due date in the
    /// evidence). When the register has none for the account (or no database was given),
    /// reads `risk_assessments` from `phiguard.toml` (`account` id or `*`, `completed`,
    /// `performed_by`, `reference`) and takes the latest that names the account or `*`:
    /// passes when it was completed within `risk_assessment_max_age_days` of the scan, fails
    /// when older; `manual` when none is recorded or its date is in the future. A records
    /// database that cannot be read gives `error` unless `phiguard.toml` has an attestation.
    /// No AWS data is read.
    ///
    /// # Remediation
    /// Perform (or update) the risk analysis, keep the report, and record it with its
    /// sign-off in the risk register (`phiguard assess`), or attest it in `phiguard.toml`;
    /// repeat it every quarter (monthly with high-risk systems) and after significant changes.
    ///
    /// - Console: AWS Audit Manager → Assessments → Create assessment from the HIPAA framework
    ///   can collect supporting evidence; the risk analysis itself is a documented process
    ///   (e.g. the HHS/ONC Security Risk Assessment tool, NIST SP 800-30).
    /// - CLI: `aws auditmanager create-assessment --name hipaa-2026 --framework-id FRAMEWORK --scope file://scope.json --assessment-reports-destination destinationType=S3,destination=s3://BUCKET --roles file://roles.json`;
    ///   then record the result in the register: `phiguard assess create --title "Q1 2026
    ///   HIPAA risk analysis" --account 111122223333 --report scan.json` and
    ///   `phiguard assess approve ASM-0001 --approver "Security Officer"`, scanning with
    ///   `--db`; or attest it in `phiguard.toml`: `[[risk_assessment]] account = "*"
    ///   completed = 2026-03-15 performed_by = "Security Officer" reference =
    ///   "grc/risk-assessment-2026.pdf"`.
    /// - Terraform: `aws_auditmanager_assessment` for evidence collection; the attestation
    ///   lives in `phiguard.toml`, versioned with your infrastructure code.
    ///
    /// # References
    /// - AWS Config process check `annual-risk-assessment-performed`
    /// - HHS Guidance on Risk Analysis: <https://www.hhs.gov/hipaa/for-professionals/security/guidance/guidance-risk-analysis/index.html>
    id: "RISK-001",
    slug: "risk-assessment-current",
    title: "A signed-off risk assessment covering the account is current",
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
    let records = ctx.settings.records.snapshot();
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        if let Some(records) = records
            && from_register(records, account, subject.clone(), out)
        {
            continue;
        }
        let latest = ctx
            .settings
            .risk_assessments
            .iter()
            .filter(|r| r.account == account.id || r.account == "*")
            .max_by_key(|r| r.completed);
        let Some(latest) = latest else {
            match &ctx.settings.records {
                Records::Unreadable { .. } => out.error(
                    subject,
                    format!(
                        "not evaluated: no risk assessment in phiguard.toml, and {}",
                        ctx.settings.records.missing_reason().unwrap_or_default()
                    ),
                    evidence![],
                ),
                Records::NotGiven => out.manual(
                    subject,
                    "no risk assessment is recorded in phiguard.toml for this account (no records database given: use --db to read the risk register)",
                    evidence![],
                ),
                Records::Loaded(_) => out.manual(
                    subject,
                    "no signed-off risk assessment covers this account in the risk register or phiguard.toml",
                    evidence![],
                ),
            }
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

/// Evaluates the account from the risk register; `false` when the register has no signed-off
/// assessment covering it.
fn from_register<'a>(
    records: &'a RecordsSnapshot,
    account: &Account,
    subject: Subject<'a>,
    out: &mut Findings<'a>,
) -> bool {
    let Some(latest) = records
        .assessments
        .iter()
        .filter(|a| a.signed_off() && a.covers(&account.id))
        .max_by_key(|a| (a.approved_on, a.id.as_str()))
    else {
        return false;
    };
    let Some(approved) = latest.approved_on else {
        return false;
    };
    let months = latest.cadence_months(&records.high_risk_systems);
    let cadence = if months == 1 { "monthly" } else { "quarterly" };
    let due = approved
        .checked_add(jiff::Span::new().months(months))
        .unwrap_or(approved);
    let approver = latest.approver.as_deref().unwrap_or_default();
    let evidence = evidence![
        "source" => "records",
        "assessment" => &latest.id,
        "title" => &latest.title,
        "approver" => approver,
        "approved_on" => approved.to_string(),
        "cadence" => cadence,
        "next_due" => due.to_string(),
        "scope_accounts" => &latest.accounts,
    ];
    if records.today <= due {
        out.attested(
            subject,
            format!(
                "{} signed off by `{approver}` on {approved}; next {cadence} assessment due {due}",
                latest.id
            ),
            evidence,
        );
    } else {
        out.fail(
            subject,
            format!(
                "the last signed-off risk assessment, {} on {approved}, is past its {cadence} cadence: the next was due on {due}",
                latest.id
            ),
            evidence,
        );
    }
    true
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
    fn the_register_is_read_first_with_its_cadence() {
        use crate::controls::records::testing::*;
        use jiff::civil::date;
        let with = |assessments: Vec<phiguard_model::records::AssessmentRecord>,
                    high: Vec<String>| {
            let mut s = snapshot();
            s.assessments = assessments;
            s.high_risk_systems = high;
            Fixture::new()
                .settings(|x| {
                    x.records = loaded(s);
                    x.risk_assessments = vec![assessment("*", 2026, 3, 15)];
                })
                .run(&CONTROL)
        };
        // Quarterly: signed off 2026-03-01, due 2026-06-01 = the fixture date.
        let rows = with(
            vec![assessment_record("ASM-0001", &[ACCOUNT], date(2026, 3, 1))],
            vec![],
        );
        assert_eq!(rows[0].status, Status::Pass, "{rows:#?}");
        assert!(
            rows[0]
                .evidence
                .contains(&r#"assessment="ASM-0001""#.to_string())
        );
        // The register outranks the attestation in phiguard.toml.
        let rows = with(
            vec![assessment_record("ASM-0001", &["*"], date(2026, 2, 28))],
            vec![],
        );
        assert_eq!(rows[0].status, Status::Fail, "{rows:#?}");
        assert!(
            rows[0]
                .reason
                .contains("quarterly cadence: the next was due on 2026-05-28"),
            "{rows:#?}"
        );
        // A high-risk system in scope makes it monthly.
        let rows = with(
            vec![assessment_record("ASM-0001", &[ACCOUNT], date(2026, 4, 15))],
            vec!["ehr".into()],
        );
        assert_eq!(rows[0].status, Status::Fail, "{rows:#?}");
        assert!(
            rows[0]
                .evidence
                .contains(&r#"cadence="monthly""#.to_string())
        );
        // Not signed off, or another account: the attestation decides.
        let mut draft = assessment_record("ASM-0002", &[ACCOUNT], date(2026, 5, 30));
        draft.status = "in_review".into();
        let rows = with(
            vec![
                draft,
                assessment_record("ASM-0003", &[OTHER_ACCOUNT], date(2026, 5, 30)),
            ],
            vec![],
        );
        assert_eq!(rows[0].status, Status::Pass);
        assert!(
            rows[0]
                .evidence
                .contains(&r#"performed_by="Security Officer""#.to_string())
        );
    }

    #[test]
    fn without_any_assessment_the_reason_says_where_it_looked() {
        use crate::controls::records::testing::*;
        let rows = Fixture::new()
            .settings(|x| x.records = loaded(snapshot()))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Manual);
        assert_eq!(
            rows[0].reason,
            "no signed-off risk assessment covers this account in the risk register or phiguard.toml"
        );
        let rows = Fixture::new()
            .settings(|x| x.records = unreadable())
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
        let rows = Fixture::new().run(&CONTROL);
        assert!(
            rows[0]
                .reason
                .ends_with("(no records database given: use --db to read the risk register)")
        );
    }

    #[test]
    fn report() {
        let mut rows = examples().pass.run(&CONTROL);
        rows.extend(examples().fail.run(&CONTROL));
        let mut records = crate::controls::records::testing::snapshot();
        records.assessments = vec![crate::controls::records::testing::assessment_record(
            "ASM-0001",
            &["*"],
            jiff::civil::date(2026, 4, 1),
        )];
        rows.extend(
            Fixture::new()
                .settings(|s| s.records = crate::controls::records::testing::loaded(records))
                .run(&CONTROL),
        );
        insta::assert_snapshot!(render(&rows));
    }
}
