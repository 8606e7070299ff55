//! The `phiguard` command. Everything happens in the library; see `phiguard::run`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    phiguard::run(phiguard::Cli::parse()).into()
}
