//! phiguard's reports: one frozen, versioned wire model ([`Report`], JSON v1) built from a
//! scan, and one renderer per format, each in its own file. Libraries never print: renderers
//! write to the `io::Write` they are given.

pub mod catalog;
pub mod coverage;
pub mod csv;
pub mod evidence;
pub mod html;
pub mod html_records;
pub mod json;
pub mod matrix;
pub mod ocsf;
pub mod text;
mod text_records;
mod view;
pub mod wire;

use std::io;

pub use wire::{LogReview, Report, ResultV1, Summary, build};

/// Output formats of `phiguard scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Cargo-style findings and summaries for a terminal.
    Text,
    /// The wire model, JSON v1.
    Json,
    /// One row per result.
    Csv,
    /// One self-contained offline HTML file.
    Html,
    /// OCSF Compliance Finding events (JSON array).
    Ocsf,
}

impl Format {
    /// Parses a format name.
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "terminal" => Some(Format::Text),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "html" => Some(Format::Html),
            "ocsf" => Some(Format::Ocsf),
            _ => None,
        }
    }
}

/// Rendering options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours (text only).
    pub color: bool,
    /// Text: also list passing and not-applicable results.
    pub verbose: bool,
}

/// Renders a report in a format.
pub fn render(
    format: Format,
    report: &Report<'_>,
    out: &mut dyn io::Write,
    options: &RenderOptions,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, out, options),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Html => html::render(report, out),
        Format::Ocsf => ocsf::render(report, out),
    }
}
