//! The catalogue as users read it: `controls list` in every format, `controls explain`, and
//! the generated docs under `docs/controls/` (written by `cargo xtask gen`).

use std::fmt::Write as _;

use phiguard_controls::{Control, Lifecycle};
use serde::Serialize;

use crate::wire::{ControlInfo, hipaa_title};

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
    let mut in_remediation = false;
    for line in control.doc.lines() {
        // Doc headings become second-level headings under the control's title.
        if let Some(heading) = line.trim_start().strip_prefix("# ") {
            out.push_str(&format!("## {heading}\n"));
            in_remediation = heading.trim() == "Remediation";
            if in_remediation {
                remediation_markdown(&mut out, &control.remediation());
            }
        } else if !in_remediation {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
    }
    out
}

/// The Remediation section as Markdown: summary, one `###` heading per labelled step, other
/// bullets.
fn remediation_markdown(out: &mut String, r: &phiguard_controls::remediation::Remediation) {
    if !r.summary.is_empty() {
        let _ = write!(out, "{}\n\n", r.summary);
    }
    for step in &r.steps {
        let _ = write!(out, "### {}\n\n{}\n\n", step.label, step.text);
    }
    for item in &r.other {
        let _ = writeln!(out, "- {item}");
    }
    if !r.other.is_empty() {
        out.push('\n');
    }
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

/// Formats of `phiguard controls list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// Aligned columns for a terminal: id, slug, severity, seed area, title.
    Table,
    /// A JSON array of every control's metadata and documentation.
    Json,
    /// One row per control.
    Csv,
    /// The Markdown catalogue table.
    Md,
}

impl ListFormat {
    /// Parses a format name.
    pub fn parse(name: &str) -> Option<ListFormat> {
        match name.to_ascii_lowercase().as_str() {
            "table" | "text" => Some(ListFormat::Table),
            "json" => Some(ListFormat::Json),
            "csv" => Some(ListFormat::Csv),
            "md" | "markdown" => Some(ListFormat::Md),
            _ => None,
        }
    }
}

/// A control as `controls list --format json` shows it: the report's [`ControlInfo`] plus
/// lifecycle, the path of its generated page and its full Markdown documentation.
#[derive(Debug, Clone, Serialize)]
pub struct ControlListing {
    /// Metadata as reports carry it.
    #[serde(flatten)]
    pub info: ControlInfo,
    /// `stable` or `preview`.
    pub lifecycle: &'static str,
    /// `docs/controls/<ID>.md`.
    pub docs: String,
    /// The control's documentation (Requirement, Rationale, Evaluation, Remediation,
    /// References), Markdown.
    pub doc: String,
}

impl ControlListing {
    /// From a catalogue control.
    pub fn from_control(control: &Control) -> ControlListing {
        ControlListing {
            info: ControlInfo::from_control(control),
            lifecycle: lifecycle(control),
            docs: crate::view::docs_path(control.id()),
            doc: doc_markdown(control),
        }
    }
}

fn lifecycle(control: &Control) -> &'static str {
    match control.meta.lifecycle {
        Lifecycle::Stable => "stable",
        Lifecycle::Preview => "preview",
    }
}

/// The doc comment as Markdown, without the one-space indent of `///` lines.
fn doc_markdown(control: &Control) -> String {
    let mut out = String::new();
    for line in control.doc.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_string()
}

/// `phiguard controls list` in a format.
pub fn list(format: ListFormat, controls: &[&Control]) -> String {
    match format {
        ListFormat::Table => list_table(controls),
        ListFormat::Json => {
            let listing: Vec<ControlListing> = controls
                .iter()
                .map(|c| ControlListing::from_control(c))
                .collect();
            let mut out = serde_json::to_string_pretty(&listing).unwrap_or_default();
            out.push('\n');
            out
        }
        ListFormat::Csv => list_csv(controls),
        ListFormat::Md => table_markdown(controls),
    }
}

