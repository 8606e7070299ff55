//! `phiguard diff OLD NEW`: two inventories (the AWS Config fixture imported, then edited the
//! way a week of drift would) and two JSON reports, text and JSON, with exit codes.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions may panic"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const NOW: &str = "2026-01-15T12:00:00Z";
/// The controls compared in snapshots: stable as the catalogue grows.
const CONTROLS: &[&str] = &[
    "--control",
    "S3-003",
    "--control",
    "S3-007",
    "--control",
    "KMS-001",
    "--control",
    "EC2-001",
];

fn with_controls<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(CONTROLS);
    all
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(args)
        .current_dir(dir)
        .env("PHIGUARD_NOW", NOW)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run phiguard");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).unwrap().replace(
            &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
            "\"version\": \"[VERSION]\"",
        ),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("phiguard-diff")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Imports the AWS Config fixture into `dir/old.json`, and writes `dir/new.json`: the same
/// account a week later (versioning suspended on the PHI bucket, KMS rotation turned on, the
/// unencrypted volume gone, a new public bucket, DynamoDB no longer readable).
fn inventories(dir: &Path) {
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../phiguard-awsconfig/tests/fixtures/snapshots");
    let r = run_in(
        dir,
        &[
            "scan",
            "--no-config",
            "--config-snapshot",
            snapshots.to_str().unwrap(),
            "--control",
            "S3-007",
            "--fail-on",
            "none",
            "--save-inventory",
            "old.json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut inv: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("old.json")).unwrap()).unwrap();
    inv["generated_at"] = json!("2026-01-21T06:00:00Z");
    // DynamoDB in us-east-1 was denied the second time.
    for c in inv["coverage"].as_array_mut().unwrap() {
        if c["source"] == "dynamodb_tables" && c["region"] == "us-east-1" {
            *c = json!({"account": "123456789012", "region": "us-east-1",
                "source": "dynamodb_tables", "state": "denied", "code": "AccessDeniedException"});
        }
    }
    let resources = inv["resources"].as_array_mut().unwrap();
    resources
        .retain(|r| r["arn"] != "arn:aws:ec2:us-east-1:123456789012:volume/vol-0a1b2c3d4e5f60718");
    for r in resources.iter_mut() {
        if r["arn"] == "arn:aws:s3:::clinic-phi-records" {
            r["details"]["s3_bucket"]["versioning"] = json!("Suspended");
            r["tags"]["Owner"] = json!("imaging-team");
        }
        if r["arn"] == "arn:aws:kms:us-east-1:123456789012:key/2b7d4c1e-9f0a-4a8e-b3c2-5d6e7f809a1b"
        {
            r["details"]["kms_key"]["rotation_enabled"] = json!(true);
        }
    }
    let mut bucket = resources
        .iter()
        .find(|r| r["arn"] == "arn:aws:s3:::clinic-public-site")
        .unwrap()
        .clone();
    bucket["arn"] = json!("arn:aws:s3:::clinic-phi-scratch");
    bucket["name"] = json!("clinic-phi-scratch");
    bucket["tags"] = json!({"PHI": "Yes"});
    resources.push(bucket);
    std::fs::write(
        dir.join("new.json"),
        serde_json::to_string_pretty(&inv).unwrap(),
    )
    .unwrap();
}

#[test]
fn inventories_as_text() {
    let dir = tmp("text");
    inventories(&dir);
    let r = run_in(&dir, &with_controls(&["diff", "old.json", "new.json"]));
    assert_eq!(r.code, 1, "new failures exit 1: {}", r.stderr);
    insta::assert_snapshot!("inventories_text", r.stdout);
    // The other way round: the unencrypted volume is back, a new failure.
    let r = run_in(&dir, &["diff", "new.json", "old.json"]);
    assert!(r.stdout.contains("! EC2-001"), "{}", r.stdout);
    assert_eq!(r.code, 1);
    let same = run_in(&dir, &["diff", "old.json", "old.json"]);
    assert_eq!(same.code, 0);
    assert!(
        same.stdout
            .contains("resources: 0 added, 0 removed, 0 changed")
    );
    assert!(
        same.stdout.contains("verdict: no new failures"),
        "{}",
        same.stdout
    );
}

#[test]
fn inventories_as_json() {
    let dir = tmp("json");
    inventories(&dir);
    let r = run_in(
        &dir,
        &with_controls(&["diff", "old.json", "new.json", "-f", "json"]),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let diff: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(diff["summary"]["resources_added"], 1);
    assert_eq!(diff["summary"]["resources_removed"], 1);
    assert_eq!(diff["summary"]["resources_changed"], 2);
    assert_eq!(diff["summary"]["coverage_changed"], 1);
    assert_eq!(
        diff["coverage"][0]["new"],
        "access denied (AccessDeniedException)"
    );
    let changed = &diff["resources"]["changed"];
    let bucket = changed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["arn"] == "arn:aws:s3:::clinic-phi-records")
        .unwrap();
    let fields: Vec<&str> = bucket["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["tags", "versioning"]);
    insta::assert_snapshot!("inventories_json", r.stdout);
}

#[test]
fn reports_compare_results_only() {
    let dir = tmp("reports");
    inventories(&dir);
    for (inventory, report) in [
        ("old.json", "old-report.json"),
        ("new.json", "new-report.json"),
    ] {
        let r = run_in(
            &dir,
            &[
                "scan",
                "--no-config",
                "-i",
                inventory,
                "-f",
                "json",
                "-o",
                report,
                "--fail-on",
                "none",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = run_in(
        &dir,
        &with_controls(&["diff", "--reports", "old-report.json", "new-report.json"]),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("resources:"), "{}", r.stdout);
    let inventories = run_in(&dir, &["diff", "old.json", "new.json", "-f", "json"]);
    let reports = run_in(
        &dir,
        &[
            "diff",
            "--reports",
            "old-report.json",
            "new-report.json",
            "-f",
            "json",
        ],
    );
    let a: Value = serde_json::from_str(&inventories.stdout).unwrap();
    let b: Value = serde_json::from_str(&reports.stdout).unwrap();
    assert_eq!(a["results"], b["results"], "same results either way");
    insta::assert_snapshot!("reports_text", r.stdout);
}

#[test]
fn bad_inputs_are_usage_errors() {
    let dir = tmp("bad");
    std::fs::write(dir.join("not-a-report.json"), "{\"results\": 3}").unwrap();
    let r = run_in(
        &dir,
        &[
            "diff",
            "--reports",
            "not-a-report.json",
            "not-a-report.json",
        ],
    );
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("bad_report", r.stderr);
    let r = run_in(&dir, &["diff", "a.json", "b.json", "--control", "S3-0077"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown control `S3-0077`"),
        "{}",
        r.stderr
    );
    let r = run_in(&dir, &["diff", "missing.json", "not-a-report.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read inventory `missing.json`"),
        "{}",
        r.stderr
    );
}
