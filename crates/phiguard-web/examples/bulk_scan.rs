//! Bench helper: stores a synthetic scan of `RESULTS` results (default 1,000,000) in a
//! records database seeded by `phiguard demo`, through the same store API as
//! `phiguard scan --db` (report kept as evidence, scan record, result rows).
//!
//! The results repeat the demo scan's results over synthetic subjects: copy `k` of the demo
//! results names each resource `<resource>-<k>`, spreads them over ten accounts (the demo's
//! two and eight synthetic ids) and, for regional results, six regions. Status, severity
//! and PHI proportions stay the demo's.
//!
//! `cargo run --release -p phiguard-web --example bulk_scan -- DB [RESULTS]`

#![allow(
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a bench helper: reports progress on stderr, stops on the first error, and dates its scan now so that it is the latest"
)]

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Instant;

use jiff::Timestamp;
use phiguard_report::wire::AccountInfo;
use phiguard_store::record::Stored;
use phiguard_store::scan::Scan;
use phiguard_store::{Ctx, Location, Store};

const REGIONS: [&str; 6] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let db = PathBuf::from(
        args.next()
            .expect("usage: bulk_scan DB [RESULTS] (DB seeded by `phiguard demo`)"),
    );
    let want: usize = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("RESULTS: a number"));
    let now = Timestamp::now();
    let t0 = Instant::now();
    let mut store = Store::open(&Location::Sqlite(db.clone()), now).expect("open the database");
    let latest = phiguard_web::data::latest_scan_id(&mut store)
        .expect("read the scans")
        .expect("the database holds no scan: seed it with `phiguard demo` first");
    let scan: Stored<Scan> = store.get(&latest).expect("read the latest scan");
    let base = phiguard_web::data::report_of(&mut store, &scan).expect("read its report");
    let mut report = base.clone();
    let mut accounts: Vec<String> = base
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .filter(|a| a.len() == 12)
        .collect();
    for i in 0..8 {
        let id = format!("{}", 900_000_000_000_u64 + i * 1_111);
        report.accounts.push(AccountInfo {
            id: id.clone(),
            name: Some(format!("synthetic-{i}")),
            regions: REGIONS.iter().map(|r| (*r).to_string()).collect(),
        });
        accounts.push(id);
    }
    report.scan_time = now;
    report.results = Vec::with_capacity(want);
    let n = base.results.len().max(1);
    for i in 0..want {
        let (k, r) = (i / n, &base.results[i % n]);
        let mut r = r.clone();
        if k > 0 {
            r.resource = Cow::Owned(format!("{}-{k}", r.resource));
            if r.account.len() == 12 {
                r.account = Cow::Owned(accounts[k % accounts.len()].clone());
            }
            if r.region != "global" {
                r.region = Cow::Owned(REGIONS[k % REGIONS.len()].to_string());
            }
        }
        report.results.push(r);
    }
    eprintln!(
        "built a report of {} results in {:.1?}",
        report.results.len(),
        t0.elapsed()
    );
    let t1 = Instant::now();
    let mut json = Vec::new();
    phiguard_report::json::render(&report, &mut json).expect("serialise the report");
    let controls: Vec<String> = report.controls.iter().map(|c| c.id.clone()).collect();
    let record = phiguard::command::records::scans::scan_of(&report);
    drop(report);
    let ctx = Ctx::new(now, "bench", "bulk_scan");
    let stored = store
        .write(&ctx, |tx| {
            phiguard_store::scan::store(tx, record, &json, &controls)
        })
        .expect("store the scan");
    eprintln!(
        "stored scan {} ({} results, report {} MB) in {:.1?}",
        stored.id,
        stored.record.results.len(),
        json.len() / 1_000_000,
        t1.elapsed()
    );
}
