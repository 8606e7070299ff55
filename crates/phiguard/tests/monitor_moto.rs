//! The monitoring acceptance scenario against the AWS emulator (moto server, started here):
//! seed the healthcare account, let `phiguard monitor run` scan it and store the scan, drop
//! a PHI bucket's TLS-only policy and add a new PHI bucket with boto3, run the monitor again: the drift
//! alert reaches a webhook receiver on 127.0.0.1, a local SMTP server (aiosmtpd) and an SNS
//! topic of the emulator (whose HTTP subscription delivers to the same receiver), each naming
//! the drift.
#![cfg(feature = "aws")]
#![expect(clippy::unwrap_used, reason = "tests")]

#[path = "../../phiguard-monitor/tests/support/receivers.rs"]
mod receivers;
mod support;

use std::path::Path;

use receivers::{HttpReceiver, SmtpServer};
use support::Moto;

fn phiguard(dir: &Path, args: &[&str], now: &str, hook: &str) -> (i32, String, String) {
    let out = support::phiguard_command(dir, args)
        .env("PHIGUARD_NOW", now)
        .env("PHIGUARD_ACTOR", "monitor-test")
        .env("TEST_HOOK_URL", hook)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn drift_in_the_emulated_account_is_alerted_by_webhook_email_and_sns() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    moto.seed();
    let hook = HttpReceiver::start();
    let sns_endpoint = format!("{}/sns", hook.url);
    moto.python(&format!(
        r#"
import sys, boto3
sns = boto3.client("sns", endpoint_url=sys.argv[1], region_name="us-east-1")
arn = sns.create_topic(Name="phiguard-alerts")["TopicArn"]
sns.subscribe(TopicArn=arn, Protocol="http", Endpoint="{sns_endpoint}")
"#
    ));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("phiguard.toml"),
        format!(
            r#"[[monitor.jobs]]
name = "nightly"
schedule = "0 2 * * *"
kind = "scan"
endpoint_url = "{moto}"
regions = ["us-east-1", "eu-west-1"]

[[monitor.alerts.webhook]]
name = "hook"
url_env = "TEST_HOOK_URL"

[[monitor.alerts.email]]
name = "mail"
host = "127.0.0.1"
port = {port}
starttls = false
from = "phiguard@example.org"
to = ["compliance@example.org"]

[[monitor.alerts.sns]]
name = "ops"
topic_arn = "arn:aws:sns:us-east-1:123456789012:phiguard-alerts"
endpoint_url = "{moto}"
allow_aws_write = true
"#,
            moto = moto.url,
            port = smtp.port
        ),
    )
    .unwrap();
    let hook_url = format!("{}/hook", hook.url);
    let db = ["--db", "records.db", "--signing-key", "audit.key"];

    let (code, stdout, stderr) = phiguard(
        d,
        &[&["monitor", "run"][..], &db].concat(),
        "2026-11-29T02:00:00Z",
        &hook_url,
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("first scan"), "{stdout}");
    assert!(hook.received().is_empty(), "no alert for the first scan");

    // The account drifts: the compliant PHI bucket loses its TLS-only bucket policy (S3-003
    // fails), and a new PHI bucket appears. (Not a public ACL: with the emulator's s3control
    // gap the account-level Block Public Access is unknown, so public access is `error`, not
    // a new failure.)
    moto.python(
        r#"
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
s3.delete_bucket_policy(Bucket="lakeside-phi-records")
s3.create_bucket(Bucket="lakeside-phi-intake")
s3.put_bucket_tagging(Bucket="lakeside-phi-intake", Tagging={"TagSet": [{"Key": "PHI", "Value": "Yes"}]})
"#,
    );

    let (code, stdout, stderr) = phiguard(
        d,
        &[&["monitor", "run"][..], &db].concat(),
        "2026-11-30T02:00:00Z",
        &hook_url,
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("sent to webhook `hook`"), "{stdout}");
    assert!(stdout.contains("sent to email `mail`"), "{stdout}");
    assert!(stdout.contains("sent to sns `ops`: message id"), "{stdout}");

    let got = hook.wait_for(2, 20);
    let webhook = got
        .iter()
        .find(|r| r.request_line.starts_with("POST /hook "))
        .expect("the webhook was called");
    let body: serde_json::Value = serde_json::from_str(&webhook.body).unwrap();
    let text = body["text"].as_str().unwrap();
    let names_the_drift = |text: &str| {
        text.contains("phiguard: drift in `nightly`")
            && text.contains("arn:aws:s3:::lakeside-phi-records")
            && text.contains("arn:aws:s3:::lakeside-phi-intake")
    };
    assert!(names_the_drift(text), "{text}");
    let new_failures = body["phiguard"]["details"]["new_failures"]
        .as_array()
        .unwrap();
    assert!(
        new_failures
            .iter()
            .any(|c| c["resource"] == "arn:aws:s3:::lakeside-phi-records"),
        "{new_failures:?}"
    );

    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    // Quoted-printable may wrap long lines: undo soft line breaks before looking.
    let mail = mails[0].replace("=\r\n", "").replace("=\n", "");
    assert!(names_the_drift(&mail), "{mail}");

    let notification = got
        .iter()
        .find(|r| r.request_line.starts_with("POST /sns "))
        .expect("the SNS topic's HTTP subscription was notified");
    let n: serde_json::Value = serde_json::from_str(&notification.body).unwrap();
    assert_eq!(n["Type"], "Notification");
    assert!(
        n["Subject"]
            .as_str()
            .unwrap()
            .starts_with("phiguard: drift in `nightly`"),
        "{n}"
    );
    assert!(names_the_drift(n["Message"].as_str().unwrap()), "{n}");
}
