use std::borrow::Cow;

use crate::controls::records::{RECORDS_ACCOUNT, register_subject};
use crate::prelude::*;
use phiguard_model::Records;
use phiguard_model::records::FindingRecord;

control! {
    /// # Requirement
    /// No open high or critical vendor finding is past its due date, and every one has a
    /// due date.
    ///
    /// # Rationale
    /// Findings from vendor questionnaires and checks (a vendor without MFA on PHI systems,
    /// a vendor with PHI access and no BAA) are risks you have accepted to manage. HIPAA's
    /// risk management standard asks you to reduce them to a reasonable and appropriate
    /// level; a finding left open past its agreed date is a risk nobody is managing, and the
    /// first thing an auditor or an investigator asks about after a third-party breach.
    ///
    /// # Evaluation
    /// Reads the open findings (status `open` or `in_progress`) of the records database given
    /// with `phiguard scan --db`. Every open finding of severity `high` or `critical` that
    /// concerns a vendor is evaluated, one result per finding (`records:finding/FND-0001`,
    /// in PHI scope when the vendor has PHI access): it passes while the scan date is on or
    /// before its due date, and fails when it is past due or has no due date. With no such
    /// finding, one pass for the register says so (the records were read); with no vendor
    /// recorded at all (an empty or new database), `not_applicable`. Without a records
    /// database the result is `manual` ("no records database given (use --db)"); with one
    /// that cannot be read, `error`. It never passes without the records.
    ///
    /// # Remediation
    /// Fix the issue with the vendor, or accept the risk formally, then close the finding;
    /// agree a new date with an owner when the old one cannot be met.
    ///
    /// - Console: no AWS console step; this is a vendor-management record.
    /// - CLI: `phiguard vendor findings` lists them; `phiguard vendor finding FND-0001 --status remediated`
    ///   closes one, `--due 2026-09-30 --owner security@example.com` re-plans it; accept a
    ///   residual risk with `phiguard risk add` and `phiguard risk accept`.
    /// - Terraform: not applicable (records live in the phiguard records store, with their
    ///   audit log).
    ///
    /// # References
    /// - 45 CFR 164.308(a)(1)(ii)(B): risk management
    /// - 45 CFR 164.308(b)(1): business associate assurances
    /// - NIST SP 800-161r1, supply chain risk management
    id: "VENDOR-002",
    slug: "vendor-high-findings-not-overdue",
    title: "No high or critical vendor finding is past its due date",
    severity: High,
    seed_area: ThirdParties,
    shared_area: Governance,
    citations: ["308(a)(1)(ii)(B)", "308(b)(1)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [],
}

fn subject<'a>(f: &FindingRecord, phi: bool) -> Subject<'a> {
    Subject {
        id: Cow::Owned(format!("records:finding/{}", f.id)),
        kind: None,
        account: Cow::Borrowed(RECORDS_ACCOUNT),
        region: Cow::Borrowed(GLOBAL),
        phi,
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
    if records.vendors.is_empty() {
        out.not_applicable(
            register_subject(),
            "no vendor is recorded in the records database",
            evidence!["vendors" => 0usize],
        );
        return;
    }
    let today = records.today;
    let mut any = false;
    for f in records
        .findings
        .iter()
        .filter(|f| f.is_high() && f.vendor_id.is_some())
    {
        any = true;
        let vendor = records
            .vendors
            .iter()
            .find(|v| Some(&v.id) == f.vendor_id.as_ref());
        let phi = vendor.is_some_and(|v| v.has_phi());
        let evidence = evidence![
            "finding" => &f.id,
            "vendor" => vendor.map_or(f.vendor_id.as_deref().unwrap_or_default(), |v| v.name.as_str()),
            "severity" => &f.severity,
            "status" => &f.status,
            "due" => f.due.map(|d| d.to_string()),
            "owner" => f.owner.as_deref(),
        ];
        match f.due {
            None => out.fail(
                subject(f, phi),
                format!("{} finding has no due date: {}", f.severity, f.title),
                evidence,
            ),
            Some(due) if due < today => {
                let days = due.until(today).map_or(0, |s| i64::from(s.get_days()));
                out.fail(
                    subject(f, phi),
                    format!(
                        "{} finding was due on {due} ({days} days overdue): {}",
                        f.severity, f.title
                    ),
                    evidence,
                );
            }
            Some(due) => out.pass(
                subject(f, phi),
                format!("{} finding is due on {due}: {}", f.severity, f.title),
                evidence,
            ),
        }
    }
    if !any {
        out.pass(
            register_subject(),
            format!(
                "no open high or critical vendor finding in the records ({} open findings)",
                records.findings.len()
            ),
            evidence!["open_findings" => records.findings.len()],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::records::testing::*;
    use crate::testkit::*;
    use jiff::civil::date;
    let mut pass = snapshot();
    pass.vendors = vec![vendor("VEN-0001", "Example Billing LLC", "full", None)];
    pass.findings = vec![finding(
        "FND-0001",
        "VEN-0001",
        "high",
        Some(date(2026, 6, 30)),
    )];
    let mut fail = pass.clone();
    fail.findings = vec![finding(
        "FND-0002",
        "VEN-0001",
        "critical",
        Some(date(2026, 5, 1)),
    )];
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
        assert_eq!(run(unreadable())[0].status, Status::Error);
    }

    #[test]
    fn due_today_passes_overdue_and_undated_fail_low_ones_are_ignored() {
        let mut s = snapshot();
        s.vendors = vec![vendor("VEN-0001", "Example Billing LLC", "full", None)];
        s.findings = vec![
            finding("FND-0001", "VEN-0001", "high", Some(today())),
            finding("FND-0002", "VEN-0001", "high", Some(date(2026, 5, 31))),
            finding("FND-0003", "VEN-0001", "critical", None),
            finding("FND-0004", "VEN-0001", "medium", Some(date(2020, 1, 1))),
        ];
        let mut internal = finding("FND-0005", "VEN-0001", "critical", Some(date(2020, 1, 1)));
        internal.vendor_id = None;
        s.findings.push(internal);
        let rows = run(loaded(s));
        assert_eq!(
            statuses(&rows),
            [
                ("records:finding/FND-0001", Status::Pass),
                ("records:finding/FND-0002", Status::Fail),
                ("records:finding/FND-0003", Status::Fail),
            ]
        );
        assert!(rows[1].reason.contains("(1 days overdue): "), "{rows:?}");
        assert!(rows.iter().all(|r| r.phi));
    }

    #[test]
    fn no_high_finding_passes_on_the_register_but_an_empty_register_is_not_applicable() {
        let rows = run(loaded(snapshot()));
        assert_eq!(
            statuses(&rows),
            [("records:register", Status::NotApplicable)]
        );
        let mut s = snapshot();
        s.vendors = vec![vendor("VEN-0001", "Example Billing LLC", "full", None)];
        s.findings = vec![finding(
            "FND-0001",
            "VEN-0001",
            "medium",
            Some(date(2020, 1, 1)),
        )];
        let rows = run(loaded(s));
        assert_eq!(statuses(&rows), [("records:register", Status::Pass)]);
    }

    #[test]
    fn report() {
        let mut rows = examples().pass.run(&CONTROL);
        rows.extend(examples().fail.run(&CONTROL));
        insta::assert_snapshot!(render(&rows));
    }
}
