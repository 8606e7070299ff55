//! Records on both backends: the BAA register (retention, legal hold, Artifact sync), vendors
//! and the no-BAA finding, questionnaires (answers, scoring, reminders). Every change is
//! audited; refused or invalid changes write nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

mod common;

use common::{TestStore, ctx, ctx_at};
use jiff::civil::{Date, date};
use phiguard_model::Inventory;
use phiguard_store::baa::{self, Agreement, AgreementStatus, AgreementType};
use phiguard_store::finding::{Finding, FindingSeverity, FindingStatus};
use phiguard_store::questionnaire::{self, GivenAnswer, Request, RequestStatus, Template};
use phiguard_store::vendor::{self, PhiAccess, Rating, SystemAccess, Vendor, VendorType};
use phiguard_store::{Record, StoreError, reminders};

fn events(t: &mut TestStore) -> i64 {
    t.store.events(None, None).unwrap().len() as i64
}

fn add_baa(t: &mut TestStore, counterparty: &str, status: AgreementStatus) -> String {
    let mut a = Agreement::new(counterparty, AgreementType::Baa, status);
    a.effective_date = Some(date(2024, 1, 1));
    t.store.write(&ctx(), |tx| tx.insert(a)).unwrap().id
}

fn a_baa_is_kept_six_years_after_it_was_last_in_effect(t: &mut TestStore) {
    // Created in 2024, so the end date (2025) is the later of the two.
    let early = ctx_at("2024-01-02T09:00:00Z");
    let mut a = Agreement::new(
        "Example Billing LLC",
        AgreementType::Baa,
        AgreementStatus::Active,
    );
    a.effective_date = Some(date(2024, 1, 1));
    let id = t.store.write(&early, |tx| tx.insert(a)).unwrap().id;
    assert_eq!(id, "BAA-0001");
    let err = t
        .store
        .write(&ctx(), |tx| tx.delete::<Agreement>(&id))
        .unwrap_err();
    assert!(matches!(err, StoreError::Retention { .. }), "{err}");
    assert!(err.to_string().contains("still in effect"), "{err}");

    let stored = t
        .store
        .write(&ctx(), |tx| {
            tx.update::<Agreement>(&id, Some(1), |a| {
                a.status = AgreementStatus::Terminated;
                a.terminated_date = Some(date(2025, 6, 30));
                Ok(())
            })
        })
        .unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.retention_until.as_deref(), Some("2031-06-30"));

    let before = events(t);
    let err = t
        .store
        .write(&ctx(), |tx| tx.delete::<Agreement>(&id))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "agreement `BAA-0001` is under retention: it must be kept until 2031-06-30; it can be deleted from 2031-07-01"
    );
    assert_eq!(events(t), before, "a refused delete writes nothing");

    // Moving the end date earlier never shortens retention.
    let stored = t
        .store
        .write(&ctx(), |tx| {
            tx.update::<Agreement>(&id, None, |a| {
                a.terminated_date = Some(date(2024, 2, 1));
                Ok(())
            })
        })
        .unwrap();
    assert_eq!(stored.retention_until.as_deref(), Some("2031-06-30"));

    // Legal hold blocks deletion even after retention.
    let later = ctx_at("2031-07-01T09:00:00Z");
    t.store
        .write(&later, |tx| tx.legal_hold::<Agreement>(&id, true))
        .unwrap();
    let err = t
        .store
        .write(&later, |tx| tx.delete::<Agreement>(&id))
        .unwrap_err();
    assert!(err.to_string().contains("legal hold"), "{err}");
    t.store
        .write(&later, |tx| tx.legal_hold::<Agreement>(&id, false))
        .unwrap();
    t.store
        .write(&later, |tx| tx.delete::<Agreement>(&id))
        .unwrap();
    assert!(t.store.get::<Agreement>(&id).is_err());

    let log = t.store.events(None, None).unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "update",
            "update",
            "legal_hold_set",
            "legal_hold_released",
            "delete"
        ]
    );
    assert!(log[1].before_sha256.is_some() && log[1].after_sha256.is_some());
    assert!(log[1].changes.contains("\"status\""), "{}", log[1].changes);
    assert!(log[5].after_sha256.is_none());
    let revisions = t
        .store
        .db()
        .query(
            "SELECT version, deleted FROM record_revision WHERE id = 'BAA-0001' ORDER BY version",
            &[],
        )
        .unwrap();
    assert_eq!(revisions.len(), 4);
    assert_eq!(revisions[3].int(1).unwrap(), 1);
    assert!(t.store.verify(&[], &[]).unwrap().ok());
}

