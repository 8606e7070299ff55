//! The compliance-records commands: `baa`, `vendor`, `questionnaire`, `reminders`, `assess`,
//! `risk`, `evidence`, `audit`.
//! The work is done by `phiguard-store`; this is glue: where the store lives, who is acting,
//! and how records are printed.
//!
//! Where the store lives: `--database-url postgres://...` (or `PHIGUARD_DATABASE_URL`) for a
//! shared PostgreSQL store; else the SQLite file `--db FILE` (or `PHIGUARD_DB`), by default
//! `records.db` in the user's data directory (`$XDG_DATA_HOME/phiguard`, else
//! `~/.local/share/phiguard`). The checkpoint signing key is a separate file, never in the
//! database: `--signing-key FILE` (or `PHIGUARD_SIGNING_KEY`), by default
//! `audit-signing.key` next to the default database; it is created on first write.

pub mod assess;
pub mod audit;
pub mod baa;
pub mod evidence;
pub mod questionnaire;
pub mod reminders;
pub mod scans;
pub mod vendor;

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use jiff::civil::Date;
use phiguard_store::keys::Key;
use phiguard_store::{Ctx, Location, Store, StoreError};

use crate::{Error, Exit, Term};

/// The records command groups (flattened into the top-level commands).
#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
    /// BAA register: business associate agreements and other contracts.
    Baa {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: baa::BaaCommand,
    },
    /// Vendors (third parties) and their findings.
    Vendor {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: vendor::VendorCommand,
    },
    /// Vendor security questionnaires: templates, requests, answers, scoring.
    Questionnaire {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: questionnaire::QuestionnaireCommand,
    },
    /// What to send or do: renewals, reviews, questionnaire reminders and escalations.
    Reminders {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: reminders::RemindersCommand,
    },
    /// Risk assessments (scope, cadence, inputs by hash, sign-off).
    Assess {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: assess::AssessCommand,
    },
    /// The risk register: likelihood x impact, treatment, acceptance, reviews.
    Risk {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: assess::RiskCommand,
    },
    /// Evidence files: content-addressed (SHA-256), revisions, validity, links.
    Evidence {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: evidence::EvidenceCommand,
    },
    /// Records-wide operations: `records export` writes the signed auditor bundle.
    Records {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: audit::BundleCommand,
    },
    /// Check an auditor bundle (`phiguard records export`) offline: every file's SHA-256,
    /// the manifest signature, and the whole audit chain. Exit 1 when it does not verify.
    VerifyBundle {
        /// The bundle directory.
        dir: PathBuf,
        /// A trusted public key file (`phiguard audit public-key`); repeatable. Without one,
        /// the key inside the bundle is used, which proves integrity but not origin.
        #[arg(long = "public-key", value_name = "FILE")]
        public_keys: Vec<PathBuf>,
    },
    /// The tamper-evident audit log of every change to the records.
    Audit {
        /// Where the records are.
        #[command(flatten)]
        store: StoreArgs,
        /// The command.
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
}

/// Where the records store is, and who is acting.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// SQLite records file [env: PHIGUARD_DB; default: records.db in the user's data
    /// directory].
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "database_url"
    )]
    pub db: Option<PathBuf>,

    /// PostgreSQL store for teams, `postgres://user:password@host:port/database`
    /// [env: PHIGUARD_DATABASE_URL].
    #[arg(long, value_name = "URL", global = true)]
    pub database_url: Option<String>,

    /// The Ed25519 key that signs audit checkpoints, kept outside the database
    /// [env: PHIGUARD_SIGNING_KEY; default: audit-signing.key in the user's data directory;
    /// created on first write].
    #[arg(long, value_name = "FILE", global = true)]
    pub signing_key: Option<PathBuf>,

    /// Who is making the change, for the audit log [env: PHIGUARD_ACTOR; default: $USER].
    #[arg(long, value_name = "NAME", global = true)]
    pub actor: Option<String>,
}

/// Output formats of the records commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutFormat {
    /// Aligned text.
    #[default]
    Text,
    /// JSON.
    Json,
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        Error::Store(Box::new(e))
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The phiguard data directory.
fn data_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = env("PHIGUARD_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = env("XDG_DATA_HOME") {
        return Ok(PathBuf::from(dir).join("phiguard"));
    }
    if let Some(home) = env("HOME") {
        return Ok(PathBuf::from(home).join(".local/share/phiguard"));
    }
    if let Some(appdata) = env("APPDATA") {
        return Ok(PathBuf::from(appdata).join("phiguard"));
    }
    Err(StoreError::invalid(
        "--db",
        "no user data directory (HOME is not set): pass `--db FILE` or `--database-url URL`",
    )
    .into())
}

