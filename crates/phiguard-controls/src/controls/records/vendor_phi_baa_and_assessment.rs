use crate::controls::records::{register_subject, vendor_subject};
use crate::prelude::*;
use phiguard_model::Records;
use phiguard_model::records::VendorRecord;

control! {
    /// # Requirement
    /// Every vendor with access to PHI has a business associate agreement (BAA) in effect and
    /// a security assessment (questionnaire) that is not older than its tier's reassessment
    /// interval.
    ///
    /// # Rationale
    /// A vendor that creates, receives, maintains or transmits ePHI for you is a business
    /// associate: HIPAA allows that only under a written contract that binds it to the
    /// Security Rule, to flow the duties down to its subcontractors and to report incidents.
    /// The contract is the assurance the law asks for; an assessment is how you know the
    /// assurance is still true. Third parties are involved in most healthcare breaches, and a
    /// vendor assessed once at onboarding may have changed hosting, subprocessors or
    /// controls since.
    ///
    /// # Evaluation
    /// Reads the records database given with `phiguard scan --db` (or `--database-url`): the
    /// vendors, the BAA register and each vendor's latest scored questionnaire. Every vendor
    /// with `limited` or `full` PHI access that is not terminated is evaluated, one result per
    /// vendor (`records:vendor/VEN-0001`, in PHI scope). It passes when a BAA (or
    /// subcontractor BAA) linked to the vendor, or naming it as counterparty, is in effect on
    /// the scan date (signed or active, effective, not expired) and the vendor was assessed
    /// within its tier's interval (12 months for tiers 1 and 2, 24 for tier 3); it fails
    /// otherwise, naming what is missing. Vendors without PHI access are not evaluated; with
    /// no such vendor the result is `not_applicable`. Without a records database the result
    /// is `manual` ("no records database given (use --db)"); with one that cannot be read,
    /// `error`. It never passes without the records.
    ///
    /// # Remediation
    /// Sign a BAA with the vendor (or remove its PHI access) and record it in the register;
    /// send the healthcare security questionnaire, record the answers and score them.
    ///
    /// - Console: no AWS console step; this is a contract and vendor-management record.
    /// - CLI: `phiguard baa add --vendor VEN-0001 --effective 2026-01-15 --clause security_rule_compliance --clause subcontractor_flowdown --clause incident_reporting`;
    ///   `phiguard questionnaire send VEN-0001 --due 2026-02-15`, then
    ///   `phiguard questionnaire answer REQ-0001 --file answers.yaml` and
    ///   `phiguard questionnaire score REQ-0001`; scan with `phiguard scan --db records.db`.
    /// - Terraform: not applicable (records live in the phiguard records store, with their
    ///   audit log).
    ///
    /// # References
    /// - 45 CFR 164.308(b)(1), 164.314(a)(1): business associate contracts
    /// - 45 CFR 164.308(a)(1)(ii)(A): risk analysis (vendors are part of the environment)
    /// - HHS, "Business Associate Contracts" sample provisions: <https://www.hhs.gov/hipaa/for-professionals/covered-entities/sample-business-associate-agreement-provisions/index.html>
    id: "VENDOR-001",
    slug: "vendor-phi-baa-and-assessment-current",
    title: "PHI vendors have a BAA in effect and an in-date assessment",
    severity: High,
    seed_area: ThirdParties,
    shared_area: Governance,
    citations: ["308(b)(1)", "314(a)(1)", "308(a)(1)(ii)(A)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let records = match &ctx.settings.records {
        Records::Loaded(records) => records,
        Records::NotGiven => {
            let why = ctx.settings.records.missing_reason().unwrap_or_default();
            out.manual(register_subject(), why, evidence![]);
            return;
        }
        Records::Unreadable { .. } => {
            let why = ctx.settings.records.missing_reason().unwrap_or_default();
            out.error(
                register_subject(),
                format!("not evaluated: {why}"),
                evidence![],
            );
            return;
        }
    };
    let today = records.today;
    let phi_vendors: Vec<&'a VendorRecord> = records
        .vendors
        .iter()
        .filter(|v| v.has_phi() && !v.terminated())
        .collect();
    if phi_vendors.is_empty() {
        out.not_applicable(
            register_subject(),
            format!(
                "none of the {} vendors in the records has PHI access",
                records.vendors.len()
            ),
            evidence!["vendors" => records.vendors.len()],
        );
        return;
    }
    for v in phi_vendors {
        let mut missing = Vec::new();
        if v.active_baa.is_none() {
            missing.push("no BAA in effect".to_string());
        }
        match (v.last_assessed, v.assessment_due) {
            (None, _) => missing.push("never assessed".to_string()),
            (Some(_), Some(due)) if due < today => {
                missing.push(format!("assessment overdue since {due}"));
            }
            _ => {}
        }
        let evidence = evidence![
            "vendor" => &v.name,
            "phi_access" => &v.phi_access,
            "tier" => u32::from(v.tier),
            "active_baa" => v.active_baa.as_deref(),
            "last_assessed" => v.last_assessed.map(|d| d.to_string()),
            "assessment_due" => v.assessment_due.map(|d| d.to_string()),
            "residual_rating" => v.residual_rating.as_deref(),
        ];
        if missing.is_empty() {
            out.pass(
                vendor_subject(v),
                format!(
                    "{} ({} PHI access) has {} in effect and was assessed on {}",
                    v.name,
                    v.phi_access,
                    v.active_baa.as_deref().unwrap_or_default(),
                    v.last_assessed.map(|d| d.to_string()).unwrap_or_default()
                ),
                evidence,
            );
        } else {
            out.fail(
                vendor_subject(v),
                format!(
                    "{} ({} PHI access): {}",
                    v.name,
                    v.phi_access,
                    missing.join(", ")
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::records::testing::*;
    use crate::testkit::*;
    let mut good = vendor("VEN-0001", "Example Billing LLC", "full", Some(today()));
    good.active_baa = Some("BAA-0001".into());
    let mut pass = snapshot();
    pass.vendors = vec![good];
    let mut fail = snapshot();
    fail.vendors = vec![vendor("VEN-0002", "Example Imaging", "limited", None)];
    crate::control::Examples {
        pass: Fixture::new().settings(|s| s.records = loaded(pass)),
        fail: Fixture::new().settings(|s| s.records = loaded(fail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::records::testing::*;
    use crate::testkit::*;
    use jiff::civil::date;

    fn run(records: Records) -> Vec<Row> {
        Fixture::new()
            .settings(|s| s.records = records)
            .run(&CONTROL)
    }

    #[test]
    fn without_records_it_is_manual_never_pass() {
        let rows = run(Records::NotGiven);
        assert_eq!(statuses(&rows), [("records:register", Status::Manual)]);
        assert_eq!(rows[0].reason, "no records database given (use --db)");
        let rows = run(unreadable());
        assert_eq!(statuses(&rows), [("records:register", Status::Error)]);
        assert!(rows[0].reason.contains("could not be read"), "{rows:?}");
    }

    #[test]
    fn baa_and_assessment_are_both_needed() {
        let mut overdue = vendor("VEN-0003", "Example Labs", "full", Some(date(2025, 5, 1)));
        overdue.active_baa = Some("BAA-0002".into());
        let mut no_baa = vendor("VEN-0004", "Example Fax", "limited", Some(today()));
        no_baa.active_baa = None;
        let mut terminated = vendor("VEN-0005", "Old Vendor", "full", None);
        terminated.lifecycle = "terminated".into();
        let mut s = snapshot();
        s.vendors = vec![
            overdue,
            no_baa,
            terminated,
            vendor("VEN-0006", "Example Catering", "none", None),
        ];
        let rows = run(loaded(s));
        assert_eq!(
            statuses(&rows),
            [
                ("records:vendor/VEN-0003", Status::Fail),
                ("records:vendor/VEN-0004", Status::Fail),
            ]
        );
        assert!(
            rows[0]
                .reason
                .ends_with("assessment overdue since 2026-05-01")
        );
        assert!(rows[1].reason.ends_with("no BAA in effect"));
        assert!(rows.iter().all(|r| r.phi), "PHI vendors are PHI scope");
    }

    #[test]
    fn no_phi_vendor_is_not_applicable() {
        let mut s = snapshot();
        s.vendors = vec![vendor("VEN-0001", "Example Catering", "none", None)];
        let rows = run(loaded(s));
        assert_eq!(
            statuses(&rows),
            [("records:register", Status::NotApplicable)]
        );
    }

    #[test]
    fn report() {
        let mut rows = examples().pass.run(&CONTROL);
        rows.extend(examples().fail.run(&CONTROL));
        rows.extend(run(Records::NotGiven));
        insta::assert_snapshot!(render(&rows));
    }
}
