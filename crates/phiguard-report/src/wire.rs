//! The frozen wire model, version 1. Every renderer reads this, never the engine's types, so
//! all formats agree. Adding an optional field is compatible; renaming or removing one is a
//! new version.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::BuildHasher;

use phiguard_controls::{Control, DiagnosticLevel, ScanResult, Settings};
use phiguard_model::hipaa::SECTIONS;
use phiguard_model::{Citation, Inventory, SeedArea, Severity, SharedArea, Status, Timestamp};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::evidence::EvidenceV1;

/// The wire format version.
pub const REPORT_VERSION: u32 = 1;

/// A scan report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report<'a> {
    /// Always [`REPORT_VERSION`].
    pub report_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// When the scan ran (the injected clock).
    pub scan_time: Timestamp,
    /// Where the inventory came from.
    pub inventory: InventoryInfo,
    /// Accounts scanned.
    pub accounts: Vec<AccountInfo>,
    /// Every region scanned, sorted.
    pub regions: Vec<String>,
    /// Counts.
    pub summary: Summary,
    /// Per HIPAA standard (e.g. `164.312(a)(1)` Access control, `164.308(a)(7)` Contingency
    /// plan; see [`hipaa_standard`]), counts of results citing it.
    pub by_hipaa_section: Vec<GroupCounts>,
    /// Per seed area (the ten customer responsibilities).
    pub by_seed_area: Vec<GroupCounts>,
    /// Per shared-responsibility area, with the AWS and customer halves.
    pub by_shared_area: Vec<SharedAreaCounts>,
    /// The controls that ran, with their metadata.
    pub controls: Vec<ControlInfo>,
    /// One entry per evaluation.
    #[serde(borrow)]
    pub results: Vec<ResultV1<'a>>,
    /// Diagnostics about the scan (expired or unmatched waivers, ...).
    pub diagnostics: Vec<DiagnosticV1>,
    /// The CloudTrail log review (`phiguard scan --trail`), when one was run. Optional:
    /// absent from reports without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_review: Option<LogReview>,
    /// The compliance records the scan read (`phiguard scan --db`): BAA register, vendors,
    /// open findings, risk assessments. Optional: absent from reports without them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<phiguard_model::RecordsSnapshot>,
    /// The shared-responsibility matrix: per area what AWS covers (with its attestations) and
    /// the customer's controls' counts, also per service model. Optional: absent from reports
    /// written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_responsibility: Option<crate::matrix::Matrix>,
}

/// A review of CloudTrail logs run with the scan (HIPAA 164.308(a)(1)(ii)(D) information
/// system activity review): the period the logs cover, what was read, the detections that
/// fired and whether flagged events touched PHI resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogReview {
    /// When the review ran (the scan time): the last review date.
    pub reviewed_at: Timestamp,
    /// The inputs, as named on the command line.
    pub inputs: Vec<String>,
    /// `eventTime` of the earliest event read, if any.
    pub first_event: Option<String>,
    /// `eventTime` of the latest event read, if any.
    pub last_event: Option<String>,
    /// Files read.
    pub files_read: usize,
    /// Files (or the rest of files) that could not be read.
    pub files_unreadable: usize,
    /// Records skipped in files otherwise read.
    pub records_skipped: usize,
    /// Events reviewed.
    pub events: u64,
    /// Rules run (detections and stateful analyzers).
    pub rules: usize,
    /// Hits in all.
    pub hits: usize,
    /// Hits per severity, most severe first (severities without hits left out).
    pub hits_by_severity: Vec<SeverityHits>,
    /// Rules that fired, most hits first (at most the top 10; `rules_fired` counts them all).
    pub top_rules: Vec<RuleHits>,
    /// Distinct rules that fired.
    pub rules_fired: usize,
    /// PHI resources in the inventory (by tag), the ones flagged events are checked against.
    pub phi_resources: usize,
    /// PHI resources touched by flagged events, most hits first.
    pub phi_touched: Vec<PhiTouched>,
    /// Why the review may be incomplete.
    pub notes: Vec<String>,
}

/// Hits of one severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityHits {
    /// Severity.
    pub severity: Severity,
    /// Hits.
    pub hits: usize,
}

/// Hits of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleHits {
    /// Rule id (`CIS-4.5`, `HIPAA-...`, a Sigma rule id).
    pub rule_id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// `cis`, `hipaa` or `sigma`.
    pub source: String,
    /// Hits.
    pub hits: usize,
    /// `eventTime` of the latest hit.
    pub last_seen: String,
}

