//! The terminal report's "records" block: the BAA register, vendors, open vendor findings and
//! risk assessments the scan read from the records store (`phiguard scan --db`), one line
//! each, so the compliance officer sees in the terminal what the HTML report's Records
//! section shows.
//!
//! ```text
//! records     from records.db, read on 2026-03-01
//!   agreements   1 recorded, 1 in effect
//!                BAA-0001  Amazon Web Services  aws-baa  active, in effect  accounts 111122223333
//!   vendors      1 recorded, 1 with PHI access and no BAA in effect
//!                VEN-0002  Transcription Co  PHI full, tier 1, active  no BAA in effect (required)
//!   findings     no open finding
//!   assessments  1 recorded, 1 signed off
//!                RA-0001  Annual risk analysis  approved  signed off by privacy.officer on 2026-01-15  quarterly
//! ```

use std::fmt::Write as _;

use phiguard_model::RecordsSnapshot;

/// Writes the block (heading included) into `out`; `clean` escapes control characters and
/// `bold` styles the heading.
pub(crate) fn write(
    out: &mut String,
    r: &RecordsSnapshot,
    clean: fn(&str) -> String,
    bold: &dyn Fn(&str) -> String,
) {
    let _ = writeln!(
        out,
        "\n{}     from {}, read on {}",
        bold("records"),
        clean(&r.source),
        r.today
    );
    let in_effect = r.agreements.iter().filter(|a| a.in_effect).count();
    let mut lines: Vec<(&str, Vec<String>)> = Vec::new();

    lines.push((
        "agreements",
        if r.agreements.is_empty() {
            vec!["none recorded".into()]
        } else {
            let mut rows = vec![format!(
                "{} recorded, {in_effect} in effect",
                r.agreements.len()
            )];
            rows.extend(r.agreements.iter().map(|a| {
                let mut row = format!(
                    "{}  {}  {}  {}{}",
                    clean(&a.id),
                    clean(&a.counterparty),
                    clean(&a.agreement_type),
                    clean(&a.status),
                    if a.in_effect { ", in effect" } else { "" }
                );
                if let Some(end) = a.terminated.or(a.expires) {
                    let _ = write!(row, "  ends {end}");
                }
                if !a.covered_accounts.is_empty() {
                    let _ = write!(row, "  accounts {}", clean(&a.covered_accounts.join(", ")));
                }
                row
            }));
            rows
        },
    ));

    lines.push((
        "vendors",
        if r.vendors.is_empty() {
            vec!["none recorded".into()]
        } else {
            let missing = r
                .vendors
                .iter()
                .filter(|v| v.has_phi() && !v.terminated() && v.active_baa.is_none())
                .count();
            let mut rows = vec![format!(
                "{} recorded, {missing} with PHI access and no BAA in effect",
                r.vendors.len()
            )];
            rows.extend(r.vendors.iter().map(|v| {
                let baa = match &v.active_baa {
                    Some(id) => format!("BAA {}", clean(id)),
                    None if v.has_phi() => "no BAA in effect (required)".into(),
                    None => "no BAA".into(),
                };
                let mut row = format!(
                    "{}  {}  PHI {}, tier {}, {}  {baa}",
                    clean(&v.id),
                    clean(&v.name),
                    clean(&v.phi_access),
                    v.tier,
                    clean(&v.lifecycle),
                );
                if let Some(rating) = &v.residual_rating {
                    let _ = write!(row, "  rating {}", clean(rating));
                }
                if let Some(due) = v.assessment_due {
                    let _ = write!(row, "  next assessment {due}");
                }
                row
            }));
            rows
        },
    ));

    lines.push((
        "findings",
        if r.findings.is_empty() {
            vec!["no open finding".into()]
        } else {
            let mut rows = vec![format!("{} open", r.findings.len())];
            rows.extend(r.findings.iter().map(|f| {
                let mut row = format!(
                    "{}  {}  {}  {}",
                    clean(&f.id),
                    clean(&f.severity),
                    clean(&f.title),
                    clean(&f.status)
                );
                if let Some(due) = f.due {
                    let _ = write!(row, "  due {due}");
                }
                if let Some(owner) = &f.owner {
                    let _ = write!(row, "  owner {}", clean(owner));
                }
                row
            }));
            rows
        },
    ));

    lines.push((
        "assessments",
        if r.assessments.is_empty() {
            vec!["no risk assessment recorded".into()]
        } else {
            let signed = r
                .assessments
                .iter()
                .filter(|a| a.approved_on.is_some())
                .count();
            let mut rows = vec![format!(
                "{} recorded, {signed} signed off",
                r.assessments.len()
            )];
            rows.extend(r.assessments.iter().map(|a| {
                let sign_off = match (&a.approver, a.approved_on) {
                    (Some(who), Some(on)) => format!("signed off by {} on {on}", clean(who)),
                    _ => "not signed off".into(),
                };
                format!(
                    "{}  {}  {}  {sign_off}  {}",
                    clean(&a.id),
                    clean(&a.title),
                    clean(&a.status),
                    clean(&a.cadence)
                )
            }));
            rows
        },
    ));

    for (label, rows) in lines {
        for (i, row) in rows.iter().enumerate() {
            let head = if i == 0 { label } else { "" };
            let _ = writeln!(out, "  {head:<12} {row}");
        }
    }
    if !r.high_risk_systems.is_empty() {
        let _ = writeln!(
            out,
            "  {:<12} {} (monthly assessment cadence)",
            "high risk",
            clean(&r.high_risk_systems.join(", "))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::records::{AgreementRecord, AssessmentRecord, VendorRecord};

    fn plain(text: &str) -> String {
        text.replace('\x1b', "\\e")
    }

    #[test]
    fn the_block_lists_every_record_one_line_each() {
        let mut r = RecordsSnapshot {
            source: "records.db".into(),
            today: jiff::civil::date(2026, 3, 1),
            ..RecordsSnapshot::default()
        };
        r.agreements.push(AgreementRecord {
            id: "BAA-0001".into(),
            counterparty: "Amazon Web Services".into(),
            vendor_id: None,
            agreement_type: "aws-baa".into(),
            is_baa: true,
            is_aws: true,
            status: "active".into(),
            in_effect: true,
            effective: Some(jiff::civil::date(2025, 1, 1)),
            expires: None,
            terminated: None,
            covered_accounts: vec!["111122223333".into()],
            clauses: vec![],
            source: "manual".into(),
        });
        r.vendors.push(VendorRecord {
            id: "VEN-0002".into(),
            name: "Transcription\x1b[31m Co".into(),
            phi_access: "full".into(),
            tier: 1,
            lifecycle: "active".into(),
            residual_rating: None,
            last_assessed: None,
            assessment_due: Some(jiff::civil::date(2026, 6, 1)),
            active_baa: None,
        });
        r.assessments.push(AssessmentRecord {
            id: "RA-0001".into(),
            title: "Annual risk analysis".into(),
            status: "approved".into(),
            approver: Some("privacy.officer".into()),
            approved_on: Some(jiff::civil::date(2026, 1, 15)),
            cadence: "quarterly".into(),
            accounts: vec![],
            systems: vec![],
            high_risk_systems: vec![],
        });
        let mut out = String::new();
        write(&mut out, &r, plain, &|s| s.to_string());
        insta::assert_snapshot!(out);
        assert!(
            !out.contains('\x1b'),
            "control characters are escaped: {out}"
        );
    }

    #[test]
    fn an_empty_store_says_so_for_each_register() {
        let r = RecordsSnapshot {
            source: "empty.db".into(),
            today: jiff::civil::date(2026, 3, 1),
            ..RecordsSnapshot::default()
        };
        let mut out = String::new();
        write(&mut out, &r, plain, &|s| s.to_string());
        for expected in [
            "agreements   none recorded",
            "vendors      none recorded",
            "findings     no open finding",
            "assessments  no risk assessment recorded",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
        }
    }
}
