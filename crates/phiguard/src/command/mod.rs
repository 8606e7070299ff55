//! One file per subcommand.

pub mod config_snapshot;
pub mod controls;
pub mod demo;
pub mod diff;
pub mod history;
pub mod iam_policy;
pub mod init;
pub mod live;
pub mod log_review;
pub mod monitor;
pub mod policy;
pub mod records;
pub mod scan;
pub mod serve;
pub mod source;
pub mod trail;
pub mod user;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use jiff::Timestamp;
use phiguard_report::{Format, RenderOptions, Report};

use crate::cli::Command;
use crate::{Error, Exit, Term};

/// Runs a command at `now`.
pub fn run(command: Command, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    match command {
        Command::Scan(args) => scan::run(&args, now, term),
        Command::Demo(args) => demo::run(&args, now, term),
        Command::Controls(c) => controls::run(&c, now, term),
        Command::Diff(args) => diff::run(&args, now, term),
        Command::Init(args) => init::run(&args, term),
        Command::IamPolicy(args) => iam_policy::run(&args, term),
        Command::Policy(c) => policy::run(&c, term),
        Command::Trail(c) => trail::run(&c, now, term),
        Command::History(args) => history::run(&args, now, term),
        Command::Monitor(c) => monitor::run(&c, now, term),
        Command::Serve(args) => serve::run(&args, now, term),
        Command::User(args) => user::run(&args, now, term),
        Command::Records(c) => records::run(c, now, term),
    }
}

/// The version reports carry.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Renders a report to a file.
pub(crate) fn write_report_file(
    path: &Path,
    format: Format,
    report: &Report<'_>,
    options: &RenderOptions,
) -> Result<(), Error> {
    let write = |path: &Path| -> std::io::Result<()> {
        let mut file = BufWriter::new(File::create(path)?);
        phiguard_report::render(format, report, &mut file, options)?;
        file.flush()
    };
    write(path).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}
