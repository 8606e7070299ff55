//! SCRATCH (helper "collectors"): not to be committed.
#![allow(clippy::unwrap_used, clippy::print_stdout)]
use std::sync::Arc;

fn main() {
    let url = std::env::args().nth(1).unwrap();
    let options = phiguard_aws::Options {
        profile: None,
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        endpoint_url: Some(url),
        concurrency: 8,
        org: None,
        now: "2026-11-29T12:00:00Z".parse().unwrap(),
    };
    let t = std::time::Instant::now();
    let got = phiguard_aws::collect_blocking(&options, Arc::new(phiguard_aws::NoProgress)).unwrap();
    println!("elapsed {:?}", t.elapsed());
    for c in &got.inventory.coverage {
        if !c.state.is_collected() {
            println!("COVERAGE {} {} {}", c.region, c.source, c.state.describe());
        }
    }
    for r in &got.inventory.resources {
        println!("RESOURCE {}", serde_json::to_string(r).unwrap());
    }
    for a in &got.inventory.accounts {
        println!("SETTINGS ebs {}", serde_json::to_string(&a.settings.ebs_defaults).unwrap());
    }
    for (svc, op) in &got.operations {
        let known = phiguard_aws::permissions::action_for(svc, op).is_some();
        println!("OP {svc} {op} {}", if known { "" } else { "NOT-IN-TABLE" });
    }
}
