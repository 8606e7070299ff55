//! The read-only snapshot of the records a scan evaluates
//! ([`phiguard_model::RecordsSnapshot`]): the store's own rules (in effect today, inherent
//! tier, reassessment interval, risk level) are applied here, so controls only compare.

use jiff::Timestamp;
use jiff::civil::Date;
use phiguard_model::RecordsSnapshot;
use phiguard_model::records::{AgreementRecord, AssessmentRecord, FindingRecord, VendorRecord};

use crate::StoreError;
use crate::baa::{Agreement, AgreementSource};
use crate::finding::Finding;
use crate::record::Stored;
use crate::risk::{Assessment, Level, Risk, RiskStatus};
use crate::store::Store;
use crate::vendor::Vendor;

/// Names under which AWS appears as a counterparty.
const AWS_NAMES: [&str; 4] = [
    "amazon web services",
    "amazon web services, inc.",
    "amazon web services inc",
    "aws",
];

/// Whether an agreement is with AWS: synced from AWS Artifact, or named so.
pub fn is_aws(agreement: &Agreement) -> bool {
    matches!(agreement.source, AgreementSource::AwsArtifact { .. })
        || AWS_NAMES.contains(&agreement.counterparty.trim().to_ascii_lowercase().as_str())
}

/// Whether an agreement is in effect on `today`: signed or active, effective by then, and
/// not past its expiry date unless it renews itself.
pub fn in_effect_on(agreement: &Agreement, today: Date) -> bool {
    agreement.status.in_effect()
        && agreement.effective_date.is_none_or(|d| d <= today)
        && (agreement.auto_renew || agreement.expiry_date.is_none_or(|d| d >= today))
}

/// Reads the snapshot at `now` from `source` (a description for the report: a path or a
/// redacted URL).
pub fn load(
    store: &mut Store,
    source: &str,
    now: Timestamp,
) -> Result<RecordsSnapshot, StoreError> {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let agreements: Vec<Stored<Agreement>> = store.list()?;
    let vendors: Vec<Stored<Vendor>> = store.list()?;
    let findings: Vec<Stored<Finding>> = store.list()?;
    let assessments: Vec<Stored<Assessment>> = store.list()?;
    let risks: Vec<Stored<Risk>> = store.list()?;
    Ok(build(
        source,
        now,
        today,
        &agreements,
        &vendors,
        &findings,
        &assessments,
        &risks,
    ))
}

/// The snapshot of these records on `today`.
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per record kind; a struct would only rename them"
)]
pub fn build(
    source: &str,
    now: Timestamp,
    today: Date,
    agreements: &[Stored<Agreement>],
    vendors: &[Stored<Vendor>],
    findings: &[Stored<Finding>],
    assessments: &[Stored<Assessment>],
    risks: &[Stored<Risk>],
) -> RecordsSnapshot {
    let agreement_records: Vec<AgreementRecord> = agreements
        .iter()
        .map(|s| {
            let a = &s.record;
            AgreementRecord {
                id: s.id.clone(),
                counterparty: a.counterparty.clone(),
                vendor_id: a.vendor_id.clone(),
                agreement_type: a.agreement_type.to_string(),
                is_baa: a.is_baa(),
                is_aws: is_aws(a),
                status: a.status.to_string(),
                in_effect: in_effect_on(a, today),
                effective: a.effective_date,
                expires: a.expiry_date,
                terminated: a.terminated_date,
                covered_accounts: a.covered_accounts.clone(),
                clauses: a.clauses.present().into_iter().map(String::from).collect(),
                source: match a.source {
                    AgreementSource::Manual => "manual".into(),
                    AgreementSource::AwsArtifact { .. } => "aws_artifact".into(),
                },
            }
        })
        .collect();
    let vendor_records = vendors
        .iter()
        .map(|v| {
            let r = &v.record;
            let active_baa = agreements
                .iter()
                .find(|a| crate::vendor::has_baa_in_effect_on(v, std::slice::from_ref(a), today))
                .map(|a| a.id.clone());
            let assessment_due = match (r.last_assessed, r.reassessment_months()) {
                (Some(last), Some(months)) => {
                    last.checked_add(jiff::Span::new().months(months)).ok()
                }
                _ => None,
            };
            VendorRecord {
                id: v.id.clone(),
                name: r.legal_name.clone(),
                phi_access: r.phi_access.to_string(),
                tier: r.inherent_tier().0,
                lifecycle: r.lifecycle.to_string(),
                residual_rating: r.residual_rating.map(|x| x.to_string()),
                last_assessed: r.last_assessed,
                assessment_due,
                active_baa,
            }
        })
        .collect();
    let finding_records = findings
        .iter()
        .filter(|f| f.record.status.is_open())
        .map(|f| FindingRecord {
            id: f.id.clone(),
            vendor_id: f.record.vendor_id.clone(),
            source: f.record.source.clone(),
            severity: f.record.severity.to_string(),
            title: f.record.title.clone(),
            due: f.record.due_date,
            status: f.record.status.to_string(),
            owner: f.record.owner.clone(),
        })
        .collect();
    let mut high_risk_systems: Vec<String> = Vec::new();
    let assessment_records = assessments
        .iter()
        .map(|a| {
            let r = &a.record;
            high_risk_systems.extend(r.scope.high_risk_systems.iter().cloned());
            AssessmentRecord {
                id: a.id.clone(),
                title: r.title.clone(),
                status: r.status.to_string(),
                approver: r.approver.clone(),
                approved_on: r.approved_on,
                cadence: r.cadence.to_string(),
                accounts: r.scope.accounts.clone(),
                systems: r.scope.systems.clone(),
                high_risk_systems: r.scope.high_risk_systems.clone(),
            }
        })
        .collect();
    for risk in risks {
        let r = &risk.record;
        let high = matches!(r.current().level(), Level::High | Level::VeryHigh);
        if high && r.status != RiskStatus::Closed {
            high_risk_systems.extend(r.systems.iter().cloned());
        }
    }
    high_risk_systems.sort();
    high_risk_systems.dedup();
    RecordsSnapshot {
        source: source.to_string(),
        read_at: now,
        today,
        agreements: agreement_records,
        vendors: vendor_records,
        findings: finding_records,
        assessments: assessment_records,
        high_risk_systems,
    }
}
