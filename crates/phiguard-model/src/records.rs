//! A read-only snapshot of the compliance records a scan evaluates (`phiguard scan --db`): the
//! BAA register, vendors, open findings, risk assessments and high-risk systems, as the
//! records store (`phiguard-store`) holds them at scan time. Controls read it through
//! `Settings::records`; the report carries it for its "Records" section.
//!
//! The snapshot is plain data: the store computes every judgement that needs its own rules
//! (whether an agreement is in effect today, a vendor's tier, the cadence an assessment
//! needs) so that controls only compare.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// What a scan knows about the records store.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Records {
    /// No records store was given (`phiguard scan` without `--db`/`--database-url`):
    /// records controls say so and never pass.
    #[default]
    NotGiven,
    /// A store was given but could not be read: records controls report `error`.
    Unreadable {
        /// The store, password redacted.
        source: String,
        /// Why.
        message: String,
    },
    /// The records, read at scan time.
    Loaded(Box<RecordsSnapshot>),
}

impl Records {
    /// The snapshot, when one was read.
    pub fn snapshot(&self) -> Option<&RecordsSnapshot> {
        match self {
            Records::Loaded(s) => Some(s),
            _ => None,
        }
    }

    /// Why there is no snapshot (`None` when there is one): the reason records controls give.
    pub fn missing_reason(&self) -> Option<String> {
        match self {
            Records::NotGiven => Some(NOT_GIVEN.to_string()),
            Records::Unreadable { source, message } => Some(format!(
                "the records database `{source}` could not be read: {message}"
            )),
            Records::Loaded(_) => None,
        }
    }
}

/// The reason records controls give when no records store was given.
pub const NOT_GIVEN: &str = "no records database given (use --db)";

/// The records at scan time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsSnapshot {
    /// Where they were read from (a file path or a redacted URL).
    pub source: String,
    /// When they were read.
    pub read_at: Timestamp,
    /// The day judgements (in effect, overdue) were made for (UTC).
    pub today: Date,
    /// Every agreement of the BAA register.
    #[serde(default)]
    pub agreements: Vec<AgreementRecord>,
    /// Every vendor.
    #[serde(default)]
    pub vendors: Vec<VendorRecord>,
    /// Open findings (open or in progress).
    #[serde(default)]
    pub findings: Vec<FindingRecord>,
    /// Every risk assessment.
    #[serde(default)]
    pub assessments: Vec<AssessmentRecord>,
    /// Systems of high risk: named high risk in an assessment's scope, or with an open risk
    /// of level high or very high in the risk register. They make the assessment cadence
    /// monthly.
    #[serde(default)]
    pub high_risk_systems: Vec<String>,
}

/// One agreement of the BAA register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementRecord {
    /// Id (`BAA-0001`).
    pub id: String,
    /// The other party.
    pub counterparty: String,
    /// The vendor record of the other party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// `baa`, `subcontractor_baa`, `msa`, ...
    pub agreement_type: String,
    /// Whether it is a BAA (of either kind).
    pub is_baa: bool,
    /// Whether the counterparty is Amazon Web Services (by name, or synced from AWS
    /// Artifact).
    pub is_aws: bool,
    /// Lifecycle status (`active`, `signed`, `terminated`, ...).
    pub status: String,
    /// In effect on [`RecordsSnapshot::today`]: signed or active, already effective, and not
    /// past its expiry date (unless it renews itself).
    pub in_effect: bool,
    /// In effect from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// Ends on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// Ended on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated: Option<Date>,
    /// Covered AWS accounts (12 digits) or organisation ARNs.
    #[serde(default)]
    pub covered_accounts: Vec<String>,
    /// The §164.314(a)(2)(i) and other clauses present.
    #[serde(default)]
    pub clauses: Vec<String>,
    /// `manual` or `aws_artifact`.
    pub source: String,
}

/// One vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorRecord {
    /// Id (`VEN-0001`).
    pub id: String,
    /// Legal name.
    pub name: String,
    /// `none`, `limited` or `full`.
    pub phi_access: String,
    /// Inherent tier, 1 (critical) to 4 (low).
    pub tier: u8,
    /// `prospect`, `onboarding`, `active`, `offboarding`, `terminated`.
    pub lifecycle: String,
    /// Residual rating from the latest scored questionnaire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_rating: Option<String>,
    /// When last assessed (questionnaire scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_assessed: Option<Date>,
    /// When the next assessment is due (last assessed plus the tier's reassessment
    /// interval); `None` when never assessed or assessed at onboarding only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment_due: Option<Date>,
    /// The BAA in effect for this vendor, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_baa: Option<String>,
}

impl VendorRecord {
    /// Whether the vendor has any PHI access.
    pub fn has_phi(&self) -> bool {
        self.phi_access != "none"
    }

    /// Whether the relationship has ended.
    pub fn terminated(&self) -> bool {
        self.lifecycle == "terminated"
    }
}

/// One open finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// Id (`FND-0001`).
    pub id: String,
    /// The vendor concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// Where it came from (`questionnaire`, `vendor_check`, ...).
    pub source: String,
    /// `low`, `medium`, `high`, `critical`.
    pub severity: String,
    /// One line.
    pub title: String,
    /// Due by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// `open` or `in_progress`.
    pub status: String,
    /// Owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl FindingRecord {
    /// High or critical.
    pub fn is_high(&self) -> bool {
        matches!(self.severity.as_str(), "high" | "critical")
    }
}

/// One risk assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentRecord {
    /// Id (`ASM-0001`).
    pub id: String,
    /// Title.
    pub title: String,
    /// `planned`, `in_progress`, `in_review`, `approved`, `superseded`.
    pub status: String,
    /// Who signed it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<Date>,
    /// `quarterly` or `monthly`, as recorded.
    pub cadence: String,
    /// AWS accounts in scope (`*`: every account).
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Systems in scope.
    #[serde(default)]
    pub systems: Vec<String>,
    /// Systems in scope marked high risk.
    #[serde(default)]
    pub high_risk_systems: Vec<String>,
}

impl AssessmentRecord {
    /// Whether it was signed off.
    pub fn signed_off(&self) -> bool {
        self.status == "approved" && self.approved_on.is_some() && self.approver.is_some()
    }

    /// Whether it covers the account.
    pub fn covers(&self, account: &str) -> bool {
        self.accounts.iter().any(|a| a == account || a == "*")
    }

    /// Months between assessments it needs: 1 when a high-risk system is in its scope (named
    /// so, or listed in `high_risk`), else 3.
    pub fn cadence_months(&self, high_risk: &[String]) -> i8 {
        let high = !self.high_risk_systems.is_empty()
            || self.systems.iter().any(|s| high_risk.contains(s))
            || self.cadence == "monthly";
        if high { 1 } else { 3 }
    }
}
