//! `phiguard controls list`, `phiguard controls explain ID|SLUG` and `phiguard controls
//! coverage`.

use phiguard_controls::CATALOGUE;
use phiguard_controls::coverage::Coverage;
use phiguard_report::{catalog, coverage};

use crate::cli::{ControlsCommand, CoverageFormat, ListFormat};
use crate::{Error, Exit, Term};

/// Runs `phiguard controls ...`.
pub fn run(command: &ControlsCommand, term: &mut Term<'_>) -> Result<Exit, Error> {
    let text = match command {
        ControlsCommand::List { format } => {
            let format = match format {
                ListFormat::Table => catalog::ListFormat::Table,
                ListFormat::Json => catalog::ListFormat::Json,
                ListFormat::Csv => catalog::ListFormat::Csv,
                ListFormat::Md => catalog::ListFormat::Md,
            };
            catalog::list(format, CATALOGUE)
        }
        ControlsCommand::Explain { control } => {
            let Some(found) = phiguard_controls::find(control) else {
                return Err(Error::unknown_control(control));
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
