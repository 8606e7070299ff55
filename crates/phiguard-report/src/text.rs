//! Terminal output, cargo-style: one block per finding, then summaries by status, severity,
//! HIPAA standard and seed area, and the scan's diagnostics.
//!
//! ```text
//! fail[S3-002]: S3 buckets holding PHI use SSE-KMS by default (high, PHI)
//!   --> arn:aws:s3:::clinic-phi-records (111122223333, us-east-1)
//!    = reason: default encryption is `AES256` (SSE-S3), not SSE-KMS
//!    = evidence: encryption="AES256", kms_key_id=null
//!    = help: Make SSE-KMS with a customer managed key the default encryption ...
//!    = docs: docs/controls/S3-002.md
//! ```
//!
//! Every finding is printed (no truncation: users pipe this). Values from the inventory are
//! printed with control characters escaped, so a resource name cannot drive the terminal.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use phiguard_model::{Severity, Status};
use rayon::prelude::*;

use crate::RenderOptions;
use crate::view::{self, Group};
use crate::wire::{Counts, GroupCounts, LogReview, Report, ResultV1};

/// Writes the report for a terminal.
pub fn render(
    report: &Report<'_>,
    out: &mut dyn io::Write,
    options: &RenderOptions,
) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let paint = Paint {
        color: options.color,
    };
    let groups = view::grouped(report, |r| options.verbose || view::is_finding(r.status));
    // Per control, once: the help line of its findings.
    let helps: Vec<String> = groups
        .iter()
        .map(|g| {
            g.control
                .map(|c| view::first_paragraph(&c.remediation))
                .unwrap_or_default()
        })
        .collect();
    // The blocks in display order, written in parallel a chunk at a time into reused
    // buffers, a batch of chunks at a time (bounded memory), and written out in order.
    let items: Vec<(usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.results.iter().map(move |&i| (g, i)))
        .collect();
    let mut bufs: Vec<String> = Vec::new();
    for batch in items.chunks(CHUNK * CHUNKS_PER_BATCH) {
        let chunks: Vec<&[(usize, usize)]> = batch.chunks(CHUNK).collect();
        if bufs.len() < chunks.len() {
            bufs.resize_with(chunks.len(), String::new);
        }
        bufs.par_iter_mut()
            .zip(chunks.par_iter())
            .for_each(|(buf, chunk)| {
                buf.clear();
                for &(g, i) in *chunk {
                    if let (Some(group), Some(help), Some(r)) =
                        (groups.get(g), helps.get(g), report.results.get(i))
                    {
                        finding(buf, group, help, r, paint);
                    }
                }
            });
        for buf in bufs.iter().take(chunks.len()) {
            w.write_all(buf.as_bytes())?;
        }
    }
    let mut tail = String::new();
    summary(&mut tail, report, paint);
    w.write_all(tail.as_bytes())?;
    w.flush()
}

/// ANSI styling, or none.
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }

    /// The gutter (`-->`, `=`), blue like cargo's.
    fn gutter(self, text: &str) -> String {
        self.wrap("1;34", text)
    }

    fn status(self, status: Status, text: &str) -> String {
        let code = match status {
            Status::Fail => "1;31",
            Status::Error => "1;35",
            Status::Manual => "1;33",
            Status::Waived => "1;36",
            Status::Pass => "1;32",
            Status::NotApplicable => "2",
        };
        self.wrap(code, text)
    }

    /// A count, coloured like its status when not zero.
    fn count(self, status: Status, n: usize) -> String {
        if n == 0 || matches!(status, Status::NotApplicable) {
            n.to_string()
        } else {
            self.status(status, &n.to_string())
        }
    }
}

