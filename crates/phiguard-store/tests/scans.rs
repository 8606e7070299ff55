//! Records ↔ scanner on both backends: the snapshot the controls read (in effect today,
//! vendor BAA and assessment dates, open findings, high-risk systems) and stored scans with
//! the history between two.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

mod common;

use common::{TestStore, ctx, ctx_at, now};
use jiff::civil::date;
use phiguard_store::baa::{Agreement, AgreementSource, AgreementStatus, AgreementType};
use phiguard_store::evidence::Evidence;
use phiguard_store::risk::{
    Assessment, AssessmentStatus, Cadence, Risk, RiskStatus, Scope, Score, Treatment,
};
use phiguard_store::scan::{self, Scan, ScanCounts, ScanResultRow};
use phiguard_store::vendor::{self, Lifecycle, PhiAccess, Vendor, VendorType};
use phiguard_store::{Record, sha256_hex, snapshot};

fn vendor(t: &mut TestStore, name: &str, phi: PhiAccess) -> String {
    let mut v = Vendor::new(name, VendorType::Saas);
    v.lifecycle = Lifecycle::Active;
    v.phi_access = phi;
    t.store
        .write(&ctx(), |tx| {
            let id = tx.insert(v)?.id;
            vendor::reconcile_baa_findings(tx)?;
            Ok(id)
        })
        .unwrap()
}

fn the_snapshot_applies_the_store_rules(t: &mut TestStore) {
    // The AWS BAA, by name, for one account; another one expired yesterday.
    let mut aws = Agreement::new(
        "Amazon Web Services",
        AgreementType::Baa,
        AgreementStatus::Active,
    );
    aws.effective_date = Some(date(2025, 1, 1));
    aws.covered_accounts = vec!["111122223333".into()];
    let mut expired = Agreement::new(
        "Example Fax Inc",
        AgreementType::Baa,
        AgreementStatus::Active,
    );
    expired.effective_date = Some(date(2024, 1, 1));
    expired.expiry_date = Some(date(2026, 2, 28));
    let mut future = Agreement::new("Example Labs", AgreementType::Baa, AgreementStatus::Signed);
    future.effective_date = Some(date(2026, 4, 1));
    t.store
        .write(&ctx(), |tx| {
            tx.insert(aws)?;
            tx.insert(expired)?;
            tx.insert(future)
        })
        .unwrap();
    let billing = vendor(t, "Example Billing LLC", PhiAccess::Full);
    let fax = vendor(t, "Example Fax Inc", PhiAccess::Limited);
    vendor(t, "Example Catering", PhiAccess::None);
    // Billing gets its BAA; it was assessed 13 months ago (tier 2: every 12 months).
    t.store
        .write(&ctx(), |tx| {
            let mut baa = Agreement::new(
                "Example Billing LLC",
                AgreementType::Baa,
                AgreementStatus::Active,
            );
            baa.vendor_id = Some(billing.clone());
            baa.effective_date = Some(date(2025, 1, 1));
            tx.insert(baa)?;
            tx.update::<Vendor>(&billing, None, |v| {
                v.last_assessed = Some(date(2025, 2, 1));
                Ok(())
            })?;
            vendor::reconcile_baa_findings(tx)
        })
        .unwrap();
    // A monthly assessment (a high-risk system in scope) and a high risk on another system.
    t.store
        .write(&ctx(), |tx| {
            let scope = Scope {
                accounts: vec!["111122223333".into()],
                systems: vec!["ehr".into()],
                high_risk_systems: vec!["ehr".into()],
                vendors: Vec::new(),
            };
            let mut a = Assessment {
                title: "Monthly risk analysis".into(),
                methodology: "NIST SP 800-30".into(),
                cadence: Assessment::cadence_for(&scope),
                scope,
                period_start: date(2026, 2, 1),
                period_end: None,
                status: AssessmentStatus::InReview,
                assessors: vec!["bob".into()],
                approver: None,
                approved_on: None,
                inputs: Vec::new(),
                issues: Vec::new(),
                remediation_plan: Vec::new(),
                risks: Vec::new(),
                summary: None,
                prior_assessment_id: None,
                next_due: None,
            };
            a.approve("carol", date(2026, 2, 20))?;
            tx.insert(a)?;
            tx.insert(Risk {
                title: "Fax gateway without TLS".into(),
                description: String::new(),
                assessment_id: None,
                systems: vec!["fax-gateway".into()],
                vendor_id: None,
                phi_involved: true,
                threat: None,
                vulnerability: None,
                inherent: Score::new("--inherent", 4, 4)?,
                residual: None,
                treatment: Treatment::Mitigate,
                owner: None,
                due: None,
                status: RiskStatus::Open,
                acceptance: None,
                next_review: date(2026, 6, 1),
                hipaa: Vec::new(),
                closed_on: None,
            })
        })
        .unwrap();

    let s = snapshot::load(&mut t.store, "test.db", now()).unwrap();
    assert_eq!(s.today, date(2026, 3, 1));
    let by = |name: &str| {
        s.agreements
            .iter()
            .find(|a| a.counterparty == name)
            .unwrap()
    };
    assert!(by("Amazon Web Services").is_aws && by("Amazon Web Services").in_effect);
    assert!(!by("Example Fax Inc").in_effect, "expired yesterday");
    assert!(!by("Example Labs").in_effect, "not effective yet");
    assert!(!by("Example Billing LLC").is_aws);

    let v = |id: &str| s.vendors.iter().find(|v| v.id == id).unwrap();
    assert_eq!(v(&billing).active_baa.as_deref(), Some("BAA-0004"));
    assert_eq!(v(&billing).assessment_due, Some(date(2026, 2, 1)));
    assert_eq!(v(&fax).active_baa, None, "its only BAA expired");
    // The fax vendor's no-BAA finding is open, critical, due in 30 days; billing's closed.
    assert_eq!(s.findings.len(), 1, "{:?}", s.findings);
    assert_eq!(s.findings[0].vendor_id.as_deref(), Some(fax.as_str()));
    assert!(s.findings[0].is_high());
    assert_eq!(s.findings[0].due, Some(date(2026, 3, 31)));

    assert_eq!(s.assessments.len(), 1);
    let a = &s.assessments[0];
    assert!(a.signed_off() && a.covers("111122223333") && !a.covers("444455556666"));
    assert_eq!(a.cadence, Cadence::Monthly.as_str());
    assert_eq!(a.cadence_months(&s.high_risk_systems), 1);
    assert_eq!(s.high_risk_systems, ["ehr", "fax-gateway"]);

    // Artifact-synced agreements are AWS's whatever the counterparty says.
    let mut synced = Agreement::new("AWS Inc.", AgreementType::Baa, AgreementStatus::Active);
    synced.source = AgreementSource::AwsArtifact {
        name: "AWS Business Associate Addendum".into(),
        artifact_type: "DEFAULT".into(),
        state: "ACTIVE".into(),
        scope: "account".into(),
        key: "artifact:account:444455556666:AWS Business Associate Addendum".into(),
    };
    assert!(snapshot::is_aws(&synced));
    assert!(snapshot::in_effect_on(&synced, date(2026, 3, 1)));
}