/// A PHI resource touched by flagged events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhiTouched {
    /// ARN.
    pub resource: String,
    /// Hits on events touching it.
    pub hits: usize,
    /// The rules, sorted.
    pub rules: Vec<String>,
}

/// Tool name and version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    /// `phiguard`.
    pub name: String,
    /// Semver.
    pub version: String,
}

/// Inventory provenance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InventoryInfo {
    /// When the data was collected.
    pub generated_at: Timestamp,
    /// `live`, `config_snapshot`, `demo`, `synthetic`.
    pub source: String,
    /// Free text.
    pub description: String,
    /// Number of resources.
    pub resources: usize,
}

/// An account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountInfo {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Regions scanned.
    pub regions: Vec<String>,
}

/// Result counts by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Pass.
    pub pass: usize,
    /// Fail.
    pub fail: usize,
    /// Error (not evaluated).
    pub error: usize,
    /// Manual.
    pub manual: usize,
    /// Waived.
    pub waived: usize,
    /// Not applicable.
    pub not_applicable: usize,
}

impl Counts {
    /// Adds one result.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
            Status::Manual => self.manual += 1,
            Status::Waived => self.waived += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: &Counts) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.error += other.error;
        self.manual += other.manual;
        self.waived += other.waived;
        self.not_applicable += other.not_applicable;
    }

    /// All results.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.error + self.manual + self.waived + self.not_applicable
    }
}

/// Summary counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Results by status.
    pub results: Counts,
    /// Unwaived failures by severity.
    pub failures_by_severity: BTreeMap<Severity, usize>,
    /// Unwaived failures on PHI resources.
    pub phi_failures: usize,
    /// Controls that ran.
    pub controls: usize,
    /// Distinct subjects evaluated.
    pub subjects: usize,
    /// Whether some data could not be collected (some results are `error`).
    pub incomplete: bool,
}

/// Counts for a group (HIPAA standard or seed area).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupCounts {
    /// `164.312(a)` or `encryption`.
    pub key: String,
    /// Human title.
    pub title: String,
    /// Counts.
    pub counts: Counts,
}

/// Counts for a shared-responsibility area.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedAreaCounts {
    /// `data_protection`.
    pub key: String,
    /// Title.
    pub title: String,
    /// What AWS does.
    pub aws: String,
    /// What the customer does.
    pub customer: String,
    /// Counts of the customer's controls.
    pub counts: Counts,
}

/// A control's metadata as reports show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlInfo {
    /// `S3-007`.
    pub id: String,
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Base severity.
    pub severity: Severity,
    /// Seed area.
    pub seed_area: SeedArea,
    /// Shared-responsibility area.
    pub shared_area: SharedArea,
    /// Normalised HIPAA citations.
    pub hipaa: Vec<String>,
    /// AWS Config managed rules.
    pub config_rules: Vec<String>,
    /// Prowler checks.
    pub prowler_checks: Vec<String>,
    /// Resource kinds.
    pub resource_kinds: Vec<String>,
    /// Data sources read.
    pub data_sources: Vec<String>,
    /// Markdown remediation (console, CLI, Terraform).
    pub remediation: String,
}

impl ControlInfo {
    /// From a catalogue control.
    pub fn from_control(c: &Control) -> ControlInfo {
        ControlInfo {
            id: c.id().to_string(),
            slug: c.slug().to_string(),
            title: c.meta.title.to_string(),
            severity: c.meta.severity,
            seed_area: c.meta.seed_area,
            shared_area: c.meta.shared_area,
            hipaa: c.citations().iter().map(|c| c.to_string()).collect(),
            config_rules: c.meta.config_rules.iter().map(|s| s.to_string()).collect(),
            prowler_checks: c
                .meta
                .prowler_checks
                .iter()
                .map(|s| s.to_string())
                .collect(),
            resource_kinds: c
                .meta
                .resource_kinds
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
            data_sources: c
                .meta
                .inputs
                .iter()
                .map(|i| i.source().as_str().to_string())
                .collect(),
            remediation: c.doc_section("Remediation").unwrap_or_default(),
        }
    }
}

