//! `phiguard monitor` end to end with saved inventories (no AWS): a scan job stores a scan,
//! the inventory drifts, the next run alerts a webhook receiver on 127.0.0.1 and a local SMTP
//! server (aiosmtpd), `status` shows the runs and alerts, `test-alert` reports a failing
//! destination, and `[monitor]` errors are reported with the rest of `phiguard.toml`'s.
#![expect(clippy::unwrap_used, reason = "tests")]

#[path = "../../phiguard-monitor/tests/support/receivers.rs"]
mod receivers;

use std::path::Path;
use std::process::Command;

use receivers::{HttpReceiver, SmtpServer};

const NOW: &str = "2026-11-29T12:00:00Z";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn phiguard(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_phiguard"));
    cmd.args(args)
        .current_dir(dir)
        .env("PHIGUARD_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("PHIGUARD_ACTOR", "monitor-test")
        .env("HOSTNAME", "testhost")
        .env_remove("PHIGUARD_DB")
        .env_remove("PHIGUARD_DATABASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clinic-small.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The clinic after a change: the website bucket is tagged PHI, the records bucket's
/// versioning is suspended, and a Lightsail instance (not HIPAA-eligible) appeared.
fn drifted() -> serde_json::Value {
    let mut inv = fixture();
    let resources = inv["resources"].as_array_mut().unwrap();
    for r in resources.iter_mut() {
        if r["arn"] == "arn:aws:s3:::example-clinic-website" {
            r["tags"] = serde_json::json!({ "PHI": "Yes" });
        }
        if r["arn"] == "arn:aws:s3:::example-clinic-records" {
            r["details"]["s3_bucket"]["versioning"] = "Suspended".into();
        }
    }
    resources.push(serde_json::json!({
        "arn": "arn:aws:lightsail:us-east-1:111122223333:Instance/clinic-portal",
        "account": "111122223333",
        "region": "us-east-1",
        "details": { "tagged": { "resource_type": "AWS::Lightsail::Instance" } }
    }));
    inv
}

fn config(smtp_port: u16) -> String {
    format!(
        r#"[[monitor.jobs]]
name = "nightly"
schedule = "0 2 * * *"
kind = "scan"
inventory = "inventory.json"

[[monitor.alerts.webhook]]
name = "hook"
url_env = "TEST_HOOK_URL"

[[monitor.alerts.email]]
name = "mail"
host = "127.0.0.1"
port = {smtp_port}
starttls = false
from = "phiguard@example.org"
to = ["compliance@example.org"]
"#
    )
}

#[test]
fn a_drift_between_two_scheduled_scans_reaches_the_webhook_and_the_mailbox() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let hook = HttpReceiver::start();
    let hook_url = format!("{}/hooks/s3cr3t", hook.url);
    let env = [("TEST_HOOK_URL", hook_url.as_str())];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("phiguard.toml"), config(smtp.port)).unwrap();
    std::fs::write(d.join("inventory.json"), fixture().to_string()).unwrap();
    let db = ["--db", "records.db", "--signing-key", "audit.key"];

    let status = phiguard(d, &[&["monitor", "status"][..], &db].concat(), &env);
    assert_eq!(status.code, 0, "{}", status.stderr);
    insta::assert_snapshot!("status_before", status.stdout);

    // First run (never run: due): the first scan, nothing to compare.
    let first = phiguard(d, &[&["monitor", "run"][..], &db].concat(), &env);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("first scan"), "{}", first.stdout);
    assert!(hook.received().is_empty());

    // Not due again at the same time.
    let again = phiguard(d, &[&["monitor", "run"][..], &db].concat(), &env);
    assert_eq!(again.stdout, format!("no job due at {NOW}\n"));

    // The account drifts; the next firing (02:00 tomorrow) scans again and alerts.
    std::fs::write(d.join("inventory.json"), drifted().to_string()).unwrap();
    let second = phiguard(
        d,
        &[
            &["monitor", "run", "--now", "2026-11-30T02:00:00Z"][..],
            &db,
        ]
        .concat(),
        &env,
    );
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    insta::assert_snapshot!("run_with_drift", second.stdout);

    let got = hook.wait_for(1, 10);
    assert_eq!(got.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    let text = body["text"].as_str().unwrap();
    insta::assert_snapshot!("drift_alert_text", text);
    let details = &body["phiguard"]["details"];
    assert!(
        details["new_failures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["control"] == "S3-007"
                && c["resource"] == "arn:aws:s3:::example-clinic-records"),
        "{details}"
    );
    assert_eq!(
        details["new_phi_resources"][0]["resource"],
        "arn:aws:s3:::example-clinic-website"
    );
    assert_eq!(details["new_non_eligible"][0]["service"], "lightsail");

    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("arn:aws:s3:::example-clinic-website"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains("clinic-portal"), "{}", mails[0]);

    // History agrees with the alert.
    let history = phiguard(d, &[&["history"][..], &db].concat(), &env);
    assert!(
        history.stdout.contains("SCN-0001 -> SCN-0002"),
        "{}",
        history.stdout
    );

    let status = phiguard(d, &[&["monitor", "status"][..], &db].concat(), &env);
    assert_eq!(status.code, 0, "{}", status.stderr);
    insta::assert_snapshot!("status_after", status.stdout);

    // The audit log has the runs and the alerts, never the webhook URL.
    let log = phiguard(
        d,
        &[&["audit", "log", "--format", "json"][..], &db].concat(),
        &env,
    );
    assert_eq!(log.code, 0, "{}", log.stderr);
    assert!(log.stdout.contains("monitor_alert"), "{}", log.stdout);
    assert!(!log.stdout.contains("s3cr3t"), "secret in the audit log");
    assert!(!status.stdout.contains("s3cr3t") && !second.stdout.contains("s3cr3t"));
}

#[test]
fn watch_runs_the_due_jobs_and_says_when_the_next_one_is_due() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = "[[monitor.jobs]]\nname = \"nightly\"\nschedule = \"0 2 * * *\"\nkind = \"scan\"\ninventory = \"inventory.json\"\n";
    std::fs::write(d.join("phiguard.toml"), config).unwrap();
    std::fs::write(d.join("inventory.json"), fixture().to_string()).unwrap();
    let db = ["--db", "records.db", "--signing-key", "audit.key"];
    let watch = [&["monitor", "run", "--watch", "--rounds", "1"][..], &db].concat();

    let first = phiguard(d, &watch, &[]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first.stdout.starts_with("ran scan job `nightly`"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .ends_with("next: job `nightly` at 2026-11-30T02:00:00Z\n"),
        "{}",
        first.stdout
    );
    // Same time again: nothing due, the same next firing.
    let again = phiguard(d, &watch, &[]);
    assert_eq!(
        again.stdout,
        format!("no job due at {NOW}\nnext: job `nightly` at 2026-11-30T02:00:00Z\n")
    );
    // --watch is a scheduler: it takes neither --once nor --now.
    let refused = phiguard(d, &["monitor", "run", "--watch", "--once"], &[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
}

#[test]
fn test_alert_reports_each_destination() {
    let hook = HttpReceiver::with_status(404);
    let hook_url = format!("{}/hooks/s3cr3t", hook.url);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Nothing listens on port 9.
    std::fs::write(d.join("phiguard.toml"), config(9)).unwrap();
    let out = phiguard(
        d,
        &[
            "monitor",
            "test-alert",
            "--db",
            "records.db",
            "--signing-key",
            "audit.key",
        ],
        &[("TEST_HOOK_URL", hook_url.as_str())],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("FAILED webhook `hook`: the webhook answered HTTP 404"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("FAILED email `mail`: SMTP delivery to `127.0.0.1:9` failed"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("s3cr3t"));
    assert_eq!(hook.wait_for(1, 10).len(), 1);
}

#[test]
fn monitor_config_errors_point_at_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("phiguard.toml"),
        r#"[[monitor.jobs]]
name = "nightly"
schedule = "0 2 * * 8"
kind = "scan"
alerts = ["slack"]

[[monitor.alerts.sns]]
name = "ops"
topic_arn = "arn:aws:sns:us-east-1:111122223333:alerts"
"#,
    )
    .unwrap();
    let out = phiguard(d, &["monitor", "status", "--db", "records.db"], &[]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("config_errors", out.stderr);
}