fn result(control: &str, resource: &str, status: &str) -> ScanResultRow {
    ScanResultRow {
        control: control.into(),
        resource: resource.into(),
        account: "111122223333".into(),
        status: status.into(),
        severity: "high".into(),
        reason: format!("{control} {status}"),
    }
}

fn scan_of(results: Vec<ScanResultRow>) -> Scan {
    let mut counts = ScanCounts::default();
    for r in &results {
        counts.add(&r.status);
    }
    Scan {
        scan_time: "2026-03-01T10:00:00Z".into(),
        tool_version: "0.0.0".into(),
        source: "synthetic".into(),
        accounts: vec!["111122223333".into()],
        report_sha256: String::new(),
        evidence_id: None,
        counts,
        results,
        resources: None,
    }
}

fn scans_are_stored_with_their_report_and_diffed(t: &mut TestStore) {
    let before = t.store.events(None, None).unwrap().len();
    let report = br#"{"report_version":1}"#;
    let controls = vec!["S3-004".to_string(), "IAM-001".to_string()];
    let first = t
        .store
        .write(&ctx_at("2026-02-01T10:00:00Z"), |tx| {
            scan::store(
                tx,
                scan_of(vec![
                    result("S3-004", "arn:aws:s3:::a", "fail"),
                    result("S3-004", "arn:aws:s3:::b", "fail"),
                    result("IAM-001", "AWS::::Account:111122223333", "pass"),
                    result("KMS-001", "arn:aws:kms:k", "fail"),
                ]),
                report,
                &controls,
            )
        })
        .unwrap();
    assert_eq!(first.id, "SCN-0001");
    assert_eq!(first.record.report_sha256, sha256_hex(report));
    // The report is evidence linked to the controls; the scan is audited as `scan_run`.
    let evidence = t
        .store
        .get::<Evidence>(first.record.evidence_id.as_deref().unwrap())
        .unwrap();
    assert_eq!(evidence.record.evidence_type.as_str(), "scan_report");
    assert_eq!(evidence.record.links.len(), 2);
    assert_eq!(
        evidence.record.current().unwrap().sha256,
        first.record.report_sha256
    );
    let events = t.store.events(None, None).unwrap();
    assert_eq!(events.len(), before + 2);
    let last = events.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.object_id.as_str()),
        ("scan_run", "SCN-0001")
    );
    assert_eq!(last.object_type, Scan::KIND);

    let second = t
        .store
        .write(&ctx(), |tx| {
            scan::store(
                tx,
                scan_of(vec![
                    result("S3-004", "arn:aws:s3:::a", "pass"),
                    result("S3-004", "arn:aws:s3:::c", "fail"),
                    result("IAM-001", "AWS::::Account:111122223333", "fail"),
                ]),
                br#"{"report_version":1,"x":2}"#,
                &controls,
            )
        })
        .unwrap();
    let h = scan::diff(&first, &second);
    let new: Vec<(&str, &str, &str)> = h
        .new_failures
        .iter()
        .map(|c| {
            (
                c.control.as_str(),
                c.resource.as_str(),
                c.other_status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        new,
        [
            ("IAM-001", "AWS::::Account:111122223333", "pass"),
            ("S3-004", "arn:aws:s3:::c", "absent"),
        ]
    );
    let resolved: Vec<(&str, &str)> = h
        .resolved
        .iter()
        .map(|c| (c.resource.as_str(), c.other_status.as_str()))
        .collect();
    // KMS-001 did not run in the second scan: its failure is not "resolved".
    assert_eq!(
        resolved,
        [("arn:aws:s3:::a", "pass"), ("arn:aws:s3:::b", "absent")]
    );
    assert_eq!(h.still_failing, 0);
    let listed = t.store.list::<Scan>().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].record.counts.fail, 2);
    // Stored scans are records under retention, like the rest.
    let err = t
        .store
        .write(&ctx(), |tx| tx.delete::<Scan>("SCN-0001"))
        .unwrap_err();
    assert!(
        err.to_string().contains("must be kept until 2032-02-01"),
        "{err}"
    );
    let bad = scan_of(Vec::new());
    let err = t.store.write(&ctx(), |tx| tx.insert(bad)).unwrap_err();
    assert!(err.to_string().contains("report_sha256"), "{err}");
}

