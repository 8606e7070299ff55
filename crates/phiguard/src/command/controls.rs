//! `phiguard controls list` and `phiguard controls explain ID|SLUG`.

use phiguard_controls::CATALOGUE;
use phiguard_report::catalog;

use crate::cli::{ControlsCommand, ListFormat};
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
    };
    term.out.write_all(text.as_bytes())?;
    term.out.flush()?;
    Ok(Exit::Clean)
}
