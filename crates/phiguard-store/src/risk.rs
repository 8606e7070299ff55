//! Risk assessments (the periodic 45 CFR 164.308(a)(1)(ii)(A) record) and the risk register
//! (likelihood × impact, treatment, acceptance with approver and expiry, review dates).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::record::{Record, Retention, Stored};
use crate::reminders::Reminder;
use crate::store::six_years_after;
use crate::{StoreError, sha256_hex, string_enum};

string_enum! {
    /// Where an assessment stands.
    AssessmentStatus {
        Planned => "planned",
        InProgress => "in_progress",
        InReview => "in_review",
        Approved => "approved",
        Superseded => "superseded",
    }
}

string_enum! {
    /// How often the assessment is repeated.
    Cadence {
        Quarterly => "quarterly",
        Monthly => "monthly",
    }
}

/// What an assessment covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// AWS accounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// Systems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<String>,
    /// Systems of high risk tier (they make the cadence monthly).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub high_risk_systems: Vec<String>,
    /// Vendors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

/// One input the assessment used, by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// `scan_report`, `vendor_rating`, `prior_assessment`, `evidence`.
    pub kind: String,
    /// What it is (a file name, a record id).
    pub reference: String,
    /// SHA-256 of the input as used.
    pub sha256: String,
}

/// A risk assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// Title.
    pub title: String,
    /// Method and risk matrix.
    pub methodology: String,
    /// Scope.
    pub scope: Scope,
    /// Monthly when a high-risk system is in scope, else quarterly.
    pub cadence: Cadence,
    /// Period start.
    pub period_start: Date,
    /// Period end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<Date>,
    /// Status.
    pub status: AssessmentStatus,
    /// Who assessed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assessors: Vec<String>,
    /// Who signed off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<Date>,
    /// Inputs used (scan reports, vendor ratings, ...), by hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
    /// Issues found (finding ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<String>,
    /// Remediation plan items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remediation_plan: Vec<String>,
    /// Risk register entries (risk ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<String>,
    /// Summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The previous assessment of the same scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_assessment_id: Option<String>,
    /// When the next one is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due: Option<Date>,
}

impl Assessment {
    /// The cadence the scope calls for.
    pub fn cadence_for(scope: &Scope) -> Cadence {
        if scope.high_risk_systems.is_empty() {
            Cadence::Quarterly
        } else {
            Cadence::Monthly
        }
    }

    /// Signs the assessment off on `day`: approved, next one due a cadence later.
    pub fn approve(&mut self, approver: &str, day: Date) -> Result<(), StoreError> {
        if approver.trim().is_empty() {
            return Err(StoreError::invalid(
                "--approver",
                "sign-off needs an approver",
            ));
        }
        if self.status == AssessmentStatus::Superseded {
            return Err(StoreError::invalid(
                "status",
                "a superseded assessment cannot be approved",
            ));
        }
        self.status = AssessmentStatus::Approved;
        self.approver = Some(approver.trim().to_string());
        self.approved_on = Some(day);
        let months = match self.cadence {
            Cadence::Monthly => 1,
            Cadence::Quarterly => 3,
        };
        self.next_due = day.checked_add(jiff::Span::new().months(months)).ok();
        Ok(())
    }
}

impl Record for Assessment {
    const KIND: &'static str = "risk_assessment";
    const PREFIX: &'static str = "ASM";

    fn retention(&self, created: Date) -> Retention {
        match self.status {
            AssessmentStatus::Approved | AssessmentStatus::Superseded => Retention::Until(
                six_years_after(self.approved_on.map_or(created, |d| d.max(created))),
            ),
            _ => Retention::Until(six_years_after(created)),
        }
    }

    fn summary(&self) -> String {
        format!(
            "risk assessment `{}` ({}, {})",
            self.title, self.status, self.cadence
        )
    }

    fn validate(&self) -> Result<(), StoreError> {
        if self.title.trim().is_empty() {
            return Err(StoreError::invalid("--title", "must not be empty"));
        }
        if let Some(end) = self.period_end
            && end < self.period_start
        {
            return Err(StoreError::invalid(
                "--period-end",
                format!("{end} is before the period start {}", self.period_start),
            ));
        }
        if self.cadence != Assessment::cadence_for(&self.scope)
            && self.cadence == Cadence::Quarterly
        {
            return Err(StoreError::invalid(
                "cadence",
                "a high-risk system is in scope: the cadence must be monthly",
            ));
        }
        Ok(())
    }
}

