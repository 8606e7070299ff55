//! Alerts: what a job found, as a title, plain text (webhook `text`, e-mail body, SNS message)
//! and structured fields.

use phiguard_store::reminders::Reminder;
use phiguard_store::scan::{Change, ScanResource};
use serde::Serialize;

use crate::drift::Drift;

/// Most items listed per group in the text; the structured fields carry them all.
pub const MAX_LISTED: usize = 20;

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// The job that raised it (`test` for `monitor test-alert`).
    pub job: String,
    /// `drift`, `trail`, `reminders` or `test`.
    pub kind: String,
    /// One line (e-mail subject, SNS subject).
    pub title: String,
    /// The full text.
    pub text: String,
    /// Structured details (the drift, the hits, the reminders).
    pub details: serde_json::Value,
}

impl Alert {
    /// The Slack-compatible webhook body: `text` plus phiguard's structured fields.
    pub fn webhook_json(&self) -> serde_json::Value {
        serde_json::json!({
            "text": self.text,
            "phiguard": {
                "job": self.job,
                "kind": self.kind,
                "title": self.title,
                "details": self.details,
            }
        })
    }

    /// An SNS subject: ASCII, at most 100 characters.
    pub fn sns_subject(&self) -> String {
        let ascii: String = self
            .title
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        if ascii.len() <= 100 {
            ascii
        } else {
            format!("{}...", &ascii[..97])
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn list<T>(out: &mut String, title: &str, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title}:\n"));
    for item in items.iter().take(MAX_LISTED) {
        out.push_str(&line(item));
        out.push('\n');
    }
    if items.len() > MAX_LISTED {
        out.push_str(&format!("  ... and {} more\n", items.len() - MAX_LISTED));
    }
}

fn change(c: &Change, word: &str) -> String {
    let mut s = format!(
        "  {:<8}  {}  {} ({word} {})",
        c.severity, c.control, c.resource, c.other_status
    );
    if !c.reason.is_empty() {
        s.push_str(&format!("\n            {}", c.reason));
    }
    s
}

fn resource(r: &ScanResource) -> String {
    format!(
        "  {}  ({}, {} {})",
        r.resource,
        if r.service.is_empty() {
            "unknown service"
        } else {
            &r.service
        },
        r.account,
        r.region
    )
}

/// The alert for a scan job's drift.
pub fn drift(job: &str, drift: &Drift) -> Alert {
    let title = format!(
        "phiguard: drift in `{job}` ({} -> {}): {}, {} resolved, {}, {}",
        drift.from,
        drift.to,
        plural(drift.new_failures.len(), "new failure", "new failures"),
        drift.resolved.len(),
        plural(
            drift.new_phi_resources.len(),
            "new PHI resource",
            "new PHI resources"
        ),
        plural(
            drift.new_non_eligible.len(),
            "new resource in a non-eligible service",
            "new resources in non-eligible services"
        ),
    );
    let mut text = title.clone();
    text.push('\n');
    list(&mut text, "new failures", &drift.new_failures, |c| {
        change(c, "was")
    });
    list(&mut text, "resolved", &drift.resolved, |c| change(c, "now"));
    list(
        &mut text,
        "new PHI resources",
        &drift.new_phi_resources,
        resource,
    );
    list(
        &mut text,
        "new resources in services not on the HIPAA-eligible list (or to review)",
        &drift.new_non_eligible,
        resource,
    );
    for note in &drift.notes {
        text.push_str(&format!("\nnote: {note}\n"));
    }
    text.push_str(&format!(
        "\n{} still failing; `phiguard history --from {} --to {}` shows the comparison\n",
        drift.still_failing, drift.from, drift.to
    ));
    Alert {
        job: job.to_string(),
        kind: "drift".into(),
        title,
        text,
        details: serde_json::to_value(drift).unwrap_or_default(),
    }
}

/// The alert for due reminders.
pub fn reminders(job: &str, today: jiff::civil::Date, reminders: &[Reminder]) -> Alert {
    let overdue = reminders.iter().filter(|r| r.due < today).count();
    let title = format!(
        "phiguard: {} in `{job}` ({overdue} overdue)",
        plural(reminders.len(), "reminder due", "reminders due"),
    );
    let mut text = title.clone();
    text.push('\n');
    list(&mut text, "reminders", reminders, |r| {
        format!("  {}  {:<24}  {}  {}", r.due, r.kind, r.subject, r.message)
    });
    Alert {
        job: job.to_string(),
        kind: "reminders".into(),
        title,
        text,
        details: serde_json::json!({ "today": today, "reminders": reminders }),
    }
}

/// A CloudTrail hit as the alert lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailHit {
    /// When.
    pub event_time: String,
    /// Severity.
    pub severity: String,
    /// Rule id.
    pub rule_id: String,
    /// API call.
    pub event_name: String,
    /// Who.
    pub principal: String,
}

/// What a trail review found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrailSummary {
    /// Events read.
    pub events: u64,
    /// Files read.
    pub files: u64,
    /// Hits at or above the job's severity.
    pub hits: Vec<TrailHit>,
    /// Hits below it.
    pub other_hits: usize,
    /// Files or objects that could not be read.
    pub errors: Vec<String>,
}

/// The alert for a trail review, if it found anything at or above the severity or could not
/// read some input.
pub fn trail(job: &str, min_severity: &str, summary: &TrailSummary) -> Option<Alert> {
    if summary.hits.is_empty() && summary.errors.is_empty() {
        return None;
    }
    let title = format!(
        "phiguard: {} at or above {min_severity} in `{job}` ({} events, {})",
        plural(summary.hits.len(), "CloudTrail hit", "CloudTrail hits"),
        summary.events,
        plural(
            summary.errors.len(),
            "unreadable input",
            "unreadable inputs"
        ),
    );
    let mut text = title.clone();
    text.push('\n');
    list(&mut text, "hits", &summary.hits, |h| {
        format!(
            "  {}  {:<8}  {}  {}  {}",
            h.event_time, h.severity, h.rule_id, h.event_name, h.principal
        )
    });
    list(&mut text, "unreadable", &summary.errors, |e| {
        format!("  {e}")
    });
    Some(Alert {
        job: job.to_string(),
        kind: "trail".into(),
        title,
        text,
        details: serde_json::to_value(summary).unwrap_or_default(),
    })
}

/// The alert `phiguard monitor test-alert` sends.
pub fn test(now: jiff::Timestamp) -> Alert {
    let title = "phiguard: test alert".to_string();
    Alert {
        job: "test".into(),
        kind: "test".into(),
        text: format!(
            "{title}\n\nsent by `phiguard monitor test-alert` at {now}: this destination receives phiguard's alerts\n"
        ),
        title,
        details: serde_json::json!({ "sent_at": now }),
    }
}
