//! `phiguard demo`: scan the bundled demo clinic with default settings and a freshly seeded
//! records database (`phiguard-demo-records.db` next to the report: BAAs, vendors, a
//! questionnaire, a signed-off risk assessment, a risk), print a short summary and the top
//! failures, write the report (HTML by default) and store the scan in the records. No config,
//! no network.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::{Inventory, Records, Severity, Status};
use phiguard_report::{Format, RenderOptions, Report};
use phiguard_store::baa::{self, Agreement, AgreementStatus, AgreementType, Paper, Role};
use phiguard_store::keys::Key;
use phiguard_store::risk::{
    Assessment, AssessmentStatus, Risk, RiskStatus, Scope, Score, Treatment,
};
use phiguard_store::vendor::{
    self, CareImpact, Lifecycle, PhiAccess, SystemAccess, Vendor, VendorType,
};
use phiguard_store::{Ctx, Location, Store, StoreError, questionnaire};

use crate::cli::DemoArgs;
use crate::command::records::scans::{self, ScanRecords};
use crate::command::{VERSION, write_report_file};
use crate::{Error, Exit, Term, demo};

/// How many failures the summary lists.
const TOP: usize = 10;

/// Runs `phiguard demo`.
pub fn run(args: &DemoArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let inventory = demo::inventory(now);
    let db = records_path(&args.output);
    let mut records = seed_records(&db, &inventory, now)?;
    let mut settings = Settings::at(now);
    settings.records = records.records.clone();
    let result = phiguard_controls::evaluate(&inventory, &settings, CATALOGUE);
    let report = phiguard_report::build(&result, &inventory, &settings, VERSION);

    let format = Format::from(args.format);
    write_report_file(
        &args.output,
        format,
        &report,
        &RenderOptions {
            color: false,
            verbose: true,
        },
    )?;
    scans::store(&mut records, &report, term)?;

    let color = term.colors.stdout;
    if args.verbose {
        phiguard_report::render(
            Format::Text,
            &report,
            &mut *term.out,
            &RenderOptions {
                color,
                verbose: false,
            },
        )?;
        writeln!(term.out)?;
    }
    let shown = std::path::absolute(&args.output).unwrap_or_else(|_| args.output.clone());
    let text = summary(&report, !args.verbose, color);
    write!(term.out, "{text}")?;
    let db_shown = std::path::absolute(&db).unwrap_or_else(|_| db.clone());
    write!(term.out, "{}", records_summary(&report, &db_shown))?;
    writeln!(
        term.out,
        "\nreport: {} (opens offline in any browser)",
        shown.display()
    )?;
    term.out.flush()?;
    Ok(Exit::Clean)
}

/// The demo's records database: `phiguard-demo-records.db` next to the report.
pub fn records_path(output: &Path) -> PathBuf {
    output.with_file_name(RECORDS_FILE)
}

/// File name of the demo's records database.
pub const RECORDS_FILE: &str = "phiguard-demo-records.db";

/// File name of the key that signs the demo audit log's checkpoints, next to the database
/// (kept across runs; a verifier needs only its public half).
pub const SIGNING_KEY_FILE: &str = "phiguard-demo-signing.key";

/// The demo's checkpoint signing key, next to its records database.
pub fn signing_key_path(db: &Path) -> PathBuf {
    db.with_file_name(SIGNING_KEY_FILE)
}

/// Creates the demo's records database afresh at `path` (seeded through the store API, dated
/// relative to `now`, so it is the same on every run) and reads it back for the scan.
pub fn seed_records(
    path: &Path,
    inventory: &Inventory,
    now: Timestamp,
) -> Result<ScanRecords, Error> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if file.exists() {
            std::fs::remove_file(&file).map_err(|source| Error::Write {
                path: file.clone(),
                source,
            })?;
        }
    }
    let location = Location::Sqlite(path.to_path_buf());
    let mut store = Store::open(&location, now)?;
    // Every write, the seed's and the scan's, ends with a signed checkpoint, so
    // `phiguard audit verify` finds the whole demo log anchored.
    store.checkpoint_every_write(Key::load_or_create(&signing_key_path(path))?);
    seed(&mut store, inventory, now)?;
    let source = scans::describe(&location);
    let snapshot = phiguard_store::snapshot::load(&mut store, &source, now)?;
    Ok(ScanRecords {
        store: Some(store),
        ctx: Ctx::new(now, DEMO_ACTOR, DEMO_SOURCE),
        records: Records::Loaded(Box::new(snapshot)),
    })
}

