//! Controls over the compliance records (`phiguard scan --db`): the BAA register, vendors,
//! their findings and assessments. Without a records database they are `manual` with the
//! reason "no records database given (use --db)", never `pass`; with one that cannot be read
//! they are `error`.

pub mod baa_required_clauses;
pub mod vendor_findings_not_overdue;
pub mod vendor_phi_baa_and_assessment;

use phiguard_model::records::VendorRecord;
use phiguard_model::{GLOBAL, Subject};
use std::borrow::Cow;

/// The account column of records subjects (they belong to no AWS account).
pub const RECORDS_ACCOUNT: &str = "records";

/// The subject for a vendor: `records:vendor/VEN-0001`, in PHI scope when the vendor has PHI
/// access.
pub fn vendor_subject(vendor: &VendorRecord) -> Subject<'static> {
    Subject {
        id: Cow::Owned(format!("records:vendor/{}", vendor.id)),
        kind: None,
        account: Cow::Borrowed(RECORDS_ACCOUNT),
        region: Cow::Borrowed(GLOBAL),
        phi: vendor.has_phi(),
        field_errors: &[],
    }
}

/// The subject for the records as a whole: `records:register`.
pub fn register_subject() -> Subject<'static> {
    Subject {
        id: Cow::Borrowed("records:register"),
        kind: None,
        account: Cow::Borrowed(RECORDS_ACCOUNT),
        region: Cow::Borrowed(GLOBAL),
        phi: false,
        field_errors: &[],
    }
}

/// Small records snapshots for tests.
#[cfg(test)]
pub mod testing {
    use jiff::civil::{Date, date};
    use phiguard_model::Records;
    use phiguard_model::records::{
        AgreementRecord, AssessmentRecord, FindingRecord, RecordsSnapshot, VendorRecord,
    };

    use crate::testkit::{ACCOUNT, NOW, ts};

    /// The fixture's "today" (the fixture clock's date).
    pub fn today() -> Date {
        date(2026, 6, 1)
    }

    /// An empty snapshot read at the fixture clock.
    pub fn snapshot() -> RecordsSnapshot {
        RecordsSnapshot {
            source: "records.db".into(),
            read_at: ts(NOW),
            today: today(),
            ..RecordsSnapshot::default()
        }
    }

    /// Loaded records.
    pub fn loaded(snapshot: RecordsSnapshot) -> Records {
        Records::Loaded(Box::new(snapshot))
    }

    /// An unreadable records database.
    pub fn unreadable() -> Records {
        Records::Unreadable {
            source: "records.db".into(),
            message: "file is not a database".into(),
        }
    }

    /// The AWS BAA in effect covering the fixture account.
    pub fn aws_baa(id: &str, in_effect: bool) -> AgreementRecord {
        AgreementRecord {
            id: id.into(),
            counterparty: "Amazon Web Services".into(),
            vendor_id: None,
            agreement_type: "baa".into(),
            is_baa: true,
            is_aws: true,
            status: if in_effect { "active" } else { "terminated" }.into(),
            in_effect,
            effective: Some(date(2024, 3, 1)),
            expires: None,
            terminated: (!in_effect).then(|| date(2026, 1, 31)),
            covered_accounts: vec![ACCOUNT.into()],
            clauses: Vec::new(),
            source: "manual".into(),
        }
    }

    /// A vendor's BAA in effect.
    pub fn vendor_baa(id: &str, vendor: &str) -> AgreementRecord {
        AgreementRecord {
            counterparty: format!("vendor {vendor}"),
            vendor_id: Some(vendor.into()),
            is_aws: false,
            covered_accounts: Vec::new(),
            ..aws_baa(id, true)
        }
    }

    /// A vendor with `phi` access, assessed on `last_assessed` (due a year later).
    pub fn vendor(id: &str, name: &str, phi: &str, last_assessed: Option<Date>) -> VendorRecord {
        VendorRecord {
            id: id.into(),
            name: name.into(),
            phi_access: phi.into(),
            tier: if phi == "none" { 4 } else { 2 },
            lifecycle: "active".into(),
            residual_rating: last_assessed.map(|_| "medium".into()),
            last_assessed,
            assessment_due: last_assessed
                .and_then(|d| d.checked_add(jiff::Span::new().years(1)).ok()),
            active_baa: None,
        }
    }

    /// An open finding.
    pub fn finding(id: &str, vendor: &str, severity: &str, due: Option<Date>) -> FindingRecord {
        FindingRecord {
            id: id.into(),
            vendor_id: Some(vendor.into()),
            source: "questionnaire".into(),
            severity: severity.into(),
            title: format!("{vendor}: critical question D16 answered `no`"),
            due,
            status: "open".into(),
            owner: Some("security@example.test".into()),
        }
    }

    /// An approved assessment of `accounts` signed off on `approved_on`.
    pub fn assessment_record(id: &str, accounts: &[&str], approved_on: Date) -> AssessmentRecord {
        AssessmentRecord {
            id: id.into(),
            title: "Quarterly HIPAA risk analysis".into(),
            status: "approved".into(),
            approver: Some("Security Officer".into()),
            approved_on: Some(approved_on),
            cadence: "quarterly".into(),
            accounts: accounts.iter().map(|a| (*a).to_string()).collect(),
            systems: vec!["ehr".into()],
            high_risk_systems: Vec::new(),
        }
    }
}
