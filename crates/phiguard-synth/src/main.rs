//! `phiguard-synth`: writes synthetic inventories and times their deserialisation.
//!
//! ```text
//! phiguard-synth generate N FILE [--seed S]   write an inventory of N resources (compact JSON)
//! phiguard-synth parse FILE                   read FILE into memory, deserialise it exactly as
//!                                             `phiguard scan` does, print the resource count
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str =
    "usage: phiguard-synth generate N FILE [--seed S]\n       phiguard-synth parse FILE\n";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match args.as_slice() {
        ["generate", n, file] => generate(n, file, "1"),
        ["generate", n, file, "--seed", seed] => generate(n, file, seed),
        ["parse", file] => parse(file),
        ["-h" | "--help" | "help"] => {
            let _ = io::stdout().write_all(USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        _ => {
            let _ = io::stderr().write_all(USAGE.as_bytes());
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(line) => {
            let _ = writeln!(io::stdout(), "{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            let _ = writeln!(io::stderr(), "error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn number(text: &str, what: &str) -> Result<u64, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("{what} must be a whole number, not `{text}`"))
}

fn generate(n: &str, path: &str, seed: &str) -> Result<String, String> {
    let n = usize::try_from(number(n, "N")?).map_err(|e| e.to_string())?;
    let seed = number(seed, "the seed")?;
    let file = File::create(path).map_err(|e| format!("cannot create `{path}`: {e}"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    phiguard_synth::write_json(n, seed, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write `{path}`: {e}"))?;
    Ok(format!("wrote {n} resources to {path}"))
}

fn parse(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    let inventory =
        phiguard_model::Inventory::from_json(&bytes).map_err(|e| format!("`{path}`: {e}"))?;
    Ok(format!("{} resources", inventory.resources.len()))
}
