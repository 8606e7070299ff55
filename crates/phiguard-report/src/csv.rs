//! CSV: one row per result (RFC 4180, streamed), for spreadsheets and data tools.
//!
//! Compliance officers open these files in Excel, and resource names, tags and reasons come
//! from the scanned accounts: a cell that starts with `=`, `+`, `-`, `@`, tab or carriage
//! return would be read as a formula there, so it gets a leading `'` (OWASP's advice on CSV
//! injection).

use std::borrow::Cow;
use std::io;

use crate::wire::Report;

/// The header row.
pub const HEADER: [&str; 14] = [
    "control_id",
    "control_slug",
    "status",
    "severity",
    "phi",
    "account",
    "region",
    "resource",
    "resource_kind",
    "reason",
    "evidence",
    "waiver_reason",
    "waiver_approved_by",
    "waiver_expires",
];

/// Writes one row per result, in report order.
pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(HEADER)?;
    let mut evidence = Vec::new();
    for r in &report.results {
        evidence.clear();
        serde_json::to_writer(&mut evidence, &r.evidence)?;
        let evidence = String::from_utf8_lossy(&evidence);
        let waiver = r.waiver.as_ref();
        let record: [Cow<'_, str>; 14] = [
            guard(&r.control_id),
            guard(&r.control_slug),
            Cow::Borrowed(r.status.as_str()),
            Cow::Borrowed(r.severity.as_str()),
            Cow::Borrowed(if r.phi { "true" } else { "false" }),
            guard(&r.account),
            guard(&r.region),
            guard(&r.resource),
            guard(r.resource_kind.as_deref().unwrap_or("")),
            guard(&r.reason),
            guard(&evidence),
            guard(waiver.map_or("", |w| w.reason.as_str())),
            guard(waiver.map_or("", |w| w.approved_by.as_str())),
            guard(waiver.map_or("", |w| w.expires.as_str())),
        ];
        writer.write_record(record.iter().map(|c| c.as_bytes()))?;
    }
    writer.flush()?;
    Ok(())
}

/// Prefixes `'` to a cell a spreadsheet would evaluate as a formula.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}
