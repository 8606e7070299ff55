//! Project tasks: `cargo xtask gen` regenerates everything generated from code (control docs,
//! the catalogue table, the inventory JSON Schema); `cargo xtask gen --check` fails when any
//! of it is stale (CI runs it); `cargo xtask new-control SERVICE SLUG` starts a control.

#![expect(
    clippy::print_stdout,
    reason = "a developer tool that reports to the terminal"
)]

mod generate;
mod new_control;

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["gen"] => generate::run(false),
        ["gen", "--check"] => generate::run(true),
        ["new-control", service, slug] => new_control::run(service, slug),
        _ => bail!(
            "usage:\n  cargo xtask gen            regenerate docs/ from code\n  cargo xtask gen --check    fail if docs/ is stale\n  cargo xtask new-control SERVICE SLUG"
        ),
    }
}

/// The workspace root.
fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}