/// Escapes control characters (ESC, CR, ...) so text from the inventory cannot move the
/// cursor, recolour the terminal or forge lines.
fn clean(text: &str) -> String {
    // Control characters are U+0000 to U+001F and U+007F to U+009F (UTF-8 0xC2 0x80 to
    // 0xC2 0x9F): a text without those bytes (nearly all) is copied whole.
    if !text
        .bytes()
        .fold(false, |any, b| any | (b < 0x20) | (b == 0x7f) | (b == 0xc2))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Findings per rendering task, and tasks per batch.
const CHUNK: usize = 2048;
const CHUNKS_PER_BATCH: usize = 32;

/// One finding's block; `help` is the first paragraph of the control's remediation.
fn finding(out: &mut String, group: &Group<'_>, help: &str, r: &ResultV1<'_>, paint: Paint) {
    let status = r.status.as_str();
    let phi = if r.phi { ", PHI" } else { "" };
    let head = format!("{status}[{}]", clean(group.id));
    let _ = writeln!(
        out,
        "{}{} ({}{phi})",
        paint.status(r.status, &head),
        paint.bold(&format!(": {}", clean(group.title()))),
        r.severity,
    );
    let _ = writeln!(
        out,
        "  {} {} ({}, {})",
        paint.gutter("-->"),
        clean(&r.resource),
        clean(&r.account),
        clean(&r.region)
    );
    let eq = paint.gutter("=");
    if !r.reason.is_empty() {
        let _ = writeln!(out, "   {eq} reason: {}", clean(&r.reason));
    }
    if !r.evidence.is_empty() {
        let _ = writeln!(out, "   {eq} evidence: {}", clean(&view::evidence_line(r)));
    }
    if let Some(waiver) = &r.waiver {
        let _ = writeln!(
            out,
            "   {eq} waiver: {} (approved by {}, expires {})",
            clean(&waiver.reason),
            clean(&waiver.approved_by),
            clean(&waiver.expires)
        );
    }
    match r.status {
        Status::Error => {
            let _ = writeln!(out, "   {eq} help: {}", view::ERROR_HELP);
        }
        Status::Fail | Status::Manual | Status::Waived => {
            if !help.is_empty() {
                let _ = writeln!(out, "   {eq} help: {}", clean(help));
            }
        }
        Status::Pass | Status::NotApplicable => {}
    }
    if view::is_finding(r.status) {
        let _ = writeln!(out, "   {eq} docs: {}", view::docs_path(&clean(group.id)));
    }
    out.push('\n');
}

fn summary(out: &mut String, report: &Report<'_>, paint: Paint) {
    let s = &report.summary;
    let c = &s.results;
    let _ = writeln!(out, "{}", paint.bold("summary"));
    let accounts: Vec<String> = report
        .accounts
        .iter()
        .map(|a| match &a.name {
            Some(name) => format!("{} ({})", clean(&a.id), clean(name)),
            None => clean(&a.id),
        })
        .collect();
    let _ = writeln!(
        out,
        "  scanned    {} {}: {}; {} {}: {}",
        report.accounts.len(),
        plural(report.accounts.len(), "account", "accounts"),
        accounts.join(", "),
        report.regions.len(),
        plural(report.regions.len(), "region", "regions"),
        report
            .regions
            .iter()
            .map(|r| clean(r))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let description = if report.inventory.description.is_empty() {
        String::new()
    } else {
        format!(" ({})", clean(&report.inventory.description))
    };
    let _ = writeln!(
        out,
        "  inventory  {} resources from {}{description}, collected {}; scanned {}",
        report.inventory.resources,
        clean(&report.inventory.source),
        report.inventory.generated_at,
        report.scan_time,
    );
    let _ = writeln!(
        out,
        "  results    {} from {} {} on {} {}",
        c.total(),
        s.controls,
        plural(s.controls, "control", "controls"),
        s.subjects,
        plural(s.subjects, "subject", "subjects"),
    );
    let _ = writeln!(
        out,
        "             {} fail · {} error · {} manual · {} waived · {} pass · {} not applicable",
        paint.count(Status::Fail, c.fail),
        paint.count(Status::Error, c.error),
        paint.count(Status::Manual, c.manual),
        paint.count(Status::Waived, c.waived),
        paint.count(Status::Pass, c.pass),
        c.not_applicable,
    );
    let _ = writeln!(out, "  failures   {}", severities(report));

    section_table(
        out,
        "by HIPAA standard",
        "standard",
        &report.by_hipaa_section,
        true,
        paint,
    );
    section_table(
        out,
        "by seed area",
        "area",
        &report.by_seed_area,
        false,
        paint,
    );
    if let Some(matrix) = &report.shared_responsibility {
        let text = crate::matrix::text(matrix);
        let mut lines = text.lines();
        let heading = lines.next().unwrap_or_default();
        let _ = writeln!(out, "\n{}", paint.bold(heading));
        for line in lines {
            let _ = writeln!(out, "{}", clean(line));
        }
    }

    if let Some(records) = &report.records {
        crate::text_records::write(out, records, clean, &|s| paint.bold(s));
    }

    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("diagnostics"));
        for d in &report.diagnostics {
            let line = d
                .line
                .map(|l| format!(" (config line {l})"))
                .unwrap_or_default();
            let level = if d.level == "error" {
                paint.status(Status::Fail, &clean(&d.level))
            } else {
                paint.status(Status::Manual, &clean(&d.level))
            };
            let _ = writeln!(
                out,
                "  {level}[{}]: {}{line}",
                clean(&d.code),
                clean(&d.message)
            );
        }
    }

    if let Some(review) = &report.log_review {
        log_review(out, review, paint);
    }

    out.push('\n');
    let verdict = if c.fail == 0 {
        paint.status(Status::Pass, "no unwaived failures")
    } else {
        paint.status(
            Status::Fail,
            &format!(
                "{} unwaived {} ({})",
                c.fail,
                plural(c.fail, "failure", "failures"),
                severities(report)
            ),
        )
    };
    let mut tail = Vec::new();
    if c.error > 0 {
        tail.push(format!(
            "{} not evaluated: the scan is incomplete",
            paint.count(Status::Error, c.error)
        ));
    }
    if c.manual > 0 {
        tail.push(format!(
            "{} need a manual attestation",
            paint.count(Status::Manual, c.manual)
        ));
    }
    if c.waived > 0 {
        tail.push(format!("{} waived", c.waived));
    }
    let tail = if tail.is_empty() {
        String::new()
    } else {
        format!("; {}", tail.join("; "))
    };
    let _ = writeln!(out, "{} {verdict}{tail}", paint.bold("verdict:"));
}