fn invalid_agreements_write_nothing(t: &mut TestStore) {
    let mut a = Agreement::new("X", AgreementType::Baa, AgreementStatus::Active);
    a.effective_date = Some(date(2025, 1, 1));
    a.expiry_date = Some(date(2024, 1, 1));
    let err = t
        .store
        .write(&ctx(), |tx| tx.insert(a.clone()))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `expiry_date`: 2024-01-01 is before the effective date 2025-01-01"
    );
    a.expiry_date = None;
    a.covered_accounts = vec!["12345".into()];
    let err = t
        .store
        .write(&ctx(), |tx| tx.insert(a.clone()))
        .unwrap_err();
    assert!(err.to_string().contains("12-digit"), "{err}");
    a.covered_accounts = vec![];
    a.breach_notice_hours = Some(2000);
    let err = t
        .store
        .write(&ctx(), |tx| tx.insert(a.clone()))
        .unwrap_err();
    assert!(err.to_string().contains("164.410"), "{err}");
    let mut t2 = Agreement::new("Y", AgreementType::Baa, AgreementStatus::Terminated);
    t2.effective_date = None;
    let err = t.store.write(&ctx(), |tx| tx.insert(t2)).unwrap_err();
    assert!(err.to_string().contains("terminated_date"), "{err}");
    assert_eq!(events(t), 0);
    assert!(t.store.list::<Agreement>().unwrap().is_empty());
    assert!(
        AgreementStatus::parse("status", "actve")
            .unwrap_err()
            .to_string()
            .contains("draft, in_negotiation")
    );
}

fn stale_updates_are_refused(t: &mut TestStore) {
    let id = add_baa(t, "A", AgreementStatus::Active);
    t.store
        .write(&ctx(), |tx| {
            tx.update::<Agreement>(&id, Some(1), |a| {
                a.notes = Some("one".into());
                Ok(())
            })
        })
        .unwrap();
    let err = t
        .store
        .write(&ctx(), |tx| {
            tx.update::<Agreement>(&id, Some(1), |a| {
                a.notes = Some("two".into());
                Ok(())
            })
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                found: 2,
                ..
            }
        ),
        "{err}"
    );
}

fn inventory() -> Inventory {
    Inventory::from_json(include_bytes!("fixtures/artifact-inventory.json")).unwrap()
}

