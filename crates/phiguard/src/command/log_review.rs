//! `phiguard scan --trail PATH...`: CloudTrail log review added to the compliance report
//! (detections over the period, last review date).

use std::path::PathBuf;

use clap::Args;
use jiff::Timestamp;
use phiguard_model::Inventory;
use phiguard_report::Report;

use crate::{Error, Term};

/// The flags of the log review.
#[derive(Debug, Args)]
pub struct LogReviewArgs {
    /// Review these CloudTrail logs (files or folders) and add a "log review" section to the
    /// report.
    #[arg(long = "trail", value_name = "PATH", help_heading = "Log review")]
    pub trail: Vec<PathBuf>,
}

/// Runs the review when `--trail` was given and adds its section to the report.
pub fn attach(
    args: &LogReviewArgs,
    inventory: &Inventory,
    now: Timestamp,
    report: &mut Report<'_>,
    term: &mut Term<'_>,
) -> Result<(), Error> {
    let _ = (inventory, now, report, term);
    if args.trail.is_empty() {
        return Ok(());
    }
    Err(Error::NotBuilt("--trail"))
}
