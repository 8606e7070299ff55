//! The monitor end to end on a real SQLite store: a scan job (through a test runner that
//! stores prepared scans) raises a drift alert that a webhook receiver on 127.0.0.1, a local
//! SMTP server (aiosmtpd) and an SNS publisher all get; every run and delivery is audited,
//! without secrets; reminders; scheduling; status.
#![expect(clippy::unwrap_used, reason = "tests")]

#[path = "support/receivers.rs"]
mod receivers;

use std::cell::RefCell;

use jiff::Timestamp;
use phiguard_monitor::config::{self, ScanJob, SnsDestination, TrailJob};
use phiguard_monitor::{Job, JobRunner, Monitor, MonitorConfig, SnsPublisher, TrailSummary, Which};
use phiguard_store::scan::{Scan, ScanCounts, ScanResource, ScanResultRow};
use phiguard_store::{Ctx, Location, Store};
use receivers::{HttpReceiver, SmtpServer};

const SECRET_PATH: &str = "/services/T0/B0/s3cr3t-token";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn row(control: &str, resource: &str, status: &str, reason: &str) -> ScanResultRow {
    ScanResultRow {
        control: control.into(),
        resource: resource.into(),
        account: "111122223333".into(),
        status: status.into(),
        severity: "high".into(),
        reason: reason.into(),
    }
}

fn res(arn: &str, service: &str, phi: bool, eligibility: &str) -> ScanResource {
    ScanResource {
        resource: arn.into(),
        kind: "tagged".into(),
        account: "111122223333".into(),
        region: "us-east-1".into(),
        service: service.into(),
        phi,
        eligibility: eligibility.into(),
    }
}

fn scan(time: &str, results: Vec<ScanResultRow>, resources: Vec<ScanResource>) -> Scan {
    let mut counts = ScanCounts::default();
    for r in &results {
        counts.add(&r.status);
    }
    Scan {
        scan_time: time.into(),
        tool_version: "0.0.0".into(),
        source: "test".into(),
        accounts: vec!["111122223333".into()],
        report_sha256: String::new(),
        evidence_id: None,
        counts,
        results,
        resources: Some(resources),
    }
}

/// Stores the next prepared scan on each call.
struct Runner {
    scans: RefCell<Vec<Scan>>,
}

impl JobRunner for Runner {
    fn scan(
        &mut self,
        store: &mut Store,
        _: &Job,
        _: &ScanJob,
        now: Timestamp,
    ) -> Result<String, String> {
        let next = self.scans.borrow_mut().remove(0);
        let ctx = Ctx::new(now, "runner", "test");
        store
            .write(&ctx, |tx| {
                phiguard_store::scan::store(tx, next, b"{}", &["S3-001".to_string()])
            })
            .map(|s| s.id)
            .map_err(|e| e.to_string())
    }

    fn trail(&mut self, _: &Job, _: &TrailJob, _: Timestamp) -> Result<TrailSummary, String> {
        Err("no trail here".into())
    }
}

/// Records what it publishes.
#[derive(Default)]
struct FakeSns {
    published: RefCell<Vec<(String, String, String)>>,
}

impl SnsPublisher for FakeSns {
    fn publish(&self, to: &SnsDestination, subject: &str, message: &str) -> Result<String, String> {
        self.published
            .borrow_mut()
            .push((to.topic_arn.clone(), subject.into(), message.into()));
        Ok("msg-1".into())
    }
}