fn artifact_agreements_sync_from_an_inventory(t: &mut TestStore) {
    let inv = inventory();
    let report = t
        .store
        .write(&ctx(), |tx| baa::sync_artifact(tx, &inv))
        .unwrap();
    assert_eq!(report.created, ["BAA-0001", "BAA-0002"]);
    assert_eq!(
        report.skipped_accounts,
        [(
            "777788889999".to_string(),
            "access denied (AccessDeniedException)".to_string()
        )]
    );
    assert_eq!(
        report.uncovered_accounts,
        [("777788889999".to_string(), "FND-0001".to_string())],
        "an account with no BAA on record is a critical finding"
    );
    let list = t.store.list::<Agreement>().unwrap();
    let amendment = &list[0].record;
    assert_eq!(amendment.agreement_type, AgreementType::Other);
    assert_eq!(amendment.covered_accounts, ["111122223333"]);
    let baa = &list[1].record;
    assert!(baa.is_baa());
    assert_eq!(baa.status, AgreementStatus::Active);
    assert_eq!(baa.effective_date, Some(date(2024, 3, 15)));
    assert_eq!(baa.covered_accounts, ["111122223333", "444455556666"]);
    assert_eq!(list[1].retention_until, None, "in effect: kept");

    // Again: nothing changes.
    let again = t
        .store
        .write(&ctx(), |tx| baa::sync_artifact(tx, &inv))
        .unwrap();
    assert!(again.created.is_empty() && again.updated.is_empty());
    assert_eq!(again.unchanged.len(), 2);

    // The BAA is terminated in Artifact.
    let text = String::from_utf8(include_bytes!("fixtures/artifact-inventory.json").to_vec())
        .unwrap()
        .replace(
            "\"state\": \"ACTIVE\",\n            \"scope\": \"organization\",\n            \"effective_start\": \"2024-03-15T00:00:00Z\"",
            "\"state\": \"INACTIVE\",\n            \"scope\": \"organization\",\n            \"effective_start\": \"2024-03-15T00:00:00Z\",\n            \"effective_end\": \"2026-01-31T00:00:00Z\"",
        );
    let ended = Inventory::from_json(text.as_bytes()).unwrap();
    let report = t
        .store
        .write(&ctx(), |tx| baa::sync_artifact(tx, &ended))
        .unwrap();
    assert_eq!(report.updated, ["BAA-0002"]);
    let stored = t.store.get::<Agreement>("baa-0002").unwrap();
    assert_eq!(stored.record.status, AgreementStatus::Terminated);
    assert_eq!(stored.record.terminated_date, Some(date(2026, 1, 31)));
    assert_eq!(
        stored.retention_until.as_deref(),
        Some("2032-03-01"),
        "six years from creation (later than the end)"
    );
    let uncovered: Vec<&str> = report
        .uncovered_accounts
        .iter()
        .map(|(a, _)| a.as_str())
        .collect();
    assert_eq!(uncovered, ["111122223333", "444455556666", "777788889999"]);
    let actions: Vec<String> = t
        .store
        .events(None, None)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.object_id))
        .collect();
    assert_eq!(
        actions,
        [
            "sync BAA-0001",
            "sync BAA-0002",
            "create FND-0001",
            "sync BAA-0002",
            "create FND-0002",
            "create FND-0003"
        ]
    );
}

fn agreement_reminders(t: &mut TestStore) {
    let mut a = Agreement::new("Example Labs", AgreementType::Baa, AgreementStatus::Active);
    a.expiry_date = Some(date(2026, 4, 15));
    a.renewal_notice_days = Some(60);
    a.next_review_due = Some(date(2026, 3, 20));
    t.store.write(&ctx(), |tx| tx.insert(a)).unwrap();
    let today = date(2026, 3, 1);
    let due = reminders::due(&mut t.store, today, 30).unwrap();
    let kinds: Vec<(Date, &str)> = due.iter().map(|r| (r.due, r.kind.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (date(2026, 2, 14), "agreement_renewal"),
            (date(2026, 3, 20), "agreement_review")
        ]
    );
    let later = reminders::due(&mut t.store, date(2026, 5, 1), 0).unwrap();
    let kinds: Vec<&str> = later.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["agreement_review", "agreement_expired"]);
}

fn phi_vendor(name: &str) -> Vendor {
    let mut v = Vendor::new(name, VendorType::Billing);
    v.phi_access = PhiAccess::Full;
    v.system_access = SystemAccess::Write;
    v
}

