//! The records side of a scan (`phiguard scan --db` / `--database-url`, and the demo): read
//! the records snapshot the controls evaluate, and store the scan afterwards (results, the
//! report's SHA-256, the JSON report as evidence linked to the controls).

use jiff::Timestamp;
use phiguard_model::Records;
use phiguard_report::Report;
use phiguard_store::scan::{Scan, ScanCounts, ScanResultRow};
use phiguard_store::{Ctx, Location, Store, StoreError};

use crate::command::records::StoreArgs;
use crate::config::ConfigWarning;
use crate::{Error, Term};

/// The records store a scan uses, when one was given.
pub struct ScanRecords {
    /// The open store; `None` when it could not be opened or read.
    pub store: Option<Store>,
    /// Who is acting.
    pub ctx: Ctx,
    /// What the controls see.
    pub records: Records,
}

/// A store location for reports and messages (a path, or the URL with its password hidden).
pub fn describe(location: &Location) -> String {
    match location {
        Location::Sqlite(path) => path.display().to_string(),
        Location::Postgres { url, .. } => phiguard_store::db::redact_url(url),
    }
}

/// Whether the scan was given a records store (`--db` or `--database-url`; the environment
/// and the default file are not used by a scan, so that a scan never reads or writes records
/// it was not asked to).
pub fn given(args: &StoreArgs) -> bool {
    args.db.is_some() || args.database_url.is_some()
}

/// Opens the store and reads the snapshot. A store that cannot be opened or read is not a
/// usage error: the records controls report `error`, and a warning says why.
pub fn open(args: &StoreArgs, now: Timestamp, term: &mut Term<'_>) -> Result<ScanRecords, Error> {
    let location = args.location()?;
    let source = describe(&location);
    let ctx = args.ctx(now);
    let opened =
        args.open_for_write(now).and_then(|mut store| {
            match phiguard_store::snapshot::load(&mut store, &source, now) {
                Ok(snapshot) => Ok((store, snapshot)),
                Err(e) => Err(e.into()),
            }
        });
    match opened {
        Ok((store, snapshot)) => Ok(ScanRecords {
            store: Some(store),
            ctx,
            records: Records::Loaded(Box::new(snapshot)),
        }),
        Err(e) => {
            let message = e.to_string();
            term.diagnostic(&ConfigWarning {
                code: "records-unreadable",
                message: format!("cannot read the records database `{source}`: {message}"),
                line: None,
                span: None,
                label: None,
                help: Some(
                    "the records controls are reported as `error` and the scan is not stored; check `--db` or `--database-url`"
                        .into(),
                ),
            })?;
            Ok(ScanRecords {
                store: None,
                ctx,
                records: Records::Unreadable { source, message },
            })
        }
    }
}

/// The stored form of a report's results.
pub fn scan_of(report: &Report<'_>) -> Scan {
    let mut counts = ScanCounts::default();
    let results = report
        .results
        .iter()
        .map(|r| {
            let status = r.status.as_str();
            counts.add(status);
            ScanResultRow {
                control: r.control_id.to_string(),
                resource: r.resource.to_string(),
                account: r.account.to_string(),
                status: status.to_string(),
                severity: r.severity.as_str().to_string(),
                reason: r.reason.to_string(),
            }
        })
        .collect();
    Scan {
        scan_time: report.scan_time.to_string(),
        tool_version: report.tool.version.clone(),
        source: if report.inventory.description.is_empty() {
            report.inventory.source.clone()
        } else {
            format!(
                "{}: {}",
                report.inventory.source, report.inventory.description
            )
        },
        accounts: report.accounts.iter().map(|a| a.id.clone()).collect(),
        report_sha256: String::new(),
        evidence_id: None,
        counts,
        results,
        resources: None,
    }
}

/// Stores the scan; says what was stored on standard error.
pub fn store(
    records: &mut ScanRecords,
    report: &Report<'_>,
    term: &mut Term<'_>,
) -> Result<(), Error> {
    store_with_resources(records, report, None, term)
}

/// [`store`], with the resources continuous monitoring watches (`phiguard monitor`).
pub fn store_with_resources(
    records: &mut ScanRecords,
    report: &Report<'_>,
    resources: Option<Vec<phiguard_store::scan::ScanResource>>,
    term: &mut Term<'_>,
) -> Result<(), Error> {
    let Some(store) = records.store.as_mut() else {
        return Ok(());
    };
    let mut json = Vec::new();
    phiguard_report::json::render(report, &mut json)
        .map_err(|e| StoreError::corrupt(format!("cannot serialise the report: {e}")))?;
    let controls: Vec<String> = report.controls.iter().map(|c| c.id.clone()).collect();
    let mut scan = scan_of(report);
    scan.resources = resources;
    let stored = store.write(&records.ctx, |tx| {
        phiguard_store::scan::store(tx, scan, &json, &controls)
    })?;
    writeln!(
        term.err,
        "stored scan {} ({} results; report sha256 {} kept as evidence {})",
        stored.id,
        stored.record.results.len(),
        stored.record.report_sha256,
        stored.record.evidence_id.as_deref().unwrap_or("-")
    )?;
    Ok(())
}
