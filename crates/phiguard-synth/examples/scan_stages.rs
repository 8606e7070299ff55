//! Times each stage of an offline scan on one inventory file, to see where `phiguard scan`
//! spends its time beyond deserialisation:
//!
//! ```text
//! cargo run --release -p phiguard-synth --example scan_stages -- bench-out/inventory-1000000.json
//! ```
//!
//! With `--per-control` it lists the controls that take the most CPU time; with `--digest`
//! it prints the number of results per status and per control and a hash of every result
//! (control, subject, status, reason, evidence, severity) and of the JSON report, to check
//! that an optimisation leaves the results unchanged.
//!
//! Stages: read the file, `Inventory::from_json`, `phiguard_controls::evaluate` (whole
//! catalogue), `phiguard_report::build`, the JSON and text renderers (to a buffered sink),
//! then the drops.

use std::io::{self, BufWriter, Write};
use std::time::Instant;

use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::Inventory;

/// CPU time of this process so far, all threads: the sum of the run times of its threads in
/// nanoseconds (Linux `/proc/self/task/*/schedstat`), else user + system time from
/// `/proc/self/stat` in ticks of 1/100 s; 0 elsewhere. Less disturbed than wall time on a busy
/// machine.
fn cpu_seconds() -> f64 {
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        let mut ns = 0u64;
        let mut any = false;
        for task in tasks.flatten() {
            let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) else {
                continue;
            };
            if let Some(run) = stat
                .split_whitespace()
                .next()
                .and_then(|f| f.parse::<u64>().ok())
            {
                ns += run;
                any = true;
            }
        }
        if any {
            return ns as f64 / 1e9;
        }
    }
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> io::Result<()> {
    let mut out = io::stdout().lock();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let per_control = args.iter().any(|a| a == "--per-control");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")).cloned() else {
        writeln!(out, "usage: scan_stages FILE [--per-control]")?;
        return Ok(());
    };
    let mut at = Instant::now();
    let mut cpu_at = cpu_seconds();
    writeln!(out, "{:>12}  {:>8}  {:>8}", "stage", "wall s", "cpu s")?;
    let mut lap = |out: &mut dyn Write, what: &str| -> io::Result<()> {
        let now = Instant::now();
        let cpu = cpu_seconds();
        writeln!(
            out,
            "{what:>12}  {:8.3}  {:8.3}",
            (now - at).as_secs_f64(),
            cpu - cpu_at
        )?;
        at = now;
        cpu_at = cpu;
        Ok(())
    };
    let bytes = std::fs::read(&path)?;
    lap(&mut out, "read")?;
    let inventory = Inventory::from_json(&bytes).map_err(io::Error::other)?;
    lap(&mut out, "from_json")?;
    drop(bytes);
    lap(&mut out, "drop bytes")?;
    let settings = Settings::at(
        phiguard_synth::GENERATED_AT
            .parse()
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
    );
    if per_control {
        return time_controls(&mut out, &inventory, &settings);
    }
    if args.iter().any(|a| a == "--digest") {
        return digest(&mut out, &inventory, &settings);
    }
    let result = phiguard_controls::evaluate(&inventory, &settings, CATALOGUE);
    lap(&mut out, "evaluate")?;
    let report = phiguard_report::build(&result, &inventory, &settings, "bench");
    lap(&mut out, "build")?;
    let mut sink = BufWriter::with_capacity(1 << 20, io::sink());
    phiguard_report::json::render(&report, &mut sink)?;
    sink.flush()?;
    lap(&mut out, "render json")?;
    let mut sink = BufWriter::with_capacity(1 << 20, io::sink());
    phiguard_report::text::render(
        &report,
        &mut sink,
        &phiguard_report::RenderOptions::default(),
    )?;
    sink.flush()?;
    lap(&mut out, "render text")?;
    let results = report.results.len();
    drop(report);
    drop(result);
    lap(&mut out, "drop results")?;
    drop(inventory);
    lap(&mut out, "drop inv")?;
    writeln!(out, "{results} results")?;
    Ok(())
}

/// Evaluates each control alone (one thread: the engine's rayon pool has one control to run)
/// and lists the slowest by CPU time (steadier than wall time on a shared machine), net of the
/// per-scan index the engine builds every time.
fn time_controls(
    out: &mut dyn Write,
    inventory: &Inventory,
    settings: &Settings,
) -> io::Result<()> {
    let time = |catalogue: &[&'static phiguard_controls::Control]| {
        let start = cpu_seconds();
        let result = phiguard_controls::evaluate(inventory, settings, catalogue);
        let n = result.outcomes.len();
        drop(result);
        (cpu_seconds() - start, n)
    };
    let (base, _) = time(&[]);
    let mut rows: Vec<(f64, usize, &str)> = CATALOGUE
        .iter()
        .map(|c| {
            let (t, n) = time(&[*c]);
            ((t - base).max(0.0), n, c.id())
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = rows.iter().map(|r| r.0).sum();
    writeln!(out, "index build (every evaluate call): {base:.4} CPU s")?;
    writeln!(out, "sum over {} controls: {total:.4} CPU s", rows.len())?;
    let top = std::env::var("TOP")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(15);
    for (t, n, id) in rows.iter().take(top) {
        writeln!(out, "{id:>18}  {t:8.4} s  {n:>9} results")?;
    }
    Ok(())
}

/// Hashes what is written to it, and counts the bytes.
struct HashWriter(std::hash::DefaultHasher, usize);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        use std::hash::Hasher;
        self.0.write(buf);
        self.1 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Counts per status, per control, a hash of every outcome in order, and a hash of the JSON
/// report.
fn digest(out: &mut dyn Write, inventory: &Inventory, settings: &Settings) -> io::Result<()> {
    use std::collections::BTreeMap;
    use std::hash::{DefaultHasher, Hash, Hasher};

    let result = phiguard_controls::evaluate(inventory, settings, CATALOGUE);
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_control: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut hasher = DefaultHasher::new();
    for o in &result.outcomes {
        let status = o.evaluation.status.as_str();
        *by_status.entry(status).or_default() += 1;
        *by_control
            .entry(o.control.id())
            .or_default()
            .entry(status)
            .or_default() += 1;
        o.control.id().hash(&mut hasher);
        format!("{:?}", o.evaluation).hash(&mut hasher);
        format!("{:?}", o.severity).hash(&mut hasher);
    }
    writeln!(
        out,
        "{} results, hash {:016x}",
        result.outcomes.len(),
        hasher.finish()
    )?;
    // The whole report as JSON (the wire model holds every field any format shows).
    let report = phiguard_report::build(&result, inventory, settings, "bench");
    let mut json = HashWriter(DefaultHasher::new(), 0);
    phiguard_report::json::render(&report, &mut json)?;
    writeln!(
        out,
        "JSON report: {} bytes, hash {:016x}",
        json.1,
        json.0.finish()
    )?;
    for (status, n) in &by_status {
        writeln!(out, "{status:>16} {n:>9}")?;
    }
    for (id, counts) in &by_control {
        let counts: Vec<String> = counts.iter().map(|(s, n)| format!("{s}={n}")).collect();
        writeln!(out, "{id} {}", counts.join(" "))?;
    }
    Ok(())
}
