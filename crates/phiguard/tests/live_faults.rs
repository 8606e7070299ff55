//! Fault tests of live collection (issue 3 item 8): the seeded moto account scanned through a
//! fault-injecting proxy (`support/proxy.rs`) that denies KMS and RDS, throttles S3 (503
//! SlowDown) and DynamoDB (400 ThrottlingException) a few times, answers SNS with 500 always
//! and GuardDuty with 500 twice. The scan must complete; throttled and transiently failing
//! calls must be retried and their data collected (those results equal a fault-free scan's);
//! controls reading denied or failed data must report `error` naming the cause, never pass;
//! `--strict` must exit 3.
#![cfg(feature = "aws")]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use phiguard_controls::CATALOGUE;
use phiguard_model::DataSource;
use support::proxy::{Fault, Proxy, Rule};
use support::{Moto, Row, phiguard, rows};

fn scan(dir: &std::path::Path, url: &str, report: &str, strict: bool) -> (i32, String) {
    let mut args = vec![
        "scan",
        "--no-config",
        "--endpoint-url",
        url,
        "--region",
        "us-east-1,eu-west-1",
        "--format",
        "json",
        "--output",
        report,
        "--fail-on",
        "none",
    ];
    if strict {
        args.push("--strict");
    }
    phiguard(dir, &args)
}

/// The IAM-prefix services (as in `DataSource::service`) whose data the faults make
/// uncollectable.
const BROKEN: &[&str] = &["kms", "rds", "sns"];

fn reads_broken(control: &str) -> bool {
    CATALOGUE
        .iter()
        .find(|c| c.id() == control)
        .is_some_and(|c| {
            c.meta
                .inputs
                .iter()
                .map(|i| i.source())
                .chain(c.meta.resource_kinds.iter().map(|k| k.source()))
                .any(|s: DataSource| BROKEN.contains(&s.service()))
        })
}

#[test]
fn denied_throttled_and_failing_services_never_pass_and_retries_recover() {
    let Some(moto) = Moto::start() else {
        return;
    };
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // The reference: the same account through a proxy that injects nothing.
    let clean = Proxy::start(moto.port, Vec::new());
    let (code, stderr) = scan(d, &clean.url, "clean.json", false);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        clean.stats().injected.is_empty(),
        "{:?}",
        clean.stats().injected
    );
    let reference = rows(&d.join("clean.json"));

    let rules = vec![
        Rule {
            service: "kms",
            fault: Fault::Denied,
            times: None,
        },
        Rule {
            service: "rds",
            fault: Fault::Denied,
            times: None,
        },
        Rule {
            service: "s3",
            fault: Fault::Throttle,
            times: Some(3),
        },
        Rule {
            service: "dynamodb",
            fault: Fault::Throttle,
            times: Some(3),
        },
        Rule {
            service: "sns",
            fault: Fault::ServerError,
            times: None,
        },
        Rule {
            service: "guardduty",
            fault: Fault::ServerError,
            times: Some(2),
        },
    ];
    let faulty = Proxy::start(moto.port, rules);
    let (code, stderr) = scan(d, &faulty.url, "faults.json", true);
    assert_eq!(code, 3, "--strict on an incomplete scan exits 3\n{stderr}");
    let got = rows(&d.join("faults.json"));
    let stats = faulty.stats();

    // Throttled and transiently failing calls were retried: every injected fault was
    // followed by more requests to the service.
    for (service, n) in [("s3", 3), ("dynamodb", 3), ("guardduty", 2)] {
        assert_eq!(
            stats.injected.get(service),
            Some(&n),
            "{service}: {stats:?}"
        );
        assert!(
            stats.requests.get(service).copied().unwrap_or(0) > n,
            "{service} was not retried: {stats:?}"
        );
    }

    let mut problems = Vec::new();
    // Results of every control that reads no denied or failed data equal the fault-free
    // scan's: what was throttled was collected after the retries.
    let keep = |rows: &[Row]| -> BTreeSet<(String, String, String)> {
        rows.iter()
            .filter(|r| !reads_broken(&r.control))
            .map(|r| (r.control.clone(), r.resource.clone(), r.status.clone()))
            .collect()
    };
    let (want, have) = (keep(&reference), keep(&got));
    for missing in want.difference(&have) {
        problems.push(format!("fault-free result lost under faults: {missing:?}"));
    }
    for extra in have.difference(&want) {
        problems.push(format!("result differs under faults: {extra:?}"));
    }
    for (control, needle) in [
        ("S3-001", "lakeside-phi-records"),
        ("DYNAMODB-002", "patients"),
        ("GUARDDUTY-001", "us-east-1"),
    ] {
        if !have
            .iter()
            .any(|(c, r, s)| c == control && r.contains(needle) && s != "error")
        {
            problems.push(format!(
                "{control} on {needle}: throttled data was not collected"
            ));
        }
    }

    // Controls reading denied or failed data never pass; the error names the cause.
    let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
    for r in got.iter().filter(|r| reads_broken(&r.control)) {
        if r.status == "pass" {
            problems.push(format!(
                "{} passed on {} although its data was denied or failed",
                r.control, r.resource
            ));
        }
        if r.status == "error" {
            if r.reason.contains("access denied") {
                *causes.entry("denied").or_default() += 1;
            }
            if r.reason.contains("InternalFailure") {
                *causes.entry("500").or_default() += 1;
            }
        }
    }
    for (control, cause) in [
        ("KMS-001", "AccessDeniedException"),
        ("RDS-001", "AccessDenied"),
        ("SNS-001", "InternalFailure"),
    ] {
        let results: Vec<&Row> = got.iter().filter(|r| r.control == control).collect();
        if results.is_empty()
            || !results
                .iter()
                .all(|r| r.status == "error" && r.reason.contains(cause))
        {
            problems.push(format!(
                "{control}: every result must be error naming {cause}: {results:?}"
            ));
        }
    }
    assert!(
        causes.contains_key("denied") && causes.contains_key("500"),
        "{causes:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