/// One result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultV1<'a> {
    /// `S3-007`.
    #[serde(borrow)]
    pub control_id: Cow<'a, str>,
    /// Slug.
    #[serde(borrow)]
    pub control_slug: Cow<'a, str>,
    /// Status.
    pub status: Status,
    /// Effective severity (raised for PHI, after overrides).
    pub severity: Severity,
    /// ARN or stable id.
    #[serde(borrow)]
    pub resource: Cow<'a, str>,
    /// Resource kind, absent for account- and region-level results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_kind: Option<Cow<'a, str>>,
    /// Account.
    #[serde(borrow)]
    pub account: Cow<'a, str>,
    /// Region or `global`.
    #[serde(borrow)]
    pub region: Cow<'a, str>,
    /// In PHI scope.
    pub phi: bool,
    /// Attribute values read, in the order read.
    pub evidence: EvidenceV1<'a>,
    /// Why.
    #[serde(borrow)]
    pub reason: Cow<'a, str>,
    /// The waiver, for `waived` results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverV1>,
}

/// A waiver as reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiverV1 {
    /// Why.
    pub reason: String,
    /// Who approved.
    pub approved_by: String,
    /// Last day.
    pub expires: String,
}

/// A diagnostic.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiagnosticV1 {
    /// `warning` or `error`.
    pub level: String,
    /// Stable code.
    pub code: String,
    /// Message.
    pub message: String,
    /// Config line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// The number of distinct subject ids, on every core and without a set of strings (which
/// costs a cache miss and a probe per id: over a second at a million resources). Each id is
/// hashed where it lies, the ids sorted by (hash, address, length), and each run of equal
/// hashes counted: equal address and length mean equal text, different ones are compared as
/// text, so a hash collision cannot merge two ids. The count is exactly that of a set of
/// strings.
fn distinct_subjects(outcomes: &phiguard_controls::Outcomes<'_>) -> usize {
    let hasher = foldhash::fast::FixedState::with_seed(0x5eed);
    let mut ids: Vec<(u64, &str)> = Vec::with_capacity(outcomes.len());
    for batch in outcomes.batches() {
        ids.par_extend(batch.par_iter().map(|o| {
            let id = o.evaluation.subject.id.as_ref();
            (hasher.hash_one(id), id)
        }));
    }
    ids.par_sort_unstable_by_key(|(hash, id)| (*hash, id.as_ptr() as usize, id.len()));
    ids.chunk_by(|a, b| a.0 == b.0)
        .map(|run| {
            // Nearly always one text at one address; otherwise the few distinct ones.
            let mut texts: Vec<&str> = Vec::new();
            for (_, id) in run {
                if !texts.iter().any(|t| std::ptr::eq(*t, *id) || t == id) {
                    texts.push(id);
                }
            }
            texts.len()
        })
        .sum()
}

/// One outcome as a wire result, borrowing every text from the scan.
fn wire_result<'a>(outcome: &'a phiguard_controls::Outcome<'a>) -> ResultV1<'a> {
    let e = &outcome.evaluation;
    let meta = &outcome.control.meta;
    ResultV1 {
        control_id: Cow::Borrowed(meta.id),
        control_slug: Cow::Borrowed(meta.slug),
        status: e.status,
        severity: outcome.severity,
        resource: Cow::Borrowed(e.subject.id.as_ref()),
        resource_kind: e.subject.kind.map(|k| Cow::Borrowed(k.as_str())),
        account: Cow::Borrowed(e.subject.account.as_ref()),
        region: Cow::Borrowed(e.subject.region.as_ref()),
        phi: e.subject.phi,
        evidence: EvidenceV1::Scan(&e.evidence),
        reason: Cow::Borrowed(e.reason.as_ref()),
        waiver: outcome.waiver.map(|w| WaiverV1 {
            reason: w.reason.clone(),
            approved_by: w.approved_by.clone(),
            expires: w.expires.to_string(),
        }),
    }
}

