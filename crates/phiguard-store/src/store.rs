//! The store: a migrated database plus the write path that ties every record change to an
//! audit event in the same transaction.

use std::path::PathBuf;

use jiff::Timestamp;

use crate::audit::{self, Anchored, Checkpoint, Event, Head, NewEvent, Verification};
use crate::db::{Db, Value, quote_ident};
use crate::keys::{Key, PublicKey};
use crate::record::{self, COLUMNS, Record, Retention, Stored};
use crate::{Ctx, StoreError, add_years};

/// The one tenant of a single-organisation store.
pub const DEFAULT_TENANT: &str = "default";

/// Years records are kept after they were last in effect (45 CFR 164.316(b)(2)(i)).
pub const RETENTION_YEARS: i16 = 6;

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database (`postgres://user:pass@host:port/db`), optionally in a schema.
    Postgres {
        /// Connection URL.
        url: String,
        /// Schema to use (created if missing); `None`: the server's search path.
        schema: Option<String>,
    },
}

/// An open, migrated store.
#[derive(Debug)]
pub struct Store {
    db: Db,
    tenant: String,
    checkpoint_key: Option<Key>,
}

impl Store {
    /// Opens the store (creating and migrating it as needed). `now` stamps the migrations.
    pub fn open(location: &Location, now: Timestamp) -> Result<Store, StoreError> {
        let mut db = match location {
            Location::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                        path: parent.display().to_string(),
                        source,
                    })?;
                }
                Db::open_sqlite(path)?
            }
            Location::Postgres { url, schema } => {
                if let Some(schema) = schema {
                    let mut admin = Db::open_postgres(url, None)?;
                    admin.batch(&format!(
                        "CREATE SCHEMA IF NOT EXISTS {}",
                        quote_ident(schema)
                    ))?;
                }
                Db::open_postgres(url, schema.as_deref())?
            }
        };
        crate::migrate::migrate(&mut db, &audit::format_ts(now))?;
        Ok(Store {
            db,
            tenant: DEFAULT_TENANT.to_string(),
            checkpoint_key: None,
        })
    }

    /// After every write that appended events, also write a checkpoint signed with `key`.
    pub fn checkpoint_every_write(&mut self, key: Key) {
        self.checkpoint_key = Some(key);
    }

    /// The raw connection (for tests and maintenance).
    pub fn db(&mut self) -> &mut Db {
        &mut self.db
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// Runs `f` in one transaction holding the audit chain's lock; every event it appends
    /// commits with it or not at all.
    pub fn write<T>(
        &mut self,
        ctx: &Ctx,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.db.begin()?;
        let result = (|| {
            let head = audit::lock_head(&mut self.db, &self.tenant)?;
            let start = head.seq;
            let mut tx = Tx {
                db: &mut self.db,
                tenant: &self.tenant,
                ctx,
                head,
            };
            let value = f(&mut tx)?;
            let head = tx.head;
            if head.seq != start {
                audit::store_head(&mut self.db, &self.tenant, &head)?;
                if let Some(key) = &self.checkpoint_key {
                    audit::write_checkpoint(&mut self.db, &self.tenant, &head, key, ctx.now)?;
                }
            }
            Ok(value)
        })();
        match result {
            Ok(value) => {
                self.db.commit()?;
                Ok(value)
            }
            Err(e) => {
                let _ = self.db.rollback();
                Err(e)
            }
        }
    }

    /// Records a refused action (e.g. a deletion under retention) as an audit event with
    /// outcome `denied`, in its own transaction: the refusal itself wrote nothing else.
    pub fn record_denied(
        &mut self,
        ctx: &Ctx,
        action: &str,
        object_type: &str,
        object_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.write(ctx, |tx| {
            tx.audit(NewEvent {
                action: action.to_string(),
                object_type: object_type.to_string(),
                object_id: object_id.trim().to_ascii_uppercase(),
                object_version: None,
                outcome: "denied".into(),
                summary: reason.to_string(),
                changes: "{}".into(),
                before_sha256: None,
                after_sha256: None,
            })
            .map(|_| ())
        })
    }

    /// Writes a signed checkpoint now (also when nothing changed since the last one).
    pub fn checkpoint(&mut self, key: &Key, now: Timestamp) -> Result<Checkpoint, StoreError> {
        self.db.begin()?;
        let result = audit::lock_head(&mut self.db, &self.tenant)
            .and_then(|head| audit::write_checkpoint(&mut self.db, &self.tenant, &head, key, now));
        match result {
            Ok(c) => {
                self.db.commit()?;
                Ok(c)
            }
            Err(e) => {
                let _ = self.db.rollback();
                Err(e)
            }
        }
    }

    /// Verifies the audit log.
    pub fn verify(
        &mut self,
        trusted: &[PublicKey],
        anchored: &[Anchored],
    ) -> Result<Verification, StoreError> {
        audit::verify(&mut self.db, &self.tenant, trusted, anchored)
    }

    /// The checkpoints with their leaves, for export.
    pub fn export_checkpoints(&mut self) -> Result<Vec<Anchored>, StoreError> {
        audit::export_checkpoints(&mut self.db, &self.tenant)
    }

    /// Audit events `from..=to`.
    pub fn events(&mut self, from: Option<i64>, to: Option<i64>) -> Result<Vec<Event>, StoreError> {
        audit::events(&mut self.db, &self.tenant, from, to)
    }

    /// One record.
    pub fn get<R: Record>(&mut self, id: &str) -> Result<Stored<R>, StoreError> {
        get(&mut self.db, id)
    }

    /// Every record of a kind, by id.
    pub fn list<R: Record>(&mut self) -> Result<Vec<Stored<R>>, StoreError> {
        list(&mut self.db)
    }
}

