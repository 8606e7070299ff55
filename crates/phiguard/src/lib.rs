//! The `phiguard` command: command line ([`cli`]), configuration file ([`config`]),
//! inventory loading ([`inventory_io`]), diagnostics and exit codes ([`exit`]). The work is
//! done by the libraries (`phiguard-controls` evaluates, `phiguard-report` renders); this
//! crate is glue, and the one place that prints and reads the clock.

pub mod cli;
pub mod command;
pub mod config;
pub mod demo;
pub mod error;
pub mod exit;
pub mod inventory_io;
pub mod term;

use std::io::{self, IsTerminal};

use jiff::Timestamp;

pub use cli::Cli;
pub use error::Error;
pub use exit::Exit;
pub use term::Term;

/// The environment variable that overrides the clock (RFC 3339), for reproducible output.
pub const NOW_ENV: &str = "PHIGUARD_NOW";

/// Runs a parsed command line against the real terminal and clock; prints errors as miette
/// diagnostics. Returns how the process should exit.
pub fn run(cli: Cli) -> Exit {
    let stdout = io::stdout();
    let stderr = io::stderr();
    let colors = term::Colors::decide(cli.color, stdout.is_terminal(), stderr.is_terminal());
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let mut term = Term::new(&mut out, &mut err, colors, stderr.is_terminal());
    let result = clock().and_then(|now| command::run(cli.command, now, &mut term));
    match result {
        Ok(exit) => exit,
        Err(e) if e.is_broken_pipe() => Exit::Clean,
        Err(e) => {
            // If even stderr is gone there is nobody left to tell.
            let _ = term.error(&e);
            Exit::Usage
        }
    }
}

/// "Now": `PHIGUARD_NOW` if set, else the system clock. The one place the clock is read.
#[expect(clippy::disallowed_methods, reason = "the one place the clock is read")]
pub fn clock() -> Result<Timestamp, Error> {
    match std::env::var(NOW_ENV) {
        Ok(value) if !value.trim().is_empty() => {
            value.trim().parse().map_err(|e: jiff::Error| Error::Clock {
                value,
                message: e.to_string(),
            })
        }
        _ => Ok(Timestamp::now()),
    }
}
