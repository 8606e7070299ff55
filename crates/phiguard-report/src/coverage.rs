//! `phiguard controls coverage` and the generated `docs/coverage.md`: how the catalogue covers
//! the AWS Config HIPAA conformance pack and Prowler's HIPAA mapping.

use std::fmt::Write as _;

use phiguard_controls::coverage::{Coverage, MIN_CATALOGUE, RefKind, Row, RowStatus, Totals};
use serde::Serialize;

/// Formats of `phiguard controls coverage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageFormat {
    /// A table per reference and the totals, for a terminal.
    Table,
    /// Every row, the totals and the problems, JSON.
    Json,
    /// The page `docs/coverage.md` (without its generated-file header).
    Md,
}

/// Renders the coverage in a format.
pub fn render(format: CoverageFormat, coverage: &Coverage) -> String {
    match format {
        CoverageFormat::Table => table(coverage),
        CoverageFormat::Json => {
            let mut out =
                serde_json::to_string_pretty(&JsonCoverage::from(coverage)).unwrap_or_default();
            out.push('\n');
            out
        }
        CoverageFormat::Md => markdown(coverage),
    }
}

fn control_ids(row: &Row) -> Vec<&'static str> {
    row.controls.iter().map(|c| c.id()).collect()
}

/// What a row shows in its last column: the controls, the reason, or both for a conflict.
fn detail(row: &Row) -> String {
    let reason = row
        .exclusion
        .as_ref()
        .map(|e| e.reason.trim().to_string())
        .unwrap_or_default();
    match row.status() {
        RowStatus::Mapped => control_ids(row).join(", "),
        RowStatus::Excluded => reason,
        RowStatus::Conflict => format!(
            "{} but excluded in {}: {reason}",
            control_ids(row).join(", "),
            row.exclusion
                .as_ref()
                .map(|e| e.file.as_str())
                .unwrap_or_default()
        ),
        RowStatus::Uncovered => "no control and no exclusion".to_string(),
    }
}

fn totals_line(t: Totals) -> String {
    let mut line = format!("{} mapped, {} excluded with a reason", t.mapped, t.excluded);
    if t.conflict > 0 {
        let _ = write!(line, ", {} both mapped and excluded", t.conflict);
    }
    if t.uncovered > 0 {
        let _ = write!(line, ", {} uncovered", t.uncovered);
    }
    line
}