fn list_table(controls: &[&Control]) -> String {
    let headers = ["ID", "SLUG", "SEVERITY", "SEED AREA", "TITLE"];
    let rows: Vec<[&str; 5]> = controls
        .iter()
        .map(|c| {
            [
                c.id(),
                c.slug(),
                c.meta.severity.as_str(),
                c.meta.seed_area.title(),
                c.meta.title,
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&headers).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "\n{} {}. `phiguard controls explain ID` shows one in full.",
        controls.len(),
        if controls.len() == 1 {
            "control"
        } else {
            "controls"
        }
    );
    out
}

fn list_csv(controls: &[&Control]) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "id",
        "slug",
        "title",
        "severity",
        "seed_area",
        "shared_area",
        "hipaa",
        "config_rules",
        "prowler_checks",
        "resource_kinds",
        "data_sources",
        "lifecycle",
    ];
    let _ = writer.write_record(header);
    for c in controls {
        let info = ControlInfo::from_control(c);
        let record = [
            info.id,
            info.slug,
            info.title,
            info.severity.as_str().to_string(),
            info.seed_area.as_str().to_string(),
            info.shared_area.as_str().to_string(),
            info.hipaa.join(";"),
            info.config_rules.join(";"),
            info.prowler_checks.join(";"),
            info.resource_kinds.join(";"),
            info.data_sources.join(";"),
            lifecycle(c).to_string(),
        ];
        let _ = writer.write_record(
            record
                .iter()
                .map(|cell| crate::csv::guard(cell).into_owned()),
        );
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Width `explain` wraps text at.
const WIDTH: usize = 80;

/// `phiguard controls explain ID`: everything about one control for a terminal, wrapped to
/// 80 columns (a code span longer than a line is kept whole on its own line).
pub fn explain(control: &Control) -> String {
    let m = &control.meta;
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", m.id, m.slug);
    wrap_into(&mut out, m.title, "", "");
    out.push('\n');
    let raised = m.severity.raised();
    let severity = if raised == m.severity {
        m.severity.to_string()
    } else {
        format!("{} ({raised} on PHI resources)", m.severity)
    };
    let field = |out: &mut String, name: &str, values: &[String]| {
        let label = format!("  {name:<16}  ");
        if values.is_empty() {
            let _ = writeln!(out, "{label}—");
        }
        for (i, v) in values.iter().enumerate() {
            let lead = if i == 0 {
                label.clone()
            } else {
                " ".repeat(label.len())
            };
            let indent = " ".repeat(label.len());
            wrap_into(out, v, &lead, &indent);
        }
    };
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    field(&mut out, "severity", &[severity]);
    field(&mut out, "seed area", &[m.seed_area.title().to_string()]);
    field(
        &mut out,
        "shared area",
        &[m.shared_area.title().to_string()],
    );
    let citations: Vec<String> = control
        .citations()
        .iter()
        .map(|c| format!("{c} {}", hipaa_title(c.as_str())))
        .collect();
    field(&mut out, "HIPAA", &citations);
    field(&mut out, "AWS Config rules", &strings(m.config_rules));
    field(&mut out, "Prowler checks", &strings(m.prowler_checks));
    let kinds: Vec<&str> = m.resource_kinds.iter().map(|k| k.as_str()).collect();
    field(&mut out, "resource kinds", &strings(&kinds));
    let sources: Vec<&str> = m.inputs.iter().map(|i| i.source().as_str()).collect();
    field(&mut out, "data sources", &strings(&sources));
    field(&mut out, "lifecycle", &[lifecycle(control).to_string()]);
    field(&mut out, "docs", &[crate::view::docs_path(m.id)]);

    // The Remediation section is shown as labelled steps (Console, CLI, Terraform,
    // CloudFormation) after its summary.
    let mut in_remediation = false;
    for block in doc_blocks(control.doc) {
        if in_remediation && !matches!(block, Block::Heading(_)) {
            continue;
        }
        match block {
            Block::Heading(h) => {
                let _ = writeln!(out, "\n{}", h.to_uppercase());
                in_remediation = h == "Remediation";
                if in_remediation {
                    remediation_into(&mut out, &control.remediation());
                }
            }
            Block::Paragraph(p) => wrap_into(&mut out, &p, "  ", "  "),
            Block::Item(item) => wrap_into(&mut out, &item, "  - ", "    "),
            Block::Blank => out.push('\n'),
        }
    }
    // No blank lines doubled, none at the end.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out.replace("\n\n\n", "\n\n")
}

/// A remediation as `explain` shows it: the summary, then each labelled step as a heading
/// with its text indented below, then any other bullet.
fn remediation_into(out: &mut String, r: &phiguard_controls::remediation::Remediation) {
    if !r.summary.is_empty() {
        wrap_into(out, &r.summary, "  ", "  ");
    }
    for step in &r.steps {
        let _ = writeln!(out, "\n  {}", step.label);
        wrap_into(out, &step.text, "    ", "    ");
    }
    if !r.other.is_empty() {
        out.push('\n');
    }
    for item in &r.other {
        wrap_into(out, item, "  - ", "    ");
    }
}

enum Block {
    Heading(String),
    Paragraph(String),
    Item(String),
    Blank,
}

/// The doc comment as headings, paragraphs (lines joined), list items (continuations
/// joined) and blank lines between paragraphs.
fn doc_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let flush = |blocks: &mut Vec<Block>, current: &mut Option<Block>| {
        if let Some(b) = current.take() {
            blocks.push(b);
        }
    };
    for line in doc.lines() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix("# ") {
            flush(&mut blocks, &mut current);
            blocks.push(Block::Heading(h.to_string()));
        } else if t.is_empty() {
            flush(&mut blocks, &mut current);
            if !matches!(blocks.last(), Some(Block::Blank | Block::Heading(_)) | None) {
                blocks.push(Block::Blank);
            }
        } else if let Some(item) = t.strip_prefix("- ") {
            flush(&mut blocks, &mut current);
            current = Some(Block::Item(item.to_string()));
        } else {
            match &mut current {
                Some(Block::Paragraph(p) | Block::Item(p)) => {
                    p.push(' ');
                    p.push_str(t);
                }
                _ => current = Some(Block::Paragraph(t.to_string())),
            }
        }
    }
    flush(&mut blocks, &mut current);
    // A blank line right before a heading is already implied.
    let mut cleaned: Vec<Block> = Vec::with_capacity(blocks.len());
    for b in blocks {
        if matches!(b, Block::Heading(_)) && matches!(cleaned.last(), Some(Block::Blank)) {
            cleaned.pop();
        }
        cleaned.push(b);
    }
    cleaned
}

