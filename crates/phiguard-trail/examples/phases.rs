//! Times the phases of a scan separately on the same files (profiling aid, not a test):
//! `cargo run --release -p phiguard-trail --example phases -- FILE...`
#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a profiling aid run by hand"
)]

use std::time::Instant;

use phiguard_trail::reader::{self, Buffer};

fn main() {
    let mut files: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    if files.first().is_some_and(|f| f.as_os_str() == "--compare") {
        files.remove(0);
        return compare(&files);
    }
    if files.first().is_some_and(|f| f.as_os_str() == "--only") {
        files.remove(0);
        let phase = files.remove(0);
        return only(phase.to_str().unwrap(), &files);
    }
    let mut buf = Buffer::new();
    let mut raw = Vec::new();
    // Compressed bytes in memory.
    let gz: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let t = Instant::now();
    let mut total = 0usize;
    for g in &gz {
        reader::load_bytes(g, 1 << 30, &mut buf).unwrap();
        total += buf.bytes().len();
    }
    let inflate = t.elapsed().as_secs_f64();
    println!(
        "inflate (load_bytes: libdeflate, whole member): {:.2}s {:.0} MB/s",
        inflate,
        total as f64 / 1e6 / inflate
    );
    let t = Instant::now();
    for g in &gz {
        use std::io::Read;
        raw.clear();
        flate2::bufread::MultiGzDecoder::new(&g[..])
            .read_to_end(&mut raw)
            .unwrap();
    }
    let streaming = t.elapsed().as_secs_f64();
    println!(
        "inflate (flate2/zlib-rs, streaming): {:.2}s {:.0} MB/s",
        streaming,
        total as f64 / 1e6 / streaming
    );
    // Keep decompressed copies of a few files for the parse phases.
    let mut parse = 0.0;
    let mut ignore = 0.0;
    let mut utf8 = 0.0;
    let mut skim = 0.0;
    let mut skimmed = Count(0, 0);
    let mut events = 0u64;
    for g in &gz {
        reader::load_bytes(g, 1 << 30, &mut buf).unwrap();
        raw.clear();
        raw.extend_from_slice(buf.bytes());
        let t = Instant::now();
        let text = std::str::from_utf8(&raw).unwrap();
        utf8 += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _: serde::de::IgnoredAny = serde_json::from_str(text).unwrap();
        ignore += t.elapsed().as_secs_f64();
        let t = Instant::now();
        reader::parse_records(&raw, |_| events += 1);
        parse += t.elapsed().as_secs_f64();
        let t = Instant::now();
        reader::parse_records_triaged(&raw, &mut skimmed);
        skim += t.elapsed().as_secs_f64();
    }
    let mb = total as f64 / 1e6;
    println!("utf8: {:.2}s {:.0} MB/s", utf8, mb / utf8);
    println!("serde IgnoredAny: {:.2}s {:.0} MB/s", ignore, mb / ignore);
    println!(
        "parse_records ({events} events): {:.2}s {:.0} MB/s",
        parse,
        mb / parse
    );
    println!(
        "skim only ({} events, {} parsed in full): {:.2}s {:.0} MB/s",
        skimmed.0,
        skimmed.1,
        skim,
        mb / skim
    );
}

/// Wants no record in full: the skim alone.
struct Count(u64, u64);

impl<'a> reader::Triage<'a> for Count {
    fn wants_full(&mut self, _: &phiguard_trail::Event<'a>) -> bool {
        false
    }
    fn light(&mut self, _: &phiguard_trail::Event<'a>) {
        self.0 += 1;
    }
    fn full(&mut self, _: phiguard_trail::Event<'a>) {
        self.0 += 1;
        self.1 += 1;
    }
}

/// Sees every event: forces the full parse of every record (the path before the skim).
pub struct Everything;

impl phiguard_trail::scan::Visitor for Everything {
    type State = ();
    fn start(&self) {}
    fn visit(&self, _: &mut (), _: &phiguard_trail::Event<'_>, _: &str, _: &[phiguard_trail::Hit]) {
    }
}

/// Scans with every built-in rule twice, skimming and not, and compares the outputs.
pub fn compare(files: &[std::path::PathBuf]) {
    use phiguard_trail::scan::{Input, ScanOptions, scan_with};
    let rules = || {
        let mut set = phiguard_trail::Ruleset::new();
        for rule in phiguard_trail::detect::builtin_rules() {
            set.add(rule);
        }
        for rule in phiguard_trail::sigma::bundled().0 {
            set.add(rule);
        }
        set
    };
    let options = ScanOptions::default();
    let inputs = || files.iter().cloned().map(Input::path).collect::<Vec<_>>();
    let t = Instant::now();
    let (skim, _) = scan_with(
        inputs(),
        &rules(),
        phiguard_trail::detect::builtin_analyzers(),
        &options,
        &(),
    );
    let skim_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (full, _) = scan_with(
        inputs(),
        &rules(),
        phiguard_trail::detect::builtin_analyzers(),
        &options,
        &Everything,
    );
    let full_s = t.elapsed().as_secs_f64();
    let same = serde_json::to_string(&skim).unwrap() == serde_json::to_string(&full).unwrap();
    println!(
        "compare: {} events, {} hits; skim {:.2}s, full {:.2}s; identical: {same}",
        skim.events,
        skim.hits.len(),
        skim_s,
        full_s
    );
    assert!(same, "outputs differ");
}