const DEMO_ACTOR: &str = "privacy.officer@riverside.example";
const DEMO_SOURCE: &str = "phiguard-demo";

/// The answers the billing vendor gave to the built-in questionnaire.
const BILLING_ANSWERS: &str = "A2: yes\nA6: no\nB7: ours\nB8: yes\nB11: 24\nC14: yes\nD16: yes\nD17: yearly\nD18: 4\nD19: yes\nE20: yes\nE23: no\nF24: yes\nF25: 7\nF26: 24x7\nI33: yes\nI34: yes\nI35: no\n";

/// The clinic's records: the AWS BAA (recorded for both accounts, and synced from AWS
/// Artifact), a billing vendor with a BAA and a scored questionnaire, a transcription vendor
/// with PHI access and no BAA (an overdue critical finding), a vendor without PHI, a signed-off
/// risk assessment and a risk in treatment. Written in date order, as it happened.
fn seed(store: &mut Store, inventory: &Inventory, now: Timestamp) -> Result<(), StoreError> {
    let at = |days: i64| {
        let t = now
            .checked_sub(jiff::Span::new().hours(24 * days))
            .unwrap_or(now);
        Ctx::new(t, DEMO_ACTOR, DEMO_SOURCE)
    };
    let day = |ctx: &Ctx, days: i64| {
        ctx.today()
            .checked_add(jiff::Span::new().days(days))
            .unwrap_or(ctx.today())
    };
    let three = [
        "security_rule_compliance",
        "subcontractor_flowdown",
        "incident_reporting",
    ];

    let ctx = at(400);
    store.write(&ctx, |tx| {
        let mut aws = Agreement::new(
            "Amazon Web Services",
            AgreementType::Baa,
            AgreementStatus::Active,
        );
        aws.our_role = Some(Role::CoveredEntity);
        aws.their_role = Some(Role::BusinessAssociate);
        aws.paper = Some(Paper::ClickThrough);
        aws.signed_date = Some(ctx.today());
        aws.effective_date = Some(ctx.today());
        aws.covered_accounts = vec![demo::PROD.into(), demo::DEV.into()];
        aws.owner = Some(DEMO_ACTOR.into());
        aws.notes = Some(
            "AWS BAA accepted for the organisation in AWS Artifact by the management account"
                .into(),
        );
        tx.insert(aws)?;

        let mut billing = Vendor::new("Example Billing Services LLC", VendorType::Billing);
        billing.lifecycle = Lifecycle::Active;
        billing.is_business_associate = Some(true);
        billing.phi_access = PhiAccess::Full;
        billing.system_access = SystemAccess::Write;
        billing.est_records_per_year = Some(8_000);
        billing.hosting = Some("AWS".into());
        billing.regions = vec!["us-east-1".into()];
        billing.owner = Some("billing.manager@riverside.example".into());
        let billing = tx.insert(billing)?;
        let mut baa = Agreement::new(
            &billing.record.legal_name,
            AgreementType::Baa,
            AgreementStatus::Active,
        );
        baa.vendor_id = Some(billing.id.clone());
        baa.our_role = Some(Role::CoveredEntity);
        baa.their_role = Some(Role::BusinessAssociate);
        baa.paper = Some(Paper::Ours);
        baa.signed_date = Some(ctx.today());
        baa.effective_date = Some(ctx.today());
        baa.expiry_date = Some(day(&ctx, 730));
        baa.breach_notice_hours = Some(72);
        for c in three {
            baa.clauses.set(c)?;
        }
        tx.insert(baa)?;
        vendor::reconcile_baa_findings(tx)?;
        Ok(())
    })?;

    let ctx = at(120);
    store.write(&ctx, |tx| {
        let mut transcription = Vendor::new("Example Transcription Co", VendorType::Saas);
        transcription.lifecycle = Lifecycle::Active;
        transcription.phi_access = PhiAccess::Limited;
        transcription.system_access = SystemAccess::Read;
        transcription.patient_care_impact = CareImpact::Indirect;
        transcription.owner = Some("practice.manager@riverside.example".into());
        tx.insert(transcription)?;
        let mut catering = Vendor::new("Example Catering", VendorType::Other);
        catering.lifecycle = Lifecycle::Active;
        tx.insert(catering)?;
        vendor::reconcile_baa_findings(tx)?;
        Ok(())
    })?;

    let ctx = at(45);
    let request = store.write(&ctx, |tx| {
        questionnaire::send(
            tx,
            "Example Billing Services LLC",
            questionnaire::BUILTIN_KEY,
            day(&ctx, 30),
        )
    })?;

    let ctx = at(35);
    store.write(&ctx, |tx| {
        let scope = Scope {
            accounts: vec![demo::PROD.into(), demo::DEV.into()],
            systems: vec!["ehr".into(), "patient-portal".into(), "billing".into()],
            high_risk_systems: Vec::new(),
            vendors: Vec::new(),
        };
        tx.insert(Assessment {
            title: "Quarterly HIPAA security risk analysis".into(),
            methodology: "NIST SP 800-30 r1 / SP 800-66 r2, 5x5 likelihood x impact".into(),
            cadence: Assessment::cadence_for(&scope),
            scope,
            period_start: ctx.today(),
            period_end: None,
            status: AssessmentStatus::InReview,
            assessors: vec!["security.officer@riverside.example".into()],
            approver: None,
            approved_on: None,
            inputs: Vec::new(),
            issues: Vec::new(),
            remediation_plan: Vec::new(),
            risks: Vec::new(),
            summary: Some(
                "EHR, patient portal and billing in AWS; one vendor without a BAA.".into(),
            ),
            prior_assessment_id: None,
            next_due: None,
        })
    })?;

    let ctx = at(30);
    let answers = questionnaire::parse_answers_file("billing-answers.yaml", BILLING_ANSWERS)?;
    store.write(&ctx, |tx| {
        questionnaire::answer(tx, &request.id, &answers, "billing-answers.yaml")?;
        questionnaire::score_request(tx, &request.id)?;
        Ok(())
    })?;

    let ctx = at(28);
    store.write(&ctx, |tx| {
        let today = ctx.today();
        tx.update_with::<Assessment>("ASM-0001", None, "approve", |a| {
            a.approve("privacy.officer@riverside.example", today)
        })?;
        let inherent = Score::new("--inherent", 4, 4)?;
        tx.insert(Risk {
            title: "Transcription vendor handles PHI without a BAA".into(),
            description:
                "Dictations with PHI reach Example Transcription Co, which has not signed a BAA."
                    .into(),
            assessment_id: Some("ASM-0001".into()),
            systems: vec!["transcription".into()],
            vendor_id: Some("VEN-0002".into()),
            phi_involved: true,
            threat: Some("Unauthorised disclosure by a third party".into()),
            vulnerability: Some("No contractual safeguards or breach notice".into()),
            inherent,
            residual: None,
            treatment: Treatment::Mitigate,
            owner: Some("practice.manager@riverside.example".into()),
            due: Some(day(&ctx, 14)),
            status: RiskStatus::Treating,
            acceptance: None,
            next_review: day(&ctx, inherent.level().review_days()),
            hipaa: vec!["164.308(b)(1)".into()],
            closed_on: None,
        })?;
        Ok(())
    })?;

    let ctx = at(1);
    store.write(&ctx, |tx| baa::sync_artifact(tx, inventory).map(|_| ()))?;
    Ok(())
}