/// A report as the JSON v1 wire model writes it, with its results.
const REPORT_WITH_RESULTS: &str = r#"{
  "report_version": 1,
  "scan_time": "2026-03-01T10:00:00Z",
  "by_hipaa_section": [{"key": "164.312(b)", "title": "Audit controls", "counts": {"pass": 1}}],
  "results": [
    {"control_id": "S3-004", "control_slug": "s", "status": "fail", "severity": "critical",
     "resource": "arn:aws:s3:::a", "resource_kind": "s3_bucket", "account": "111122223333",
     "region": "us-east-1", "phi": true, "evidence": {}, "reason": "no versioning"},
    {"control_id": "IAM-001", "control_slug": "r", "status": "pass", "severity": "high",
     "resource": "AWS::::Account:111122223333", "account": "111122223333",
     "region": "global", "phi": false, "evidence": {}, "reason": "root MFA on"},
    {"control_id": "S3-004", "control_slug": "s", "status": "fail", "severity": "medium",
     "resource": "arn:aws:s3:::b", "resource_kind": "s3_bucket", "account": "444455556666",
     "region": "eu-west-1", "phi": false, "evidence": {}, "reason": "no \"versioning\""}
  ],
  "diagnostics": []
}"#;

fn scan_results_are_stored_as_rows(t: &mut TestStore) {
    use phiguard_store::results::{self, Column, Filter};
    let stored = t
        .store
        .write(&ctx(), |tx| {
            scan::store(
                tx,
                scan_of(vec![result("S3-004", "arn:aws:s3:::a", "fail")]),
                REPORT_WITH_RESULTS.as_bytes(),
                &["S3-004".to_string()],
            )
        })
        .unwrap();
    // A report without a results array stores no rows: readers fall back to the report.
    let bare = t
        .store
        .write(&ctx(), |tx| {
            scan::store(tx, scan_of(Vec::new()), b"{\"report_version\":1}", &[])
        })
        .unwrap();
    let db = t.store.db();
    let summary = results::summary(db, &stored.id).unwrap().unwrap();
    assert_eq!(summary.results, 3);
    assert_eq!((summary.counts.pass, summary.counts.fail), (1, 2));
    assert_eq!(summary.scan_time, "2026-03-01T10:00:00Z");
    let head: serde_json::Value = serde_json::from_str(&summary.head).unwrap();
    assert!(head.get("results").is_none(), "{head}");
    assert_eq!(head["by_hipaa_section"][0]["key"], "164.312(b)");
    assert!(results::summary(db, &bare.id).unwrap().is_none());
    assert_eq!(results::unindexed(db).unwrap(), vec![bare.id.clone()]);
    assert_eq!(results::summaries(db).unwrap().len(), 1);

    let failing = Filter {
        status: "fail".into(),
        ..Filter::default()
    };
    assert_eq!(
        results::count_matching(db, &stored.id, &failing).unwrap(),
        2
    );
    let rows = results::page(db, &stored.id, &failing, 0, 10).unwrap();
    let got: Vec<(i64, &str, &str, bool)> = rows
        .iter()
        .map(|r| (r.n, r.resource.as_str(), r.region.as_str(), r.phi))
        .collect();
    assert_eq!(
        got,
        [
            (0, "arn:aws:s3:::a", "us-east-1", true),
            (2, "arn:aws:s3:::b", "eu-west-1", false)
        ]
    );
    assert_eq!(rows[1].message, "no \"versioning\"");
    assert_eq!(rows[0].kind, "s3_bucket");
    // Paging.
    let second = results::page(db, &stored.id, &failing, 1, 1).unwrap();
    assert_eq!(second.iter().map(|r| r.n).collect::<Vec<_>>(), [2]);
    // Counts by status come from the summary: they agree with the rows.
    for status in [
        "",
        "pass",
        "fail",
        "error",
        "manual",
        "waived",
        "not_applicable",
        "bogus",
    ] {
        let filter = Filter {
            status: status.into(),
            ..Filter::default()
        };
        let rows = results::page(db, &stored.id, &filter, 0, 100).unwrap();
        assert_eq!(
            results::count_matching(db, &stored.id, &filter).unwrap(),
            rows.len() as u64,
            "status {status:?}"
        );
    }
    // Unfiltered pages start at `n = offset` (a key lookup, not OFFSET): same rows.
    for (offset, limit, expected) in [
        (0, 2, vec![0, 1]),
        (1, 5, vec![1, 2]),
        (2, 1, vec![2]),
        (3, 1, vec![]),
    ] {
        let rows = results::page(db, &stored.id, &Filter::default(), offset, limit).unwrap();
        let ns: Vec<i64> = rows.iter().map(|r| r.n).collect();
        assert_eq!(ns, expected, "offset {offset}, limit {limit}");
    }
    // Each filter narrows.
    for (filter, expected) in [
        (
            Filter {
                phi: Some(true),
                ..failing.clone()
            },
            vec![0],
        ),
        (
            Filter {
                phi: Some(false),
                ..Filter::default()
            },
            vec![1, 2],
        ),
        (
            Filter {
                account: "444455556666".into(),
                ..Filter::default()
            },
            vec![2],
        ),
        (
            Filter {
                region: "global".into(),
                ..Filter::default()
            },
            vec![1],
        ),
        (
            Filter {
                control: "IAM-001".into(),
                ..Filter::default()
            },
            vec![1],
        ),
        (
            Filter {
                severity: "critical".into(),
                ..Filter::default()
            },
            vec![0],
        ),
        (
            Filter {
                severity: "critical".into(),
                status: "pass".into(),
                ..Filter::default()
            },
            vec![],
        ),
    ] {
        let rows = results::page(db, &stored.id, &filter, 0, 50).unwrap();
        let ns: Vec<i64> = rows.iter().map(|r| r.n).collect();
        assert_eq!(ns, expected, "{filter:?}");
        assert_eq!(
            results::count_matching(db, &stored.id, &filter).unwrap(),
            expected.len() as u64
        );
    }
    assert_eq!(
        results::distinct(db, &stored.id, Column::Region).unwrap(),
        ["eu-west-1", "global", "us-east-1"]
    );
    assert_eq!(
        results::distinct(db, &stored.id, Column::Control).unwrap(),
        ["IAM-001", "S3-004"]
    );
    let groups = results::group_counts(db, &stored.id).unwrap();
    let got: Vec<(&str, &str, &str, bool, u64)> = groups
        .iter()
        .map(|g| {
            (
                g.control.as_str(),
                g.status.as_str(),
                g.severity.as_str(),
                g.phi,
                g.count,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("IAM-001", "pass", "high", false, 1),
            ("S3-004", "fail", "critical", true, 1),
            ("S3-004", "fail", "medium", false, 1),
        ]
    );
    // Another scan's rows are separate.
    assert_eq!(
        results::count_matching(db, &bare.id, &Filter::default()).unwrap(),
        0
    );
}

both_backends!(
    the_snapshot_applies_the_store_rules,
    scans_are_stored_with_their_report_and_diffed,
    scan_results_are_stored_as_rows,
);
