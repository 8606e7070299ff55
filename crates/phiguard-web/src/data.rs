//! What the pages read: the latest stored scan, through its result rows (`scan_result`,
//! filtered, paged and aggregated in SQL) or, for scans stored before phiguard kept rows,
//! its JSON report (kept as evidence by `phiguard scan --db`); and the scans' counts for
//! the trend.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use phiguard_model::{Citation, SeedArea, Severity, Status};
use phiguard_report::Report;
use phiguard_report::wire::{Counts, GroupCounts, ResultV1, hipaa_standard, hipaa_title};
use phiguard_store::evidence::{self, Evidence};
use phiguard_store::record::Stored;
use phiguard_store::results::{self, Column, GroupCount, ResultRow};
use phiguard_store::scan::Scan;
use phiguard_store::{Store, StoreError};

use crate::app::{AppState, WebError};

/// The latest scan and its report.
#[derive(Clone)]
pub struct Posture {
    /// Scan id.
    pub scan_id: String,
    /// The JSON v1 report of that scan.
    pub report: Arc<Report<'static>>,
}

/// Id of the latest stored scan.
pub fn latest_scan_id(store: &mut Store) -> Result<Option<String>, StoreError> {
    store
        .db()
        .query_opt(
            "SELECT id FROM scan ORDER BY created_at DESC, LENGTH(id) DESC, id DESC LIMIT 1",
            &[],
        )?
        .map(|r| r.str(0))
        .transpose()
}

/// The report stored with a scan.
pub fn report_of(store: &mut Store, scan: &Stored<Scan>) -> Result<Report<'static>, StoreError> {
    let evidence_id = scan
        .record
        .evidence_id
        .clone()
        .ok_or_else(|| StoreError::corrupt(format!("scan {} has no stored report", scan.id)))?;
    let ev: Stored<Evidence> = store.get(&evidence_id)?;
    let sha = ev
        .record
        .current()
        .map(|r| r.sha256.clone())
        .ok_or_else(|| StoreError::corrupt(format!("evidence {evidence_id} has no file")))?;
    let bytes = evidence::get_blob(store, &sha)?;
    // Through an owned `Value`: the wire model borrows strings where it can, and the
    // report outlives these bytes.
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| StoreError::corrupt(format!("scan report {evidence_id}: {e}")))?;
    <Report<'static> as serde::Deserialize>::deserialize(value)
        .map_err(|e| StoreError::corrupt(format!("scan report {evidence_id}: {e}")))
}

/// The latest scan's posture (`None` when the store holds no scan), cached per scan.
pub async fn posture(state: &AppState) -> Result<Option<Posture>, WebError> {
    let Some(id) = state.db(latest_scan_id).await? else {
        return Ok(None);
    };
    if let Some(report) = state.cached_report(&id) {
        return Ok(Some(Posture {
            scan_id: id,
            report,
        }));
    }
    let scan_id = id.clone();
    let report = state
        .db(move |s| {
            let scan: Stored<Scan> = s.get(&scan_id)?;
            report_of(s, &scan)
        })
        .await?;
    let report = Arc::new(report);
    state.cache_report(&id, report.clone());
    Ok(Some(Posture {
        scan_id: id,
        report,
    }))
}

/// One point of the trend: a scan and its counts.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    /// Scan id.
    pub id: String,
    /// When it ran.
    pub scan_time: String,
    /// Passed.
    pub pass: u64,
    /// Failed.
    pub fail: u64,
}

impl TrendPoint {
    /// Pass rate among pass + fail, in percent (`None` when neither).
    pub fn score(&self) -> Option<f64> {
        let total = self.pass + self.fail;
        (total > 0).then(|| self.pass as f64 * 100.0 / total as f64)
    }
}

