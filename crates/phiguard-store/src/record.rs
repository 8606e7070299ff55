//! Records: every kind is a serde type stored as JSON in its own table, with common columns
//! (id, version, who and when, retention, legal hold), an append-only revision history, and
//! an audit event per change.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::Row;
use crate::{StoreError, sha256_hex};

/// How long a record must be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Kept until this date (inclusive: deletable the day after).
    Until(Date),
    /// Still in effect: kept until six years after it was last in effect.
    InEffect,
}

/// A kind of record.
pub trait Record: Serialize + DeserializeOwned + Clone {
    /// Table name and audit `object_type`.
    const KIND: &'static str;
    /// Id prefix (`BAA` gives `BAA-0001`).
    const PREFIX: &'static str;

    /// How long it must be kept, given the day it was created.
    fn retention(&self, created: Date) -> Retention;

    /// A one-line description for the audit log (no PHI).
    fn summary(&self) -> String;

    /// Checks the record before it is written.
    fn validate(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored<R> {
    /// Id (`BAA-0001`).
    pub id: String,
    /// Version, from 1; every change adds one.
    pub version: i64,
    /// When created (RFC 3339).
    pub created_at: String,
    /// By whom.
    pub created_by: String,
    /// When last changed.
    pub updated_at: String,
    /// By whom.
    pub updated_by: String,
    /// Kept at least until this date; `None` while still in effect.
    pub retention_until: Option<String>,
    /// Under legal hold: never deletable.
    pub legal_hold: bool,
    /// The record.
    #[serde(flatten)]
    pub record: R,
}

/// The columns every record table has, in [`Stored::from_row`] order.
pub const COLUMNS: &str = "id, version, created_at, created_by, updated_at, updated_by, retention_until, legal_hold, body";

impl<R: Record> Stored<R> {
    /// Decodes a row selected with [`COLUMNS`].
    pub fn from_row(row: &Row) -> Result<Stored<R>, StoreError> {
        let id = row.str(0)?;
        let body = row.str(8)?;
        let record = serde_json::from_str(&body)
            .map_err(|e| StoreError::corrupt(format!("{} `{id}`: {e}", R::KIND)))?;
        Ok(Stored {
            id,
            version: row.int(1)?,
            created_at: row.str(2)?,
            created_by: row.str(3)?,
            updated_at: row.str(4)?,
            updated_by: row.str(5)?,
            retention_until: row.text(6)?,
            legal_hold: row.int(7)? != 0,
            record,
        })
    }

    /// The day it was created.
    pub fn created_date(&self) -> Date {
        self.created_at
            .get(..10)
            .and_then(|d| d.parse().ok())
            .unwrap_or(Date::MIN)
    }
}

/// The stored JSON of a record, and its SHA-256.
pub fn body_of<R: Record>(record: &R) -> Result<(String, String), StoreError> {
    let body = serde_json::to_string(record)
        .map_err(|e| StoreError::corrupt(format!("{}: {e}", R::KIND)))?;
    let sha = sha256_hex(body.as_bytes());
    Ok((body, sha))
}

/// The audit `changes` of a change: field → [old SHA-256, new SHA-256] for every top-level
/// field that differs (values are hashed, never stored, so no PHI reaches the log).
pub fn changes(before: Option<&str>, after: Option<&str>) -> String {
    fn fields(body: Option<&str>) -> BTreeMap<String, String> {
        let Some(body) = body else {
            return BTreeMap::new();
        };
        match serde_json::from_str::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, sha256_hex(v.to_string().as_bytes())))
                .collect(),
            _ => BTreeMap::new(),
        }
    }
    let old = fields(before);
    let new = fields(after);
    let mut out: BTreeMap<&str, [Option<&str>; 2]> = BTreeMap::new();
    for key in old.keys().chain(new.keys()) {
        let a = old.get(key).map(String::as_str);
        let b = new.get(key).map(String::as_str);
        if a != b {
            out.insert(key, [a, b]);
        }
    }
    serde_json::to_string(&out).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_fields_and_hash_values() {
        let c = changes(
            Some(r#"{"a":1,"b":"x"}"#),
            Some(r#"{"a":1,"b":"y","c":true}"#),
        );
        let v: serde_json::Value = serde_json::from_str(&c).unwrap();
        let map = v.as_object().unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "c"]);
        assert!(map["c"][0].is_null());
        assert_eq!(map["b"][1], sha256_hex(b"\"y\""));
        assert!(!c.contains("\"y\""), "values are hashed: {c}");
    }
}
