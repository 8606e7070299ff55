//! Every renderer on a small, realistic scan with a fixed clock: snapshots of what users read,
//! plus assertions on what must hold whatever the snapshots say (escaping, no remote loads,
//! CSV injection, OCSF shape, JSON round trip).
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "fixture helpers fail the test by panicking"
)]

use phiguard_controls::{Control, Settings, Waiver};
use phiguard_model::inventory::{Source, SourceKind};
use phiguard_model::kinds::{
    AccountSettings, AccountSummary, ArtifactAgreement, S3Bucket, S3Encryption,
};
use phiguard_model::{
    Account, CoverageEntry, CoverageState, DataSource, GLOBAL, Inventory, Resource, SCHEMA_VERSION,
    Status,
};
use phiguard_report::{Format, RenderOptions, Report, build, render};

const CLINIC: &str = "111122223333";
const ANALYTICS: &str = "444455556666";
const NOW: &str = "2026-06-01T00:00:00Z";

/// The controls the snapshots use: a fixed list, so that controls added to the catalogue do
/// not change them.
const CONTROLS: &[&str] = &["IAM-001", "ARTIFACT-001", "S3-002", "S3-007"];

fn controls() -> Vec<&'static Control> {
    CONTROLS
        .iter()
        .map(|id| phiguard_controls::find(id).unwrap_or_else(|| panic!("control {id} missing")))
        .collect()
}

fn bucket(account: &str, name: &str, edit: impl FnOnce(&mut S3Bucket)) -> Resource {
    let mut b = S3Bucket::default();
    edit(&mut b);
    Resource::new(format!("arn:aws:s3:::{name}"), account, "us-east-1", b).named(name)
}

fn summary(root_mfa: bool) -> AccountSummary {
    AccountSummary {
        account_mfa_enabled: root_mfa,
        account_access_keys_present: false,
        root_mfa_is_virtual: Some(true),
        users: 12,
    }
}

/// Two accounts of a fictional clinic: PHI and non-PHI buckets, compliant and not; the
/// analytics account denied the scanner `iam:GetAccountSummary`; only the analytics account
/// has a BAA in AWS Artifact (the other needs an attestation: `manual`).
fn inventory() -> Inventory {
    let mut coverage = Vec::new();
    for (account, regions) in [
        (CLINIC, &["us-east-1", "us-west-2"][..]),
        (ANALYTICS, &["us-east-1"][..]),
    ] {
        for source in DataSource::ALL {
            let regions: Vec<&str> = if source.is_global() {
                vec![GLOBAL]
            } else {
                regions.to_vec()
            };
            for region in regions {
                let state = if account == ANALYTICS && *source == DataSource::IamAccountSummary {
                    CoverageState::Denied {
                        code: "AccessDenied".into(),
                        message: "not authorized to perform iam:GetAccountSummary".into(),
                    }
                } else {
                    CoverageState::Collected
                };
                coverage.push(CoverageEntry {
                    account: account.into(),
                    region: region.into(),
                    source: *source,
                    state,
                });
            }
        }
    }
    let kms = |b: &mut S3Bucket| {
        b.encryption = Some(S3Encryption {
            algorithm: "aws:kms".into(),
            kms_key_id: Some(
                "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
                    .into(),
            ),
            bucket_key_enabled: true,
        });
    };
    Inventory {
        schema_version: SCHEMA_VERSION,
        generated_at: "2026-05-31T22:15:00Z".parse().unwrap(),
        source: Source {
            kind: SourceKind::ConfigSnapshot,
            description: "AWS Config snapshot of 2026-05-31".into(),
        },
        accounts: vec![
            Account {
                id: CLINIC.into(),
                name: Some("clinic-prod".into()),
                regions: vec!["us-east-1".into(), "us-west-2".into()],
                settings: AccountSettings {
                    summary: Some(summary(false)),
                    ..AccountSettings::default()
                },
            },
            Account {
                id: ANALYTICS.into(),
                name: Some("clinic-analytics".into()),
                regions: vec!["us-east-1".into()],
                settings: AccountSettings {
                    artifact_agreements: vec![ArtifactAgreement {
                        name: "AWS Business Associate Addendum".into(),
                        agreement_type: "DEFAULT".into(),
                        state: "ACTIVE".into(),
                        scope: "account".into(),
                        effective_start: Some("2024-02-01T00:00:00Z".parse().unwrap()),
                        effective_end: None,
                    }],
                    ..AccountSettings::default()
                },
            },
        ],
        coverage,
        resources: vec![
            bucket(CLINIC, "clinic-phi-records", |b| {
                b.versioning = Some("Suspended".into());
                b.encryption = Some(S3Encryption {
                    algorithm: "AES256".into(),
                    kms_key_id: None,
                    bucket_key_enabled: false,
                });
            })
            .tag("PHI", "Yes"),
            bucket(CLINIC, "clinic-phi-imaging", |b| {
                b.versioning = Some("Enabled".into());
                kms(b);
            })
            .tag("DataSensitivity", "PHI"),
            bucket(CLINIC, "clinic-phi-archive", |b| kms(b)).tag("PHI", "true"),
            bucket(CLINIC, "clinic-public-site", |_| {}).tag("Purpose", "website"),
            bucket(ANALYTICS, "analytics-phi-exports", |b| {
                b.versioning = Some("Enabled".into());
                kms(b);
            })
            .tag("PHI", "Yes"),
        ],
    }
}