/// Every stored scan's counts, oldest first: from the summaries, and the records of scans
/// stored without one.
pub fn trend(store: &mut Store) -> Result<Vec<TrendPoint>, StoreError> {
    let mut points: Vec<TrendPoint> = results::summaries(store.db())?
        .into_iter()
        .map(|s| TrendPoint {
            id: s.scan_id,
            scan_time: s.scan_time,
            pass: s.counts.pass,
            fail: s.counts.fail,
        })
        .collect();
    for id in results::unindexed(store.db())? {
        let s: Stored<Scan> = store.get(&id)?;
        points.push(TrendPoint {
            id: s.id,
            scan_time: s.record.scan_time,
            pass: s.record.counts.pass,
            fail: s.record.counts.fail,
        });
    }
    points.sort_by(|a, b| {
        (a.scan_time.as_str(), a.id.len(), a.id.as_str()).cmp(&(
            b.scan_time.as_str(),
            b.id.len(),
            b.id.as_str(),
        ))
    });
    Ok(points)
}

/// What the overview and findings pages show above their content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Scan id.
    pub scan_id: String,
    /// When it ran.
    pub scan_time: String,
    /// Inventory source.
    pub source: String,
    /// Accounts, `id (name)`.
    pub accounts: Vec<String>,
}

impl Header {
    /// From a report (with or without its results).
    pub fn of(scan_id: &str, report: &Report<'_>) -> Header {
        Header {
            scan_id: scan_id.to_string(),
            scan_time: report.scan_time.to_string(),
            source: report.inventory.source.clone(),
            accounts: report
                .accounts
                .iter()
                .map(|a| match &a.name {
                    Some(n) => format!("{} ({n})", a.id),
                    None => a.id.clone(),
                })
                .collect(),
        }
    }
}

/// One result as the finding lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index in the report's results.
    pub n: usize,
    /// Status (wire name).
    pub status: String,
    /// Severity (wire name).
    pub severity: String,
    /// Control id.
    pub control: String,
    /// Subject.
    pub resource: String,
    /// Account.
    pub account: String,
    /// Region.
    pub region: String,
    /// In PHI scope.
    pub phi: bool,
}

impl Finding {
    /// From a report result.
    pub fn of(n: usize, r: &ResultV1<'_>) -> Finding {
        Finding {
            n,
            status: r.status.as_str().to_string(),
            severity: r.severity.as_str().to_string(),
            control: r.control_id.to_string(),
            resource: r.resource.to_string(),
            account: r.account.to_string(),
            region: r.region.to_string(),
            phi: r.phi,
        }
    }

    /// From a stored row.
    pub fn of_row(r: ResultRow) -> Finding {
        Finding {
            n: usize::try_from(r.n).unwrap_or(usize::MAX),
            status: r.status,
            severity: r.severity,
            control: r.control,
            resource: r.resource,
            account: r.account,
            region: r.region,
            phi: r.phi,
        }
    }
}

/// A group of results (HIPAA standard, seed area) with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Key.
    pub key: String,
    /// Title.
    pub title: String,
    /// Counts.
    pub counts: Counts,
}

/// A row of the shared-responsibility matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// Title.
    pub title: String,
    /// What AWS covers.
    pub aws: String,
    /// What the customer does.
    pub customer: String,
    /// Number of the customer's controls in the area.
    pub controls: usize,
    /// Counts of their results.
    pub counts: Counts,
}

impl Area {
    /// A matrix area of the report with `counts` for its controls' results.
    fn of(area: &phiguard_report::matrix::MatrixArea, counts: Counts) -> Area {
        Area {
            title: area.title.clone(),
            aws: area.aws.clone(),
            customer: area.customer.clone(),
            controls: area.controls.len(),
            counts,
        }
    }
}

/// Open critical findings the overview lists at most.
pub const CRITICAL_TOP: usize = 100;

/// What the overview shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// Above the page.
    pub header: Header,
    /// Counts per status.
    pub counts: Counts,
    /// Failures in PHI scope.
    pub phi_failures: usize,
    /// Some results could not be evaluated.
    pub incomplete: bool,
    /// Per HIPAA standard.
    pub hipaa: Vec<Group>,
    /// Per seed area.
    pub seed: Vec<Group>,
    /// The shared-responsibility matrix, when the report has one.
    pub matrix: Option<Vec<Area>>,
    /// The first [`CRITICAL_TOP`] open critical findings.
    pub critical: Vec<Finding>,
    /// How many open critical findings there are.
    pub critical_total: usize,
}

