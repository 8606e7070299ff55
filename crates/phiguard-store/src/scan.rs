//! Stored scans (`phiguard scan --db`): each scan's results and the SHA-256 of its JSON
//! report, kept with the report itself as evidence linked to the controls; and the history
//! between two scans: failures that are new and failures that were resolved.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::evidence::{self, EvidenceType, Link};
use crate::record::{Record, Retention, Stored};
use crate::store::{Tx, six_years_after};
use crate::{StoreError, sha256_hex};

/// Result counts of a scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCounts {
    /// Passed.
    pub pass: u64,
    /// Failed.
    pub fail: u64,
    /// Not evaluated.
    pub error: u64,
    /// Needs an attestation.
    pub manual: u64,
    /// Failed, waived.
    pub waived: u64,
    /// Not applicable.
    pub not_applicable: u64,
}

impl ScanCounts {
    /// Counts one status by its wire name.
    pub fn add(&mut self, status: &str) {
        match status {
            "pass" => self.pass += 1,
            "fail" => self.fail += 1,
            "error" => self.error += 1,
            "manual" => self.manual += 1,
            "waived" => self.waived += 1,
            _ => self.not_applicable += 1,
        }
    }

    /// The count of one status by its wire name; `None` for a name that is not a status.
    pub fn get(&self, status: &str) -> Option<u64> {
        match status {
            "pass" => Some(self.pass),
            "fail" => Some(self.fail),
            "error" => Some(self.error),
            "manual" => Some(self.manual),
            "waived" => Some(self.waived),
            "not_applicable" => Some(self.not_applicable),
            _ => None,
        }
    }
}

/// One result of a stored scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanResultRow {
    /// Control id.
    pub control: String,
    /// Subject (ARN or id).
    pub resource: String,
    /// Account.
    pub account: String,
    /// `pass`, `fail`, `error`, `manual`, `waived`, `not_applicable`.
    pub status: String,
    /// Effective severity.
    pub severity: String,
    /// Why.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// A stored scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// When the scan ran (RFC 3339, the report's `scan_time`).
    pub scan_time: String,
    /// phiguard version.
    pub tool_version: String,
    /// Where the inventory came from (`live`, `config_snapshot`, `demo`, ...) and its
    /// description.
    pub source: String,
    /// Accounts scanned.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// SHA-256 of the JSON report as stored.
    pub report_sha256: String,
    /// The evidence record holding the JSON report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_id: Option<String>,
    /// Counts.
    pub counts: ScanCounts,
    /// Every result.
    #[serde(default)]
    pub results: Vec<ScanResultRow>,
    /// The resources continuous monitoring watches (in PHI scope, or in a service not on the
    /// HIPAA-eligible list); `None` for scans stored before phiguard recorded them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<ScanResource>>,
}

/// A resource of a stored scan that continuous monitoring watches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanResource {
    /// ARN or id.
    pub resource: String,
    /// phiguard resource kind (`s3_bucket`, `tagged`, ...).
    pub kind: String,
    /// Account.
    pub account: String,
    /// Region (`global` for global services).
    pub region: String,
    /// ARN service namespace (`s3`, `lightsail`).
    pub service: String,
    /// In PHI scope (by tag or account).
    pub phi: bool,
    /// The service on the HIPAA eligible services list: `eligible`, `not_eligible`,
    /// `needs_review` or `support_only`.
    pub eligibility: String,
}

impl Record for Scan {
    const KIND: &'static str = "scan";
    const PREFIX: &'static str = "SCN";

    fn retention(&self, created: Date) -> Retention {
        Retention::Until(six_years_after(created))
    }

    fn summary(&self) -> String {
        format!(
            "scan at {} ({} results: {} pass, {} fail, {} error; report sha256 {})",
            self.scan_time,
            self.results.len(),
            self.counts.pass,
            self.counts.fail,
            self.counts.error,
            self.report_sha256
        )
    }

    fn validate(&self) -> Result<(), StoreError> {
        if self.report_sha256.len() != 64 {
            return Err(StoreError::invalid(
                "report_sha256",
                "must be a SHA-256 in hex",
            ));
        }
        Ok(())
    }
}