fn config(webhook: &str, smtp_port: u16) -> MonitorConfig {
    let text = format!(
        r#"
[[monitor.jobs]]
name = "nightly"
schedule = "0 2 * * *"
kind = "scan"
inventory = "inventory.json"

[[monitor.jobs]]
name = "renewals"
schedule = "0 8 * * *"
kind = "reminders"
within_days = 30
alerts = ["hook"]

[[monitor.alerts.webhook]]
name = "hook"
url_env = "HOOK_URL"

[[monitor.alerts.email]]
name = "mail"
host = "127.0.0.1"
port = {smtp_port}
starttls = false
from = "phiguard@example.org"
to = ["compliance@example.org"]

[[monitor.alerts.sns]]
name = "ops"
topic_arn = "arn:aws:sns:us-east-1:111122223333:alerts"
allow_aws_write = true
"#
    );
    let _ = webhook;
    let doc = toml_edit::Document::parse(text.as_str()).unwrap();
    let (c, problems) = config::parse(doc.as_table().get("monitor").unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    c
}

#[test]
fn drift_between_two_scans_is_alerted_everywhere_and_audited() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let hook = HttpReceiver::start();
    let hook_url = format!("{}{SECRET_PATH}", hook.url);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &Location::Sqlite(dir.path().join("r.db")),
        ts("2026-11-01T00:00:00Z"),
    )
    .unwrap();
    let bucket = "arn:aws:s3:::clinic-phi";
    let runner_scans = vec![
        scan(
            "2026-11-28T02:00:00Z",
            vec![
                row("S3-001", bucket, "pass", ""),
                row("S3-002", bucket, "fail", "no versioning"),
            ],
            vec![res(bucket, "s3", true, "eligible")],
        ),
        scan(
            "2026-11-29T02:00:00Z",
            vec![
                row(
                    "S3-001",
                    bucket,
                    "fail",
                    "the bucket policy allows public read",
                ),
                row("S3-002", bucket, "pass", ""),
            ],
            vec![
                res(bucket, "s3", true, "eligible"),
                res("arn:aws:s3:::clinic-new-phi", "s3", true, "eligible"),
                res(
                    "arn:aws:lightsail:us-east-1:111122223333:Instance/web",
                    "lightsail",
                    false,
                    "not_eligible",
                ),
            ],
        ),
    ];
    let mut runner = Runner {
        scans: RefCell::new(runner_scans),
    };
    let sns = FakeSns::default();
    let cfg = config(&hook_url, smtp.port);
    let secrets = move |name: &str| (name == "HOOK_URL").then(|| hook_url.clone());
    let mut monitor = Monitor {
        config: &cfg,
        runner: &mut runner,
        sns: Some(&sns),
        secrets: &secrets,
        actor: "monitor".into(),
        source: "test".into(),
    };

    // First run: everything is due (never run); one scan stored, nothing to compare.
    let first = monitor
        .run_due(&mut store, ts("2026-11-28T02:00:00Z"))
        .unwrap();
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(first[0].ok && first[0].alert.is_none(), "{:?}", first[0]);
    assert!(
        first[0].summary.contains("first scan"),
        "{}",
        first[0].summary
    );
    // No reminders in an empty store.
    assert!(first[1].ok && first[1].alert.is_none(), "{:?}", first[1]);

    // Nothing due again before 08:00 (reminders) and 02:00 the next day (scan).
    assert!(
        monitor
            .run_due(&mut store, ts("2026-11-28T07:59:00Z"))
            .unwrap()
            .is_empty()
    );

    // Second run of the scan job: drift.
    let second = monitor
        .run(
            &mut store,
            ts("2026-11-29T02:00:00Z"),
            &Which::Named(vec!["nightly".into()]),
        )
        .unwrap();
    let report = &second[0];
    assert!(report.ok, "{report:?}");
    let alert = report.alert.as_ref().unwrap();
    insta::assert_snapshot!("drift_alert", alert.text);
    let sent: Vec<(&str, bool)> = report
        .deliveries
        .iter()
        .map(|d| (d.destination.as_str(), d.sent))
        .collect();
    assert_eq!(
        sent,
        [("hook", true), ("mail", true), ("ops", true)],
        "{:?}",
        report.deliveries
    );

    // The webhook got Slack-compatible JSON with the structured drift.
    let got = hook.wait_for(1, 10);
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .request_line
            .starts_with(&format!("POST {SECRET_PATH} ")),
        "{}",
        got[0].request_line
    );
    let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["text"], alert.text);
    assert_eq!(body["phiguard"]["kind"], "drift");
    assert_eq!(
        body["phiguard"]["details"]["new_failures"][0]["control"],
        "S3-001"
    );
    assert_eq!(
        body["phiguard"]["details"]["new_non_eligible"][0]["service"],
        "lightsail"
    );

    // The e-mail.
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].contains("Subject: phiguard: drift in `nightly`"),
        "{}",
        mails[0]
    );
    assert!(
        mails[0].contains("arn:aws:s3:::clinic-new-phi"),
        "{}",
        mails[0]
    );
    assert!(
        mails[0].contains("To: compliance@example.org"),
        "{}",
        mails[0]
    );

    // SNS.
    let published = sns.published.borrow();
    assert_eq!(published.len(), 1);
    assert!(published[0].1.starts_with("phiguard: drift in `nightly`"));
    assert!(published[0].2.contains("S3-001"));
    drop(published);

    // Audited: two runs of each job, three alerts, never the webhook secret.
    let events = store.events(None, None).unwrap();
    let alerts: Vec<_> = events
        .iter()
        .filter(|e| e.object_type == "monitor_alert")
        .collect();
    assert_eq!(alerts.len(), 3);
    assert!(
        alerts
            .iter()
            .all(|e| e.outcome == "success" && e.after_sha256.is_some())
    );
    let all = serde_json::to_string(&events).unwrap();
    assert!(
        !all.contains("s3cr3t"),
        "the webhook URL leaked into the audit log"
    );

    // Status.
    let status = phiguard_monitor::status(&cfg, &mut store, ts("2026-11-29T03:00:00Z"), 5).unwrap();
    insta::assert_json_snapshot!("status", status);
}

