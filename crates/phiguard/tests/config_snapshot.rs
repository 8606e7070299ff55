//! `phiguard scan --config-snapshot`: AWS Config exports (the fixtures of
//! `crates/phiguard-awsconfig/tests/fixtures`) scanned end to end, with the clock fixed through
//! `PHIGUARD_NOW`. Runs in the fixture folder so that file names in messages are relative and
//! stable.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions may panic"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NOW: &str = "2026-01-15T12:00:00Z";

/// Controls the snapshot scans run: one per kind of outcome (data a snapshot cannot hold,
/// per-resource fail and pass, a region without a recorder), stable as the catalogue grows.
const CONTROLS: &[&str] = &[
    "--control",
    "IAM-001",
    "--control",
    "IAM-004",
    "--control",
    "S3-007",
    "--control",
    "KMS-001",
    "--control",
    "EC2-002",
    "--control",
    "RDS-003",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../phiguard-awsconfig/tests/fixtures")
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
    let clean = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec()).unwrap().replace(
            &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
            "\"version\": \"[VERSION]\"",
        )
    };
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: clean(&output.stdout),
        stderr: clean(&output.stderr),
    }
}

fn run(args: &[&str]) -> Run {
    run_in(&fixtures(), args)
}

fn scan(paths: &[&str], extra: &[&str]) -> Vec<String> {
    let mut args = vec!["scan", "--no-config", "--config-snapshot"];
    args.extend_from_slice(paths);
    args.extend_from_slice(CONTROLS);
    args.extend_from_slice(extra);
    args.iter().map(|s| s.to_string()).collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("phiguard-config-snapshot")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn scan_a_snapshot_folder_as_text() {
    let r = run(&strs(&scan(&["snapshots"], &[])));
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("scan_text_stdout", r.stdout);
    insta::assert_snapshot!("scan_text_stderr", r.stderr);
}

#[test]
fn what_a_snapshot_cannot_hold_is_error_never_pass() {
    // The whole catalogue: every control fed only by data AWS Config does not record
    // (credential report, password policy, account summary, Artifact, EBS defaults and
    // snapshots) reports `error`.
    let r = run(&[
        "scan",
        "--no-config",
        "--config-snapshot",
        "snapshots",
        "-f",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    for id in [
        "IAM-001",
        "IAM-002",
        "IAM-003",
        "IAM-004",
        "IAM-005",
        "IAM-006",
        "IAM-007",
        "IAM-008",
        "ARTIFACT-001",
        "EC2-002",
        "EC2-003",
    ] {
        let statuses: Vec<&str> = results
            .iter()
            .filter(|r| r["control_id"] == id)
            .map(|r| r["status"].as_str().unwrap())
            .collect();
        assert!(!statuses.is_empty(), "{id} has no result");
        assert!(statuses.iter().all(|s| *s == "error"), "{id}: {statuses:?}");
    }
    assert_eq!(report["inventory"]["source"], "config_snapshot");
    assert_eq!(report["summary"]["incomplete"], true);
}

#[test]
fn unreadable_files_are_warnings_and_make_the_scan_incomplete() {
    let r = run(&strs(&scan(&["broken", "select"], &["--fail-on", "none"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("broken_stderr", r.stderr);
    let r = run(&strs(&scan(
        &["broken"],
        &["--fail-on", "none", "--strict"],
    )));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("AWS Config file `broken/123456789012_Config_us-west-2"),
        "{}",
        r.stdout
    );
}

#[test]
fn nothing_to_read_is_a_usage_error() {
    let r = run(&["scan", "--no-config", "--config-snapshot", "no-such-folder"]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("missing_stderr", r.stderr);
    let r = run(&[
        "scan",
        "--no-config",
        "--config-snapshot",
        "broken/truncated.json.gz",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("decompress"), "{}", r.stderr);
}

#[test]
fn a_saved_snapshot_inventory_scans_the_same() {
    let dir = tmp("save");
    let saved = dir.join("inventory.json.gz");
    let saved = saved.to_str().unwrap();
    let json = ["-f", "json", "--fail-on", "none"];
    let mut args = scan(&["snapshots"], &json);
    args.extend(["--save-inventory".to_string(), saved.to_string()]);
    let first = run(&strs(&args));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("saved the inventory (30 resources)"),
        "{}",
        first.stderr
    );
    let mut again = vec!["scan", "--no-config", "--inventory", saved];
    again.extend_from_slice(CONTROLS);
    again.extend_from_slice(&json);
    let second = run(&again);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(first.stdout, second.stdout);
}
