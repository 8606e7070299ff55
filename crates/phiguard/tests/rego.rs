//! Custom Rego controls end to end, from the README's example: they appear in the JSON,
//! HTML, CSV, OCSF and terminal reports with their own id, and a syntax error names file and
//! line.
#![expect(clippy::expect_used, clippy::panic, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-01-15T12:00:00Z";

const INVENTORY: &str = r#"{
  "schema_version": 1,
  "generated_at": "2026-01-10T09:00:00Z",
  "source": {"kind": "synthetic", "description": "custom controls test"},
  "accounts": [{"id": "111122223333", "regions": ["us-east-1"]}],
  "coverage": [
    {"account": "111122223333", "region": "global", "source": "s3_buckets", "state": "collected"}
  ],
  "resources": [
    {"arn": "arn:aws:s3:::clinic-records", "account": "111122223333", "region": "us-east-1",
     "tags": {"PHI": "Yes", "Environment": "Production"},
     "details": {"s3_bucket": {"versioning": "Enabled", "object_lock": {"enabled": true}}}},
    {"arn": "arn:aws:s3:::clinic-imaging", "account": "111122223333", "region": "us-east-1",
     "tags": {"PHI": "Yes", "Environment": "Production"},
     "details": {"s3_bucket": {"versioning": "Enabled"}}},
    {"arn": "arn:aws:s3:::clinic-website", "account": "111122223333", "region": "us-east-1",
     "tags": {"Environment": "Production"},
     "details": {"s3_bucket": {}}}
  ]
}"#;

/// The first fenced block of `lang` after the README's "## Custom controls" heading.
fn readme_block(lang: &str) -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .expect("README.md");
    let section = readme
        .split("\n## Custom controls\n")
        .nth(1)
        .expect("README has a Custom controls section");
    let start = section
        .find(&format!("```{lang}\n"))
        .unwrap_or_else(|| panic!("no {lang} block"))
        + lang.len()
        + 4;
    let end = section[start..].find("```").expect("closed block");
    section[start..start + end].to_string()
}

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("phiguard-rego")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies")).expect("dir");
    std::fs::write(dir.join("phiguard.toml"), readme_block("toml")).expect("config");
    std::fs::write(dir.join("inventory.json"), INVENTORY).expect("inventory");
    dir
}

fn scan(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args([
            "scan",
            "--inventory",
            "inventory.json",
            "--config",
            "phiguard.toml",
        ])
        .args(["--control", "CUSTOM-002", "--control", "S3-007"])
        .args(extra)
        .current_dir(dir)
        .env("PHIGUARD_NOW", NOW)
        .env("NO_COLOR", "1")
        .output()
        .expect("run phiguard");
    (
        output.status.code().expect("exited"),
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
    )
}