fn table(coverage: &Coverage) -> String {
    let mut out = String::new();
    for kind in RefKind::ALL {
        let rows: Vec<&Row> = coverage
            .rows
            .iter()
            .filter(|r| r.reference.kind == kind)
            .collect();
        let _ = writeln!(out, "{} ({} ids)", kind.title(), rows.len());
        let header = match kind {
            RefKind::ConfigRule => "RULE",
            RefKind::ProwlerCheck => "CHECK",
        };
        let width = rows
            .iter()
            .map(|r| r.reference.id.len())
            .chain([header.len()])
            .max()
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {header:<width$}  {:<9}  CONTROLS / REASON",
            "STATUS"
        );
        for row in rows {
            let _ = writeln!(
                out,
                "  {:<width$}  {:<9}  {}",
                row.reference.id,
                row.status().as_str(),
                detail(row)
            );
        }
        out.push('\n');
    }
    if !coverage.beyond.is_empty() {
        let _ = writeln!(out, "Beyond the references (ids controls also list)");
        for b in &coverage.beyond {
            let ids: Vec<&str> = b.controls.iter().map(|c| c.id()).collect();
            let _ = writeln!(
                out,
                "  {} `{}`: {} ({})",
                b.kind.as_str().replace('_', " "),
                b.id,
                ids.join(", "),
                b.reason.as_deref().unwrap_or("no reason given")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Totals");
    for kind in RefKind::ALL {
        let t = coverage.totals(kind);
        let _ = writeln!(
            out,
            "  {:<15} {:>3}: {}",
            match kind {
                RefKind::ConfigRule => "Config rules",
                RefKind::ProwlerCheck => "Prowler checks",
            },
            t.total,
            totals_line(t)
        );
    }
    let _ = writeln!(
        out,
        "  {:<15} {:>3}{}",
        "controls",
        coverage.controls,
        if coverage.controls >= MIN_CATALOGUE {
            String::new()
        } else {
            format!(" (issue 4 asks for at least {MIN_CATALOGUE})")
        }
    );
    if !coverage.problems.is_empty() {
        let _ = writeln!(out, "\nProblems in the coverage data");
        for p in &coverage.problems {
            let _ = writeln!(out, "  - {p}");
        }
    }
    out
}

fn markdown(coverage: &Coverage) -> String {
    let mut out =
        String::from("# Coverage of the AWS Config HIPAA pack and Prowler's HIPAA mapping\n\n");
    out.push_str(
        "Every rule of the AWS Config conformance pack \"Operational Best Practices for HIPAA Security\" and every check of Prowler's HIPAA mapping (`hipaa_aws.json`) either maps to a phiguard control (its `config_rules` / `prowler_checks` metadata) or is listed here with the reason phiguard does not implement it. `phiguard controls coverage` prints the same table; the lists live in `crates/phiguard-controls/coverage/`.\n\n",
    );
    out.push_str("| Reference | Ids | Mapped | Excluded | Uncovered |\n|---|---|---|---|---|\n");
    for kind in RefKind::ALL {
        let t = coverage.totals(kind);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            kind.title(),
            t.total,
            t.mapped,
            t.excluded,
            t.uncovered + t.conflict
        );
    }
    let _ = writeln!(
        out,
        "\nThe catalogue holds {} controls.\n",
        coverage.controls
    );
    for kind in RefKind::ALL {
        let _ = writeln!(out, "## {}", kind.title());
        let mut section = "";
        for row in coverage.rows.iter().filter(|r| r.reference.kind == kind) {
            if row.reference.section != section {
                section = row.reference.section;
                let _ = writeln!(
                    out,
                    "\n### {section}\n\n| Id | Status | Controls / reason |\n|---|---|---|"
                );
            }
            let shown = match row.status() {
                RowStatus::Mapped => row
                    .controls
                    .iter()
                    .map(|c| format!("[{id}](controls/{id}.md)", id = c.id()))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => detail(row).replace('|', "\\|"),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                row.reference.id,
                row.status().as_str(),
                shown
            );
        }
        out.push('\n');
    }
    if !coverage.beyond.is_empty() {
        out.push_str("## Beyond the references\n\nEquivalent Config rules and Prowler checks that controls list although neither reference maps them to HIPAA.\n\n| Kind | Id | Controls | Why |\n|---|---|---|---|\n");
        for b in &coverage.beyond {
            let ids: Vec<String> = b
                .controls
                .iter()
                .map(|c| format!("[{id}](controls/{id}.md)", id = c.id()))
                .collect();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                b.kind.as_str().replace('_', " "),
                b.id,
                ids.join(", "),
                b.reason.as_deref().unwrap_or("—").replace('|', "\\|")
            );
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[derive(Serialize)]
struct JsonCoverage {
    controls: usize,
    totals: JsonTotals,
    rows: Vec<JsonRow>,
    beyond_the_references: Vec<JsonBeyond>,
    problems: Vec<String>,
}

#[derive(Serialize)]
struct JsonTotals {
    config_rules: Totals,
    prowler_checks: Totals,
}

#[derive(Serialize)]
struct JsonRow {
    kind: RefKind,
    id: &'static str,
    section: &'static str,
    status: RowStatus,
    controls: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    excluded_in: Option<String>,
}

#[derive(Serialize)]
struct JsonBeyond {
    kind: RefKind,
    id: &'static str,
    controls: Vec<&'static str>,
    reason: Option<String>,
}

impl From<&Coverage> for JsonCoverage {
    fn from(c: &Coverage) -> Self {
        JsonCoverage {
            controls: c.controls,
            totals: JsonTotals {
                config_rules: c.totals(RefKind::ConfigRule),
                prowler_checks: c.totals(RefKind::ProwlerCheck),
            },
            rows: c
                .rows
                .iter()
                .map(|r| JsonRow {
                    kind: r.reference.kind,
                    id: r.reference.id,
                    section: r.reference.section,
                    status: r.status(),
                    controls: control_ids(r),
                    reason: r.exclusion.as_ref().map(|e| e.reason.clone()),
                    excluded_in: r.exclusion.as_ref().map(|e| e.file.clone()),
                })
                .collect(),
            beyond_the_references: c
                .beyond
                .iter()
                .map(|b| JsonBeyond {
                    kind: b.kind,
                    id: b.id,
                    controls: b.controls.iter().map(|c| c.id()).collect(),
                    reason: b.reason.clone(),
                })
                .collect(),
            problems: c.problems.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_lists_every_reference_id() {
        let coverage = Coverage::of_catalogue();
        let table = render(CoverageFormat::Table, &coverage);
        let md = render(CoverageFormat::Md, &coverage);
        let json: serde_json::Value =
            serde_json::from_str(&render(CoverageFormat::Json, &coverage)).expect("json");
        for row in &coverage.rows {
            assert!(table.contains(row.reference.id), "{}", row.reference.id);
            assert!(md.contains(&format!("`{}`", row.reference.id)));
        }
        assert_eq!(json["rows"].as_array().map(Vec::len), Some(225));
        assert_eq!(json["totals"]["config_rules"]["total"], 130);
        assert_eq!(json["totals"]["prowler_checks"]["total"], 95);
        assert!(table.contains("Totals\n  Config rules    130: "));
        assert!(table.contains("Prowler checks   95: "));
    }
}
