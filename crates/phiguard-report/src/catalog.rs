//! The catalogue as users read it: `controls list` in every format, `controls explain`, and
//! the generated docs under `docs/controls/` (written by `cargo xtask gen`).

use phiguard_controls::Control;

/// One control as Markdown: title, metadata table and its doc sections. Used for
/// `docs/controls/<ID>.md` and `phiguard controls explain --format md`.
pub fn control_markdown(control: &Control) -> String {
    let m = &control.meta;
    let mut out = format!("# {} `{}`: {}\n\n", m.id, m.slug, m.title);
    out.push_str("| | |\n|---|---|\n");
    out.push_str(&format!("| Severity | {} |\n", m.severity));
    out.push_str(&format!("| Seed area | {} |\n", m.seed_area.title()));
    out.push_str(&format!(
        "| Shared responsibility | {} |\n",
        m.shared_area.title()
    ));
    let citations: Vec<String> = control
        .citations()
        .iter()
        .map(|c| format!("{c} ({})", c.title()))
        .collect();
    out.push_str(&format!("| HIPAA | {} |\n", citations.join("<br>")));
    out.push_str(&format!(
        "| AWS Config rules | {} |\n",
        code_list(m.config_rules)
    ));
    out.push_str(&format!(
        "| Prowler checks | {} |\n",
        code_list(m.prowler_checks)
    ));
    let sources: Vec<&str> = m.inputs.iter().map(|i| i.source().as_str()).collect();
    out.push_str(&format!("| Data sources | {} |\n\n", code_list(&sources)));
    for line in control.doc.lines() {
        // Doc headings become second-level headings under the control's title.
        if let Some(heading) = line.trim_start().strip_prefix("# ") {
            out.push_str(&format!("## {heading}\n"));
        } else {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
    }
    out
}

/// The catalogue as a Markdown table (for `docs/controls/README.md` and `controls list
/// --format md`).
pub fn table_markdown(controls: &[&Control]) -> String {
    let mut out = String::from(
        "| Id | Slug | Title | Severity | Seed area | HIPAA |\n|---|---|---|---|---|---|\n",
    );
    for c in controls {
        let citations: Vec<String> = c.citations().iter().map(ToString::to_string).collect();
        out.push_str(&format!(
            "| [{id}]({id}.md) | `{}` | {} | {} | {} | {} |\n",
            c.slug(),
            c.meta.title,
            c.meta.severity,
            c.meta.seed_area.title(),
            citations.join(", "),
            id = c.id(),
        ));
    }
    out
}

fn code_list(items: &[&str]) -> String {
    if items.is_empty() {
        "—".to_string()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