/// One phase alone over every file, for `perf stat` / `perf record`: `inflate` (libdeflate,
/// whole member), `zlib` (flate2/zlib-rs streaming), `skim` (inflate, then skim wanting
/// nothing), `triage` (inflate, then skim wanting what the built-in rules and analyzers
/// want, counting full parses), `scan` (the whole scan with every built-in rule, 1 thread
/// unless RAYON_NUM_THREADS says otherwise).
fn only(phase: &str, files: &[std::path::PathBuf]) {
    // The scans read the files themselves (and their peak memory is measured).
    let gz: Vec<Vec<u8>> = if phase.starts_with("scan") {
        Vec::new()
    } else {
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    };
    let mut buf = Buffer::new();
    let mut raw = Vec::new();
    let rules = {
        let mut set = phiguard_trail::Ruleset::new();
        for rule in phiguard_trail::detect::builtin_rules() {
            set.add(rule);
        }
        for rule in phiguard_trail::sigma::bundled().0 {
            set.add(rule);
        }
        set
    };
    let names: std::collections::HashSet<String> = phiguard_trail::detect::builtin_analyzers()
        .iter()
        .filter_map(|a| a.event_names())
        .flatten()
        .collect();
    let t = Instant::now();
    let mut total = 0usize;
    let mut count = Count(0, 0);
    let mut wanted = Wanted {
        rules: &rules,
        names: &names,
        light: 0,
        full: 0,
    };
    match phase {
        "scan" => {
            // Hits kept in a bounded store and streamed out as JSON (as a report would).
            use phiguard_trail::scan::{Input, ScanOptions, scan_sorted};
            let inputs = files.iter().cloned().map(Input::path).collect::<Vec<_>>();
            let (out, hits, _) = scan_sorted(
                inputs,
                &rules,
                phiguard_trail::detect::builtin_analyzers(),
                &ScanOptions::default(),
                &(),
                phiguard_trail::hits::DEFAULT_BUDGET,
            );
            let mut sink = std::io::sink();
            let mut written = 0u64;
            for hit in hits.iter().unwrap() {
                serde_json::to_writer(&mut sink, &hit.unwrap()).unwrap();
                written += 1;
            }
            total = out.bytes as usize;
            println!(
                "{} events, {} hits ({written} written), {} runs on disk",
                out.events,
                hits.len(),
                hits.runs()
            );
        }
        "scan-vec" => {
            // Every hit in memory (`ScanOutput::hits`), as `trail scan` does today.
            use phiguard_trail::scan::{Input, ScanOptions, scan_with};
            let inputs = files.iter().cloned().map(Input::path).collect::<Vec<_>>();
            let (out, _) = scan_with(
                inputs,
                &rules,
                phiguard_trail::detect::builtin_analyzers(),
                &ScanOptions::default(),
                &(),
            );
            total = out.bytes as usize;
            println!("{} events, {} hits", out.events, out.hits.len());
        }
        _ => {
            for g in &gz {
                if phase == "zlib" {
                    use std::io::Read;
                    raw.clear();
                    flate2::bufread::MultiGzDecoder::new(&g[..])
                        .read_to_end(&mut raw)
                        .unwrap();
                    total += raw.len();
                    continue;
                }
                reader::load_bytes(g, 1 << 30, &mut buf).unwrap();
                total += buf.bytes().len();
                match phase {
                    "skim" => {
                        reader::parse_records_triaged(buf.bytes(), &mut count);
                    }
                    "triage" => {
                        reader::parse_records_triaged(buf.bytes(), &mut wanted);
                    }
                    _ => {}
                }
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{phase}: {secs:.2}s wall, {:.0} MB/s; skim {} light / {} full; triage {} light / {} full",
        total as f64 / 1e6 / secs,
        count.0 - count.1,
        count.1,
        wanted.light,
        wanted.full
    );
}

/// Wants what the built-in rules and analyzers want.
struct Wanted<'r> {
    rules: &'r phiguard_trail::Ruleset,
    names: &'r std::collections::HashSet<String>,
    light: u64,
    full: u64,
}

impl<'a> reader::Triage<'a> for Wanted<'_> {
    fn wants_full(&mut self, light: &phiguard_trail::Event<'a>) -> bool {
        self.names.contains(light.event_name.as_ref()) || self.rules.may_match(light)
    }
    fn light(&mut self, _: &phiguard_trail::Event<'a>) {
        self.light += 1;
    }
    fn full(&mut self, _: phiguard_trail::Event<'a>) {
        self.full += 1;
    }
}