#[test]
fn failed_deliveries_are_recorded_with_the_error_and_no_secret() {
    let hook = HttpReceiver::with_status(500);
    let hook_url = format!("{}{SECRET_PATH}", hook.url);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &Location::Sqlite(dir.path().join("r.db")),
        ts("2026-11-01T00:00:00Z"),
    )
    .unwrap();
    // Port 9 on loopback: nothing listens.
    let cfg = config(&hook_url, 9);
    let mut runner = Runner {
        scans: RefCell::new(Vec::new()),
    };
    let secrets = move |name: &str| (name == "HOOK_URL").then(|| hook_url.clone());
    let monitor = Monitor {
        config: &cfg,
        runner: &mut runner,
        sns: None,
        secrets: &secrets,
        actor: "monitor".into(),
        source: "test".into(),
    };
    let outcomes = monitor
        .test_alert(&mut store, &[], ts("2026-11-29T12:00:00Z"))
        .unwrap();
    let shown: Vec<(String, bool, String)> = outcomes
        .iter()
        .map(|o| (o.destination.clone(), o.sent, o.detail.clone()))
        .collect();
    assert_eq!(
        shown[0],
        ("hook".into(), false, "the webhook answered HTTP 500".into())
    );
    assert!(
        !shown[1].1 && shown[1].2.contains("127.0.0.1:9"),
        "{shown:?}"
    );
    assert_eq!(
        shown[2],
        (
            "ops".into(),
            false,
            "this phiguard was built without AWS support (feature `aws`): cannot publish to SNS"
                .into()
        )
    );
    assert_eq!(hook.wait_for(1, 10).len(), 1);
    let events = store.events(None, None).unwrap();
    let failed: Vec<_> = events
        .iter()
        .filter(|e| e.object_type == "monitor_alert" && e.outcome == "error")
        .collect();
    assert_eq!(failed.len(), 3);
    assert!(
        failed[0].summary.contains("HTTP 500"),
        "{}",
        failed[0].summary
    );
    let all = serde_json::to_string(&events).unwrap();
    assert!(
        !all.contains("s3cr3t"),
        "the webhook URL leaked into the audit log"
    );
}

#[test]
fn reminders_jobs_alert_on_expiring_agreements() {
    let hook = HttpReceiver::start();
    let hook_url = hook.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &Location::Sqlite(dir.path().join("r.db")),
        ts("2026-11-01T00:00:00Z"),
    )
    .unwrap();
    let ctx = Ctx::new(ts("2026-11-01T00:00:00Z"), "tester", "test");
    use phiguard_store::baa::{Agreement, AgreementStatus, AgreementType};
    let mut baa = Agreement::new(
        "Example Transcription LLC",
        AgreementType::Baa,
        AgreementStatus::Active,
    );
    baa.expiry_date = Some("2026-12-10".parse().unwrap());
    baa.renewal_notice_days = Some(30);
    store.write(&ctx, |tx| tx.insert(baa).map(|_| ())).unwrap();
    let cfg = config(&hook_url, 9);
    let mut runner = Runner {
        scans: RefCell::new(Vec::new()),
    };
    let secrets = move |name: &str| (name == "HOOK_URL").then(|| hook_url.clone());
    let mut monitor = Monitor {
        config: &cfg,
        runner: &mut runner,
        sns: None,
        secrets: &secrets,
        actor: "monitor".into(),
        source: "test".into(),
    };
    let reports = monitor
        .run(
            &mut store,
            ts("2026-11-29T08:00:00Z"),
            &Which::Named(vec!["renewals".into()]),
        )
        .unwrap();
    let alert = reports[0].alert.as_ref().unwrap();
    insta::assert_snapshot!("reminders_alert", alert.text);
    assert_eq!(reports[0].deliveries.len(), 1, "only the job's destination");
    let got = hook.wait_for(1, 10);
    let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["phiguard"]["kind"], "reminders");
}