/// The input record of a file: its SHA-256.
pub fn file_input(kind: &str, name: &str, bytes: &[u8]) -> Input {
    Input {
        kind: kind.to_string(),
        reference: name.to_string(),
        sha256: sha256_hex(bytes),
    }
}

/// Reminders for approved assessments: due within the window, or overdue.
pub fn assessment_reminders(a: &Stored<Assessment>, today: Date, within: i64) -> Vec<Reminder> {
    let r = &a.record;
    let Some(due) = r.next_due else {
        return Vec::new();
    };
    if r.status != AssessmentStatus::Approved {
        return Vec::new();
    }
    let horizon = today
        .checked_add(jiff::Span::new().days(within))
        .unwrap_or(today);
    if due < today {
        vec![Reminder::new(
            due,
            "assessment_overdue",
            &a.id,
            format!(
                "the next {} risk assessment after `{}` was due on {due}",
                r.cadence, r.title
            ),
        )]
    } else if due <= horizon {
        vec![Reminder::new(
            due,
            "assessment_due",
            &a.id,
            format!(
                "the next {} risk assessment after `{}` is due on {due}",
                r.cadence, r.title
            ),
        )]
    } else {
        Vec::new()
    }
}

string_enum! {
    /// Risk treatment.
    Treatment {
        Mitigate => "mitigate",
        Accept => "accept",
        Transfer => "transfer",
        Avoid => "avoid",
    }
}

string_enum! {
    /// Where a risk stands.
    RiskStatus {
        Open => "open",
        Treating => "treating",
        Accepted => "accepted",
        Closed => "closed",
    }
}

string_enum! {
    /// Risk level from likelihood × impact.
    Level {
        Low => "low",
        Medium => "medium",
        High => "high",
        VeryHigh => "very_high",
    }
}

/// Likelihood and impact, each 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// 1 (rare) – 5 (almost certain).
    pub likelihood: u8,
    /// 1 (negligible) – 5 (severe).
    pub impact: u8,
}

impl Score {
    /// A checked score; `field` names the flag on error.
    pub fn new(field: &str, likelihood: u8, impact: u8) -> Result<Score, StoreError> {
        for (name, v) in [("likelihood", likelihood), ("impact", impact)] {
            if !(1..=5).contains(&v) {
                return Err(StoreError::invalid(
                    format!("{field}-{name}"),
                    format!("{v} is not 1 to 5"),
                ));
            }
        }
        Ok(Score { likelihood, impact })
    }

    /// likelihood × impact.
    pub fn value(self) -> u8 {
        self.likelihood * self.impact
    }

    /// The level: ≥20 very high, ≥12 high, ≥5 medium, else low.
    pub fn level(self) -> Level {
        match self.value() {
            20.. => Level::VeryHigh,
            12..=19 => Level::High,
            5..=11 => Level::Medium,
            _ => Level::Low,
        }
    }
}

impl Level {
    /// Days between reviews: very high and high 90, medium 180, low 365.
    pub fn review_days(self) -> i64 {
        match self {
            Level::VeryHigh | Level::High => 90,
            Level::Medium => 180,
            Level::Low => 365,
        }
    }
}

/// A risk acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// Who accepted.
    pub approver: String,
    /// Why.
    pub justification: String,
    /// When.
    pub accepted_on: Date,
    /// Until when.
    pub expires: Date,
}

/// A risk register entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    /// Title.
    pub title: String,
    /// Description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The assessment that found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<String>,
    /// Systems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<String>,
    /// Vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// PHI involved.
    #[serde(default)]
    pub phi_involved: bool,
    /// Threat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// Vulnerability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<String>,
    /// Before treatment.
    pub inherent: Score,
    /// After treatment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual: Option<Score>,
    /// Treatment.
    pub treatment: Treatment,
    /// Owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Treatment due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Status.
    pub status: RiskStatus,
    /// Acceptance, when accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    /// Next review.
    pub next_review: Date,
    /// HIPAA citations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hipaa: Vec<String>,
    /// When closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<Date>,
}

impl Risk {
    /// The level in force: residual if assessed, else inherent.
    pub fn current(&self) -> Score {
        self.residual.unwrap_or(self.inherent)
    }

