//! The `phiguard` binary end to end: output, diagnostics and exit codes, with the clock fixed
//! through `PHIGUARD_NOW`.
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

const NOW: &str = "2026-01-15T12:00:00Z";
/// The two controls the fixture scans run: stable, so catalogue growth does not move the
/// snapshots.
const CONTROLS: [&str; 4] = ["--control", "IAM-001", "--control", "S3-007"];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_phiguard"));
    command
        .args(args)
        .current_dir(dir)
        .env("PHIGUARD_NOW", NOW)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run phiguard");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(bytes).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let clean = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .replace(&dir.display().to_string(), "[DIR]")
            .replace(&fixtures().display().to_string(), "[FIXTURES]")
            .replace(
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

/// Runs in a directory shared by tests that write nothing (so it is never cleared).
fn run(args: &[&str]) -> Run {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("phiguard-cli")
        .join("read-only");
    std::fs::create_dir_all(&dir).unwrap();
    run_in(&dir, args, None)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

/// A fresh, empty directory for one test.
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("phiguard-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn scan_args<'a>(inventory: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["scan", "--inventory", inventory, "--no-config"];
    args.extend(CONTROLS);
    args.extend(extra);
    args
}

#[test]
fn version_and_help() {
    let r = run(&["--version"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout.trim(),
        format!("phiguard {}", env!("CARGO_PKG_VERSION"))
    );
    let r = run(&["scan", "--help"]);
    assert_eq!(r.code, 0);
    for needle in [
        "--inventory",
        "--fail-on",
        "--strict",
        "Exit codes:",
        "1  unwaived failures at or above --fail-on (default: high)",
        "3  incomplete scan",
    ] {
        assert!(
            r.stdout.contains(needle),
            "`{needle}` missing:\n{}",
            r.stdout
        );
    }
    // Usage errors are clap's, with exit 2.
    let r = run(&["scan", "--org"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--role"), "{}", r.stderr);
    let r = run(&["scan", "-i", "x.json", "--region", "us-east-1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot be combined"), "{}", r.stderr);
    let r = run(&["scan", "-i", "x.json", "--fail-on", "severe"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a severity"), "{}", r.stderr);
}

#[test]
fn controls_explain_by_id_and_slug() {
    let r = run(&["controls", "explain", "IAM-001"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("controls_explain_iam_001", r.stdout);
    let by_slug = run(&["controls", "explain", "iam-root-account-mfa-enabled"]);
    assert_eq!(by_slug.stdout, r.stdout);
}

#[test]
fn controls_explain_unknown_suggests() {
    let r = run(&["controls", "explain", "s3-bucket-versioning-enable"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    insta::assert_snapshot!("controls_explain_unknown", r.stderr);
}

#[test]
fn controls_list_in_every_format() {
    let table = run(&["controls", "list"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let line = table
        .stdout
        .lines()
        .find(|l| l.starts_with("IAM-001 "))
        .expect("IAM-001 listed");
    assert!(line.contains("iam-root-account-mfa-enabled"), "{line}");

    let json = run(&["controls", "list", "--format", "json"]);
    assert_eq!(json.code, 0);
    let list: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), phiguard_controls::CATALOGUE.len());
    let iam = list.iter().find(|c| c["id"] == "IAM-001").unwrap();
    assert_eq!(iam["config_rules"][0], "root-account-mfa-enabled");
    assert_eq!(iam["prowler_checks"][0], "iam_root_mfa_enabled");

    let csv = run(&["controls", "list", "--format", "csv"]);
    assert!(
        csv.stdout.starts_with("id,slug,title,severity"),
        "{}",
        csv.stdout
    );
    assert_eq!(
        csv.stdout.lines().count(),
        phiguard_controls::CATALOGUE.len() + 1
    );

    let md = run(&["controls", "list", "--format", "md"]);
    assert!(md.stdout.starts_with("| Id | Slug |"), "{}", md.stdout);
}

#[test]
fn scan_small_inventory_as_json() {
    let inventory = fixture("clinic-small.json");
    let r = run(&scan_args(&inventory, &["--format", "json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    insta::assert_snapshot!("scan_small_json", r.stdout);
}

#[test]
fn scan_small_inventory_as_text() {
    let inventory = fixture("clinic-small.json");
    let r = run(&scan_args(&inventory, &[]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains('\x1b'), "colour though NO_COLOR is set");
    for needle in [
        "fail[S3-007]: S3 buckets holding PHI have versioning enabled (high, PHI)",
        "arn:aws:s3:::example-clinic-imaging",
        "arn:aws:s3:::example-clinic-logs-2026",
        "by HIPAA standard",
    ] {
        assert!(
            r.stdout.contains(needle),
            "`{needle}` missing:\n{}",
            r.stdout
        );
    }
    assert!(!r.stdout.contains("fail[IAM-001]"), "{}", r.stdout);
    // --verbose adds the passes.
    let verbose = run(&scan_args(&inventory, &["--verbose"]));
    assert!(verbose.stdout.len() > r.stdout.len());
    assert!(verbose.stdout.contains("IAM-001"), "{}", verbose.stdout);
}

#[test]
fn exit_codes_follow_fail_on_and_strict() {
    let small = fixture("clinic-small.json");
    let incomplete = fixture("clinic-incomplete.json");
    let cases: [(&str, &[&str]); 10] = [
        (&small, &[]),
        (&small, &["--fail-on", "high"]),
        (&small, &["--fail-on", "critical"]),
        (&small, &["--fail-on", "none"]),
        (&small, &["--fail-on", "critical", "--strict"]),
        (&small, &["--phi-only", "--fail-on", "medium"]),
        (&incomplete, &["--fail-on", "critical"]),
        (&incomplete, &["--fail-on", "critical", "--strict"]),
        (&incomplete, &["--fail-on", "high", "--strict"]),
        (&incomplete, &["--fail-on", "none", "--strict"]),
    ];
    let mut table = String::new();
    for (inventory, extra) in cases {
        let mut args = scan_args(inventory, extra);
        args.extend(["--format", "json"]);
        let r = run(&args);
        let name = Path::new(inventory).file_name().unwrap().to_string_lossy();
        table.push_str(&format!("{} {name} {}\n", r.code, extra.join(" ")));
    }
    insta::assert_snapshot!("exit_codes", table);
}

#[test]
fn gzip_inventories_are_detected_by_content() {
    let dir = tmp("gzip");
    let plain = std::fs::read(fixture("clinic-small.json")).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.join("inventory.json.gz"), &gz).unwrap();
    // Named like plain JSON: the magic bytes decide.
    std::fs::write(dir.join("inventory.json"), &gz).unwrap();

    let expected = run(&scan_args(
        &fixture("clinic-small.json"),
        &["--format", "json"],
    ));
    for name in ["inventory.json.gz", "inventory.json"] {
        let r = run_in(&dir, &scan_args(name, &["--format", "json"]), None);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert_eq!(r.stdout, expected.stdout, "{name}");
    }
    // And from standard input.
    let r = run_in(&dir, &scan_args("-", &["--format", "json"]), Some(&gz));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, expected.stdout);

    // A truncated gzip stream is an error, not a panic.
    std::fs::write(dir.join("cut.json.gz"), &gz[..gz.len() / 2]).unwrap();
    let r = run_in(&dir, &scan_args("cut.json.gz", &[]), None);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("gzip_truncated", r.stderr);
}

#[test]
fn truncated_inventory_names_file_and_position() {
    let dir = tmp("truncated");
    let text = std::fs::read_to_string(fixture("clinic-small.json")).unwrap();
    let cut = &text[..text.find("\"example-clinic-imaging\",").unwrap() + 10];
    std::fs::write(dir.join("inv.json"), cut).unwrap();
    let r = run_in(&dir, &scan_args("inv.json", &[]), None);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    insta::assert_snapshot!("inventory_truncated", r.stderr);
}

#[test]
fn wrong_type_in_inventory_names_the_path() {
    let dir = tmp("wrong-type");
    let text = std::fs::read_to_string(fixture("clinic-small.json"))
        .unwrap()
        .replace("\"versioning\": \"Suspended\"", "\"versioning\": 7");
    std::fs::write(dir.join("inv.json"), text).unwrap();
    let r = run_in(&dir, &scan_args("inv.json", &[]), None);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("inventory_wrong_type", r.stderr);

    let r = run_in(&dir, &scan_args("missing.json", &[]), None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read inventory `missing.json`"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_config_reports_every_error() {
    let dir = tmp("bad-config");
    std::fs::write(
        dir.join("phiguard.toml"),
        "\
[scan]
fail_onn = \"high\"
regions = \"us-east-1\"

[controls]
disabled = [\"NOPE-999\", \"s3-bucket-versioning-enable\"]

[controls.severity]
\"S3-007\" = \"severe\"

[thresholds]
access_key_max_age_days = \"ninety\"

[[waiver]]
control = \"S3-007\"
resource = \"arn:aws:s3:::example-clinic-logs-*\"
reason = \"\"
expires = 2026-12-31

[phi]
accounts = [111122223333]
",
    )
    .unwrap();
    let inventory = fixture("clinic-small.json");
    // Found as ./phiguard.toml.
    let r = run_in(&dir, &["scan", "--inventory", &inventory], None);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    insta::assert_snapshot!("config_errors", r.stderr);
    // Named explicitly: the same.
    let explicit = run_in(
        &dir,
        &[
            "scan",
            "--inventory",
            &inventory,
            "--config",
            "phiguard.toml",
        ],
        None,
    );
    assert_eq!(explicit.stderr, r.stderr);
    // A missing --config is an error too.
    let r = run_in(
        &dir,
        &["scan", "--inventory", &inventory, "--config", "nope.toml"],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read configuration `nope.toml`"),
        "{}",
        r.stderr
    );
}

#[test]
fn unknown_control_flag_is_a_usage_error() {
    let inventory = fixture("clinic-small.json");
    let r = run(&[
        "scan",
        "--inventory",
        &inventory,
        "--no-config",
        "--skip-control",
        "IAM-01",
    ]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("unknown_control_flag", r.stderr);
}

#[test]
fn init_then_scan_with_that_config() {
    let dir = tmp("init");
    let r = run_in(&dir, &["init"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("wrote `phiguard.toml`"),
        "{}",
        r.stderr
    );
    let written = std::fs::read_to_string(dir.join("phiguard.toml")).unwrap();
    assert!(written.contains("[[waiver]]"));
    assert_eq!(run_in(&dir, &["init", "-"], None).stdout, written);

    // Refuses to overwrite, unless forced.
    std::fs::write(dir.join("phiguard.toml"), "# mine\n").unwrap();
    let r = run_in(&dir, &["init"], None);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("init_exists", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("phiguard.toml")).unwrap(),
        "# mine\n"
    );
    let r = run_in(&dir, &["init", "--force"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("phiguard.toml")).unwrap(),
        written
    );

    // The template is the defaults: the scan is the same as with no config at all.
    let inventory = fixture("clinic-small.json");
    let mut args = vec!["scan", "--inventory", &inventory, "--format", "json"];
    args.extend(CONTROLS);
    let with_template = run_in(&dir, &args, None);
    assert_eq!(with_template.code, 1, "{}", with_template.stderr);
    assert_eq!(with_template.stderr, "");
    let without = run(&scan_args(&inventory, &["--format", "json"]));
    assert_eq!(with_template.stdout, without.stdout);

    // Edited: a waiver, an expired waiver, a waiver that matches nothing, a lower bar.
    let edited = format!(
        "{written}
[[waiver]]
control = \"S3-007\"
resource = \"arn:aws:s3:::example-clinic-logs-*\"
reason = \"log buckets are rebuilt from CloudTrail\"
approved_by = \"Security Officer\"
expires = 2026-12-31

[[waiver]]
control = \"s3-bucket-versioning-enabled\"
resource = \"arn:aws:s3:::example-clinic-imaging\"
reason = \"migration to the new imaging bucket\"
approved_by = \"Security Officer\"
expires = 2025-12-31

[[waiver]]
control = \"IAM-001\"
resource = \"*\"
reason = \"break-glass account\"
approved_by = \"CISO\"
expires = 2026-06-30
"
    )
    .replace("fail_on = \"high\"", "fail_on = \"critical\"");
    std::fs::write(dir.join("phiguard.toml"), edited).unwrap();
    let r = run_in(&dir, &args, None);
    // `critical` from the config: the remaining failure is `high`.
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("scan_with_waivers_stderr", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let statuses: Vec<(String, String)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["resource"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(statuses.contains(&(
        "arn:aws:s3:::example-clinic-logs-2026".into(),
        "waived".into()
    )));
    assert!(statuses.contains(&("arn:aws:s3:::example-clinic-imaging".into(), "fail".into())));
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 2);
    // The flag overrides the config.
    let mut strict_args = args.clone();
    strict_args.extend(["--fail-on", "high"]);
    assert_eq!(run_in(&dir, &strict_args, None).code, 1);
}

#[test]
fn output_file_and_formats() {
    let dir = tmp("output");
    let inventory = fixture("clinic-small.json");
    for (format, file) in [
        ("html", "r.html"),
        ("csv", "r.csv"),
        ("ocsf", "r.ocsf.json"),
        ("json", "r.json"),
        ("text", "r.txt"),
    ] {
        let r = run_in(
            &dir,
            &scan_args(&inventory, &["--format", format, "--output", file]),
            None,
        );
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{format}");
        assert!(r.stderr.starts_with("wrote "), "{}", r.stderr);
        assert!(r.stderr.contains(&format!("`{file}`")), "{}", r.stderr);
        let written = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(!written.is_empty(), "{format}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(json["report_version"], 1);
    let r = run_in(
        &dir,
        &scan_args(&inventory, &["--output", "no/such/dir/r.txt"]),
        None,
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot write `no/such/dir/r.txt`"),
        "{}",
        r.stderr
    );
}

#[test]
fn demo_writes_an_offline_html_report() {
    let dir = tmp("demo");
    let r = run_in(&dir, &["demo"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("phiguard demo: "), "{}", r.stdout);
    assert!(r.stdout.contains("top failures:"), "{}", r.stdout);
    assert!(
        r.stdout
            .trim_end()
            .ends_with("report: [DIR]/phiguard-demo-report.html (opens offline in any browser)"),
        "{}",
        r.stdout
    );
    let html = std::fs::read_to_string(dir.join("phiguard-demo-report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100]);
    for remote in [
        "<script src=",
        "<link rel=\"stylesheet\" href=\"http",
        "url(http",
    ] {
        assert!(!html.contains(remote), "the report loads `{remote}`");
    }

    // Elsewhere and in another format; --verbose prints every finding.
    let r = run_in(
        &dir,
        &[
            "demo",
            "--output",
            "demo.json",
            "--format",
            "json",
            "--verbose",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("top failures:"), "{}", r.stdout);
    assert!(r.stdout.contains("fail["), "{}", r.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("demo.json")).unwrap()).unwrap();
    assert_eq!(report["inventory"]["source"], "demo");
    assert_eq!(report["scan_time"], NOW);
    assert!(report["results"].as_array().unwrap().len() > 100);
}

#[test]
fn bad_clock_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(["controls", "list"])
        .env("PHIGUARD_NOW", "yesterday")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("invalid `PHIGUARD_NOW` value `yesterday`"),
        "{stderr}"
    );
}

#[test]
fn config_regions_filter_the_inventory() {
    let dir = tmp("regions");
    std::fs::write(
        dir.join("phiguard.toml"),
        "[scan]\nregions = [\"us-west-2\"]\n",
    )
    .unwrap();
    let inventory = fixture("clinic-small.json");
    let mut args = vec!["scan", "--inventory", &inventory, "--format", "json"];
    args.extend(CONTROLS);
    let r = run_in(&dir, &args, None);
    // The buckets are in us-east-1: filtered out; the account-level control still runs.
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`scan.regions` lists `us-west-2`, which no account of the inventory has"),
        "{}",
        r.stderr
    );
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let resources: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource"].as_str().unwrap())
        .collect();
    assert_eq!(resources, vec!["AWS::::Account:111122223333"]);
}

#[test]
fn colour_is_on_when_asked() {
    let inventory = fixture("clinic-small.json");
    let plain = run(&scan_args(&inventory, &["--skip-control", "IAM-01"]));
    assert!(!plain.stderr.contains('\x1b'), "{}", plain.stderr);
    let coloured = run(&scan_args(
        &inventory,
        &["--skip-control", "IAM-01", "--color", "always"],
    ));
    assert_eq!(coloured.code, 2);
    assert!(coloured.stderr.contains('\x1b'), "{}", coloured.stderr);
    let coloured = run(&scan_args(&inventory, &["--color", "always"]));
    assert!(coloured.stdout.contains('\x1b'), "{}", coloured.stdout);
}
