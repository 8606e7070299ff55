//! `phiguard demo`: scan the bundled demo clinic with default settings, print a short
//! summary and the top failures, write the report (HTML by default). No config, no network.

use std::fmt::Write as _;

use jiff::Timestamp;
use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::{Severity, Status};
use phiguard_report::{Format, RenderOptions, Report};

use crate::cli::DemoArgs;
use crate::command::{VERSION, write_report_file};
use crate::{Error, Exit, Term, demo};

/// How many failures the summary lists.
const TOP: usize = 10;

/// Runs `phiguard demo`.
pub fn run(args: &DemoArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let inventory = demo::inventory(now);
    let settings = Settings::at(now);
    let result = phiguard_controls::evaluate(&inventory, &settings, CATALOGUE);
    let report = phiguard_report::build(&result, &inventory, &settings, VERSION);

    let format = Format::from(args.format);
    write_report_file(
        &args.output,
        format,
        &report,
        &RenderOptions {
            color: false,
            verbose: true,
        },
    )?;

    let color = term.colors.stdout;
    if args.verbose {
        phiguard_report::render(
            Format::Text,
            &report,
            &mut *term.out,
            &RenderOptions {
                color,
                verbose: false,
            },
        )?;
        writeln!(term.out)?;
    }
    let shown = std::path::absolute(&args.output).unwrap_or_else(|_| args.output.clone());
    let text = summary(&report, !args.verbose, color);
    write!(term.out, "{text}")?;
    writeln!(
        term.out,
        "\nreport: {} (opens offline in any browser)",
        shown.display()
    )?;
    term.out.flush()?;
    Ok(Exit::Clean)
}

/// A short summary of a report: what was scanned, counts, failures by severity and, when
/// `top` is set, the most severe failures.
pub fn summary(report: &Report<'_>, top: bool, color: bool) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let c = &s.results;
    let regions = report.regions.iter().filter(|r| *r != "global").count();
    let _ = writeln!(
        out,
        "phiguard demo: {}\n  {} account{}, {} region{} plus global services, {} resources",
        if report.inventory.description.is_empty() {
            "bundled demo inventory"
        } else {
            &report.inventory.description
        },
        report.accounts.len(),
        plural(report.accounts.len()),
        regions,
        plural(regions),
        report.inventory.resources,
    );
    let _ = writeln!(
        out,
        "\n{} controls, {} results: {} pass, {} fail, {} error, {} manual, {} waived, {} not applicable",
        s.controls,
        c.total(),
        c.pass,
        c.fail,
        c.error,
        c.manual,
        c.waived,
        c.not_applicable
    );
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let n = s.failures_by_severity.get(sev).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {}", paint(*sev, 0, color)))
        })
        .collect();
    if by_severity.is_empty() {
        let _ = writeln!(out, "no unwaived failures");
    } else {
        let _ = writeln!(
            out,
            "unwaived failures: {} ({} on PHI resources)",
            by_severity.join(", "),
            s.phi_failures
        );
    }
    if s.incomplete {
        let _ = writeln!(
            out,
            "incomplete: {} result{} could not be evaluated (data not collected)",
            c.error,
            plural(c.error)
        );
    }
    if !top {
        return out;
    }
    let mut failures: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .collect();
    // Most severe first, PHI before non-PHI, then catalogue order (the sort is stable).
    failures.sort_by_key(|r| (std::cmp::Reverse(r.severity), !r.phi));
    if !failures.is_empty() {
        let _ = writeln!(out, "\ntop failures:");
    }
    let shown = &failures[..failures.len().min(TOP)];
    let id_width = shown.iter().map(|r| r.control_id.len()).max().unwrap_or(0);
    let indent = " ".repeat(2 + 8 + 2 + id_width + 2);
    for r in shown {
        let _ = writeln!(
            out,
            "  {}  {:<id_width$}  {}{}\n{indent}{}",
            paint(r.severity, 8, color),
            r.control_id,
            r.resource,
            if r.phi { "  [PHI]" } else { "" },
            r.reason
        );
    }
    if failures.len() > TOP {
        let _ = writeln!(
            out,
            "  ... and {} more (`phiguard demo --verbose` lists every finding)",
            failures.len() - TOP
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The severity's name padded to `width` columns, coloured after padding so that alignment
/// survives the escape codes.
fn paint(severity: Severity, width: usize, color: bool) -> String {
    let text = severity.as_str();
    let pad = " ".repeat(width.saturating_sub(text.len()));
    if !color {
        return format!("{text}{pad}");
    }
    let code = match severity {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m{pad}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_report_summary(top: bool) -> String {
        let now: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        let inventory = demo::inventory(now);
        let settings = Settings::at(now);
        let result = phiguard_controls::evaluate(&inventory, &settings, CATALOGUE);
        let report = phiguard_report::build(&result, &inventory, &settings, "0.0.0");
        summary(&report, top, false)
    }

    #[test]
    fn summary_counts_and_lists_failures_most_severe_first() {
        let text = demo_report_summary(true);
        assert!(text.starts_with("phiguard demo: "), "{text}");
        assert!(text.contains(" controls, "), "{text}");
        assert!(!text.contains('\x1b'), "colour when not asked: {text}");
        let severities: Vec<Severity> = text
            .lines()
            .skip_while(|l| !l.starts_with("top failures:"))
            .skip(1)
            .filter_map(|l| Severity::parse(l.split_whitespace().next()?))
            .collect();
        let mut sorted = severities.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(severities, sorted, "{text}");
        let brief = demo_report_summary(false);
        assert!(!brief.contains("top failures:"), "{brief}");
    }

    #[test]
    fn paint_keeps_columns_aligned() {
        assert_eq!(paint(Severity::High, 8, false), "high    ");
        assert_eq!(paint(Severity::Critical, 0, false), "critical");
        let coloured = paint(Severity::High, 8, true);
        assert!(coloured.starts_with("\x1b[31mhigh\x1b[0m"));
        assert!(coloured.ends_with("    "));
    }
}