fn settings() -> Settings {
    let mut settings = Settings::at(NOW.parse().unwrap());
    settings.waivers = vec![
        Waiver {
            control: "S3-007".into(),
            resource: "arn:aws:s3:::clinic-phi-archive".into(),
            reason: "write-once archive protected by Object Lock instead of versioning".into(),
            approved_by: "J. Rivera (CISO)".into(),
            expires: "2026-12-31".parse().unwrap(),
            line: Some(21),
        },
        Waiver {
            control: "iam-root-account-mfa-enabled".into(),
            resource: format!("AWS::::Account:{CLINIC}"),
            reason: "hardware key on order".into(),
            approved_by: "J. Rivera (CISO)".into(),
            expires: "2026-03-31".parse().unwrap(),
            line: Some(27),
        },
    ];
    settings
}

/// Runs the fixed controls over `inventory` and hands the report to `f`.
fn with_report<T>(inventory: &Inventory, f: impl FnOnce(&Report<'_>) -> T) -> T {
    let settings = settings();
    let result = phiguard_controls::evaluate(inventory, &settings, &controls());
    let report = build(&result, inventory, &settings, "0.1.0");
    f(&report)
}

fn rendered(report: &Report<'_>, format: Format, options: RenderOptions) -> String {
    let mut out = Vec::new();
    render(format, report, &mut out, &options).unwrap();
    String::from_utf8(out).unwrap()
}

fn plain() -> RenderOptions {
    RenderOptions::default()
}

fn scan(format: Format, options: RenderOptions) -> String {
    with_report(&inventory(), |r| rendered(r, format, options))
}

/// The fixture covers the statuses the renderers must show.
#[test]
fn fixture_has_every_reportable_status() {
    with_report(&inventory(), |report| {
        let statuses: Vec<Status> = report.results.iter().map(|r| r.status).collect();
        for status in [
            Status::Pass,
            Status::Fail,
            Status::Error,
            Status::Manual,
            Status::Waived,
            Status::NotApplicable,
        ] {
            assert!(statuses.contains(&status), "no {status} in {statuses:?}");
        }
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.code == "waiver-expired"),
            "{:?}",
            report.diagnostics
        );
    });
}

#[test]
fn text_snapshot() {
    insta::assert_snapshot!("text", scan(Format::Text, plain()));
}

#[test]
fn text_verbose_snapshot() {
    let options = RenderOptions {
        verbose: true,
        ..plain()
    };
    insta::assert_snapshot!("text_verbose", scan(Format::Text, options));
}