fn group_of(g: &GroupCounts) -> Group {
    Group {
        key: g.key.clone(),
        title: g.title.clone(),
        counts: g.counts.clone(),
    }
}

fn is_open_critical(r: &ResultV1<'_>) -> bool {
    r.status == Status::Fail && r.severity == Severity::Critical
}

impl Overview {
    /// From a whole report (scans stored without result rows).
    pub fn from_report(scan_id: &str, report: &Report<'_>) -> Overview {
        let critical: Vec<Finding> = report
            .results
            .iter()
            .enumerate()
            .filter(|(_, r)| is_open_critical(r))
            .map(|(i, r)| Finding::of(i, r))
            .collect();
        Overview {
            header: Header::of(scan_id, report),
            counts: report.summary.results.clone(),
            phi_failures: report.summary.phi_failures,
            incomplete: report.summary.incomplete,
            hipaa: report.by_hipaa_section.iter().map(group_of).collect(),
            seed: report.by_seed_area.iter().map(group_of).collect(),
            matrix: report.shared_responsibility.as_ref().map(|m| {
                m.areas
                    .iter()
                    .map(|a| Area::of(a, a.counts.clone()))
                    .collect()
            }),
            critical_total: critical.len(),
            critical: critical.into_iter().take(CRITICAL_TOP).collect(),
        }
    }

    /// From the stored rows' aggregates (computed in SQL: counts per control, status,
    /// severity and PHI flag) and the report's head (controls, matrix areas, accounts), the
    /// way the report builder groups them: a control's results count toward each HIPAA
    /// standard it cites, its seed area and its shared-responsibility area.
    pub fn from_rows(
        scan_id: &str,
        head: &Report<'_>,
        groups: &[GroupCount],
        critical: Vec<Finding>,
        critical_total: usize,
    ) -> Overview {
        let mut counts = Counts::default();
        let mut phi_failures = 0;
        let mut per_control: HashMap<&str, Counts> = HashMap::new();
        for g in groups {
            let n = usize::try_from(g.count).unwrap_or(usize::MAX);
            add_n(&mut counts, &g.status, n);
            add_n(per_control.entry(&g.control).or_default(), &g.status, n);
            if g.status == "fail" && g.phi {
                phi_failures += n;
            }
        }
        let mut sections: BTreeMap<String, Counts> = BTreeMap::new();
        let mut seeds: HashMap<SeedArea, Counts> = HashMap::new();
        for c in &head.controls {
            let Some(pc) = per_control.get(c.id.as_str()) else {
                continue;
            };
            let mut keys: Vec<String> = c
                .hipaa
                .iter()
                .filter_map(|h| Citation::parse(h).ok())
                .map(|h| hipaa_standard(&h))
                .collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                sections.entry(k).or_default().merge(pc);
            }
            seeds.entry(c.seed_area).or_default().merge(pc);
        }
        let sum = |ids: &[String]| {
            let mut c = Counts::default();
            for id in ids {
                if let Some(pc) = per_control.get(id.as_str()) {
                    c.merge(pc);
                }
            }
            c
        };
        Overview {
            header: Header::of(scan_id, head),
            incomplete: counts.error > 0,
            counts,
            phi_failures,
            hipaa: sections
                .into_iter()
                .map(|(key, counts)| Group {
                    title: hipaa_title(&key).to_string(),
                    key,
                    counts,
                })
                .collect(),
            seed: SeedArea::ALL
                .iter()
                .map(|a| Group {
                    key: a.as_str().into(),
                    title: a.title().into(),
                    counts: seeds.get(a).cloned().unwrap_or_default(),
                })
                .collect(),
            matrix: head.shared_responsibility.as_ref().map(|m| {
                m.areas
                    .iter()
                    .map(|a| Area::of(a, sum(&a.controls)))
                    .collect()
            }),
            critical,
            critical_total,
        }
    }
}

