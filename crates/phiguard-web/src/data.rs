//! What the pages read: the latest stored scan and its JSON report (kept as evidence by
//! `phiguard scan --db`), and the list of scans for the trend.

use std::sync::Arc;

use phiguard_report::Report;
use phiguard_store::evidence::{self, Evidence};
use phiguard_store::record::Stored;
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

/// Every stored scan's counts, oldest first.
pub fn trend(store: &mut Store) -> Result<Vec<TrendPoint>, StoreError> {
    let mut scans: Vec<Stored<Scan>> = store.list()?;
    scans.sort_by(|a, b| {
        (a.record.scan_time.as_str(), a.id.len(), a.id.as_str()).cmp(&(
            b.record.scan_time.as_str(),
            b.id.len(),
            b.id.as_str(),
        ))
    });
    Ok(scans
        .into_iter()
        .map(|s| TrendPoint {
            id: s.id,
            scan_time: s.record.scan_time,
            pass: s.record.counts.pass,
            fail: s.record.counts.fail,
        })
        .collect())
}