impl StoreArgs {
    /// Where the store is.
    pub fn location(&self) -> Result<Location, Error> {
        if let Some(url) = self.database_url.clone().or_else(|| {
            if self.db.is_some() {
                None
            } else {
                env("PHIGUARD_DATABASE_URL")
            }
        }) {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(StoreError::invalid(
                    "--database-url",
                    format!(
                        "`{}` is not a PostgreSQL URL (postgres://user:password@host:port/database); use `--db FILE` for SQLite",
                        phiguard_store::db::redact_url(&url)
                    ),
                )
                .into());
            }
            return Ok(Location::Postgres { url, schema: None });
        }
        let path = match self
            .db
            .clone()
            .or_else(|| env("PHIGUARD_DB").map(PathBuf::from))
        {
            Some(p) => p,
            None => data_dir()?.join("records.db"),
        };
        Ok(Location::Sqlite(path))
    }

    /// The signing key file.
    pub fn key_path(&self) -> Result<PathBuf, Error> {
        match self
            .signing_key
            .clone()
            .or_else(|| env("PHIGUARD_SIGNING_KEY").map(PathBuf::from))
        {
            Some(p) => Ok(p),
            None => Ok(data_dir()?.join("audit-signing.key")),
        }
    }

    /// Who is acting, and from where.
    pub fn ctx(&self, now: Timestamp) -> Ctx {
        let actor = self
            .actor
            .clone()
            .or_else(|| env("PHIGUARD_ACTOR"))
            .or_else(|| env("USER"))
            .or_else(|| env("USERNAME"))
            .unwrap_or_else(|| "unknown".to_string());
        let host = env("HOSTNAME")
            .or_else(|| {
                std::fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty())
            })
            .unwrap_or_else(|| "localhost".to_string());
        Ctx::new(now, actor, format!("phiguard-cli@{host}"))
    }

    /// Opens the store for reading.
    pub fn open(&self, now: Timestamp) -> Result<Store, Error> {
        Ok(Store::open(&self.location()?, now)?)
    }

    /// Opens the store for writing: every write ends with a checkpoint signed by the key
    /// (created on first use).
    pub fn open_for_write(&self, now: Timestamp) -> Result<Store, Error> {
        let mut store = self.open(now)?;
        store.checkpoint_every_write(Key::load_or_create(&self.key_path()?)?);
        Ok(store)
    }
}

/// Runs a records command at `now`.
pub fn run(command: RecordsCommand, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    match command {
        RecordsCommand::Baa { store, command } => baa::run(&store, command, now, term),
        RecordsCommand::Vendor { store, command } => vendor::run(&store, command, now, term),
        RecordsCommand::Questionnaire { store, command } => {
            questionnaire::run(&store, command, now, term)
        }
        RecordsCommand::Reminders { store, command } => reminders::run(&store, command, now, term),
        RecordsCommand::Assess { store, command } => assess::run_assess(&store, command, now, term),
        RecordsCommand::Risk { store, command } => assess::run_risk(&store, command, now, term),
        RecordsCommand::Evidence { store, command } => evidence::run(&store, command, now, term),
        RecordsCommand::Audit { store, command } => audit::run(&store, command, now, term),
        RecordsCommand::Records { store, command } => audit::run_bundle(&store, command, now, term),
        RecordsCommand::VerifyBundle { dir, public_keys } => {
            audit::verify_bundle(&dir, &public_keys, term)
        }
    }
}

/// Parses a `YYYY-MM-DD` flag value (clap value parser).
pub fn date_arg(text: &str) -> Result<Date, String> {
    text.trim()
        .parse::<Date>()
        .map_err(|e| format!("`{text}` is not a date (expected YYYY-MM-DD): {e}"))
}

/// Prints JSON.
pub fn print_json<T: serde::Serialize>(term: &mut Term<'_>, value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| StoreError::corrupt(format!("cannot serialise: {e}")))?;
    writeln!(term.out, "{text}")?;
    Ok(())
}

/// Prints rows as aligned columns (the last column is not padded).
pub fn print_table(
    term: &mut Term<'_>,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<(), Error> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (i, cell) in cells.enumerate() {
            if i + 1 < widths.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            } else {
                out.push_str(cell);
            }
        }
        out.trim_end().to_string()
    };
    writeln!(term.out, "{}", line(&mut header.iter().copied()))?;
    for row in rows {
        writeln!(term.out, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    Ok(())
}

/// `field: value` lines, skipping empty values.
pub fn print_fields(term: &mut Term<'_>, fields: &[(&str, String)]) -> Result<(), Error> {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in fields {
        if !v.is_empty() {
            writeln!(term.out, "{k:width$}  {}", v.trim_end())?;
        }
    }
    Ok(())
}

/// An optional value as text.
pub fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}