/// Builds the wire model from a scan.
pub fn build<'a>(
    result: &'a ScanResult<'a>,
    inventory: &'a Inventory,
    settings: &Settings,
    tool_version: &str,
) -> Report<'a> {
    let mut summary = Summary {
        controls: result.controls.len(),
        ..Summary::default()
    };
    let mut sections: BTreeMap<String, Counts> = BTreeMap::new();
    let mut seeds: BTreeMap<SeedArea, Counts> = BTreeMap::new();
    let mut shared: BTreeMap<SharedArea, Counts> = BTreeMap::new();
    // Counts per control, merged into the groups after the loop (results come grouped by
    // control, so this is one comparison per result instead of map updates).
    let mut per_control: Vec<(&Control, Counts)> = Vec::with_capacity(result.controls.len());
    // Each control's distinct HIPAA standards, computed once per control, not per result.
    let standards: BTreeMap<&str, Vec<String>> = result
        .controls
        .iter()
        .map(|c| {
            let mut keys: Vec<String> = c.citations().iter().map(hipaa_standard).collect();
            keys.sort();
            keys.dedup();
            (c.id(), keys)
        })
        .collect();
    for outcome in &result.outcomes {
        let e = &outcome.evaluation;
        summary.results.add(e.status);
        if e.status == Status::Fail {
            *summary
                .failures_by_severity
                .entry(outcome.severity)
                .or_default() += 1;
            if e.subject.phi {
                summary.phi_failures += 1;
            }
        }
        match per_control.last_mut() {
            Some((control, counts)) if std::ptr::eq(*control, outcome.control) => {
                counts.add(e.status);
            }
            _ => {
                let mut counts = Counts::default();
                counts.add(e.status);
                per_control.push((outcome.control, counts));
            }
        }
    }
    // The results themselves, on every core (rayon keeps the order); they borrow from the
    // scan, evidence included.
    let mut results: Vec<ResultV1<'a>> = Vec::with_capacity(result.outcomes.len());
    for batch in result.outcomes.batches() {
        results.par_extend(batch.par_iter().map(wire_result));
    }
    for (control, counts) in &per_control {
        let meta = &control.meta;
        if let Some(standards) = standards.get(meta.id) {
            for standard in standards {
                sections.entry(standard.clone()).or_default().merge(counts);
            }
        }
        seeds.entry(meta.seed_area).or_default().merge(counts);
        shared.entry(meta.shared_area).or_default().merge(counts);
    }
    summary.subjects = distinct_subjects(&result.outcomes);
    summary.incomplete = summary.results.error > 0;
    let mut regions: Vec<String> = inventory
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter().cloned())
        .collect();
    regions.sort();
    regions.dedup();
    let mut report = Report {
        report_version: REPORT_VERSION,
        tool: Tool {
            name: "phiguard".into(),
            version: tool_version.into(),
        },
        scan_time: settings.now,
        inventory: InventoryInfo {
            generated_at: inventory.generated_at,
            source: serde_json::to_value(inventory.source.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            description: inventory.source.description.clone(),
            resources: inventory.resources.len(),
        },
        accounts: inventory
            .accounts
            .iter()
            .map(|a| AccountInfo {
                id: a.id.clone(),
                name: a.name.clone(),
                regions: a.regions.clone(),
            })
            .collect(),
        regions,
        summary,
        by_hipaa_section: sections
            .into_iter()
            .map(|(key, counts)| GroupCounts {
                title: hipaa_title(&key).to_string(),
                key,
                counts,
            })
            .collect(),
        by_seed_area: SeedArea::ALL
            .iter()
            .map(|a| GroupCounts {
                key: a.as_str().into(),
                title: a.title().into(),
                counts: seeds.get(a).cloned().unwrap_or_default(),
            })
            .collect(),
        by_shared_area: SharedArea::ALL
            .iter()
            .map(|a| SharedAreaCounts {
                key: a.as_str().into(),
                title: a.title().into(),
                aws: a.aws_part().into(),
                customer: a.customer_part().into(),
                counts: shared.get(a).cloned().unwrap_or_default(),
            })
            .collect(),
        controls: result
            .controls
            .iter()
            .map(|c| ControlInfo::from_control(c))
            .collect(),
        results,
        diagnostics: result
            .diagnostics
            .iter()
            .map(|d| DiagnosticV1 {
                level: match d.level {
                    DiagnosticLevel::Warning => "warning".into(),
                    DiagnosticLevel::Error => "error".into(),
                },
                code: d.code.into(),
                message: d.message.clone(),
                line: d.line,
            })
            .collect(),
        log_review: None,
        records: settings.records.snapshot().cloned(),
        shared_responsibility: None,
    };
    report.shared_responsibility = Some(crate::matrix::build(&report));
    report
}