/// Splits text into words, keeping a `code span` together when it fits in `room` columns
/// with one to spare (for punctuation attached to it) and attached to punctuation right next
/// to it, and showing `<https://...>` autolinks as
/// bare URLs.
fn tokens(text: &str, room: usize) -> Vec<String> {
    fn push(out: &mut Vec<String>, pieces: Vec<String>, attach: bool) {
        let mut pieces = pieces.into_iter();
        if attach && let (Some(last), Some(first)) = (out.last_mut(), pieces.next()) {
            last.push_str(&first);
        }
        out.extend(pieces);
    }
    let parts: Vec<&str> = text.split('`').collect();
    let balanced = parts.len() % 2 == 1;
    let mut out: Vec<String> = Vec::new();
    // Whether the next token continues the previous one (no space between them).
    let mut attach = false;
    for (i, part) in parts.iter().enumerate() {
        let is_span = i % 2 == 1 && (balanced || i + 1 < parts.len());
        if is_span {
            let span = format!("`{part}`");
            let pieces = if span.chars().count() < room {
                vec![span]
            } else {
                span.split_whitespace().map(str::to_string).collect()
            };
            push(&mut out, pieces, attach);
            attach = true;
        } else {
            let part = if i % 2 == 1 {
                format!("`{part}")
            } else {
                (*part).to_string()
            };
            if part.is_empty() {
                continue;
            }
            let words: Vec<String> = part
                .split_whitespace()
                .map(|w| {
                    w.strip_prefix("<http")
                        .and_then(|w| w.strip_suffix('>').map(|w| format!("http{w}")))
                        .unwrap_or_else(|| w.to_string())
                })
                .collect();
            push(
                &mut out,
                words,
                attach && !part.starts_with(char::is_whitespace),
            );
            attach = !part.ends_with(char::is_whitespace);
        }
    }
    out
}

/// Word-wraps `text` to [`WIDTH`] columns: the first line starts with `first`, the others
/// with `indent`.
fn wrap_into(out: &mut String, text: &str, first: &str, indent: &str) {
    let room = WIDTH.saturating_sub(indent.chars().count()).max(20);
    let mut line = first.to_string();
    let mut empty = true;
    for word in tokens(text, room) {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}
