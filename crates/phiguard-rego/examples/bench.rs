//! Times catalogue evaluation with and without custom Rego controls on one inventory file
//! (a figure for a person to read, not a test):
//!
//! ```text
//! cargo run --release -p phiguard-rego --example bench -- bench-out/inventory-1000000.json examples/rego
//! ```
//!
//! Prints wall and CPU seconds of `Inventory::from_json`, then of `evaluate` over the built-in
//! catalogue, the catalogue plus the Rego controls of the folder, and the Rego controls alone.

use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use phiguard_controls::{CATALOGUE, Control, Settings};
use phiguard_model::Inventory;

/// User + system CPU seconds of this process so far (Linux `/proc/self/stat`); 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> io::Result<()> {
    let mut out = io::stdout().lock();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(dir)) = (args.first(), args.get(1)) else {
        writeln!(out, "usage: bench INVENTORY.json REGO_DIR")?;
        return Ok(());
    };
    let custom = phiguard_rego::load_dir(Path::new(dir)).map_err(|errors| {
        io::Error::other(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let settings = Settings::at(
        "2026-06-01T00:00:00Z"
            .parse()
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
    );
    let time = |what: &str, f: &mut dyn FnMut() -> usize| {
        let (wall, cpu) = (Instant::now(), cpu_seconds());
        let n = f();
        (
            what.to_string(),
            wall.elapsed().as_secs_f64(),
            cpu_seconds() - cpu,
            n,
        )
    };
    let bytes = std::fs::read(file)?;
    let mut inventory = None;
    let parse = time("from_json", &mut || {
        inventory = Inventory::from_json(&bytes).ok();
        inventory.as_ref().map_or(0, |i| i.resources.len())
    });
    let Some(inventory) = inventory else {
        writeln!(out, "cannot parse {file}")?;
        return Ok(());
    };
    drop(bytes);
    let with: Vec<&'static Control> = CATALOGUE
        .iter()
        .copied()
        .chain(custom.iter().copied())
        .collect();
    let run = |catalogue: &[&'static Control]| {
        let result = phiguard_controls::evaluate(&inventory, &settings, catalogue);
        result.outcomes.len()
    };
    let rows = [
        parse,
        time(
            &format!("catalogue ({} controls)", CATALOGUE.len()),
            &mut || run(CATALOGUE),
        ),
        time(&format!("catalogue + {} rego", custom.len()), &mut || {
            run(&with)
        }),
        time(&format!("{} rego alone", custom.len()), &mut || {
            run(&custom)
        }),
    ];
    writeln!(
        out,
        "{:<32} {:>8} {:>8} {:>10}",
        "stage", "wall s", "cpu s", "items"
    )?;
    for (what, wall, cpu, n) in rows {
        writeln!(out, "{what:<32} {wall:8.3} {cpu:8.3} {n:>10}")?;
    }
    Ok(())
}