#[test]
fn text_lists_findings_only_unless_verbose_and_phi_first() {
    let text = scan(Format::Text, plain());
    assert!(text.contains("fail[S3-007]"), "{text}");
    assert!(text.contains("waived[S3-007]"), "{text}");
    assert!(text.contains("error[IAM-001]"), "{text}");
    assert!(text.contains("manual[ARTIFACT-001]"), "{text}");
    assert!(text.contains("fail[S3-002]"), "{text}");
    assert!(!text.contains("pass[S3-007]"), "{text}");
    assert!(!text.contains("not_applicable["), "{text}");
    // Catalogue order: IAM-001 before S3-007.
    assert!(text.find("[IAM-001]").unwrap() < text.find("[S3-007]").unwrap());
    let verbose = scan(
        Format::Text,
        RenderOptions {
            verbose: true,
            ..plain()
        },
    );
    assert!(verbose.contains("pass[S3-007]"), "{verbose}");
    // Within S3-007 the non-PHI (not applicable) bucket comes after every PHI result.
    let public = verbose.find("clinic-public-site").unwrap();
    for phi in [
        "clinic-phi-records",
        "clinic-phi-archive",
        "analytics-phi-exports",
    ] {
        assert!(
            verbose.find(phi).unwrap() < public,
            "{phi} after the non-PHI bucket"
        );
    }
}

#[test]
fn text_colour_only_when_asked() {
    assert!(!scan(Format::Text, plain()).contains('\x1b'));
    let coloured = scan(
        Format::Text,
        RenderOptions {
            color: true,
            ..plain()
        },
    );
    assert!(
        coloured.contains("\x1b[1;31mfail[S3-007]\x1b[0m"),
        "{coloured}"
    );
}

#[test]
fn text_prints_every_failure_and_escapes_control_characters() {
    let mut inv = inventory();
    for i in 0..300 {
        inv.resources
            .push(bucket(CLINIC, &format!("phi-bulk-{i:03}"), |_| {}).tag("PHI", "Yes"));
    }
    inv.resources
        .push(bucket(CLINIC, "evil\x1b[2J\rbucket", |_| {}).tag("PHI", "Yes"));
    let text = with_report(&inv, |r| rendered(r, Format::Text, plain()));
    for i in 0..300 {
        assert!(
            text.contains(&format!("arn:aws:s3:::phi-bulk-{i:03} ")),
            "bucket {i} missing"
        );
    }
    assert!(
        !text.contains('\x1b') && !text.contains('\r'),
        "raw control characters"
    );
    assert!(text.contains("evil\\u{1b}[2J\\rbucket"), "{text}");
}

#[test]
fn json_snapshot_and_round_trip() {
    let json = scan(Format::Json, plain());
    insta::assert_snapshot!("json", json);
    let back: Report<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.results.len(),
        with_report(&inventory(), |r| r.results.len())
    );
    let mut again = Vec::new();
    phiguard_report::json::render(&back, &mut again).unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), json);
}

#[test]
fn json_groups_hipaa_by_standard() {
    with_report(&inventory(), |report| {
        let keys: Vec<(&str, &str)> = report
            .by_hipaa_section
            .iter()
            .map(|g| (g.key.as_str(), g.title.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("164.308(a)(1)", "Security management process"),
                ("164.308(a)(3)", "Workforce security"),
                ("164.308(a)(4)", "Information access management"),
                ("164.308(a)(7)", "Contingency plan"),
                (
                    "164.308(b)(1)",
                    "Business associate contracts and other arrangements"
                ),
                ("164.312(a)(1)", "Access control"),
                ("164.312(c)(1)", "Integrity"),
                ("164.312(d)", "Person or entity authentication"),
                ("164.312(e)(1)", "Transmission security"),
                (
                    "164.314(a)(1)",
                    "Business associate contracts or other arrangements"
                ),
            ]
        );
        // S3-002 cites 164.312(c)(1) and (c)(2): each result counts once for the standard.
        let integrity = &report.by_hipaa_section[6].counts;
        assert_eq!(integrity.total(), 10);
    });
}

#[test]
fn csv_snapshot() {
    insta::assert_snapshot!("csv", scan(Format::Csv, plain()));
}