fn get<R: Record>(db: &mut Db, id: &str) -> Result<Stored<R>, StoreError> {
    let id = id.trim().to_ascii_uppercase();
    let row = db.query_opt(
        &format!("SELECT {COLUMNS} FROM {} WHERE id = $1", R::KIND),
        &[id.as_str().into()],
    )?;
    match row {
        Some(row) => Stored::from_row(&row),
        None => Err(StoreError::NotFound {
            kind: R::KIND,
            id,
            help: format!(
                "ids look like `{}-0001`; list them with `phiguard {} list`",
                R::PREFIX,
                cli_group(R::KIND)
            ),
        }),
    }
}

fn list<R: Record>(db: &mut Db) -> Result<Vec<Stored<R>>, StoreError> {
    db.query(
        &format!("SELECT {COLUMNS} FROM {} ORDER BY id", R::KIND),
        &[],
    )?
    .iter()
    .map(Stored::from_row)
    .collect()
}

/// The CLI group that lists records of `kind`.
fn cli_group(kind: &str) -> &str {
    match kind {
        "agreement" => "baa",
        "questionnaire_request" | "questionnaire_template" => "questionnaire",
        "risk_assessment" => "assess",
        other => other,
    }
}

/// An open write transaction.
pub struct Tx<'a> {
    db: &'a mut Db,
    tenant: &'a str,
    ctx: &'a Ctx,
    head: Head,
}