/// The HIPAA standard a citation belongs to, as the Security Rule numbers standards:
/// `164.312(a)(2)(iv)` → `164.312(a)(1)` (Access control), `164.308(a)(7)(ii)(A)` →
/// `164.308(a)(7)` (Contingency plan), `164.312(b)` → `164.312(b)` (Audit controls).
/// Finer than [`Citation::standard`], whose `164.308(a)` lumps eight standards together.
pub fn hipaa_standard(citation: &Citation) -> String {
    let text = citation.as_str();
    let (section, rest) = text.split_at(text.find('(').unwrap_or(text.len()));
    let parts: Vec<&str> = rest.split(['(', ')']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => section.to_string(),
        ["a"] if section == "164.308" => format!("{section}(a)"),
        // 164.308(a) has eight standards, (a)(1) to (a)(8), each with its specifications.
        ["a", n, ..] if section == "164.308" => format!("{section}(a)({n})"),
        [p, ..] => {
            // Where the standard is paragraph (x)(1) and the specifications are (x)(2)...,
            // the standard is (x)(1); otherwise (x) itself.
            let one = format!("{section}({p})(1)");
            if SECTIONS.iter().any(|(s, _)| s.starts_with(&one)) {
                one
            } else {
                format!("{section}({p})")
            }
        }
    }
}

/// The title of a HIPAA standard or specification: its own title in the rule, else that of
/// its first paragraph (`164.308(a)(1)` → `164.308(a)(1)(i)`), else the nearest parent's.
pub fn hipaa_title(key: &str) -> &'static str {
    let exact = |k: &str| SECTIONS.iter().find(|(s, _)| *s == k).map(|(_, t)| *t);
    exact(key)
        .or_else(|| exact(&format!("{key}(i)")))
        .or_else(|| Citation::parse(key).ok().map(|c| c.title()))
        .unwrap_or("")
}

impl Report<'_> {
    /// Whether any unwaived failure is at or above `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.results
            .iter()
            .any(|r| r.status == Status::Fail && r.severity >= threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hipaa_standards_and_titles() {
        let standard = |c: &str| hipaa_standard(&Citation::parse(c).unwrap());
        assert_eq!(standard("312(a)(2)(iv)"), "164.312(a)(1)");
        assert_eq!(standard("308(a)(7)(ii)(A)"), "164.308(a)(7)");
        assert_eq!(standard("308(a)(1)(ii)(D)"), "164.308(a)(1)");
        assert_eq!(standard("308(a)"), "164.308(a)");
        assert_eq!(standard("312(b)"), "164.312(b)");
        assert_eq!(standard("316(b)(2)(i)"), "164.316(b)(1)");
        assert_eq!(standard("308(b)(1)"), "164.308(b)(1)");
        assert_eq!(standard("310(b)"), "164.310(b)");
        assert_eq!(hipaa_title("164.312(a)(1)"), "Access control");
        assert_eq!(hipaa_title("164.308(a)(7)"), "Contingency plan");
        assert_eq!(hipaa_title("164.308(a)(1)"), "Security management process");
        assert_eq!(hipaa_title("164.316(b)(1)"), "Documentation");
        assert_eq!(
            hipaa_title("164.308(a)(1)(ii)(D)"),
            "Information system activity review"
        );
    }

    #[test]
    fn distinct_subjects_counts_texts_not_addresses() {
        use phiguard_controls::Outcomes;
        use phiguard_model::{Evaluation, Subject};
        let control = phiguard_controls::CATALOGUE[0];
        let outcome = |id: Cow<'static, str>| phiguard_controls::Outcome {
            control,
            evaluation: Evaluation {
                subject: Subject {
                    id,
                    ..Subject::account("111122223333", false)
                },
                status: Status::Pass,
                reason: Cow::Borrowed(""),
                evidence: Vec::new(),
            },
            severity: Severity::Low,
            waiver: None,
        };
        let shared: &'static str = "arn:aws:s3:::bucket-a";
        // Two controls' batches: the same subject in both counts once.
        let outcomes = Outcomes::from_batches(vec![
            vec![
                outcome(Cow::Borrowed(shared)),
                outcome(Cow::Borrowed(shared)),
                // Same address, shorter: a different text.
                outcome(Cow::Borrowed(&shared[..15])),
            ],
            vec![
                // Same text at another address.
                outcome(Cow::Owned(shared.to_string())),
                outcome(Cow::Owned("111122223333".into())),
                outcome(Cow::Borrowed(&shared[..15])),
            ],
        ]);
        assert_eq!(distinct_subjects(&outcomes), 3);
        assert_eq!(distinct_subjects(&Outcomes::default()), 0);
    }
}