/// What the demo's records hold and how the records controls came out.
fn records_summary(report: &Report<'_>, db: &Path) -> String {
    let mut out = String::new();
    let Some(r) = &report.records else {
        return out;
    };
    let in_effect = r.agreements.iter().filter(|a| a.in_effect).count();
    let without_baa = r
        .vendors
        .iter()
        .filter(|v| v.has_phi() && v.active_baa.is_none())
        .count();
    let signed = r.assessments.iter().filter(|a| a.signed_off()).count();
    let _ = writeln!(
        out,
        "\nrecords: {} agreements ({in_effect} in effect), {} vendors ({without_baa} with PHI access and no BAA), {} open finding{}, {signed} risk assessment{} signed off",
        r.agreements.len(),
        r.vendors.len(),
        r.findings.len(),
        plural(r.findings.len()),
        plural(signed),
    );
    for id in [
        "ARTIFACT-001",
        "BAA-001",
        "RISK-001",
        "VENDOR-001",
        "VENDOR-002",
    ] {
        let mut counts: Vec<String> = Vec::new();
        for status in Status::ALL {
            let n = report
                .results
                .iter()
                .filter(|x| x.control_id == id && x.status == status)
                .count();
            if n > 0 {
                counts.push(format!("{n} {status}"));
            }
        }
        if !counts.is_empty() {
            let _ = writeln!(out, "  {id:<12}  {}", counts.join(", "));
        }
    }
    let _ = writeln!(
        out,
        "  database: {} (try `phiguard vendor list --db {}` or `phiguard history --db {}`)",
        db.display(),
        db.display(),
        db.display()
    );
    let _ = writeln!(
        out,
        "  audit log: every change signed; check it with `phiguard audit verify --db {} --signing-key {}`",
        db.display(),
        signing_key_path(db).display()
    );
    out
}

