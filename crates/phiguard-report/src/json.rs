//! JSON v1: the wire model as is.

use std::io;

use crate::wire::Report;

/// Writes the report as pretty JSON followed by a newline.
pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