#[test]
fn csv_is_rfc4180_and_defuses_formulas() {
    let mut inv = inventory();
    let mut evil = bucket(CLINIC, "x", |_| {}).tag("PHI", "Yes");
    evil.arn = "=HYPERLINK(\"http://evil.example\",\"open\")".into();
    inv.resources.push(evil);
    let mut plus = bucket(CLINIC, "y", |_| {}).tag("PHI", "Yes");
    plus.arn = "+cmd|' /C calc'!A0".into();
    inv.resources.push(plus);
    let (csv, results) = with_report(&inv, |r| {
        (rendered(r, Format::Csv, plain()), r.results.len())
    });
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.len(), 14);
    let resource = header.iter().position(|h| h == "resource").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), results);
    let resources: Vec<&str> = rows.iter().map(|r| &r[resource]).collect();
    assert!(
        resources.contains(&"'=HYPERLINK(\"http://evil.example\",\"open\")"),
        "{resources:?}"
    );
    assert!(resources.contains(&"'+cmd|' /C calc'!A0"), "{resources:?}");
    for row in &rows {
        assert_eq!(row.len(), 14);
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "unguarded cell {cell:?}"
            );
        }
        let evidence: serde_json::Value = serde_json::from_str(&row[10]).unwrap();
        assert!(evidence.is_object());
    }
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!("html", scan(Format::Html, plain()));
}

#[test]
fn html_is_self_contained() {
    let html = scan(Format::Html, plain());
    for needle in [
        "src=", "href=", "url(", "@import", "<script", "<link", "<img", "<iframe",
    ] {
        assert!(!html.contains(needle), "html contains `{needle}`");
    }
    assert!(html.contains("default-src 'none'"));
    // Everything an auditor needs is in the page.
    for needle in [
        "Shared responsibility",
        "Results by HIPAA standard",
        "Results by customer responsibility",
        "arn:aws:s3:::clinic-phi-records",
        "versioning was never enabled",
        "J. Rivera (CISO)",
        "<code>aws s3api put-bucket-versioning",
        "waiver-expired",
    ] {
        assert!(html.contains(needle), "html lacks `{needle}`");
    }
}

#[test]
fn html_escapes_attacker_controlled_values() {
    let mut inv = inventory();
    let mut evil = bucket(CLINIC, "<script>alert(1)</script>", |_| {}).tag("PHI", "Yes");
    evil.arn = "arn:aws:s3:::<script>alert(1)</script>\"><img src=x onerror=alert(2)>".into();
    inv.accounts[0].name = Some("<b onmouseover=alert(3)>prod</b>".into());
    inv.resources.push(evil);
    let html = with_report(&inv, |r| rendered(r, Format::Html, plain()));
    assert!(!html.contains("<script"), "unescaped script");
    assert!(!html.contains("<img"), "unescaped img");
    assert!(!html.contains("<b onmouseover"), "unescaped account name");
    assert!(
        html.contains("arn:aws:s3:::&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x")
    );
}

#[test]
fn ocsf_snapshot() {
    insta::assert_snapshot!("ocsf", scan(Format::Ocsf, plain()));
}

#[test]
fn ocsf_events_are_compliance_findings() {
    let text = scan(Format::Ocsf, plain());
    let events: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(events.len(), with_report(&inventory(), |r| r.results.len()));
    let mut uids = std::collections::HashSet::new();
    for e in &events {
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["category_uid"], 2);
        assert_eq!(e["type_uid"], 200301);
        assert_eq!(e["activity_id"], 1);
        assert_eq!(e["time"], 1_780_272_000_000_i64);
        assert_eq!(e["metadata"]["product"]["name"], "phiguard");
        assert_eq!(e["compliance"]["standards"][0], "HIPAA Security Rule");
        assert_eq!(e["cloud"]["provider"], "AWS");
        assert!(e["resources"][0]["uid"].is_string());
        assert!((1..=5).contains(&e["severity_id"].as_i64().unwrap()));
        assert!(uids.insert(e["metadata"]["uid"].as_str().unwrap().to_string()));
        let expected = match e["unmapped"]["phiguard_status"].as_str().unwrap() {
            "pass" => 1,
            "error" | "manual" => 2,
            "fail" | "waived" => 3,
            _ => 99,
        };
        assert_eq!(e["compliance"]["status_id"], expected, "{e}");
    }
    let waived = events
        .iter()
        .find(|e| e["unmapped"]["phiguard_status"] == "waived")
        .unwrap();
    assert_eq!(waived["status"], "Suppressed");
    assert_eq!(
        waived["resources"][0]["uid"],
        "arn:aws:s3:::clinic-phi-archive"
    );
    // Identical from one render to the next.
    assert_eq!(text, scan(Format::Ocsf, plain()));
}