fn a_phi_vendor_without_a_baa_is_a_critical_finding(t: &mut TestStore) {
    let check = t
        .store
        .write(&ctx(), |tx| {
            tx.insert(phi_vendor("Example Billing LLC"))?;
            tx.insert(Vendor::new("Example Catering", VendorType::Other))?;
            vendor::reconcile_baa_findings(tx)
        })
        .unwrap();
    assert_eq!(
        check.opened,
        [("FND-0001".to_string(), "VEN-0001".to_string())]
    );
    let f = t.store.get::<Finding>("FND-0001").unwrap();
    assert_eq!(f.record.severity, FindingSeverity::Critical);
    assert_eq!(
        f.record.title,
        "Example Billing LLC has full PHI access and no active BAA"
    );
    // Checking again does not open a second finding.
    let again = t
        .store
        .write(&ctx(), vendor::reconcile_baa_findings)
        .unwrap();
    assert_eq!(again.still_open, ["FND-0001"]);
    // A BAA closes it.
    add_baa(t, "example billing llc", AgreementStatus::Active);
    let fixed = t
        .store
        .write(&ctx(), vendor::reconcile_baa_findings)
        .unwrap();
    assert_eq!(fixed.closed, ["FND-0001"]);
    let f = t.store.get::<Finding>("FND-0001").unwrap();
    assert_eq!(f.record.status, FindingStatus::Closed);
    assert_eq!(t.store.list::<Finding>().unwrap().len(), 1);
}

fn answers(pairs: &[(&str, &str)]) -> Vec<GivenAnswer> {
    pairs
        .iter()
        .map(|(r, v)| GivenAnswer {
            ref_id: (*r).to_string(),
            value: (*v).to_string(),
            comment: None,
            evidence: vec![],
            line: 0,
        })
        .collect()
}

