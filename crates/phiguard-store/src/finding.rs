//! Findings: issues with an owner and a due date, from questionnaires, vendor checks and
//! risk assessments.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::record::{Record, Retention};
use crate::store::six_years_after;
use crate::{StoreError, string_enum};

string_enum! {
    /// How bad.
    FindingSeverity {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

string_enum! {
    /// Where a finding stands.
    FindingStatus {
        Open => "open",
        InProgress => "in_progress",
        Remediated => "remediated",
        Verified => "verified",
        RiskAccepted => "risk_accepted",
        Closed => "closed",
    }
}

impl FindingStatus {
    /// Still needs work.
    pub fn is_open(self) -> bool {
        matches!(self, FindingStatus::Open | FindingStatus::InProgress)
    }
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `questionnaire`, `vendor_check`, `risk_assessment`, `audit`, `aws_check`.
    pub source: String,
    /// What raised it: a stable key, so a check does not open the same finding twice.
    pub source_ref: String,
    /// The vendor concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// How bad.
    pub severity: FindingSeverity,
    /// One line.
    pub title: String,
    /// Details.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Who fixes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// By when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<Date>,
    /// Status.
    pub status: FindingStatus,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_date: Option<Date>,
}

impl Record for Finding {
    const KIND: &'static str = "finding";
    const PREFIX: &'static str = "FND";

    fn retention(&self, created: Date) -> Retention {
        match self.closed_date {
            _ if self.status.is_open() => Retention::InEffect,
            Some(closed) => Retention::Until(six_years_after(closed.max(created))),
            None => Retention::Until(six_years_after(created)),
        }
    }

    fn summary(&self) -> String {
        format!(
            "{} finding: {} ({})",
            self.severity, self.title, self.status
        )
    }

    fn validate(&self) -> Result<(), StoreError> {
        if self.title.trim().is_empty() {
            return Err(StoreError::invalid("title", "must not be empty"));
        }
        Ok(())
    }
}
