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

// ---------------------------------------------------------------------------------------
// `trail validate`: a digest chain signed with a TEST-ONLY key (tests/fixtures/trail-digest,
// written by `cargo test -p phiguard-trail --test digest_chain -- --ignored`), copied and
// tampered with in each way.

const DIGESTS: &str = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/01";
const LOGS: &str = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01";

fn digest_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trail-digest")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of a fixture chain (`chain` or `reordered`) with the key file next to it.
fn chain_copy(test: &str, which: &str) -> PathBuf {
    let dir = temp(test);
    copy_tree(&digest_fixtures().join(which), &dir.join("bucket"));
    std::fs::copy(
        digest_fixtures().join("public-keys.json"),
        dir.join("keys.json"),
    )
    .unwrap();
    dir
}

/// The digest of hour `hour` (0-3) and a log file it lists (`n` 0 or 1).
fn digest_name(hour: usize) -> String {
    format!(
        "{DIGESTS}/111122223333_CloudTrail-Digest_us-east-1_example-trail_us-east-1_20260101T{:02}0000Z.json.gz",
        hour + 1
    )
}

fn log_name(hour: usize, n: usize) -> String {
    format!(
        "{LOGS}/111122223333_CloudTrail_us-east-1_20260101T{hour:02}{:02}Z_TESTLOG{hour:02}{n:02}ABCDEFG.json.gz",
        5 + n * 10
    )
}

fn validate(dir: &Path, extra: &[&str]) -> Run {
    run_in(
        dir,
        &[
            &["trail", "validate", "bucket", "--public-keys", "keys.json"][..],
            extra,
        ]
        .concat(),
    )
}

#[test]
fn validate_an_untouched_chain() {
    let dir = chain_copy("validate-untouched", "chain");
    let run = validate(&dir, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.contains("verdict: VALID"), "{}", run.stdout);
    insta::assert_snapshot!("validate_untouched", run.stdout);

    let json = validate(&dir, &["--format", "json"]);
    assert_eq!(json.code, 0);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["summary"]["verdict"], "valid");
    assert_eq!(value["summary"]["digests_valid"], 4);
    assert_eq!(value["summary"]["logs_valid"], 8);
}

#[test]
fn validate_names_each_kind_of_tampering() {
    let mut shown = String::new();
    let mut case = |name: &str, which: &str, tamper: &dyn Fn(&Path), expect: &[&str], code: i32| {
        let dir = chain_copy(&format!("validate-{}", name.replace(' ', "-")), which);
        tamper(&dir.join("bucket"));
        let run = validate(&dir, &[]);
        assert_eq!(run.code, code, "{name}: {}{}", run.stdout, run.stderr);
        for needle in expect {
            assert!(
                run.stdout.contains(needle),
                "{name}: `{needle}` not in\n{}",
                run.stdout
            );
        }
        shown.push_str(&format!("== {name} (exit {})\n{}\n", run.code, run.stdout));
    };
    case(
        "modified log",
        "chain",
        &|b| {
            let body = br#"{"Records":[{"eventTime":"2026-01-01T01:05:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers"}]}"#;
            std::fs::write(b.join(log_name(1, 0)), gzip(body)).unwrap();
        },
        &[
            &format!("INVALID     log     {}", log_name(1, 0)),
            "- modified: SHA-256 is",
        ],
        1,
    );
    case(
        "deleted log",
        "chain",
        &|b| std::fs::remove_file(b.join(log_name(2, 1))).unwrap(),
        &[
            &format!("INVALID     log     {}", log_name(2, 1)),
            &format!(
                "- missing: deleted or not copied (listed by {})",
                digest_name(2)
            ),
        ],
        1,
    );
    case(
        "deleted digest",
        "chain",
        &|b| std::fs::remove_file(b.join(digest_name(1))).unwrap(),
        &[
            &format!("INVALID     digest  {}", digest_name(1)),
            &format!(
                "- chain gap: the previous digest {} is not there",
                digest_name(1)
            ),
            "- unlisted: no digest lists this log file",
        ],
        1,
    );
    case(
        "reordered chain",
        "reordered",
        &|_| {},
        &[
            &format!("INVALID     digest  {}", digest_name(1)),
            &format!(
                "- reordered chain: its previous digest {} ends at",
                digest_name(2)
            ),
        ],
        1,
    );
    case(
        "bad signature",
        "chain",
        &|b| {
            let sidecar = b.join(format!("{}.sig", digest_name(3)));
            let mut signature = std::fs::read_to_string(&sidecar).unwrap();
            let flipped = if signature.starts_with('0') { "1" } else { "0" };
            signature.replace_range(0..1, flipped);
            std::fs::write(&sidecar, signature).unwrap();
        },
        &[
            &format!("INVALID     digest  {}", digest_name(3)),
            &format!(
                "- bad signature: the signature in {}.sig does not verify",
                digest_name(3)
            ),
        ],
        1,
    );
    case(
        "newest signature not available",
        "chain",
        &|b| std::fs::remove_file(b.join(format!("{}.sig", digest_name(3)))).unwrap(),
        &[
            &format!("UNVERIFIED  digest  {}", digest_name(3)),
            "- unsigned: no later digest signs it",
            "verdict: UNVERIFIED",
        ],
        0,
    );
    case(
        "unreadable log",
        "chain",
        &|b| {
            let path = b.join(log_name(0, 0));
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        },
        &[
            &format!("INVALID     log     {}", log_name(0, 0)),
            "- unreadable: ",
        ],
        4,
    );
    insta::assert_snapshot!("validate_tampering", shown);
}