/// A short summary of a report: what was scanned, counts, failures by severity and, when
/// `top` is set, the most severe failures.
pub fn summary(report: &Report<'_>, top: bool, color: bool) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let c = &s.results;
    let regions = report.regions.iter().filter(|r| *r != "global").count();
    let _ = writeln!(
        out,
        "phiguard demo: {}\n  {} account{}, {} region{} plus global services, {} resources",
        if report.inventory.description.is_empty() {
            "bundled demo inventory"
        } else {
            &report.inventory.description
        },
        report.accounts.len(),
        plural(report.accounts.len()),
        regions,
        plural(regions),
        report.inventory.resources,
    );
    let _ = writeln!(
        out,
        "\n{} controls, {} results: {} pass, {} fail, {} error, {} manual, {} waived, {} not applicable",
        s.controls,
        c.total(),
        c.pass,
        c.fail,
        c.error,
        c.manual,
        c.waived,
        c.not_applicable
    );
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let n = s.failures_by_severity.get(sev).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {}", paint(*sev, 0, color)))
        })
        .collect();
    if by_severity.is_empty() {
        let _ = writeln!(out, "no unwaived failures");
    } else {
        let _ = writeln!(
            out,
            "unwaived failures: {} ({} on PHI resources)",
            by_severity.join(", "),
            s.phi_failures
        );
    }
    if s.incomplete {
        let _ = writeln!(
            out,
            "incomplete: {} result{} could not be evaluated (data not collected)",
            c.error,
            plural(c.error)
        );
    }
    if !top {
        return out;
    }
    let mut failures: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .collect();
    // Most severe first, PHI before non-PHI, then catalogue order (the sort is stable).
    failures.sort_by_key(|r| (std::cmp::Reverse(r.severity), !r.phi));
    if !failures.is_empty() {
        let _ = writeln!(out, "\ntop failures:");
    }
    let shown = &failures[..failures.len().min(TOP)];
    let id_width = shown.iter().map(|r| r.control_id.len()).max().unwrap_or(0);
    let indent = " ".repeat(2 + 8 + 2 + id_width + 2);
    for r in shown {
        let _ = writeln!(
            out,
            "  {}  {:<id_width$}  {}{}\n{indent}{}",
            paint(r.severity, 8, color),
            r.control_id,
            r.resource,
            if r.phi { "  [PHI]" } else { "" },
            r.reason
        );
    }
    if failures.len() > TOP {
        let _ = writeln!(
            out,
            "  ... and {} more (`phiguard demo --verbose` lists every finding)",
            failures.len() - TOP
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The severity's name padded to `width` columns, coloured after padding so that alignment
/// survives the escape codes.
fn paint(severity: Severity, width: usize, color: bool) -> String {
    let text = severity.as_str();
    let pad = " ".repeat(width.saturating_sub(text.len()));
    if !color {
        return format!("{text}{pad}");
    }
    let code = match severity {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m{pad}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_report_summary(top: bool) -> String {
        let now: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        let inventory = demo::inventory(now);
        let settings = Settings::at(now);
        let result = phiguard_controls::evaluate(&inventory, &settings, CATALOGUE);
        let report = phiguard_report::build(&result, &inventory, &settings, "0.0.0");
        summary(&report, top, false)
    }

    #[test]
    fn summary_counts_and_lists_failures_most_severe_first() {
        let text = demo_report_summary(true);
        assert!(text.starts_with("phiguard demo: "), "{text}");
        assert!(text.contains(" controls, "), "{text}");
        assert!(!text.contains('\x1b'), "colour when not asked: {text}");
        let severities: Vec<Severity> = text
            .lines()
            .skip_while(|l| !l.starts_with("top failures:"))
            .skip(1)
            .filter_map(|l| Severity::parse(l.split_whitespace().next()?))
            .collect();
        let mut sorted = severities.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(severities, sorted, "{text}");
        let brief = demo_report_summary(false);
        assert!(!brief.contains("top failures:"), "{brief}");
    }

    #[test]
    fn the_seeded_records_make_the_records_controls_pass_and_fail() {
        let now: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = records_path(&dir.path().join("report.html"));
        let inventory = demo::inventory(now);
        let records = seed_records(&db, &inventory, now).unwrap();
        // Seeding again starts afresh: same ids, same records.
        drop(records);
        let mut records = seed_records(&db, &inventory, now).unwrap();
        // Every seeded change is anchored by a checkpoint signed with the demo key.
        let key = Key::load(&signing_key_path(&db)).unwrap();
        let store = records.store.as_mut().unwrap();
        let verified = store.verify(&[key.public()], &[]).unwrap();
        assert!(verified.ok(), "{}", verified.render());
        assert_eq!(verified.unanchored, 0, "{}", verified.render());
        let snapshot = records.records.snapshot().unwrap().clone();
        assert_eq!(snapshot.agreements.len(), 3, "{:#?}", snapshot.agreements);
        assert_eq!(snapshot.vendors.len(), 3);
        assert!(snapshot.assessments.iter().any(|a| a.signed_off()));
        let mut settings = Settings::at(now);
        settings.records = records.records.clone();
        let result = phiguard_controls::evaluate(&inventory, &settings, CATALOGUE);
        let report = phiguard_report::build(&result, &inventory, &settings, "0.0.0");
        let status = |id: &str| -> Vec<(String, Status)> {
            report
                .results
                .iter()
                .filter(|r| r.control_id == id)
                .map(|r| (r.resource.to_string(), r.status))
                .collect()
        };
        assert_eq!(
            status("VENDOR-001"),
            [
                ("records:vendor/VEN-0001".to_string(), Status::Pass),
                ("records:vendor/VEN-0002".to_string(), Status::Fail),
            ]
        );
        assert_eq!(
            status("VENDOR-002"),
            [("records:finding/FND-0001".to_string(), Status::Fail)]
        );
        assert_eq!(
            status("BAA-001"),
            [("records:agreement/BAA-0002".to_string(), Status::Pass)]
        );
        assert!(status("RISK-001").iter().all(|(_, s)| *s == Status::Pass));
        assert!(
            status("ARTIFACT-001")
                .iter()
                .all(|(_, s)| *s == Status::Pass)
        );
        let text = records_summary(&report, &db);
        assert!(
            text.contains("3 vendors (1 with PHI access and no BAA), 1 open finding, 1 risk assessment signed off"),
            "{text}"
        );
        let mut html = Vec::new();
        phiguard_report::html::render(&report, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("<section id=\"records\">"));
        assert!(html.contains("Example Transcription Co"));
    }

    #[test]
    fn paint_keeps_columns_aligned() {
        assert_eq!(paint(Severity::High, 8, false), "high    ");
        assert_eq!(paint(Severity::Critical, 0, false), "critical");
        let coloured = paint(Severity::High, 8, true);
        assert!(coloured.starts_with("\x1b[31mhigh\x1b[0m"));
        assert!(coloured.ends_with("    "));
    }
}