/// The CloudTrail log review block.
fn log_review(out: &mut String, review: &LogReview, paint: Paint) {
    let _ = writeln!(out, "\n{}", paint.bold("log review"));
    let period = match (&review.first_event, &review.last_event) {
        (Some(first), Some(last)) => format!("{} to {}", clean(first), clean(last)),
        _ => "no events".to_string(),
    };
    let _ = writeln!(
        out,
        "  period     {period}; reviewed {}",
        review.reviewed_at
    );
    let _ = writeln!(
        out,
        "  read       {} {} from {}: {} {} ({} unreadable, {} {} skipped)",
        review.files_read,
        plural(review.files_read, "file", "files"),
        review
            .inputs
            .iter()
            .map(|i| clean(i))
            .collect::<Vec<_>>()
            .join(", "),
        review.events,
        plural(review.events as usize, "event", "events"),
        review.files_unreadable,
        review.records_skipped,
        plural(review.records_skipped, "record", "records"),
    );
    let severities: Vec<String> = review
        .hits_by_severity
        .iter()
        .map(|s| format!("{} {}", s.hits, s.severity.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "  hits       {} from {} of {} rules{}",
        review.hits,
        review.rules_fired,
        review.rules,
        if severities.is_empty() {
            String::new()
        } else {
            format!(" ({})", severities.join(" · "))
        }
    );
    let width = review
        .top_rules
        .iter()
        .map(|r| r.rule_id.chars().count())
        .max()
        .unwrap_or(0);
    for (i, rule) in review.top_rules.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}  {:>5}  {:<8}  {:<width$}  {}",
            if i == 0 { "top rules" } else { "         " },
            rule.hits,
            rule.severity.as_str(),
            clean(&rule.rule_id),
            clean(&rule.title),
        );
    }
    if review.phi_touched.is_empty() {
        let _ = writeln!(
            out,
            "  PHI        no flagged event touched one of the {} PHI {}",
            review.phi_resources,
            plural(review.phi_resources, "resource", "resources")
        );
    }
    for (i, touched) in review.phi_touched.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {} {} {} on {} ({})",
            if i == 0 { "PHI       " } else { "          " },
            touched.hits,
            plural(touched.hits, "hit", "hits"),
            clean(&touched.resource),
            touched
                .rules
                .iter()
                .map(|r| clean(r))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for note in &review.notes {
        let _ = writeln!(out, "  note       {}", clean(note));
    }
}