#[test]
fn validate_usage_errors_and_windows() {
    let dir = chain_copy("validate-usage", "chain");
    std::fs::write(dir.join("bad-keys.json"), "{}").unwrap();
    let bad = run_in(
        &dir,
        &[
            "trail",
            "validate",
            "bucket",
            "--public-keys",
            "bad-keys.json",
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("cannot load public keys"),
        "{}",
        bad.stderr
    );
    let missing = run_in(&dir, &["trail", "validate", "no-such-folder"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    let empty = temp("validate-empty");
    let none = run_in(&empty, &["trail", "validate", "."]);
    assert_eq!(none.code, 4, "{}", none.stderr);
    assert!(
        none.stderr.contains("no digest file found"),
        "{}",
        none.stderr
    );
    // A window: only the last two hours are reported, the chain still links.
    let window = validate(
        &dir,
        &[
            "--since",
            "2026-01-01T02:30:00Z",
            "--until",
            "2026-01-01T04:00:00Z",
        ],
    );
    assert_eq!(window.code, 0, "{}", window.stdout);
    assert!(
        window
            .stdout
            .contains("digests: 2 (2 verified); log files: 4 (4 verified)"),
        "{}",
        window.stdout
    );
    // Files named one by one work too.
    let files = run_in(
        &dir,
        &[
            "trail",
            "validate",
            &format!("bucket/{}", digest_name(0)),
            &format!("bucket/{}", log_name(0, 0)),
            &format!("bucket/{}", log_name(0, 1)),
            "--public-keys",
            "keys.json",
        ],
    );
    assert!(
        files
            .stdout
            .contains("digests: 1 (0 verified); log files: 2 (0 verified)"),
        "{}",
        files.stdout
    );
    assert_eq!(files.code, 0, "{}", files.stdout);
}

// ---------------------------------------------------------------------------------------
// `trail access`: the real invictus-ir logs (bucket `stratus-red-team-bdbp-lhfzvgcamn` made
// PHI by tests/fixtures/trail-inventory.json) and synthetic S3 data events with object keys.

fn trail_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../phiguard-trail/tests/data")
}

fn inventory_fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/trail-inventory.json")
        .display()
        .to_string()
}

fn access(extra: &[&str]) -> Run {
    let inventory = inventory_fixture();
    run_in(
        &trail_data(),
        &[
            &[
                "trail",
                "access",
                "invictus-ir",
                "synthetic/phi_access.json",
                "--inventory",
                &inventory,
            ][..],
            extra,
        ]
        .concat(),
    )
}

#[test]
fn access_report_joins_the_inventory() {
    let run = access(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    // The real PHI bucket's life: created, policy put and deleted, bucket deleted.
    for line in [
        "PutBucketPolicy  stratus-red-team-bdbp-lhfzvgcamn  arn:aws:iam::123837392027:user/bert-jan",
        "delete  DeleteBucket  stratus-red-team-bdbp-lhfzvgcamn",
        "GetObject  example-phi-records/reports/0001.pdf",
    ] {
        assert!(run.stdout.contains(line), "`{line}` not in\n{}", run.stdout);
    }
    // The bucket tagged PHI=No is not reported.
    assert!(!run.stdout.contains("stratus-red-team-olc-bucket"));
    insta::assert_snapshot!("access_text", run.stdout);

    let csv = access(&["--format", "csv", "--since", "2026-01-09"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    insta::assert_snapshot!("access_csv_since", csv.stdout);

    let json = access(&["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["accesses"].as_array().unwrap().len(), 41);
    assert_eq!(value["scope"].as_array().unwrap().len(), 2);
}

#[test]
fn access_redact_keys_removes_object_keys_everywhere() {
    for format in ["text", "json", "csv", "html"] {
        let plain = access(&["--format", format]);
        assert_eq!(plain.code, 0, "{format}: {}", plain.stderr);
        assert!(plain.stdout.contains("reports/0001.pdf"), "{format}");
        let redacted = access(&["--format", format, "--redact-keys"]);
        assert_eq!(redacted.code, 0, "{format}: {}", redacted.stderr);
        assert!(
            !redacted.stdout.contains("0001.pdf"),
            "{format} leaks a key"
        );
        assert!(
            !redacted.stdout.contains("reports/"),
            "{format} leaks a key"
        );
        assert!(redacted.stdout.contains("[redacted]"), "{format}");
    }
    // To a file as well.
    let dir = temp("access-output");
    let out = dir.join("report.html");
    let written = access(&["-f", "html", "--redact-keys", "-o", out.to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert_eq!(written.stdout, "");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("0001.pdf"));
    assert!(
        written.stderr.contains("41 accesses to 2 PHI resources"),
        "{}",
        written.stderr
    );
}

#[test]
fn access_reports_unreadable_files_and_bad_inventories() {
    let dir = temp("access-broken");
    std::fs::write(dir.join("bad.json"), "{\"Records\":[").unwrap();
    let inventory = inventory_fixture();
    let run = run_in(&dir, &["trail", "access", ".", "--inventory", &inventory]);
    assert_eq!(run.code, 4);
    assert!(run.stderr.contains("error: ./bad.json"), "{}", run.stderr);
    assert!(run.stdout.contains("could not be read"), "{}", run.stdout);
    std::fs::write(dir.join("inventory.json"), "{}").unwrap();
    let bad = run_in(
        &dir,
        &[
            "trail",
            "access",
            "bad.json",
            "--inventory",
            "inventory.json",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

/// A phiguard.toml whose only PHI tag is `key=value`.
fn phi_tag_config(name: &str, key: &str, value: &str) -> PathBuf {
    let dir = temp(name);
    let path = dir.join("phiguard.toml");
    std::fs::write(
        &path,
        format!("[phi]\ntags = [{{ key = \"{key}\", values = [\"{value}\"] }}]\n"),
    )
    .unwrap();
    path
}

#[test]
fn access_uses_the_configured_phi_tags() {
    // Built in, both tagged buckets are PHI (see access_report_joins_the_inventory).
    let config = phi_tag_config("access-tags-phi", "PHI", "Yes");
    let json = access(&["--format", "json", "--config", config.to_str().unwrap()]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let scope = value["scope"].as_array().unwrap();
    assert_eq!(scope.len(), 1, "{scope:?}");
    assert!(json.stdout.contains("stratus-red-team-bdbp-lhfzvgcamn"));
    assert!(!json.stdout.contains("example-phi-records"));

    let config = phi_tag_config("access-tags-sensitivity", "DataSensitivity", "PHI");
    let text = access(&["--config", config.to_str().unwrap()]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("example-phi-records/reports/0001.pdf"));
    assert!(!text.stdout.contains("stratus-red-team-bdbp-lhfzvgcamn"));

    // A tag no resource carries: nothing is PHI, nothing is reported.
    let config = phi_tag_config("access-tags-none", "Classification", "Restricted");
    let none = access(&["--format", "json", "--config", config.to_str().unwrap()]);
    let value: serde_json::Value = serde_json::from_str(&none.stdout).unwrap();
    assert_eq!(value["scope"].as_array().unwrap().len(), 0);
    assert_eq!(value["accesses"].as_array().unwrap().len(), 0);

    // --no-config ignores ./phiguard.toml (here: one that would leave nothing in scope).
    let dir = config.parent().unwrap();
    let inventory = inventory_fixture();
    let data = trail_data().join("synthetic/phi_access.json");
    let args = [
        "trail",
        "access",
        data.to_str().unwrap(),
        "--inventory",
        &inventory,
        "--format",
        "json",
    ];
    let from_cwd = run_in(dir, &args);
    let value: serde_json::Value = serde_json::from_str(&from_cwd.stdout).unwrap();
    assert_eq!(
        value["scope"].as_array().unwrap().len(),
        0,
        "{}",
        from_cwd.stderr
    );
    let ignored = run_in(dir, &[&args[..], &["--no-config"]].concat());
    let value: serde_json::Value = serde_json::from_str(&ignored.stdout).unwrap();
    assert_eq!(
        value["scope"].as_array().unwrap().len(),
        2,
        "{}",
        ignored.stderr
    );
}

#[test]
fn scan_log_review_uses_the_configured_phi_tags() {
    let config = phi_tag_config("review-tags", "DataSensitivity", "PHI");
    let inventory = inventory_fixture();
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args([
            "scan",
            "--config",
            config.to_str().unwrap(),
            "--inventory",
            &inventory,
            "--control",
            "S3-002",
            "--format",
            "json",
            "--trail",
            "invictus-ir",
        ])
        .current_dir(trail_data())
        .env("NO_COLOR", "1")
        .env("PHIGUARD_NOW", "2026-01-10T12:00:00Z")
        .stdin(Stdio::null())
        .output()
        .expect("run phiguard");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let review = &value["log_review"];
    // Built in, two resources are PHI and the bdbp bucket is touched by flagged events
    // (scan_adds_a_log_review_section); with DataSensitivity=PHI only, neither.
    assert_eq!(review["phi_resources"], 1, "{review}");
    assert_eq!(
        review["phi_touched"].as_array().unwrap().len(),
        0,
        "{review}"
    );
}

// ---------------------------------------------------------------------------------------
// `phiguard scan --trail`: the log review section of the compliance report.

fn scan_with_trail(format: &str, trail: &[&str]) -> Run {
    let inventory = inventory_fixture();
    let mut args = vec![
        "scan",
        "--no-config",
        "--inventory",
        &inventory,
        "--control",
        "S3-002",
        "--format",
        format,
    ];
    for t in trail {
        args.extend(["--trail", t]);
    }
    let dir = trail_data();
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(&args)
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", "2")
        .env("PHIGUARD_NOW", "2026-01-10T12:00:00Z")
        .stdin(Stdio::null())
        .output()
        .expect("run phiguard");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn scan_adds_a_log_review_section() {
    let run = scan_with_trail("text", &["invictus-ir", "stratus-red-team"]);
    assert!(run.code <= 1, "{}", run.stderr);
    let start = run.stdout.find("log review").expect("a log review section");
    let end = run.stdout.find("verdict:").unwrap();
    let section = &run.stdout[start..end];
    for needle in [
        "period     2023-07-10T11:42:18Z to 2024-11-30T08:43:18Z; reviewed 2026-01-10T12:00:00Z",
        "90 files from invictus-ir, stratus-red-team: 3210 events (0 unreadable",
        "HIPAA-CLOUDTRAIL-TAMPERING",
        "on arn:aws:s3:::stratus-red-team-bdbp-lhfzvgcamn (",
    ] {
        assert!(section.contains(needle), "`{needle}` not in\n{section}");
    }
    insta::assert_snapshot!("scan_log_review_text", section);

    let json = scan_with_trail("json", &["invictus-ir", "stratus-red-team"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let review = &value["log_review"];
    assert_eq!(review["reviewed_at"], "2026-01-10T12:00:00Z");
    assert_eq!(review["files_read"], 90);
    assert_eq!(review["phi_resources"], 2);
    let touched = review["phi_touched"].as_array().unwrap();
    assert_eq!(touched.len(), 1);
    assert!(
        touched[0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "CIS-4.8"),
        "{touched:?}"
    );
    insta::assert_json_snapshot!("scan_log_review_json", review);

    let html = scan_with_trail("html", &["invictus-ir"]);
    assert!(html.stdout.contains("<section id=\"log-review\">"));
    assert!(html.stdout.contains("stratus-red-team-bdbp-lhfzvgcamn"));

    // Without --trail there is no section at all.
    let none = scan_with_trail("json", &[]);
    assert!(!none.stdout.contains("log_review"));
}

#[test]
fn scan_log_review_reports_unreadable_files_and_goes_on() {
    let dir = temp("review-broken");
    std::fs::write(dir.join("bad.json.gz"), b"\x1f\x8bnot gzip").unwrap();
    let bad = dir.join("bad.json.gz");
    let run = scan_with_trail(
        "text",
        &[bad.to_str().unwrap(), "synthetic/phi_access.json"],
    );
    assert!(run.code <= 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: log review: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("(1 unreadable, 0 records skipped)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("the review is incomplete"),
        "{}",
        run.stdout
    );
}