/// Adds `n` results of status `status` (wire name; unknown ones count as not applicable,
/// as in [`phiguard_store::scan::ScanCounts::add`]).
fn add_n(c: &mut Counts, status: &str, n: usize) {
    match status {
        "pass" => c.pass += n,
        "fail" => c.fail += n,
        "error" => c.error += n,
        "manual" => c.manual += n,
        "waived" => c.waived += n,
        _ => c.not_applicable += n,
    }
}

/// A scan whose results are stored as rows: its header and overview (computed once per
/// scan: a stored scan does not change) and the values the findings filters offer.
#[derive(Debug)]
pub struct Indexed {
    /// Scan id.
    pub scan_id: String,
    /// The overview.
    pub overview: Overview,
    /// Accounts with results.
    pub accounts: Vec<String>,
    /// Regions with results.
    pub regions: Vec<String>,
    /// Controls with results.
    pub controls: Vec<String>,
    /// Each control's remediation, by control id (from the report head).
    pub remediation: std::collections::BTreeMap<String, String>,
}

/// The report head (the report without results) as a report with no results; `None` when
/// it does not read as one (the caller falls back to the whole report).
fn head_report(head: &str) -> Option<Report<'static>> {
    let mut value: serde_json::Value = serde_json::from_str(head).ok()?;
    value
        .as_object_mut()?
        .insert("results".into(), serde_json::Value::Array(Vec::new()));
    <Report<'static> as serde::Deserialize>::deserialize(value).ok()
}

/// Reads scan `scan_id`'s aggregates from its rows; `None` when it has none.
pub fn indexed(store: &mut Store, scan_id: &str) -> Result<Option<Indexed>, StoreError> {
    let db = store.db();
    let Some(summary) = results::summary(db, scan_id)? else {
        return Ok(None);
    };
    let Some(head) = head_report(&summary.head) else {
        return Ok(None);
    };
    let groups = results::group_counts(db, scan_id)?;
    let critical_filter = results::Filter {
        status: "fail".into(),
        severity: "critical".into(),
        ..results::Filter::default()
    };
    let critical_total = results::count_matching(db, scan_id, &critical_filter)?;
    let critical = results::page(db, scan_id, &critical_filter, 0, CRITICAL_TOP as u64)?
        .into_iter()
        .map(Finding::of_row)
        .collect();
    let overview = Overview::from_rows(
        scan_id,
        &head,
        &groups,
        critical,
        usize::try_from(critical_total).unwrap_or(usize::MAX),
    );
    Ok(Some(Indexed {
        scan_id: scan_id.to_string(),
        overview,
        accounts: results::distinct(db, scan_id, Column::Account)?,
        regions: results::distinct(db, scan_id, Column::Region)?,
        controls: results::distinct(db, scan_id, Column::Control)?,
        remediation: head
            .controls
            .iter()
            .map(|c| (c.id.to_string(), c.remediation.to_string()))
            .collect(),
    }))
}

/// Where the latest scan's posture comes from.
#[derive(Clone)]
pub enum View {
    /// Its stored rows (queried in SQL).
    Indexed(Arc<Indexed>),
    /// Its whole report (scans stored without rows).
    Report(Posture),
}

/// The latest scan's view (`None` when the store holds no scan): its rows when it has some
/// (aggregates cached per scan), else its report.
pub async fn view(state: &AppState) -> Result<Option<View>, WebError> {
    let Some(id) = state.db(latest_scan_id).await? else {
        return Ok(None);
    };
    if let Some(cached) = state.cached_indexed(&id) {
        return Ok(Some(View::Indexed(cached)));
    }
    let scan_id = id.clone();
    if let Some(ix) = state.db(move |s| indexed(s, &scan_id)).await? {
        let ix = Arc::new(ix);
        state.cache_indexed(ix.clone());
        return Ok(Some(View::Indexed(ix)));
    }
    Ok(posture(state).await?.map(View::Report))
}
