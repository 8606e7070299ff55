//! `phiguard history`: the scans stored with `phiguard scan --db`, and the failures that are
//! new and those that were resolved between the last two (or `--from ID --to ID`).

use clap::Args;
use jiff::Timestamp;
use phiguard_store::StoreError;
use phiguard_store::record::Stored;
use phiguard_store::scan::{self, Change, History, Scan, ScanCounts};
use serde::Serialize;

use crate::command::records::{OutFormat, StoreArgs, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Where the records are.
    #[command(flatten)]
    pub store: StoreArgs,

    /// The earlier scan (`SCN-0001`) [default: the scan before `--to`].
    #[arg(long, value_name = "ID")]
    pub from: Option<String>,

    /// The later scan [default: the latest].
    #[arg(long, value_name = "ID")]
    pub to: Option<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
}

/// One stored scan, without its results.
#[derive(Debug, Serialize)]
struct ScanSummary<'a> {
    id: &'a str,
    scan_time: &'a str,
    stored_at: &'a str,
    stored_by: &'a str,
    source: &'a str,
    accounts: &'a [String],
    results: usize,
    counts: ScanCounts,
    report_sha256: &'a str,
    evidence_id: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    scans: Vec<ScanSummary<'a>>,
    comparison: Option<History>,
}

/// Runs `phiguard history`.
pub fn run(args: &HistoryArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let mut store = args.store.open(now)?;
    let scans: Vec<Stored<Scan>> = store.list()?;
    let pair = pick(&scans, args.from.as_deref(), args.to.as_deref())?;
    let comparison = pair.map(|(from, to)| scan::diff(from, to));
    let summaries = scans
        .iter()
        .map(|s| ScanSummary {
            id: &s.id,
            scan_time: &s.record.scan_time,
            stored_at: &s.created_at,
            stored_by: &s.created_by,
            source: &s.record.source,
            accounts: &s.record.accounts,
            results: s.record.results.len(),
            counts: s.record.counts,
            report_sha256: &s.record.report_sha256,
            evidence_id: s.record.evidence_id.as_deref(),
        })
        .collect();
    let output = Output {
        scans: summaries,
        comparison,
    };
    match args.format {
        OutFormat::Json => print_json(term, &output)?,
        OutFormat::Text => text(term, &output)?,
    }
    Ok(Exit::Clean)
}

fn find<'s>(scans: &'s [Stored<Scan>], id: &str) -> Result<&'s Stored<Scan>, Error> {
    scans
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(id.trim()))
        .ok_or_else(|| {
            StoreError::NotFound {
                kind: "scan",
                id: id.trim().to_string(),
                help: "scan ids look like `SCN-0001`; `phiguard history` lists the stored scans"
                    .into(),
            }
            .into()
        })
}

/// Two stored scans: the earlier, the later.
type Pair<'s> = (&'s Stored<Scan>, &'s Stored<Scan>);

/// The two scans to compare: `--from`/`--to`, else the last two; `None` with fewer than two.
fn pick<'s>(
    scans: &'s [Stored<Scan>],
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Option<Pair<'s>>, Error> {
    let to = match to {
        Some(id) => Some(find(scans, id)?),
        None => scans.last(),
    };
    let from = match from {
        Some(id) => Some(find(scans, id)?),
        None => to.and_then(|t| scans.iter().take_while(|s| s.id != t.id).last()),
    };
    match (from, to) {
        (Some(f), Some(t)) if f.id == t.id => Err(StoreError::invalid(
            "--from",
            format!(
                "`{}` is also the scan compared with (`--to`); give two scans",
                f.id
            ),
        )
        .into()),
        (Some(f), Some(t)) => Ok(Some((f, t))),
        _ => Ok(None),
    }
}

fn text(term: &mut Term<'_>, output: &Output<'_>) -> Result<(), Error> {
    if output.scans.is_empty() {
        writeln!(
            term.out,
            "no scan stored yet: `phiguard scan --db FILE` stores each scan"
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = output
        .scans
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.scan_time.to_string(),
                s.results.to_string(),
                s.counts.pass.to_string(),
                s.counts.fail.to_string(),
                s.counts.error.to_string(),
                s.counts.manual.to_string(),
                s.report_sha256
                    .get(..12)
                    .unwrap_or(s.report_sha256)
                    .to_string(),
                s.source.to_string(),
            ]
        })
        .collect();
    print_table(
        term,
        &[
            "SCAN",
            "SCANNED AT",
            "RESULTS",
            "PASS",
            "FAIL",
            "ERROR",
            "MANUAL",
            "REPORT",
            "SOURCE",
        ],
        &rows,
    )?;
    let Some(h) = &output.comparison else {
        writeln!(
            term.out,
            "\nonly one scan is stored: new and resolved failures need two"
        )?;
        return Ok(());
    };
    writeln!(
        term.out,
        "\n{} -> {}: {} new failure{}, {} resolved, {} still failing",
        h.from,
        h.to,
        h.new_failures.len(),
        if h.new_failures.len() == 1 { "" } else { "s" },
        h.resolved.len(),
        h.still_failing
    )?;
    changes(term, "new failures", &h.new_failures, "was")?;
    changes(term, "resolved", &h.resolved, "now")?;
    Ok(())
}

fn changes(term: &mut Term<'_>, title: &str, list: &[Change], word: &str) -> Result<(), Error> {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(term.out, "\n{title}:")?;
    for c in list {
        writeln!(
            term.out,
            "  {:<8}  {}  {} ({word} {})",
            c.severity, c.control, c.resource, c.other_status
        )?;
        if !c.reason.is_empty() {
            writeln!(term.out, "            {}", c.reason)?;
        }
    }
    Ok(())
}
