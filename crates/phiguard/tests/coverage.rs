//! `phiguard controls coverage`: the AWS Config HIPAA pack and Prowler's HIPAA mapping against
//! the catalogue. The snapshot moves as controls land (the lead re-accepts it).
#![expect(clippy::expect_used, reason = "tests")]

use std::process::Command;

fn coverage(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(["controls", "coverage"])
        .args(args)
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
fn coverage_table_lists_every_reference_id_and_the_totals() {
    let (code, stdout, stderr) = coverage(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("AWS Config conformance pack (HIPAA Security) (130 ids)\n"));
    assert!(stdout.contains("\nProwler HIPAA mapping (95 ids)\n"));
    assert!(stdout.contains("  Config rules    130: "), "{stdout}");
    assert!(stdout.contains("  Prowler checks   95: "), "{stdout}");
    // One row per reference id (130 + 95), each with a status.
    let rows = stdout
        .lines()
        .filter(|l| {
            let mut cells = l.split_whitespace();
            cells.next().is_some()
                && matches!(
                    cells.next(),
                    Some("mapped" | "excluded" | "conflict" | "uncovered")
                )
        })
        .count();
    assert_eq!(rows, 225, "{stdout}");
    insta::assert_snapshot!("controls_coverage_table", stdout);
}

#[test]
fn coverage_json_and_markdown() {
    let (code, stdout, stderr) = coverage(&["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["totals"]["config_rules"]["total"], 130);
    assert_eq!(json["totals"]["prowler_checks"]["total"], 95);
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 225);
    let versioning = rows
        .iter()
        .find(|r| r["id"] == "s3-bucket-versioning-enabled")
        .expect("listed");
    assert_eq!(versioning["status"], "mapped");
    assert!(
        versioning["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .any(|c| c == "S3-007")
    );

    // The Markdown format is docs/coverage.md without its header (`cargo xtask gen --check`
    // in CI keeps that file current).
    let (code, md, _) = coverage(&["--format", "md"]);
    assert_eq!(code, 0);
    assert!(
        md.starts_with("# Coverage of the AWS Config HIPAA pack"),
        "{md}"
    );
    assert!(
        md.contains("| `s3-bucket-versioning-enabled` | mapped | "),
        "{md}"
    );
    assert!(md.contains("[S3-007](controls/S3-007.md)"), "{md}");
}