#[test]
fn the_readme_example_appears_in_every_report_with_its_own_id() {
    let dir = workdir("readme");
    std::fs::write(dir.join("policies/object_lock.rego"), readme_block("rego")).expect("policy");

    let (code, stdout, stderr) = scan(&dir, &["--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let results = json["results"].as_array().expect("results");
    let custom: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["control"] == "CUSTOM-002" || r["control_id"] == "CUSTOM-002")
        .collect();
    assert_eq!(custom.len(), 2, "{stdout}");
    let status = |arn: &str| {
        custom
            .iter()
            .find(|r| r.to_string().contains(arn))
            .map(|r| r["status"].clone())
    };
    assert_eq!(status("clinic-records"), Some("pass".into()));
    assert_eq!(status("clinic-imaging"), Some("fail".into()));
    assert!(
        stdout.contains("Production S3 buckets holding PHI have Object Lock enabled"),
        "control metadata in the JSON report"
    );

    let (code, text, _) = scan(&dir, &["--format", "text"]);
    assert_eq!(code, 1);
    assert!(
        text.contains(
            "fail[CUSTOM-002]: Production S3 buckets holding PHI have Object Lock enabled"
        ),
        "{text}"
    );

    for (format, needle) in [
        ("html", "CUSTOM-002"),
        ("csv", "CUSTOM-002"),
        ("ocsf", "CUSTOM-002"),
    ] {
        let file = format!("report.{format}");
        let (code, _, stderr) = scan(&dir, &["--format", format, "--output", &file]);
        assert_eq!(code, 1, "{format}: {stderr}");
        let written = std::fs::read_to_string(dir.join(&file)).expect("written");
        assert!(written.contains(needle), "{format} lacks {needle}");
        if format == "html" {
            // The failing custom control shows its remediation steps.
            assert!(written.contains("<dt>Console</dt>"), "html remediation");
        }
    }
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let dir = workdir("syntax");
    // An unterminated string.
    let broken =
        readme_block("rego").replace("\tb.kind == \"s3_bucket\"\n", "\tb.kind == \"s3_bucket\n");
    assert_ne!(broken, readme_block("rego"));
    std::fs::write(dir.join("policies/object_lock.rego"), &broken).expect("policy");
    let (code, stdout, stderr) = scan(&dir, &[]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_eq!(stdout, "");
    let line = broken
        .lines()
        .position(|l| l.ends_with("\"s3_bucket"))
        .expect("the broken line")
        + 1;
    assert!(
        stderr.contains(&format!("policies/object_lock.rego:{line}")),
        "names file and line {line}:\n{stderr}"
    );
}

/// Runs `phiguard ARGS` in `dir`.
fn phiguard(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(args)
        .current_dir(dir)
        .env("PHIGUARD_NOW", NOW)
        .env("NO_COLOR", "1")
        .output()
        .expect("run phiguard");
    (
        output.status.code().expect("exited"),
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
    )
}

const TITLE: &str = "Production S3 buckets holding PHI have Object Lock enabled";

#[test]
fn custom_controls_are_listed_and_explained() {
    let dir = workdir("list");
    std::fs::write(dir.join("policies/object_lock.rego"), readme_block("rego")).expect("policy");

    // ./phiguard.toml is read by default, as by `scan`.
    let (code, table, stderr) = phiguard(&dir, &["controls", "list"]);
    assert_eq!(code, 0, "{stderr}");
    let row = table
        .lines()
        .find(|l| l.contains("CUSTOM-002"))
        .unwrap_or_else(|| panic!("CUSTOM-002 listed:\n{table}"));
    assert!(row.contains("custom-002"), "{row}");
    assert!(table.contains("S3-007"), "built-in controls still listed");

    let (code, json, _) = phiguard(
        &dir,
        &[
            "controls",
            "list",
            "--format",
            "json",
            "-c",
            "phiguard.toml",
        ],
    );
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(json.to_string().contains(TITLE), "{json}");

    let (code, builtin_only, _) = phiguard(&dir, &["controls", "list", "--no-config"]);
    assert_eq!(code, 0);
    assert!(!builtin_only.contains("CUSTOM-002"));
    assert!(builtin_only.contains("S3-007"));

    for name in ["CUSTOM-002", "custom-002"] {
        let (code, text, stderr) = phiguard(&dir, &["controls", "explain", name]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            text.contains("CUSTOM-002") && text.contains(TITLE),
            "{text}"
        );
        assert!(
            text.contains("put-object-lock-configuration"),
            "remediation: {text}"
        );
    }
    let (code, _, stderr) = phiguard(&dir, &["controls", "explain", "CUSTOM-002", "--no-config"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("CUSTOM-002"), "{stderr}");
}

#[test]
fn controls_enabled_selects_a_custom_control_by_id() {
    let dir = workdir("enabled");
    std::fs::write(dir.join("policies/object_lock.rego"), readme_block("rego")).expect("policy");
    let config = format!(
        "{}\n[controls]\nenabled = [\"custom-002\", \"S3-007\"]\n",
        readme_block("toml")
    );
    std::fs::write(dir.join("phiguard.toml"), config).expect("config");
    let (code, stdout, stderr) = phiguard(
        &dir,
        &["scan", "--inventory", "inventory.json", "--format", "json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let mut controls: Vec<String> = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["control"]
                .as_str()
                .or_else(|| r["control_id"].as_str())
                .expect("control id")
                .to_string()
        })
        .collect();
    controls.sort();
    controls.dedup();
    assert_eq!(controls, ["CUSTOM-002", "S3-007"]);

    // Disabled: only S3-007 is left of the two.
    let config = format!(
        "{}\n[controls]\nenabled = [\"CUSTOM-002\", \"S3-007\"]\ndisabled = [\"CUSTOM-002\"]\n",
        readme_block("toml")
    );
    std::fs::write(dir.join("phiguard.toml"), config).expect("config");
    let (_, stdout, stderr) = phiguard(
        &dir,
        &["scan", "--inventory", "inventory.json", "--format", "json"],
    );
    assert!(!stdout.contains("CUSTOM-002\""), "{stdout}{stderr}");
    assert!(stdout.contains("S3-007"), "{stdout}");
}

#[test]
fn an_unknown_custom_id_is_an_error_at_its_line() {
    // With a custom controls folder: an id none of its files declares.
    let dir = workdir("unknown");
    std::fs::write(dir.join("policies/object_lock.rego"), readme_block("rego")).expect("policy");
    let config = format!(
        "{}\n[controls]\ndisabled = [\"CUSTOM-009\"]\n",
        readme_block("toml")
    );
    let line = config
        .lines()
        .position(|l| l.starts_with("disabled"))
        .expect("line")
        + 1;
    std::fs::write(dir.join("phiguard.toml"), &config).expect("config");
    for args in [
        &["scan", "--inventory", "inventory.json"][..],
        &["controls", "list"][..],
    ] {
        let (code, stdout, stderr) = phiguard(&dir, args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("`controls.disabled` names unknown control `CUSTOM-009`"),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("phiguard.toml:{line}:")),
            "names line {line}:\n{stderr}"
        );
        assert!(stderr.contains("custom controls of `policies`"), "{stderr}");
    }

    // Without one: a custom-looking id is an unknown control when the file is parsed.
    let config = "[controls]\nenabled = [\"CUSTOM-002\"]\n";
    std::fs::write(dir.join("phiguard.toml"), config).expect("config");
    let (code, _, stderr) = phiguard(&dir, &["scan", "--inventory", "inventory.json"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`controls.enabled` names unknown control `CUSTOM-002`"),
        "{stderr}"
    );
    assert!(stderr.contains("phiguard.toml:2:"), "{stderr}");
}
