//! JSON v1: the wire model as is, streamed to the writer (never built as one string).

use std::io::{self, BufWriter, Write};

use crate::wire::Report;

/// Writes the report as pretty JSON followed by a newline.
pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut w = BufWriter::new(out);
    serde_json::to_writer_pretty(&mut w, report)?;
    w.write_all(b"\n")?;
    w.flush()
}