fn a_questionnaire_is_sent_answered_and_scored(t: &mut TestStore) {
    t.store
        .write(&ctx(), |tx| tx.insert(phi_vendor("Example Billing LLC")))
        .unwrap();
    let req = t
        .store
        .write(&ctx(), |tx| {
            questionnaire::send(
                tx,
                "example billing llc",
                questionnaire::BUILTIN_KEY,
                date(2026, 3, 15),
            )
        })
        .unwrap();
    assert_eq!(req.id, "REQ-0001");
    assert_eq!(req.record.tier.0, 1);

    // A bad answer is refused with the question and the choices, and writes nothing.
    let before = events(t);
    let err = t
        .store
        .write(&ctx(), |tx| {
            questionnaire::answer(
                tx,
                "REQ-0001",
                &answers(&[("A2", "yes"), ("D16", "maybe")]),
                "--answer",
            )
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "--answer:0:0: question `D16`: `maybe` is not one of yes, partial, no, na"
    );
    let err = t
        .store
        .write(&ctx(), |tx| {
            questionnaire::answer(tx, "REQ-0001", &answers(&[("Z9", "yes")]), "a.yaml")
        })
        .unwrap_err();
    assert!(err.to_string().contains("unknown question `Z9`"), "{err}");
    assert_eq!(events(t), before);

    // Reminders before the due date.
    let due = reminders::due(&mut t.store, date(2026, 3, 8), 7).unwrap();
    let dates: Vec<Date> = due.iter().map(|r| r.due).collect();
    assert_eq!(
        dates,
        [
            date(2026, 3, 8),
            date(2026, 3, 12),
            date(2026, 3, 14),
            date(2026, 3, 15)
        ]
    );
    let late = reminders::due(&mut t.store, date(2026, 3, 30), 0).unwrap();
    assert_eq!(late[0].kind, "questionnaire_escalate");

    t.store
        .write(&ctx(), |tx| {
            questionnaire::answer(
                tx,
                "REQ-0001",
                &answers(&[
                    ("A2", "yes"),
                    ("B7", "ours"),
                    ("B8", "yes"),
                    ("D16", "no"),
                    ("E20", "yes"),
                    ("B11", "48"),
                ]),
                "--answer",
            )
        })
        .unwrap();
    let (stored, scoring) = t
        .store
        .write(&ctx(), |tx| questionnaire::score_request(tx, "REQ-0001"))
        .unwrap();
    assert_eq!(stored.record.status, RequestStatus::Scored);
    assert!(scoring.score < 50, "{}", scoring.score);
    assert_eq!(scoring.rating, Rating::Critical);
    let refs: Vec<&str> = scoring
        .critical_failures
        .iter()
        .map(|(r, _)| r.as_str())
        .collect();
    assert_eq!(refs, ["D16", "E23", "F24"]);
    assert_eq!(stored.record.findings.len(), 3);
    let v = t.store.get::<Vendor>("VEN-0001").unwrap();
    assert_eq!(v.record.residual_rating, Some(Rating::Critical));
    assert_eq!(v.record.residual_score, Some(scoring.score));
    assert!(
        t.store
            .get::<Request>("REQ-0001")
            .unwrap()
            .record
            .answers
            .contains_key("D16")
    );
    assert!(t.store.verify(&[], &[]).unwrap().ok());
}

fn custom_templates_import_once_per_version(t: &mut TestStore) {
    let yaml = "key: acme-lite\nversion: 1\ntitle: Lite\nsections:\n  - id: A\n    title: Basics\n    questions:\n      - ref: Q1\n        text: MFA?\n        type: yes_no\n        critical: true\n";
    let template = Template::from_yaml("lite.yaml", yaml).unwrap();
    let first = t
        .store
        .write(&ctx(), |tx| questionnaire::import(tx, template.clone()))
        .unwrap();
    assert_eq!(first.id, "QT-0001");
    let same = t
        .store
        .write(&ctx(), |tx| questionnaire::import(tx, template.clone()))
        .unwrap();
    assert_eq!(same.id, "QT-0001");
    let changed =
        Template::from_yaml("lite.yaml", &yaml.replace("MFA?", "MFA everywhere?")).unwrap();
    let err = t
        .store
        .write(&ctx(), |tx| questionnaire::import(tx, changed))
        .unwrap_err();
    assert!(err.to_string().contains("immutable"), "{err}");
    assert_eq!(events(t), 1);
    assert_eq!(
        first.record.summary(),
        "questionnaire template acme-lite v1 (1 questions)"
    );
}

fn evidence_is_content_addressed_and_checked(t: &mut TestStore) {
    use phiguard_store::evidence::{self, Evidence, EvidenceType, Link};
    let pdf = b"%PDF-1.4 signed business associate agreement (fictional)";
    let e = t
        .store
        .write(&ctx(), |tx| {
            evidence::add(
                tx,
                "Signed BAA",
                EvidenceType::BaaPdf,
                "upload",
                "baa.pdf",
                pdf,
                Some(date(2027, 1, 1)),
                vec![Link::parse("agreement:BAA-0001").unwrap()],
            )
        })
        .unwrap();
    assert_eq!(e.id, "EVD-0001");
    let sha = phiguard_store::sha256_hex(pdf);
    assert_eq!(e.record.revisions[0].sha256, sha);
    assert_eq!(e.retention_until.as_deref(), Some("2033-01-01"));
    // The same bytes again: one stored file.
    t.store
        .write(&ctx(), |tx| {
            evidence::add(
                tx,
                "Copy",
                EvidenceType::Other,
                "upload",
                "copy.pdf",
                pdf,
                None,
                vec![],
            )
        })
        .unwrap();
    let e = t
        .store
        .write(&ctx(), |tx| {
            evidence::revise(
                tx,
                "EVD-0001",
                "baa-v2.pdf",
                b"second version",
                Some("countersigned".into()),
            )
        })
        .unwrap();
    assert_eq!(e.record.revisions.len(), 2);
    assert_eq!(evidence::get_blob(&mut t.store, &sha).unwrap(), pdf);
    assert_eq!(evidence::verify_blobs(&mut t.store).unwrap(), (2, vec![]));
    assert!(
        Link::parse("contract:1")
            .unwrap_err()
            .to_string()
            .contains("agreement, vendor")
    );
    // Altering a stored file is caught.
    t.store
        .db()
        .execute(
            "DELETE FROM evidence_blob WHERE sha256 = $1",
            &[sha.as_str().into()],
        )
        .unwrap();
    t.store
        .db()
        .execute(
            "INSERT INTO evidence_blob (sha256, size, stored_at, content) VALUES ($1, 3, 'x', $2)",
            &[
                sha.as_str().into(),
                phiguard_store::Value::Bytes(b"bad".to_vec()),
            ],
        )
        .unwrap();
    assert_eq!(
        evidence::verify_blobs(&mut t.store).unwrap().1,
        vec![sha.clone()]
    );
    assert!(
        evidence::get_blob(&mut t.store, &sha)
            .unwrap_err()
            .to_string()
            .contains("altered")
    );
    let list = t.store.list::<Evidence>().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        t.store
            .events(None, None)
            .unwrap()
            .iter()
            .any(|e| e.action == "revise")
    );
}