    /// Accepts the risk.
    pub fn accept(&mut self, acceptance: Acceptance) -> Result<(), StoreError> {
        if acceptance.approver.trim().is_empty() {
            return Err(StoreError::invalid(
                "--approver",
                "an acceptance needs an approver",
            ));
        }
        if acceptance.justification.trim().is_empty() {
            return Err(StoreError::invalid(
                "--justification",
                "an acceptance needs a justification",
            ));
        }
        if acceptance.expires <= acceptance.accepted_on {
            return Err(StoreError::invalid(
                "--expires",
                format!(
                    "{} is not after the acceptance date {}",
                    acceptance.expires, acceptance.accepted_on
                ),
            ));
        }
        self.treatment = Treatment::Accept;
        self.status = RiskStatus::Accepted;
        self.acceptance = Some(acceptance);
        Ok(())
    }
}

impl Record for Risk {
    const KIND: &'static str = "risk";
    const PREFIX: &'static str = "RSK";

    fn retention(&self, created: Date) -> Retention {
        match (self.status, self.closed_on) {
            (RiskStatus::Closed, Some(d)) => Retention::Until(six_years_after(d.max(created))),
            _ => Retention::InEffect,
        }
    }

    fn summary(&self) -> String {
        format!(
            "risk `{}` ({} {}, {})",
            self.title,
            self.current().level(),
            self.current().value(),
            self.status
        )
    }

    fn validate(&self) -> Result<(), StoreError> {
        if self.title.trim().is_empty() {
            return Err(StoreError::invalid("--title", "must not be empty"));
        }
        Score::new("--inherent", self.inherent.likelihood, self.inherent.impact)?;
        if let Some(r) = self.residual {
            Score::new("--residual", r.likelihood, r.impact)?;
        }
        if self.status == RiskStatus::Accepted && self.acceptance.is_none() {
            return Err(StoreError::invalid(
                "status",
                "an accepted risk needs an acceptance (approver, justification, expiry): use `phiguard risk accept`",
            ));
        }
        Ok(())
    }
}

/// Reminders for a risk: review due, acceptance expiring or expired, treatment overdue.
pub fn risk_reminders(r: &Stored<Risk>, today: Date, within: i64) -> Vec<Reminder> {
    let risk = &r.record;
    let mut out = Vec::new();
    if risk.status == RiskStatus::Closed {
        return out;
    }
    let horizon = today
        .checked_add(jiff::Span::new().days(within))
        .unwrap_or(today);
    if risk.next_review <= horizon {
        out.push(Reminder::new(
            risk.next_review,
            "risk_review",
            &r.id,
            format!("review risk `{}` ({})", risk.title, risk.current().level()),
        ));
    }
    if let Some(a) = &risk.acceptance
        && a.expires <= horizon
    {
        out.push(Reminder::new(
            a.expires,
            if a.expires < today {
                "risk_acceptance_expired"
            } else {
                "risk_acceptance_expiring"
            },
            &r.id,
            format!(
                "the acceptance of risk `{}` by {} ends on {}",
                risk.title, a.approver, a.expires
            ),
        ));
    }
    if let Some(due) = risk.due
        && due < today
        && matches!(risk.status, RiskStatus::Open | RiskStatus::Treating)
    {
        out.push(Reminder::new(
            due,
            "risk_treatment_overdue",
            &r.id,
            format!("the treatment of risk `{}` was due on {due}", risk.title),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_likelihood_times_impact() {
        assert_eq!(Score::new("x", 5, 4).unwrap().level(), Level::VeryHigh);
        assert_eq!(Score::new("x", 3, 4).unwrap().level(), Level::High);
        assert_eq!(Score::new("x", 1, 5).unwrap().level(), Level::Medium);
        assert_eq!(Score::new("x", 2, 2).unwrap().level(), Level::Low);
        assert_eq!(
            Score::new("--inherent", 6, 1).unwrap_err().to_string(),
            "invalid `--inherent-likelihood`: 6 is not 1 to 5"
        );
        assert_eq!(Level::High.review_days(), 90);
    }

    #[test]
    fn a_high_risk_system_makes_the_cadence_monthly() {
        let mut scope = Scope::default();
        assert_eq!(Assessment::cadence_for(&scope), Cadence::Quarterly);
        scope.high_risk_systems.push("ehr".into());
        assert_eq!(Assessment::cadence_for(&scope), Cadence::Monthly);
    }
}
