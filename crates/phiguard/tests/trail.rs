//! `phiguard trail` end to end: hits, summaries, per-file errors and exit codes, on copied
//! stratus-red-team logs (tests/fixtures/trail) and on broken files made in a temp folder.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions may panic"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flate2::Compression;
use flate2::write::GzEncoder;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", "2")
        .stdin(Stdio::null())
        .output()
        .expect("run phiguard");
    let clean = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .replace(&dir.display().to_string(), "[DIR]")
    };
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: clean(&output.stdout),
        stderr: clean(&output.stderr),
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trail")
}

/// A fresh folder for one test.
fn temp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("phiguard-trail-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

const STOP: &str = "aws.defense-evasion.cloudtrail-stop.json";
const LOGIN: &str = "aws.initial-access.console-login-without-mfa.json";

/// A Sigma rule of our own, so that snapshots do not move with the built-in set.
const RULE: &str = "title: Trail stopped (test)
id: 11111111-2222-4333-8444-555555555555
status: test
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: StopLogging
  condition: selection
level: high
";

fn rules_dir(name: &str) -> PathBuf {
    let dir = temp(name).join("rules");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("stop.yml"), RULE).unwrap();
    dir
}

#[test]
fn scan_with_builtin_rules_text() {
    let run = run_in(&fixtures(), &["trail", "scan", STOP, LOGIN]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn scan_json_and_csv() {
    let rules = rules_dir("json-csv");
    let rules = rules.to_str().unwrap();
    let json = run_in(
        &fixtures(),
        &[
            "trail",
            "scan",
            ".",
            "--no-builtin",
            "--rules",
            rules,
            "--format",
            "json",
        ],
    );
    assert_eq!(json.code, 1, "{}", json.stderr);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["hits"].as_array().unwrap().len(), 1);
    insta::assert_snapshot!("scan_json", json.stdout);

    let csv = run_in(
        &fixtures(),
        &[
            "trail",
            "scan",
            ".",
            "--no-builtin",
            "--rules",
            rules,
            "-f",
            "csv",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    insta::assert_snapshot!("scan_csv", csv.stdout);
}

#[test]
fn broken_files_are_reported_one_by_one() {
    let dir = temp("broken");
    let good = std::fs::read(fixtures().join(STOP)).unwrap();
    std::fs::write(dir.join("good.json"), &good).unwrap();
    let gz = gzip(&good);
    std::fs::write(dir.join("truncated.json.gz"), &gz[..gz.len() / 2]).unwrap();
    std::fs::write(
        dir.join("invalid.json"),
        b"{\"Records\":[{\"eventTime\": nope}]}",
    )
    .unwrap();
    std::fs::write(
        dir.join("wrong-types.json"),
        br#"{"Records":[{"eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":["x"]},
{"eventTime":"2026-01-01T00:00:01Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventID":"e2"}]}"#,
    )
    .unwrap();
    // Larger than the cap below: an error, not an allocation.
    let big = format!(
        "[{}]",
        vec![String::from_utf8(good.clone()).unwrap(); 4].join(",")
    );
    std::fs::write(dir.join("oversized.json"), big.as_bytes()).unwrap();
    std::fs::write(dir.join("oversized.json.gz"), gzip(big.as_bytes())).unwrap();

    let rules = rules_dir("broken-rules");
    let args = [
        "trail",
        "scan",
        ".",
        "--no-builtin",
        "--rules",
        rules.to_str().unwrap(),
        "--max-file-size",
        "3K",
    ];
    let run = run_in(&dir, &args);
    assert_eq!(run.code, 1, "hits take precedence over unreadable files");
    insta::assert_snapshot!("broken_stdout", run.stdout);
    insta::assert_snapshot!("broken_stderr", run.stderr);

    let run = run_in(&dir, &[&args[..], &["--fail-on", "none"]].concat());
    assert_eq!(run.code, 4);
}

#[test]
fn filters_and_dedup() {
    let dir = temp("filters");
    let good = std::fs::read(fixtures().join(STOP)).unwrap();
    std::fs::write(dir.join("a.json"), &good).unwrap();
    std::fs::write(dir.join("b.json.gz"), gzip(&good)).unwrap();
    let rules = rules_dir("filters-rules");
    let rules = rules.to_str().unwrap();
    let base = [
        "trail",
        "scan",
        ".",
        "--no-builtin",
        "--rules",
        rules,
        "-f",
        "json",
    ];
    let count = |extra: &[&str]| {
        let run = run_in(&dir, &[&base[..], extra].concat());
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        (
            value["events"].as_u64().unwrap(),
            value["hits"].as_array().unwrap().len(),
        )
    };
    assert_eq!(count(&[]), (2, 2));
    assert_eq!(count(&["--dedup"]), (1, 1));
    assert_eq!(count(&["--since", "2024-08-01"]), (0, 0));
    assert_eq!(count(&["--until", "2024-08-01"]), (2, 2));
    assert_eq!(count(&["--account", "143434273843"]), (2, 2));
    assert_eq!(count(&["--region", "us-east-1"]), (0, 0));
}

#[test]
fn usage_errors_exit_2() {
    let dir = fixtures();
    let no_rules = run_in(&dir, &["trail", "scan", STOP, "--no-builtin"]);
    assert_eq!(no_rules.code, 2);
    assert!(
        no_rules.stderr.contains("no rules to run"),
        "{}",
        no_rules.stderr
    );
    let bad_time = run_in(&dir, &["trail", "scan", STOP, "--since", "yesterday"]);
    assert_eq!(bad_time.code, 2);
    let period = run_in(
        &dir,
        &[
            "trail",
            "scan",
            STOP,
            "--since",
            "2026-02-01",
            "--until",
            "2026-01-01",
        ],
    );
    assert_eq!(period.code, 2);
    let missing = run_in(&dir, &["trail", "scan", STOP, "--rules", "no-such-dir"]);
    assert_eq!(missing.code, 2);
    insta::assert_snapshot!("usage_missing_rules", missing.stderr);
}

#[test]
fn rules_list_and_lint() {
    let rules = rules_dir("list");
    std::fs::write(
        rules.join("broken.yml"),
        "title: Broken\nid: 22222222-2222-4333-8444-555555555555\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventName|base64offset: x\n  condition: selection\nlevel: low\n",
    )
    .unwrap();
    let dir = rules.parent().unwrap();
    let lint = run_in(dir, &["trail", "rules", "lint", "rules"]);
    assert_eq!(lint.code, 1);
    insta::assert_snapshot!("rules_lint", lint.stdout);

    std::fs::remove_file(rules.join("broken.yml")).unwrap();
    let list = run_in(
        dir,
        &["trail", "rules", "list", "--no-builtin", "--rules", "rules"],
    );
    assert_eq!(list.code, 0, "{}", list.stderr);
    insta::assert_snapshot!("rules_list", list.stdout);

    let builtin = run_in(dir, &["trail", "rules", "list", "-f", "csv"]);
    assert_eq!(builtin.code, 0);
    for id in [
        "CIS-4.5",
        "HIPAA-CLOUDTRAIL-TAMPERING",
        "4db60cc0-36fb-42b7-9b58-a5b53019fb74",
    ] {
        assert!(builtin.stdout.contains(id), "{id} not listed");
    }
}
