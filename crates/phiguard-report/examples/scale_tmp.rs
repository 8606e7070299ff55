#![allow(clippy::unwrap_used, clippy::print_stderr)]
use phiguard_controls::Settings;
use phiguard_model::inventory::{Source, SourceKind};
use phiguard_model::kinds::{AccountSettings, S3Bucket};
use phiguard_model::*;
use phiguard_report::{Format, RenderOptions, build, render};
use std::time::Instant;
fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let coverage = DataSource::ALL.iter().map(|s| CoverageEntry { account: "111122223333".into(), region: if s.is_global() { GLOBAL.into() } else { "us-east-1".into() }, source: *s, state: CoverageState::Collected }).collect();
    let inv = Inventory { schema_version: SCHEMA_VERSION, generated_at: "2026-06-01T00:00:00Z".parse().unwrap(), source: Source { kind: SourceKind::Synthetic, description: String::new() },
        accounts: vec![Account { id: "111122223333".into(), name: None, regions: vec!["us-east-1".into()], settings: AccountSettings::default() }], coverage,
        resources: (0..n).map(|i| Resource::new(format!("arn:aws:s3:::b{i}"), "111122223333", "us-east-1", S3Bucket::default()).tag("PHI", if i % 2 == 0 { "Yes" } else { "No" })).collect() };
    let settings = Settings::at("2026-06-01T00:00:00Z".parse().unwrap());
    let c = [phiguard_controls::find("S3-007").unwrap()];
    let result = phiguard_controls::evaluate(&inv, &settings, &c);
    let report = build(&result, &inv, &settings, "0.1.0");
    for f in [Format::Json, Format::Csv, Format::Text, Format::Html, Format::Ocsf] {
        let t = Instant::now();
        let mut sink = std::io::sink();
        render(f, &report, &mut sink, &RenderOptions::default()).unwrap();
        eprintln!("{f:?}: {:?} for {} results", t.elapsed(), report.results.len());
    }
}