/// Stores a scan: the JSON report as evidence (type `scan_report`, linked to every control
/// that ran), then the scan record with its results and the report's SHA-256 (audited as
/// `scan_run`), then the report's results as rows with a summary ([`crate::results`]).
pub fn store(
    tx: &mut Tx<'_>,
    mut scan: Scan,
    report_json: &[u8],
    controls: &[String],
) -> Result<Stored<Scan>, StoreError> {
    scan.report_sha256 = sha256_hex(report_json);
    let links = controls
        .iter()
        .map(|c| Link {
            kind: "control".into(),
            id: c.clone(),
        })
        .collect();
    let name = format!(
        "phiguard-scan-{}.json",
        scan.scan_time.replace([':', '-'], "")
    );
    let evidence = evidence::add(
        tx,
        &format!("phiguard scan report {}", scan.scan_time),
        EvidenceType::ScanReport,
        "automated_check",
        &name,
        report_json,
        None,
        links,
    )?;
    scan.evidence_id = Some(evidence.id);
    let stored = tx.insert_with(scan, "scan_run")?;
    crate::results::index(tx, &stored.id, &stored.record.scan_time, report_json)?;
    Ok(stored)
}

/// A failure that changed between two scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Control id.
    pub control: String,
    /// Subject.
    pub resource: String,
    /// Severity (in the scan where it fails).
    pub severity: String,
    /// Status in the other scan (`pass`, `error`, ..., or `absent`).
    pub other_status: String,
    /// Why it fails (from the scan where it fails).
    pub reason: String,
}

/// New and resolved failures between two scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct History {
    /// The earlier scan.
    pub from: String,
    /// The later scan.
    pub to: String,
    /// Failing in `to`, not in `from`.
    pub new_failures: Vec<Change>,
    /// Failing in `from`, not in `to`.
    pub resolved: Vec<Change>,
    /// Failing in both.
    pub still_failing: usize,
}

/// What failed in `to` and not `from` (new), and in `from` and not `to` (resolved). A result
/// is keyed by control and subject; a subject absent from the other scan counts as changed
/// (`absent`). Only controls with results in both scans are compared: a control that did not
/// run in one of them resolves nothing and introduces nothing.
pub fn diff(from: &Stored<Scan>, to: &Stored<Scan>) -> History {
    fn index(scan: &Scan) -> BTreeMap<(&str, &str), &ScanResultRow> {
        scan.results
            .iter()
            .map(|r| ((r.control.as_str(), r.resource.as_str()), r))
            .collect()
    }
    fn controls(scan: &Scan) -> std::collections::BTreeSet<&str> {
        scan.results.iter().map(|r| r.control.as_str()).collect()
    }
    let both: std::collections::BTreeSet<&str> = controls(&from.record)
        .intersection(&controls(&to.record))
        .copied()
        .collect();
    let mut a = index(&from.record);
    let mut b = index(&to.record);
    a.retain(|(control, _), _| both.contains(control));
    b.retain(|(control, _), _| both.contains(control));
    let failing = |r: &ScanResultRow| r.status == "fail";
    let other = |m: &BTreeMap<(&str, &str), &ScanResultRow>, k: &(&str, &str)| {
        m.get(k).map_or("absent".to_string(), |r| r.status.clone())
    };
    let mut history = History {
        from: from.id.clone(),
        to: to.id.clone(),
        new_failures: Vec::new(),
        resolved: Vec::new(),
        still_failing: 0,
    };
    for (k, r) in &b {
        if !failing(r) {
            continue;
        }
        if a.get(k).is_some_and(|x| failing(x)) {
            history.still_failing += 1;
        } else {
            history.new_failures.push(change(r, other(&a, k)));
        }
    }
    for (k, r) in &a {
        if failing(r) && !b.get(k).is_some_and(|x| failing(x)) {
            history.resolved.push(change(r, other(&b, k)));
        }
    }
    history
}

fn change(r: &ScanResultRow, other_status: String) -> Change {
    Change {
        control: r.control.clone(),
        resource: r.resource.clone(),
        severity: r.severity.clone(),
        other_status,
        reason: r.reason.clone(),
    }
}
