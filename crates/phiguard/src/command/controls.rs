//! `phiguard controls list`, `phiguard controls explain ID|SLUG` and `phiguard controls
//! coverage`. `list` and `explain` include the custom Rego controls of the configuration's
//! `[custom_controls] dir` (`--config`, else `./phiguard.toml` when it exists).

use jiff::Timestamp;
use phiguard_controls::coverage::Coverage;
use phiguard_controls::{CATALOGUE, Control};
use phiguard_report::{catalog, coverage};

use crate::cli::{ControlsCommand, ControlsConfigArgs, CoverageFormat, ListFormat};
use crate::command::scan;
use crate::{Error, Exit, Term};

/// The custom controls of the configuration, if it names a folder of them.
fn custom(args: &ControlsConfigArgs, now: Timestamp) -> Result<Vec<&'static Control>, Error> {
    // The clock only dates waiver warnings, which these commands do not print.
    let loaded = scan::load_config(args.config.as_deref(), args.no_config, now)?;
    scan::custom_controls(loaded.as_ref())
}

/// Runs `phiguard controls ...`.
pub fn run(command: &ControlsCommand, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let text = match command {
        ControlsCommand::List { format, config } => {
            let format = match format {
                ListFormat::Table => catalog::ListFormat::Table,
                ListFormat::Json => catalog::ListFormat::Json,
                ListFormat::Csv => catalog::ListFormat::Csv,
                ListFormat::Md => catalog::ListFormat::Md,
            };
            let custom = custom(config, now)?;
            if custom.is_empty() {
                catalog::list(format, CATALOGUE)
            } else {
                let all: Vec<&'static Control> = CATALOGUE.iter().copied().chain(custom).collect();
                catalog::list(format, &all)
            }
        }
        ControlsCommand::Explain { control, config } => {
            let found = match phiguard_controls::find(control) {
                Some(found) => found,
                None => custom(config, now)?
                    .into_iter()
                    .find(|c| {
                        c.id().eq_ignore_ascii_case(control.trim())
                            || c.slug().eq_ignore_ascii_case(control.trim())
                    })
                    .ok_or_else(|| Error::unknown_control(control))?,
            };
            catalog::explain(found)
        }
        ControlsCommand::Coverage { format } => {
            let format = match format {
                CoverageFormat::Table => coverage::CoverageFormat::Table,
                CoverageFormat::Json => coverage::CoverageFormat::Json,
                CoverageFormat::Md => coverage::CoverageFormat::Md,
            };
            coverage::render(format, &Coverage::of_catalogue())
        }
    };
    term.out.write_all(text.as_bytes())?;
    term.out.flush()?;
    Ok(Exit::Clean)
}