fn risk_assessments_and_the_register(t: &mut TestStore) {
    use phiguard_store::risk::{
        Acceptance, Assessment, AssessmentStatus, Cadence, Risk, RiskStatus, Scope, Score,
        Treatment,
    };
    let scope = Scope {
        accounts: vec!["111122223333".into()],
        high_risk_systems: vec!["ehr".into()],
        ..Scope::default()
    };
    let mut a = Assessment {
        title: "Q1 2026".into(),
        methodology: "NIST SP 800-30".into(),
        cadence: Cadence::Quarterly,
        scope: scope.clone(),
        period_start: date(2026, 1, 1),
        period_end: None,
        status: AssessmentStatus::InProgress,
        assessors: vec![],
        approver: None,
        approved_on: None,
        inputs: vec![],
        issues: vec![],
        remediation_plan: vec![],
        risks: vec![],
        summary: None,
        prior_assessment_id: None,
        next_due: None,
    };
    let err = t
        .store
        .write(&ctx(), |tx| tx.insert(a.clone()))
        .unwrap_err();
    assert!(err.to_string().contains("monthly"), "{err}");
    a.cadence = Assessment::cadence_for(&scope);
    let s = t.store.write(&ctx(), |tx| tx.insert(a)).unwrap();
    let s = t
        .store
        .write(&ctx(), |tx| {
            tx.update::<Assessment>(&s.id, None, |a| a.approve("Dr. Example", date(2026, 3, 1)))
        })
        .unwrap();
    assert_eq!(s.record.next_due, Some(date(2026, 4, 1)));
    assert_eq!(s.retention_until.as_deref(), Some("2032-03-01"));

    let risk = Risk {
        title: "EHR backups not tested".into(),
        description: String::new(),
        assessment_id: Some(s.id.clone()),
        systems: vec!["ehr".into()],
        vendor_id: None,
        phi_involved: true,
        threat: None,
        vulnerability: None,
        inherent: Score::new("--inherent", 4, 4).unwrap(),
        residual: None,
        treatment: Treatment::Mitigate,
        owner: None,
        due: Some(date(2026, 2, 1)),
        status: RiskStatus::Open,
        acceptance: None,
        next_review: date(2026, 3, 20),
        hipaa: vec!["164.308(a)(7)(ii)(A)".into()],
        closed_on: None,
    };
    let r = t.store.write(&ctx(), |tx| tx.insert(risk)).unwrap();
    let before = events(t);
    let err = t
        .store
        .write(&ctx(), |tx| {
            tx.update::<Risk>(&r.id, None, |r| {
                r.accept(Acceptance {
                    approver: "CISO".into(),
                    justification: "compensating control".into(),
                    accepted_on: date(2026, 3, 1),
                    expires: date(2026, 2, 1),
                })
            })
        })
        .unwrap_err();
    assert!(err.to_string().contains("--expires"), "{err}");
    assert_eq!(events(t), before);
    let due = reminders::due(&mut t.store, date(2026, 3, 1), 31).unwrap();
    let kinds: Vec<&str> = due.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["risk_treatment_overdue", "risk_review", "assessment_due"]
    );
}

