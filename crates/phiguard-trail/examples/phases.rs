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
        "inflate (flate2/zlib-rs): {:.2}s {:.0} MB/s",
        inflate,
        total as f64 / 1e6 / inflate
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
    fn light(&mut self, _: phiguard_trail::Event<'a>) {
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