#[test]
fn empty_report_renders_in_every_format() {
    let mut inv = inventory();
    inv.resources.clear();
    inv.accounts.truncate(1);
    let settings = Settings::at(NOW.parse().unwrap());
    let result = phiguard_controls::evaluate(&inv, &settings, &controls()[2..]);
    let report = build(&result, &inv, &settings, "0.1.0");
    assert!(report.results.is_empty());
    for format in [
        Format::Text,
        Format::Json,
        Format::Csv,
        Format::Html,
        Format::Ocsf,
    ] {
        let out = rendered(&report, format, plain());
        assert!(!out.is_empty(), "{format:?}");
    }
    let ocsf: Vec<serde_json::Value> =
        serde_json::from_str(&rendered(&report, Format::Ocsf, plain())).unwrap();
    assert!(ocsf.is_empty());
    assert!(rendered(&report, Format::Text, plain()).contains("no unwaived failures"));
}

fn log_review() -> phiguard_report::LogReview {
    use phiguard_model::Severity;
    use phiguard_report::wire::{PhiTouched, RuleHits, SeverityHits};
    phiguard_report::LogReview {
        reviewed_at: NOW.parse().unwrap(),
        inputs: vec!["logs/".into()],
        first_event: Some("2026-05-01T00:00:03Z".into()),
        last_event: Some("2026-05-31T23:59:58Z".into()),
        files_read: 120,
        files_unreadable: 1,
        records_skipped: 2,
        events: 48_000,
        rules: 96,
        hits: 4,
        hits_by_severity: vec![
            SeverityHits {
                severity: Severity::Critical,
                hits: 1,
            },
            SeverityHits {
                severity: Severity::High,
                hits: 3,
            },
        ],
        top_rules: vec![
            RuleHits {
                rule_id: "CIS-4.8".into(),
                title: "S3 bucket policy changes".into(),
                severity: Severity::High,
                source: "cis".into(),
                hits: 3,
                last_seen: "2026-05-30T10:00:00Z".into(),
            },
            RuleHits {
                rule_id: "HIPAA-CLOUDTRAIL-TAMPERING".into(),
                title: "CloudTrail <stopped>".into(),
                severity: Severity::Critical,
                source: "hipaa".into(),
                hits: 1,
                last_seen: "2026-05-31T01:00:00Z".into(),
            },
        ],
        rules_fired: 2,
        phi_resources: 2,
        phi_touched: vec![PhiTouched {
            resource: "arn:aws:s3:::clinic-phi-records".into(),
            hits: 2,
            rules: vec!["CIS-4.8".into()],
        }],
        notes: vec!["1 file could not be read".into()],
    }
}

#[test]
fn log_review_section_in_text_html_and_json() {
    let inventory = inventory();
    let settings = settings();
    let result = phiguard_controls::evaluate(&inventory, &settings, &controls());
    let mut report = build(&result, &inventory, &settings, "0.1.0");
    // Absent by default, and then not in the JSON.
    assert!(!rendered(&report, Format::Json, plain()).contains("log_review"));
    report.log_review = Some(log_review());

    let text = rendered(&report, Format::Text, plain());
    let start = text.find("log review").unwrap();
    let end = text.find("verdict:").unwrap();
    insta::assert_snapshot!("log_review_text", &text[start..end]);

    let html = rendered(&report, Format::Html, plain());
    let start = html.find("<section id=\"log-review\">").unwrap();
    let end = start + html[start..].find("</section>").unwrap();
    let section = &html[start..end];
    assert!(section.contains("CloudTrail &lt;stopped&gt;"), "escaped");
    insta::assert_snapshot!("log_review_html", section);

    let json = rendered(&report, Format::Json, plain());
    let back: Report<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.log_review, Some(log_review()));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["log_review"]["hits_by_severity"][0]["severity"],
        "critical"
    );
}
