//! The HTML report's "Records" section: the BAA register, vendors, open vendor findings and
//! risk assessments the scan read from the records store (`phiguard scan --db`), so an
//! auditor sees the contracts and assessments next to the technical results.

use std::fmt::Write as _;

use phiguard_model::RecordsSnapshot;

use crate::Report;
use crate::html::escape;

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
}

fn table(s: &mut String, head: &[&str], rows: &[Vec<String>]) {
    s.push_str("<table>\n<thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", escape(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for cell in row {
            let _ = write!(s, "<td>{}</td>", escape(cell));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
}

/// Writes the section when the report carries records; nothing otherwise.
pub fn section(s: &mut String, report: &Report<'_>) {
    let Some(r) = &report.records else {
        return;
    };
    write_records(s, r);
}

fn write_records(s: &mut String, r: &RecordsSnapshot) {
    s.push_str("<section id=\"records\">\n<h2>Records</h2>\n");
    let _ = writeln!(
        s,
        "<p>Compliance records read from <code>{}</code> on {} (agreements: {}, vendors: {}, \
         open findings: {}, risk assessments: {}). The records controls (BAA, vendors, risk \
         assessment) were evaluated against them.</p>",
        escape(&r.source),
        r.today,
        r.agreements.len(),
        r.vendors.len(),
        r.findings.len(),
        r.assessments.len()
    );
    s.push_str("<h3>BAA register</h3>\n");
    if r.agreements.is_empty() {
        s.push_str("<p>No agreement is recorded.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .agreements
            .iter()
            .map(|a| {
                vec![
                    a.id.clone(),
                    a.counterparty.clone(),
                    a.agreement_type.clone(),
                    format!(
                        "{}{}",
                        a.status,
                        if a.in_effect { " (in effect)" } else { "" }
                    ),
                    date(a.effective),
                    date(a.expires.or(a.terminated)),
                    a.covered_accounts.join(", "),
                    a.source.clone(),
                ]
            })
            .collect();
        table(
            s,
            &[
                "Id",
                "Counterparty",
                "Type",
                "Status",
                "Effective",
                "Ends",
                "Covered accounts",
                "Source",
            ],
            &rows,
        );
    }
    s.push_str("<h3>Vendors</h3>\n");
    if r.vendors.is_empty() {
        s.push_str("<p>No vendor is recorded.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .vendors
            .iter()
            .map(|v| {
                vec![
                    v.id.clone(),
                    v.name.clone(),
                    v.phi_access.clone(),
                    v.tier.to_string(),
                    v.lifecycle.clone(),
                    v.active_baa.clone().unwrap_or_else(|| {
                        if v.has_phi() {
                            "none (required)".into()
                        } else {
                            "none".into()
                        }
                    }),
                    v.residual_rating.clone().unwrap_or_else(|| "–".into()),
                    date(v.last_assessed),
                    date(v.assessment_due),
                ]
            })
            .collect();
        table(
            s,
            &[
                "Id",
                "Vendor",
                "PHI access",
                "Tier",
                "Lifecycle",
                "BAA in effect",
                "Residual rating",
                "Last assessed",
                "Next assessment",
            ],
            &rows,
        );
    }
    s.push_str("<h3>Open findings</h3>\n");
    if r.findings.is_empty() {
        s.push_str("<p>No open finding.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .findings
            .iter()
            .map(|f| {
                vec![
                    f.id.clone(),
                    f.severity.clone(),
                    f.title.clone(),
                    f.owner.clone().unwrap_or_else(|| "–".into()),
                    date(f.due),
                    f.status.clone(),
                ]
            })
            .collect();
        table(
            s,
            &["Id", "Severity", "Finding", "Owner", "Due", "Status"],
            &rows,
        );
    }
    s.push_str("<h3>Risk assessments</h3>\n");
    if r.assessments.is_empty() {
        s.push_str("<p>No risk assessment is recorded.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .assessments
            .iter()
            .map(|a| {
                vec![
                    a.id.clone(),
                    a.title.clone(),
                    a.status.clone(),
                    a.cadence.clone(),
                    a.accounts.join(", "),
                    match (&a.approver, a.approved_on) {
                        (Some(who), Some(on)) => format!("{who}, {on}"),
                        _ => "not signed off".into(),
                    },
                ]
            })
            .collect();
        table(
            s,
            &["Id", "Title", "Status", "Cadence", "Accounts", "Signed off"],
            &rows,
        );
    }
    if !r.high_risk_systems.is_empty() {
        let _ = writeln!(
            s,
            "<p>High-risk systems (monthly assessment cadence): {}.</p>",
            escape(&r.high_risk_systems.join(", "))
        );
    }
    s.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::records::VendorRecord;

    #[test]
    fn the_section_escapes_and_lists_the_records() {
        let mut r = RecordsSnapshot {
            source: "records.db".into(),
            today: jiff::civil::date(2026, 3, 1),
            ..RecordsSnapshot::default()
        };
        r.vendors.push(VendorRecord {
            id: "VEN-0001".into(),
            name: "Example <Billing> & Co".into(),
            phi_access: "full".into(),
            tier: 1,
            lifecycle: "active".into(),
            residual_rating: None,
            last_assessed: None,
            assessment_due: None,
            active_baa: None,
        });
        let mut s = String::new();
        write_records(&mut s, &r);
        assert!(s.contains("Example &lt;Billing&gt; &amp; Co"), "{s}");
        assert!(s.contains("none (required)"), "{s}");
        assert!(s.contains("No agreement is recorded."), "{s}");
        assert!(
            s.contains("(agreements: 0, vendors: 1, open findings: 0, risk assessments: 0)"),
            "{s}"
        );
    }
}
