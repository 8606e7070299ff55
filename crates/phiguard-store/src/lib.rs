//! phiguard's compliance records and their tamper-evident audit log.
//!
//! - [`Store`]: one database, embedded SQLite (default) or PostgreSQL (teams), migrated with
//!   versioned, embedded migrations ([`migrate`]).
//! - Every change to any record runs in one transaction with the audit event that records it
//!   ([`Store::write`]); the events form a hash chain with gap-free sequence numbers, and
//!   signed checkpoints (Ed25519, key kept outside the database) anchor it ([`audit`]).
//! - Records: BAAs and other agreements ([`baa`]), vendors ([`vendor`]), questionnaires
//!   ([`questionnaire`]), findings, risk assessments, the risk register and evidence.
//!
//! The library never reads the clock or the environment: the caller passes a [`Ctx`] with
//! "now", the actor and where the change comes from.

mod enums;
pub(crate) use enums::string_enum;

pub mod audit;
pub mod baa;
pub mod bundle;
pub mod db;
pub mod evidence;
pub mod finding;
pub mod keys;
pub mod merkle;
pub mod migrate;
pub mod questionnaire;
pub mod record;
pub mod reminders;
pub mod results;
pub mod risk;
pub mod scan;
pub mod snapshot;
pub mod store;
pub mod vendor;

use jiff::Timestamp;
use jiff::civil::Date;
use miette::Diagnostic;

pub use db::{Db, Dialect, Value};
pub use record::{Record, Stored};
pub use store::{Location, Store, Tx};

/// Who changes the records, when, and from where.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// "Now" (injected; the library never reads the clock).
    pub now: Timestamp,
    /// Who: a user or service name.
    pub actor: String,
    /// From where: e.g. `cli@host`.
    pub source: String,
}

impl Ctx {
    /// A context.
    pub fn new(now: Timestamp, actor: impl Into<String>, source: impl Into<String>) -> Ctx {
        Ctx {
            now,
            actor: actor.into(),
            source: source.into(),
        }
    }

    /// Today (UTC).
    pub fn today(&self) -> Date {
        self.now.to_zoned(jiff::tz::TimeZone::UTC).date()
    }
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum StoreError {
    /// SQLite failed.
    #[error("sqlite: {0}")]
    #[diagnostic(code(store::sqlite))]
    Sqlite(#[from] rusqlite::Error),

    /// PostgreSQL failed.
    #[error("postgres: {0}")]
    #[diagnostic(code(store::postgres))]
    Postgres(String),

    /// The PostgreSQL server could not be reached.
    #[error("cannot connect to `{url}`: {message}")]
    #[diagnostic(
        code(store::connect),
        help("check the URL given to `--database-url` and that the server is running")
    )]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// Cause.
        message: String,
    },

    /// A file could not be read or written.
    #[error("cannot access `{path}`")]
    #[diagnostic(code(store::io))]
    Io {
        /// The file.
        path: String,
        /// Cause.
        source: std::io::Error,
    },

    /// The database schema is not what this build expects.
    #[error("{0}")]
    #[diagnostic(code(store::migration))]
    Migration(String),

    /// A stored value does not decode.
    #[error("the database holds an unreadable value: {0}")]
    #[diagnostic(code(store::corrupt))]
    Corrupt(String),

    /// No record with that id.
    #[error("no {kind} `{id}`")]
    #[diagnostic(code(store::not_found), help("{help}"))]
    NotFound {
        /// Record kind.
        kind: &'static str,
        /// As given.
        id: String,
        /// Where to look.
        help: String,
    },

    /// A field of the input is invalid.
    #[error("invalid `{field}`: {message}")]
    #[diagnostic(code(store::invalid))]
    Invalid {
        /// The field (a flag, column or path).
        field: String,
        /// Why.
        message: String,
    },

    /// A record under retention or legal hold cannot be deleted.
    #[error("{kind} `{id}` is under retention: {reason}")]
    #[diagnostic(
        code(store::retention),
        help(
            "HIPAA requires documentation to be kept six years from its creation or the date it was last in effect (45 CFR 164.316(b)(2)(i))"
        )
    )]
    Retention {
        /// Record kind.
        kind: &'static str,
        /// Record id.
        id: String,
        /// Why, with the date it becomes deletable.
        reason: String,
    },

    /// Someone else changed the record in between.
    #[error("{kind} `{id}` changed since it was read (version {expected}, now {found})")]
    #[diagnostic(code(store::conflict), help("read it again and retry"))]
    Conflict {
        /// Record kind.
        kind: &'static str,
        /// Record id.
        id: String,
        /// The version the change was based on.
        expected: i64,
        /// The version in the database.
        found: i64,
    },

    /// A YAML or JSON input file is invalid.
    #[error("{path}:{line}:{column}: {message}")]
    #[diagnostic(code(store::input))]
    Input {
        /// The file.
        path: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// What is wrong, naming the field.
        message: String,
    },

    /// The signing key is unusable.
    #[error("signing key `{path}`: {message}")]
    #[diagnostic(
        code(store::key),
        help("the key is a file outside the database; `phiguard audit key init` creates one")
    )]
    Key {
        /// The key file.
        path: String,
        /// Why.
        message: String,
    },
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(describe_pg(&e))
    }
}

/// A PostgreSQL error with the server's message (the plain `Display` says only "db error").
pub(crate) fn describe_pg(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{} ({})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(": ");
                text.push_str(detail);
            }
            text
        }
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

impl StoreError {
    /// A stored value does not decode.
    pub fn corrupt(message: impl Into<String>) -> StoreError {
        StoreError::Corrupt(message.into())
    }

    /// A field is invalid.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Parses a `YYYY-MM-DD` date, naming the field on error.
pub fn parse_date(field: &str, text: &str) -> Result<Date, StoreError> {
    text.trim().parse::<Date>().map_err(|e| {
        StoreError::invalid(
            field,
            format!("`{text}` is not a date (expected YYYY-MM-DD): {e}"),
        )
    })
}

/// `date` plus `years` calendar years (29 February becomes 28 February).
pub fn add_years(date: Date, years: i16) -> Date {
    let year = date.year().saturating_add(years);
    Date::new(year, date.month(), date.day())
        .or_else(|_| Date::new(year, date.month(), 28))
        .unwrap_or(date)
}
