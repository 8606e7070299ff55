//! Versioned, embedded migrations. Each version has one script per dialect; applied versions
//! are recorded in `schema_migrations` with the script's SHA-256, so an edited migration or a
//! database written by a newer phiguard is refused instead of silently misread.

use crate::db::{Db, Dialect, Value};
use crate::{StoreError, sha256_hex};

/// One migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Version, from 1, contiguous.
    pub version: i64,
    /// Short name.
    pub name: &'static str,
    /// SQLite script.
    pub sqlite: &'static str,
    /// PostgreSQL script.
    pub postgres: &'static str,
}

impl Migration {
    /// The script for `dialect`.
    pub fn script(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => self.sqlite,
            Dialect::Postgres => self.postgres,
        }
    }
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "audit_log",
        sqlite: include_str!("../migrations/sqlite/0001_audit_log.sql"),
        postgres: include_str!("../migrations/postgres/0001_audit_log.sql"),
    },
    Migration {
        version: 2,
        name: "records",
        sqlite: include_str!("../migrations/sqlite/0002_records.sql"),
        postgres: include_str!("../migrations/postgres/0002_records.sql"),
    },
    Migration {
        version: 3,
        name: "scans",
        sqlite: include_str!("../migrations/sqlite/0003_scans.sql"),
        postgres: include_str!("../migrations/postgres/0003_scans.sql"),
    },
    Migration {
        version: 4,
        name: "web_access",
        sqlite: include_str!("../migrations/sqlite/0004_web_access.sql"),
        postgres: include_str!("../migrations/postgres/0004_web_access.sql"),
    },
    Migration {
        version: 5,
        name: "scan_results",
        sqlite: include_str!("../migrations/sqlite/0005_scan_results.sql"),
        postgres: include_str!("../migrations/postgres/0005_scan_results.sql"),
    },
    Migration {
        version: 6,
        name: "findings_at_scale",
        sqlite: include_str!("../migrations/sqlite/0006_findings_at_scale.sql"),
        postgres: include_str!("../migrations/postgres/0006_findings_at_scale.sql"),
    },
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database up to date in one transaction; returns the versions applied.
pub fn migrate(db: &mut Db, now: &str) -> Result<Vec<i64>, StoreError> {
    db.begin()?;
    match apply(db, now) {
        Ok(applied) => {
            db.commit()?;
            Ok(applied)
        }
        Err(e) => {
            let _ = db.rollback();
            Err(e)
        }
    }
}

fn apply(db: &mut Db, now: &str) -> Result<Vec<i64>, StoreError> {
    let dialect = db.dialect();
    if dialect == Dialect::Postgres {
        // Two processes opening a fresh database at once: one migrates, the other waits.
        db.query("SELECT pg_advisory_xact_lock(727001)", &[])?;
    }
    db.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT NOT NULL PRIMARY KEY,
            name       TEXT   NOT NULL,
            sha256     TEXT   NOT NULL,
            applied_at TEXT   NOT NULL
        )",
    )?;
    let rows = db.query(
        "SELECT version, name, sha256 FROM schema_migrations ORDER BY version",
        &[],
    )?;
    let mut applied = Vec::new();
    for row in &rows {
        let version = row.int(0)?;
        let Some(known) = MIGRATIONS.iter().find(|m| m.version == version) else {
            return Err(StoreError::Migration(format!(
                "the database is at schema version {version}, newer than this phiguard knows ({}); upgrade phiguard",
                latest()
            )));
        };
        if row.str(2)? != sha256_hex(known.script(dialect).as_bytes()) {
            return Err(StoreError::Migration(format!(
                "migration {version} ({}) applied to this database differs from the one built into phiguard",
                known.name
            )));
        }
        applied.push(version);
    }
    let mut done = Vec::new();
    for m in MIGRATIONS {
        if applied.contains(&m.version) {
            continue;
        }
        let script = m.script(dialect);
        db.batch(script)?;
        db.execute(
            "INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES ($1, $2, $3, $4)",
            &[
                Value::Int(m.version),
                m.name.into(),
                sha256_hex(script.as_bytes()).into(),
                now.into(),
            ],
        )?;
        done.push(m.version);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_contiguous_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            assert!(!m.sqlite.trim().is_empty() && !m.postgres.trim().is_empty());
        }
    }
}
