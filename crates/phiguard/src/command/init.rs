//! `phiguard init [--force] [PATH]`: write the commented configuration template.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};

use crate::cli::InitArgs;
use crate::config::TEMPLATE;
use crate::{Error, Exit, Term};

/// Runs `phiguard init`.
pub fn run(args: &InitArgs, term: &mut Term<'_>) -> Result<Exit, Error> {
    if args.path.as_os_str() == "-" {
        term.out.write_all(TEMPLATE.as_bytes())?;
        term.out.flush()?;
        return Ok(Exit::Clean);
    }
    let mut options = OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // Refuses atomically: no window between "does it exist?" and writing.
        options.create_new(true);
    }
    let written = options
        .open(&args.path)
        .and_then(|mut file| file.write_all(TEMPLATE.as_bytes()));
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            return Err(Error::InitExists {
                path: args.path.clone(),
            });
        }
        Err(source) => {
            return Err(Error::Write {
                path: args.path.clone(),
                source,
            });
        }
    }
    writeln!(
        term.err,
        "wrote `{}` with every option and its default; `phiguard scan` reads \
         `./phiguard.toml`, or pass `--config FILE`",
        args.path.display()
    )?;
    Ok(Exit::Clean)
}
