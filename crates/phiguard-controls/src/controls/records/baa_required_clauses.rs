use std::borrow::Cow;

use crate::controls::records::{RECORDS_ACCOUNT, register_subject};
use crate::prelude::*;
use phiguard_model::Records;
use phiguard_model::records::AgreementRecord;

/// The clauses 45 CFR 164.314(a)(2)(i)(A)-(C) requires, by their register names.
const REQUIRED: [(&str, &str); 3] = [
    ("security_rule_compliance", "comply with the Security Rule"),
    (
        "subcontractor_flowdown",
        "subcontractors agree to the same terms",
    ),
    (
        "incident_reporting",
        "report security incidents and breaches",
    ),
];

control! {
    /// # Requirement
    /// Every business associate agreement in effect with a vendor records the three clauses
    /// the Security Rule requires: the business associate complies with the Security Rule,
    /// has its subcontractors agree to the same, and reports security incidents, including
    /// breaches of unsecured PHI.
    ///
    /// # Rationale
    /// A BAA is the "satisfactory assurance" HIPAA asks for only if it contains what the
    /// Security Rule lists; a contract without the incident-reporting or flow-down clauses
    /// leaves you without notice of a breach at the vendor or at its subprocessors. Recording
    /// the clauses in the register when the BAA is reviewed is how a compliance officer
    /// shows the contract was checked, not only signed.
    ///
    /// # Evaluation
    /// Reads the BAA register of the records database given with `phiguard scan --db`. Every
    /// BAA or subcontractor BAA in effect on the scan date that is not with Amazon Web
    /// Services (whose standard BAA is not negotiated) is evaluated, one result per agreement
    /// (`records:agreement/BAA-0002`, in PHI scope): it passes when the register records the
    /// clauses `security_rule_compliance`, `subcontractor_flowdown` and `incident_reporting`,
    /// and fails naming the missing ones. With no such agreement the result is
    /// `not_applicable`. Without a records database the result is `manual` ("no records
    /// database given (use --db)"); with one that cannot be read, `error`.
    ///
    /// # Remediation
    /// Review the signed BAA; if a clause is missing, amend the contract; record the clauses
    /// present in the register.
    ///
    /// - Console: no AWS console step; this is a contract record.
    /// - CLI: `phiguard baa update BAA-0002 --clause security_rule_compliance --clause subcontractor_flowdown --clause incident_reporting`
    ///   (after checking the contract), then scan with `phiguard scan --db records.db`.
    /// - Terraform: not applicable (records live in the phiguard records store, with their
    ///   audit log).
    ///
    /// # References
    /// - 45 CFR 164.314(a)(2)(i)(A)-(C): business associate contracts
    /// - 45 CFR 164.308(b)(3): written contract or other arrangement
    /// - HHS sample BAA provisions: <https://www.hhs.gov/hipaa/for-professionals/covered-entities/sample-business-associate-agreement-provisions/index.html>
    id: "BAA-001",
    slug: "baa-required-clauses-recorded",
    title: "Vendor BAAs in effect record the Security Rule clauses",
    severity: Medium,
    seed_area: Baa,
    shared_area: Governance,
    citations: ["314(a)(2)(i)", "308(b)(3)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [],
}

fn subject<'a>(a: &AgreementRecord) -> Subject<'a> {
    Subject {
        id: Cow::Owned(format!("records:agreement/{}", a.id)),
        kind: None,
        account: Cow::Borrowed(RECORDS_ACCOUNT),
        region: Cow::Borrowed(GLOBAL),
        phi: true,
        field_errors: &[],
    }
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
    let mut any = false;
    for a in records
        .agreements
        .iter()
        .filter(|a| a.is_baa && a.in_effect && !a.is_aws)
    {
        any = true;
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|(name, _)| !a.clauses.iter().any(|c| c == name))
            .map(|(name, _)| *name)
            .collect();
        let evidence = evidence![
            "agreement" => &a.id,
            "counterparty" => &a.counterparty,
            "status" => &a.status,
            "clauses" => &a.clauses,
        ];
        if missing.is_empty() {
            out.pass(
                subject(a),
                format!(
                    "{} with {} records the Security Rule, subcontractor and incident-reporting clauses",
                    a.id, a.counterparty
                ),
                evidence,
            );
        } else {
            let what: Vec<&str> = REQUIRED
                .iter()
                .filter(|(name, _)| missing.contains(name))
                .map(|(_, what)| *what)
                .collect();
            out.fail(
                subject(a),
                format!(
                    "{} with {} does not record: {} ({})",
                    a.id,
                    a.counterparty,
                    missing.join(", "),
                    what.join("; ")
                ),
                evidence,
            );
        }
    }
    if !any {
        out.not_applicable(
            register_subject(),
            "no vendor BAA in effect in the register",
            evidence!["agreements" => records.agreements.len()],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::records::testing::*;
    use crate::testkit::*;
    let mut good = vendor_baa("BAA-0002", "VEN-0001");
    good.clauses = REQUIRED.iter().map(|(n, _)| (*n).to_string()).collect();
    let mut pass = snapshot();
    pass.agreements = vec![aws_baa("BAA-0001", true), good];
    let mut fail = snapshot();
    fail.agreements = vec![vendor_baa("BAA-0003", "VEN-0002")];
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

    fn run(records: Records) -> Vec<Row> {
        Fixture::new()
            .settings(|s| s.records = records)
            .run(&CONTROL)
    }

    #[test]
    fn without_records_it_is_manual_never_pass() {
        let rows = run(Records::NotGiven);
        assert_eq!(statuses(&rows), [("records:register", Status::Manual)]);
        assert_eq!(run(unreadable())[0].status, Status::Error);
    }

    #[test]
    fn aws_and_ended_agreements_are_not_evaluated() {
        let mut ended = vendor_baa("BAA-0002", "VEN-0001");
        ended.in_effect = false;
        let mut s = snapshot();
        s.agreements = vec![aws_baa("BAA-0001", true), ended];
        let rows = run(loaded(s));
        assert_eq!(
            statuses(&rows),
            [("records:register", Status::NotApplicable)]
        );
    }

    #[test]
    fn missing_clauses_are_named() {
        let mut partial = vendor_baa("BAA-0002", "VEN-0001");
        partial.clauses = vec!["security_rule_compliance".into(), "audit_rights".into()];
        let mut s = snapshot();
        s.agreements = vec![partial];
        let rows = run(loaded(s));
        assert_eq!(rows[0].status, Status::Fail);
        assert!(
            rows[0]
                .reason
                .ends_with("does not record: subcontractor_flowdown, incident_reporting (subcontractors agree to the same terms; report security incidents and breaches)"),
            "{rows:?}"
        );
    }

    #[test]
    fn report() {
        let mut rows = examples().pass.run(&CONTROL);
        rows.extend(examples().fail.run(&CONTROL));
        insta::assert_snapshot!(render(&rows));
    }
}
