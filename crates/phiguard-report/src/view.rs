//! What several renderers share: the order findings are shown in, labels, and small text
//! helpers. Reads only the wire model.

use std::collections::HashMap;

use phiguard_model::{Severity, Status};

use crate::wire::{ControlInfo, Report, ResultV1};

/// The results of one control, in display order.
pub(crate) struct Group<'r> {
    /// The control's metadata, if the report lists it.
    pub control: Option<&'r ControlInfo>,
    /// The control id.
    pub id: &'r str,
    /// Indexes into `report.results`.
    pub results: Vec<usize>,
}

impl Group<'_> {
    /// The control's title, or its id if the report does not list it.
    pub fn title(&self) -> &str {
        self.control.map_or(self.id, |c| c.title.as_str())
    }
}

/// Whether a status is a finding someone must act on or look at (fail, error, manual,
/// waived), as opposed to pass and not applicable.
pub(crate) fn is_finding(status: Status) -> bool {
    matches!(
        status,
        Status::Fail | Status::Error | Status::Manual | Status::Waived
    )
}

/// Position of a status in report order (fail, error, manual, waived, pass, n/a).
pub(crate) fn status_rank(status: Status) -> usize {
    Status::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(Status::ALL.len())
}

/// The results `keep` selects, grouped by control in catalogue order (the order of
/// `report.controls`; controls the report does not list come last, in order of first
/// appearance); within a control PHI results first, then by status, then as emitted.
pub(crate) fn grouped<'r>(
    report: &'r Report<'_>,
    keep: impl Fn(&ResultV1<'_>) -> bool,
) -> Vec<Group<'r>> {
    let mut groups: Vec<Group<'r>> = report
        .controls
        .iter()
        .map(|c| Group {
            control: Some(c),
            id: c.id.as_str(),
            results: Vec::new(),
        })
        .collect();
    let mut index: HashMap<&str, usize> =
        groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    // Results come grouped by control: look the group up only when the control changes.
    let mut last: Option<(&'r str, usize)> = None;
    for (i, result) in report.results.iter().enumerate() {
        if !keep(result) {
            continue;
        }
        let id: &'r str = result.control_id.as_ref();
        let at = match last {
            Some((last_id, at)) if last_id == id => at,
            _ => *index.entry(id).or_insert_with(|| {
                groups.push(Group {
                    control: None,
                    id,
                    results: Vec::new(),
                });
                groups.len() - 1
            }),
        };
        last = Some((id, at));
        if let Some(group) = groups.get_mut(at) {
            group.results.push(i);
        }
    }
    groups.retain(|g| !g.results.is_empty());
    for group in &mut groups {
        group.results.sort_by_key(|&i| {
            let r = &report.results[i];
            (!r.phi, status_rank(r.status))
        });
    }
    groups
}

/// The first paragraph of a Markdown text, on one line.
pub(crate) fn first_paragraph(markdown: &str) -> String {
    let paragraph = markdown.trim().split("\n\n").next().unwrap_or("");
    one_line(paragraph)
}

/// Collapses all whitespace runs (including newlines) to single spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The generated documentation page of a control.
pub(crate) fn docs_path(id: &str) -> String {
    format!("docs/controls/{id}.md")
}

/// Human label of a status.
pub(crate) fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Error => "error",
        Status::NotApplicable => "n/a",
        Status::Manual => "manual",
        Status::Waived => "waived",
    }
}

/// Human label of a severity, capitalised.
pub(crate) fn severity_title(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "Info",
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// The evidence as `key=value` pairs joined with `, ` (strings quoted and escaped).
pub(crate) fn evidence_line(result: &ResultV1<'_>) -> String {
    result
        .evidence
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to do about a result that could not be evaluated.
pub(crate) const ERROR_HELP: &str = "the data this control reads was not collected; grant the scanner read access to the source named in the reason (or fix the collection error) and scan again";