/// `1 critical · 2 high (2 on PHI resources)` or `none`.
fn severities(report: &Report<'_>) -> String {
    let s = &report.summary;
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            s.failures_by_severity
                .get(sev)
                .filter(|n| **n > 0)
                .map(|n| format!("{n} {sev}"))
        })
        .collect();
    if parts.is_empty() {
        return "none".to_string();
    }
    let phi = if s.phi_failures > 0 {
        format!(", {} on PHI resources", s.phi_failures)
    } else {
        String::new()
    };
    format!("{}{phi}", parts.join(" · "))
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// A table of counts per group: key, title (if `with_title`), pass, fail, error, manual,
/// waived. Groups without results show `-` (seed areas no selected control covers).
fn section_table(
    out: &mut String,
    heading: &str,
    key_header: &str,
    rows: &[GroupCounts],
    with_title: bool,
    paint: Paint,
) {
    let _ = writeln!(out, "\n{}", paint.bold(heading));
    if rows.is_empty() {
        let _ = writeln!(out, "  (no results)");
        return;
    }
    let keys: Vec<String> = rows
        .iter()
        .map(|g| {
            if with_title {
                clean(&g.key)
            } else {
                clean(&g.title)
            }
        })
        .collect();
    let titles: Vec<String> = rows.iter().map(|g| clean(&g.title)).collect();
    let key_width = keys
        .iter()
        .map(|k| k.chars().count())
        .chain([key_header.len()])
        .max()
        .unwrap_or(0);
    let title_width = if with_title {
        titles
            .iter()
            .map(|t| t.chars().count())
            .chain(["title".len()])
            .max()
            .unwrap_or(0)
            + 2
    } else {
        0
    };
    let title_header = if with_title { "title" } else { "" };
    let _ = writeln!(
        out,
        "  {key_header:<key_width$}  {title_header:<title_width$}{:>5} {:>5} {:>6} {:>7} {:>7}",
        "pass", "fail", "error", "manual", "waived"
    );
    for ((g, key), title) in rows.iter().zip(&keys).zip(&titles) {
        let title = if with_title { title.as_str() } else { "" };
        let _ = write!(out, "  {key:<key_width$}  {title:<title_width$}");
        let Counts {
            pass,
            fail,
            error,
            manual,
            waived,
            not_applicable,
        } = &g.counts;
        if pass + fail + error + manual + waived + not_applicable == 0 {
            let _ = writeln!(
                out,
                "{:>5} {:>5} {:>6} {:>7} {:>7}",
                "-", "-", "-", "-", "-"
            );
            continue;
        }
        // Pad before painting so escape codes do not break the alignment.
        let cell = |status: Status, n: usize, width: usize| {
            let text = format!("{n:>width$}");
            if n == 0 {
                text
            } else {
                paint.status(status, &text)
            }
        };
        let _ = writeln!(
            out,
            "{} {} {} {} {}",
            cell(Status::Pass, *pass, 5),
            cell(Status::Fail, *fail, 5),
            cell(Status::Error, *error, 6),
            cell(Status::Manual, *manual, 7),
            cell(Status::Waived, *waived, 7),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    /// The fast path (texts without control characters copied whole) agrees with escaping
    /// every control character, C1 ones (U+0080 to U+009F) and DEL included, and leaves other
    /// characters encoded with the same lead byte (U+00A0 to U+00BF) alone.
    #[test]
    fn clean_escapes_every_control_character_only() {
        let reference = |text: &str| -> String {
            text.chars()
                .flat_map(|c| {
                    let escaped: Vec<char> = if c.is_control() {
                        c.escape_default().collect()
                    } else {
                        vec![c]
                    };
                    escaped
                })
                .collect()
        };
        for text in [
            "",
            "arn:aws:s3:::plain-bucket",
            "© 2026 clinic · naïve",
            "evil\u{1b}[2J\rbucket",
            "del\u{7f}",
            "csi\u{9b}31m",
            "nel\u{85}line",
            "nbsp\u{a0}ok",
        ] {
            assert_eq!(clean(text), reference(text), "{text:?}");
        }
        assert_eq!(clean("csi\u{9b}31m"), "csi\\u{9b}31m");
        assert_eq!(clean("nbsp\u{a0}ok"), "nbsp\u{a0}ok");
    }
}