impl Tx<'_> {
    /// The context.
    pub fn ctx(&self) -> &Ctx {
        self.ctx
    }

    /// The raw connection.
    pub fn db(&mut self) -> &mut Db {
        self.db
    }

    /// Appends an audit event.
    pub fn audit(&mut self, event: NewEvent) -> Result<Event, StoreError> {
        audit::append(
            self.db,
            self.tenant,
            &mut self.head,
            self.ctx.now,
            &self.ctx.actor,
            &self.ctx.source,
            event,
        )
    }

    /// One record.
    pub fn get<R: Record>(&mut self, id: &str) -> Result<Stored<R>, StoreError> {
        get(self.db, id)
    }

    /// Every record of a kind.
    pub fn list<R: Record>(&mut self) -> Result<Vec<Stored<R>>, StoreError> {
        list(self.db)
    }

    /// The next id for `prefix`: `PREFIX-0001`, ...
    pub fn next_id(&mut self, prefix: &str) -> Result<String, StoreError> {
        let last = self
            .db
            .query_opt(
                "SELECT last FROM id_counter WHERE prefix = $1",
                &[prefix.into()],
            )?
            .map(|r| r.int(0))
            .transpose()?;
        let next = last.unwrap_or(0) + 1;
        if last.is_some() {
            self.db.execute(
                "UPDATE id_counter SET last = $1 WHERE prefix = $2",
                &[Value::Int(next), prefix.into()],
            )?;
        } else {
            self.db.execute(
                "INSERT INTO id_counter (prefix, last) VALUES ($1, $2)",
                &[prefix.into(), Value::Int(next)],
            )?;
        }
        Ok(format!("{prefix}-{next:04}"))
    }

    fn retention_column<R: Record>(
        &self,
        record: &R,
        created: jiff::civil::Date,
    ) -> Option<String> {
        match record.retention(created) {
            Retention::Until(d) => Some(d.to_string()),
            Retention::InEffect => None,
        }
    }

    fn revision(
        &mut self,
        kind: &str,
        stored_id: &str,
        version: i64,
        deleted: bool,
        body: &str,
        sha: &str,
    ) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO record_revision (kind, id, version, deleted, body, body_sha256, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                kind.into(),
                stored_id.into(),
                Value::Int(version),
                deleted.into(),
                body.into(),
                sha.into(),
                audit::format_ts(self.ctx.now).into(),
                self.ctx.actor.as_str().into(),
            ],
        )?;
        Ok(())
    }

    /// Inserts a new record; returns it as stored.
    pub fn insert<R: Record>(&mut self, record: R) -> Result<Stored<R>, StoreError> {
        self.insert_with(record, "create")
    }

    /// Inserts a new record, recording `action` (`create`, `sync`, `import`, ...).
    pub fn insert_with<R: Record>(
        &mut self,
        record: R,
        action: &str,
    ) -> Result<Stored<R>, StoreError> {
        record.validate()?;
        let id = self.next_id(R::PREFIX)?;
        let now = audit::format_ts(self.ctx.now);
        let retention = self.retention_column(&record, self.ctx.today());
        let (body, sha) = record::body_of(&record)?;
        self.db.execute(
            &format!(
                "INSERT INTO {} ({COLUMNS}) VALUES ($1, 1, $2, $3, $2, $3, $4, 0, $5)",
                R::KIND
            ),
            &[
                id.as_str().into(),
                now.as_str().into(),
                self.ctx.actor.as_str().into(),
                retention.clone().into(),
                body.as_str().into(),
            ],
        )?;
        self.revision(R::KIND, &id, 1, false, &body, &sha)?;
        self.audit(NewEvent {
            action: action.to_string(),
            object_type: R::KIND.to_string(),
            object_id: id.clone(),
            object_version: Some(1),
            outcome: "success".into(),
            summary: record.summary(),
            changes: record::changes(None, Some(&body)),
            before_sha256: None,
            after_sha256: Some(sha),
        })?;
        Ok(Stored {
            id,
            version: 1,
            created_at: now.clone(),
            created_by: self.ctx.actor.clone(),
            updated_at: now,
            updated_by: self.ctx.actor.clone(),
            retention_until: retention,
            legal_hold: false,
            record,
        })
    }

    /// Replaces a record's body. `expected_version`: refuse if someone changed it since.
    /// Retention is recomputed and never shortened. A change that changes nothing is not
    /// written (and not audited).
    pub fn update<R: Record>(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        change: impl FnOnce(&mut R) -> Result<(), StoreError>,
    ) -> Result<Stored<R>, StoreError> {
        self.update_with(id, expected_version, "update", change)
    }

    /// [`Tx::update`] recording `action`.
    pub fn update_with<R: Record>(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        action: &str,
        change: impl FnOnce(&mut R) -> Result<(), StoreError>,
    ) -> Result<Stored<R>, StoreError> {
        let old: Stored<R> = self.get(id)?;
        if let Some(expected) = expected_version
            && expected != old.version
        {
            return Err(StoreError::Conflict {
                kind: R::KIND,
                id: old.id,
                expected,
                found: old.version,
            });
        }
        let mut record = old.record.clone();
        change(&mut record)?;
        record.validate()?;
        let (old_body, old_sha) = record::body_of(&old.record)?;
        let (body, sha) = record::body_of(&record)?;
        if sha == old_sha {
            return Ok(old);
        }
        let computed = self.retention_column(&record, old.created_date());
        // Never shortened: an agreement back in effect keeps its old date as a floor.
        let retention = match (&old.retention_until, computed) {
            (_, None) => None,
            (Some(a), Some(b)) => Some(if *a > b { a.clone() } else { b }),
            (None, Some(b)) => Some(b),
        };
        let version = old.version + 1;
        let now = audit::format_ts(self.ctx.now);
        let n = self.db.execute(
            &format!(
                "UPDATE {} SET version = $1, updated_at = $2, updated_by = $3, retention_until = $4, body = $5 \
                 WHERE id = $6 AND version = $7",
                R::KIND
            ),
            &[
                Value::Int(version),
                now.as_str().into(),
                self.ctx.actor.as_str().into(),
                retention.clone().into(),
                body.as_str().into(),
                old.id.as_str().into(),
                Value::Int(old.version),
            ],
        )?;
        if n != 1 {
            return Err(StoreError::Conflict {
                kind: R::KIND,
                id: old.id,
                expected: old.version,
                found: -1,
            });
        }
        self.revision(R::KIND, &old.id, version, false, &body, &sha)?;
        self.audit(NewEvent {
            action: action.to_string(),
            object_type: R::KIND.to_string(),
            object_id: old.id.clone(),
            object_version: Some(version),
            outcome: "success".into(),
            summary: record.summary(),
            changes: record::changes(Some(&old_body), Some(&body)),
            before_sha256: Some(old_sha),
            after_sha256: Some(sha),
        })?;
        Ok(Stored {
            version,
            updated_at: now,
            updated_by: self.ctx.actor.clone(),
            retention_until: retention,
            record,
            ..old
        })
    }

    /// Sets or clears a legal hold.
    pub fn legal_hold<R: Record>(&mut self, id: &str, hold: bool) -> Result<(), StoreError> {
        let old: Stored<R> = self.get(id)?;
        if old.legal_hold == hold {
            return Ok(());
        }
        self.db.execute(
            &format!("UPDATE {} SET legal_hold = $1 WHERE id = $2", R::KIND),
            &[hold.into(), old.id.as_str().into()],
        )?;
        self.audit(NewEvent {
            action: if hold {
                "legal_hold_set"
            } else {
                "legal_hold_released"
            }
            .into(),
            object_type: R::KIND.to_string(),
            object_id: old.id.clone(),
            object_version: Some(old.version),
            outcome: "success".into(),
            summary: old.record.summary(),
            changes: "{}".into(),
            before_sha256: None,
            after_sha256: None,
        })?;
        Ok(())
    }

    /// Deletes a record, unless it is under retention or legal hold: then nothing is written
    /// and the error says why, with the date it becomes deletable.
    pub fn delete<R: Record>(&mut self, id: &str) -> Result<(), StoreError> {
        let old: Stored<R> = self.get(id)?;
        if let Some(reason) = deletion_blocked(&old, self.ctx.today()) {
            return Err(StoreError::Retention {
                kind: R::KIND,
                id: old.id,
                reason,
            });
        }
        let (body, sha) = record::body_of(&old.record)?;
        self.db.execute(
            &format!("DELETE FROM {} WHERE id = $1", R::KIND),
            &[old.id.as_str().into()],
        )?;
        self.revision(R::KIND, &old.id, old.version + 1, true, &body, &sha)?;
        self.audit(NewEvent {
            action: "delete".into(),
            object_type: R::KIND.to_string(),
            object_id: old.id.clone(),
            object_version: Some(old.version + 1),
            outcome: "success".into(),
            summary: old.record.summary(),
            changes: record::changes(Some(&body), None),
            before_sha256: Some(sha),
            after_sha256: None,
        })?;
        Ok(())
    }
}

/// Why `stored` cannot be deleted on `today`, if it cannot.
pub fn deletion_blocked<R: Record>(stored: &Stored<R>, today: jiff::civil::Date) -> Option<String> {
    if stored.legal_hold {
        return Some("it is under legal hold".into());
    }
    match stored.record.retention(stored.created_date()) {
        Retention::InEffect => Some(format!(
            "it is still in effect; it can be deleted {RETENTION_YEARS} years after it was last in effect"
        )),
        Retention::Until(computed) => {
            let until = stored
                .retention_until
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .map_or(computed, |d| d.max(computed));
            (today <= until).then(|| {
                format!(
                    "it must be kept until {until}; it can be deleted from {}",
                    until.tomorrow().unwrap_or(until)
                )
            })
        }
    }
}

/// Six years after `date` (calendar years).
pub fn six_years_after(date: jiff::civil::Date) -> jiff::civil::Date {
    add_years(date, RETENTION_YEARS)
}