fn migrations_are_versioned_and_checked(t: &mut TestStore) {
    let rows = t
        .store
        .db()
        .query(
            "SELECT version, name FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap();
    assert_eq!(rows.len() as i64, phiguard_store::migrate::latest());
    // Opening again applies nothing and succeeds.
    drop(t.reopen());
    // A database from a newer phiguard is refused, not misread.
    t.store
        .db()
        .batch("INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (99, 'future', 'x', 'now')")
        .unwrap();
    let err = phiguard_store::Store::open(&t.location, common::now()).unwrap_err();
    assert!(err.to_string().contains("schema version 99"), "{err}");
    // An applied migration that differs from the built-in one is refused.
    t.store
        .db()
        .batch("DELETE FROM schema_migrations WHERE version = 99; UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1")
        .unwrap();
    let err = phiguard_store::Store::open(&t.location, common::now()).unwrap_err();
    assert!(err.to_string().contains("migration 1 (audit_log)"), "{err}");
}

fn an_auditor_bundle_verifies_offline_and_catches_changes(t: &mut TestStore) {
    use phiguard_store::bundle;
    use phiguard_store::evidence::{self, EvidenceType};
    use phiguard_store::keys::Key;
    let key = Key::from_seed([3; 32]);
    t.store.checkpoint_every_write(key.clone());
    add_baa(t, "Example Billing LLC", AgreementStatus::Active);
    t.store
        .write(&ctx(), |tx| {
            evidence::add(
                tx,
                "Signed BAA",
                EvidenceType::BaaPdf,
                "upload",
                "baa.pdf",
                b"%PDF fictional",
                None,
                vec![],
            )
        })
        .unwrap();
    let dir = t.dir().join("bundle");
    let manifest = bundle::export(&mut t.store, &key, common::now(), &dir).unwrap();
    assert_eq!(manifest.audit_head_seq, 2);
    assert!(manifest.files.contains_key("records/agreement.json"));
    let check = bundle::verify_bundle(&dir, &[key.public()]).unwrap();
    assert!(check.ok(), "{check:?}");
    assert!(check.trusted_key);
    // Exporting into a non-empty directory is refused.
    assert!(bundle::export(&mut t.store, &key, common::now(), &dir).is_err());
    // A key the auditor does not trust.
    let other = Key::from_seed([4; 32]).public();
    assert!(!bundle::verify_bundle(&dir, &[other]).unwrap().ok());
    // An altered evidence file, an added file.
    let sha = phiguard_store::sha256_hex(b"%PDF fictional");
    std::fs::write(dir.join("evidence").join(&sha), b"%PDF altered").unwrap();
    std::fs::write(dir.join("records/extra.json"), b"[]").unwrap();
    let check = bundle::verify_bundle(&dir, &[key.public()]).unwrap();
    assert!(!check.ok());
    assert!(
        check.problems.iter().any(|p| p.contains("altered")),
        "{:?}",
        check.problems
    );
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.contains("extra.json: not in the manifest")),
        "{:?}",
        check.problems
    );
    // An edited event with a re-written manifest: the signature no longer matches, and the
    // chain itself fails.
    let events = std::fs::read_to_string(dir.join("audit/events.jsonl")).unwrap();
    std::fs::write(
        dir.join("audit/events.jsonl"),
        events.replace("alice@example.test", "mallory@example.test"),
    )
    .unwrap();
    let check = bundle::verify_bundle(&dir, &[key.public()]).unwrap();
    assert!(
        check
            .problems
            .iter()
            .any(|p| p.contains("audit/events.jsonl")),
        "{:?}",
        check.problems
    );
    assert_eq!(check.audit.as_ref().unwrap().first_bad_seq(), Some(1));
}

both_backends!(
    an_auditor_bundle_verifies_offline_and_catches_changes,
    migrations_are_versioned_and_checked,
    evidence_is_content_addressed_and_checked,
    risk_assessments_and_the_register,
    a_baa_is_kept_six_years_after_it_was_last_in_effect,
    invalid_agreements_write_nothing,
    stale_updates_are_refused,
    artifact_agreements_sync_from_an_inventory,
    agreement_reminders,
    a_phi_vendor_without_a_baa_is_a_critical_finding,
    a_questionnaire_is_sent_answered_and_scored,
    custom_templates_import_once_per_version,
);
