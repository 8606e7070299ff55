//! A stored scan's results as rows (`scan_result`, one per evaluation) with a per-scan
//! summary (`scan_summary`: counts and the report without its results), so that readers
//! such as the dashboard filter, page and aggregate results in SQL instead of loading the
//! whole JSON report. Filled by [`crate::scan::store`] from the report it keeps; scans
//! stored before (migration 5) have neither: [`summary`] returns `None` and readers fall
//! back to the report.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::StoreError;
use crate::db::{Db, Dialect, Row, Value};
use crate::scan::ScanCounts;
use crate::store::Tx;

/// One stored result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    /// Index in the report's `results` (the finding's number).
    pub n: i64,
    /// Control id.
    pub control: String,
    /// Subject (ARN or id).
    pub resource: String,
    /// Account.
    pub account: String,
    /// Region or `global`.
    pub region: String,
    /// Resource kind (`s3_bucket`, ...); empty for account- and region-level results.
    pub kind: String,
    /// Effective severity.
    pub severity: String,
    /// `pass`, `fail`, `error`, `manual`, `waived`, `not_applicable`.
    pub status: String,
    /// In PHI scope.
    pub phi: bool,
    /// Why (the result's reason).
    pub message: String,
}

/// A scan's summary row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Scan id.
    pub scan_id: String,
    /// When the scan ran.
    pub scan_time: String,
    /// Number of results.
    pub results: u64,
    /// Counts per status.
    pub counts: ScanCounts,
    /// The JSON report without its `results` member.
    pub head: String,
}

/// A result as the JSON v1 report writes it (the fields kept as columns).
#[derive(Deserialize)]
struct WireResult<'a> {
    #[serde(borrow)]
    control_id: Cow<'a, str>,
    status: Cow<'a, str>,
    severity: Cow<'a, str>,
    #[serde(borrow)]
    resource: Cow<'a, str>,
    #[serde(default, borrow)]
    resource_kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    account: Cow<'a, str>,
    #[serde(borrow)]
    region: Cow<'a, str>,
    #[serde(default)]
    phi: bool,
    #[serde(default, borrow)]
    reason: Cow<'a, str>,
}

/// A report split in one pass into its results and the rest.
struct Split<'a> {
    head: serde_json::Map<String, serde_json::Value>,
    /// Each result's JSON text, as in the report.
    results: Option<Vec<&'a serde_json::value::RawValue>>,
}

impl<'de> Deserialize<'de> for Split<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Split<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON report object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Split<'de>, A::Error> {
                let mut split = Split {
                    head: serde_json::Map::new(),
                    results: None,
                };
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key == "results" {
                        if split.results.is_some() {
                            return Err(de::Error::duplicate_field("results"));
                        }
                        split.results = Some(map.next_value()?);
                    } else {
                        let value: serde_json::Value = map.next_value()?;
                        split.head.insert(key.into_owned(), value);
                    }
                }
                Ok(split)
            }
        }
        d.deserialize_map(V)
    }
}

const COLUMNS: &str = "scan_id, n, control_id, resource, account, region, kind, severity, status, phi, message, detail";
const WIDTH: usize = 12;
/// Rows per INSERT statement (12 parameters each: well under both backends' limits).
const BATCH: usize = 200;

fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO scan_result ({COLUMNS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..WIDTH {
            if c > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", r * WIDTH + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// Stores the rows and summary of scan `scan_id` from its JSON report, in the caller's
/// transaction (batched multi-row inserts). Returns the number of rows, or `None` when the
/// report has no `results` array (nothing is stored then: readers fall back to the report).
pub fn index(
    tx: &mut Tx<'_>,
    scan_id: &str,
    scan_time: &str,
    report_json: &[u8],
) -> Result<Option<u64>, StoreError> {
    let Ok(split) = serde_json::from_slice::<Split<'_>>(report_json) else {
        return Ok(None);
    };
    let Some(results) = split.results else {
        return Ok(None);
    };
    let head = serde_json::to_string(&split.head)
        .map_err(|e| StoreError::corrupt(format!("scan {scan_id}: report head: {e}")))?;
    // A result that does not read as one: no rows at all (readers fall back to the report).
    let Ok(results) = results
        .iter()
        .map(|raw| serde_json::from_str::<WireResult<'_>>(raw.get()).map(|r| (r, raw.get())))
        .collect::<Result<Vec<_>, _>>()
    else {
        return Ok(None);
    };
    let mut counts = ScanCounts::default();
    for (r, _) in &results {
        counts.add(&r.status);
    }
    let db = tx.db();
    let full = insert_sql(BATCH);
    for (b, chunk) in results.chunks(BATCH).enumerate() {
        let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * WIDTH);
        for (i, (r, raw)) in chunk.iter().enumerate() {
            let n = (b * BATCH + i) as i64;
            params.extend([
                Value::from(scan_id),
                Value::Int(n),
                Value::from(r.control_id.as_ref()),
                Value::from(r.resource.as_ref()),
                Value::from(r.account.as_ref()),
                Value::from(r.region.as_ref()),
                Value::from(r.resource_kind.as_deref().unwrap_or("")),
                Value::from(r.severity.as_ref()),
                Value::from(r.status.as_ref()),
                Value::from(r.phi),
                Value::from(r.reason.as_ref()),
                Value::from(compact(raw)),
            ]);
        }
        if chunk.len() == BATCH {
            db.execute(&full, &params)?;
        } else {
            db.execute(&insert_sql(chunk.len()), &params)?;
        }
    }
    db.execute(
        "INSERT INTO scan_summary (scan_id, scan_time, results, pass, fail, error, manual, waived, not_applicable, head) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            scan_id.into(),
            scan_time.into(),
            Value::Int(results.len() as i64),
            Value::Int(counts.pass as i64),
            Value::Int(counts.fail as i64),
            Value::Int(counts.error as i64),
            Value::Int(counts.manual as i64),
            Value::Int(counts.waived as i64),
            Value::Int(counts.not_applicable as i64),
            head.into(),
        ],
    )?;
    refresh_statistics(db)?;
    Ok(Some(results.len() as u64))
}

/// JSON text without the whitespace between tokens (the report is indented; a result's
/// detail is stored compact). `json` must be valid JSON.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\n' | '\r' | '\t') {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// One stored result's JSON (as in the report's `results`, compact): `None` when scan
/// `scan_id` has no row `n`, `Some(None)` when its row was stored without the JSON (before
/// migration 6).
pub fn detail(db: &mut Db, scan_id: &str, n: u64) -> Result<Option<Option<String>>, StoreError> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    db.query_opt(
        "SELECT detail FROM scan_result WHERE scan_id = $1 AND n = $2",
        &[scan_id.into(), Value::Int(n)],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// Refreshes the query planner's statistics on `scan_result` after a scan's rows are in.
/// Without them SQLite walks the primary key for every filtered count (0.3 s at 1M rows
/// instead of 0.03 s through the matching index). SQLite samples at most 20,000 index
/// entries (bounded cost however many scans are stored); PostgreSQL samples on its own.
fn refresh_statistics(db: &mut Db) -> Result<(), StoreError> {
    if db.dialect() == Dialect::Sqlite {
        db.batch("PRAGMA analysis_limit = 20000")?;
    }
    db.batch("ANALYZE scan_result")
}

/// A summary row's columns before `head`, in [`summary_of`]'s order.
const SUMMARY_COLUMNS: &str =
    "scan_id, scan_time, results, pass, fail, error, manual, waived, not_applicable";

fn count(row: &Row, i: usize) -> Result<u64, StoreError> {
    Ok(row.int(i)?.max(0) as u64)
}

fn summary_of(row: &Row, with_head: bool) -> Result<Summary, StoreError> {
    Ok(Summary {
        scan_id: row.str(0)?,
        scan_time: row.str(1)?,
        results: count(row, 2)?,
        counts: ScanCounts {
            pass: count(row, 3)?,
            fail: count(row, 4)?,
            error: count(row, 5)?,
            manual: count(row, 6)?,
            waived: count(row, 7)?,
            not_applicable: count(row, 8)?,
        },
        head: if with_head {
            row.str(9)?
        } else {
            String::new()
        },
    })
}

/// The summary of scan `scan_id`, with its report head; `None` when the scan has no rows
/// (stored before migration 5, or its report had no results array).
pub fn summary(db: &mut Db, scan_id: &str) -> Result<Option<Summary>, StoreError> {
    summary_row(db, scan_id, true)
}

/// The summary row of scan `scan_id`, with or without its head (which can be large).
fn summary_row(db: &mut Db, scan_id: &str, with_head: bool) -> Result<Option<Summary>, StoreError> {
    let head = if with_head { ", head" } else { "" };
    db.query_opt(
        &format!("SELECT {SUMMARY_COLUMNS}{head} FROM scan_summary WHERE scan_id = $1"),
        &[scan_id.into()],
    )?
    .map(|r| summary_of(&r, with_head))
    .transpose()
}

/// Every summary (without heads), in no particular order.
pub fn summaries(db: &mut Db) -> Result<Vec<Summary>, StoreError> {
    db.query(&format!("SELECT {SUMMARY_COLUMNS} FROM scan_summary"), &[])?
        .iter()
        .map(|r| summary_of(r, false))
        .collect()
}

/// Ids of stored scans without rows (stored before migration 5).
pub fn unindexed(db: &mut Db) -> Result<Vec<String>, StoreError> {
    db.query(
        "SELECT id FROM scan WHERE id NOT IN (SELECT scan_id FROM scan_summary)",
        &[],
    )?
    .iter()
    .map(|r| r.str(0))
    .collect()
}

/// Which results to read. Empty / `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// Control id.
    pub control: String,
    /// Severity.
    pub severity: String,
    /// PHI flag.
    pub phi: Option<bool>,
    /// Status.
    pub status: String,
}

impl Filter {
    /// Whether nothing but the status (if anything) is filtered on.
    fn only_status(&self) -> bool {
        self.account.is_empty()
            && self.region.is_empty()
            && self.control.is_empty()
            && self.severity.is_empty()
            && self.phi.is_none()
    }

    fn clause(&self, scan_id: &str) -> (String, Vec<Value>) {
        let mut sql = String::from("scan_id = $1");
        let mut params = vec![Value::from(scan_id)];
        for (column, value) in [
            ("status", &self.status),
            ("account", &self.account),
            ("region", &self.region),
            ("control_id", &self.control),
            ("severity", &self.severity),
        ] {
            if !value.is_empty() {
                params.push(value.into());
                sql.push_str(&format!(" AND {column} = ${}", params.len()));
            }
        }
        if let Some(phi) = self.phi {
            params.push(phi.into());
            sql.push_str(&format!(" AND phi = ${}", params.len()));
        }
        (sql, params)
    }
}

const PAGE_COLUMNS: &str =
    "n, control_id, resource, account, region, kind, severity, status, phi, message";

/// How many results of scan `scan_id` match.
pub fn count_matching(db: &mut Db, scan_id: &str, filter: &Filter) -> Result<u64, StoreError> {
    // No filter but the status: the scan's summary has the count (one row, not a count over
    // up to millions of index entries).
    if filter.only_status()
        && let Some(summary) = summary_row(db, scan_id, false)?
    {
        let known = if filter.status.is_empty() {
            Some(summary.results)
        } else {
            summary.counts.get(&filter.status)
        };
        if let Some(n) = known {
            return Ok(n);
        }
    }
    let (clause, params) = filter.clause(scan_id);
    let row = db.query_opt(
        &format!("SELECT COUNT(*) FROM scan_result WHERE {clause}"),
        &params,
    )?;
    row.map_or(Ok(0), |r| count(&r, 0))
}

/// The matching results of scan `scan_id` in report order, `limit` of them after skipping
/// `offset`.
pub fn page(
    db: &mut Db,
    scan_id: &str,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<Vec<ResultRow>, StoreError> {
    let (clause, mut params) = filter.clause(scan_id);
    let limit = Value::Int(limit.min(i64::MAX as u64) as i64);
    let offset = Value::Int(offset.min(i64::MAX as u64) as i64);
    let sql = if filter.only_status() && filter.status.is_empty() {
        // No filter: a scan's rows are numbered 0, 1, 2, ... with no gap, so the page starts
        // at `n = offset` (a key lookup, where OFFSET would walk every row before it).
        params.extend([offset, limit]);
        format!(
            "SELECT {PAGE_COLUMNS} FROM scan_result WHERE {clause} AND n >= $2 ORDER BY n LIMIT $3"
        )
    } else {
        params.extend([limit, offset]);
        format!(
            "SELECT {PAGE_COLUMNS} FROM scan_result WHERE {clause} ORDER BY n LIMIT ${} OFFSET ${}",
            params.len() - 1,
            params.len()
        )
    };
    db.query(&sql, &params)?
        .iter()
        .map(|r| {
            Ok(ResultRow {
                n: r.int(0)?,
                control: r.str(1)?,
                resource: r.str(2)?,
                account: r.str(3)?,
                region: r.str(4)?,
                kind: r.str(5)?,
                severity: r.str(6)?,
                status: r.str(7)?,
                phi: r.int(8)? != 0,
                message: r.str(9)?,
            })
        })
        .collect()
}

/// A column whose distinct values [`distinct`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Account.
    Account,
    /// Region.
    Region,
    /// Control id.
    Control,
}

/// The distinct non-empty values of a column in scan `scan_id`, sorted.
pub fn distinct(db: &mut Db, scan_id: &str, column: Column) -> Result<Vec<String>, StoreError> {
    let name = match column {
        Column::Account => "account",
        Column::Region => "region",
        Column::Control => "control_id",
    };
    db.query(
        &format!(
            "SELECT DISTINCT {name} FROM scan_result WHERE scan_id = $1 AND {name} <> '' ORDER BY {name}"
        ),
        &[scan_id.into()],
    )?
    .iter()
    .map(|r| r.str(0))
    .collect()
}

/// Result counts of scan `scan_id` grouped by control, status, severity and PHI flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// Control id.
    pub control: String,
    /// Status.
    pub status: String,
    /// Severity.
    pub severity: String,
    /// PHI flag.
    pub phi: bool,
    /// Number of results.
    pub count: u64,
}

/// Counts per control, status, severity and PHI flag (the overview's aggregates).
pub fn group_counts(db: &mut Db, scan_id: &str) -> Result<Vec<GroupCount>, StoreError> {
    db.query(
        "SELECT control_id, status, severity, phi, COUNT(*) FROM scan_result WHERE scan_id = $1 \
         GROUP BY control_id, status, severity, phi ORDER BY control_id, status, severity, phi",
        &[scan_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(GroupCount {
            control: r.str(0)?,
            status: r.str(1)?,
            severity: r.str(2)?,
            phi: r.int(3)? != 0,
            count: count(r, 4)?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn compact_drops_whitespace_between_tokens_only() {
        let pretty =
            "{\n  \"a b\": [\n    1,\n    \"x \\\" y\\\\\"\n  ],\n\t\"c\": \"\\n é \"\r\n}";
        let tight = compact(pretty);
        assert_eq!(tight, "{\"a b\":[1,\"x \\\" y\\\\\"],\"c\":\"\\n é \"}");
        let a: serde_json::Value = serde_json::from_str(pretty).unwrap();
        let b: serde_json::Value = serde_json::from_str(&tight).unwrap();
        assert_eq!(a, b);
    }
}
