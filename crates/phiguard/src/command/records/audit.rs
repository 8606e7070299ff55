//! `phiguard audit`: verify the log, list events, write and export checkpoints.

use std::path::PathBuf;

use clap::Subcommand;
use jiff::Timestamp;
use phiguard_store::StoreError;
use phiguard_store::audit::Anchored;
use phiguard_store::keys::{Key, PublicKey};

use super::{OutFormat, StoreArgs, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and check every signed checkpoint; name the first bad
    /// sequence number. Exit 1 when the log does not verify.
    Verify {
        /// An exported copy of the checkpoints (`audit export-checkpoints`), kept outside
        /// the database: catches rewritten history even when the database's own
        /// checkpoints were removed.
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<PathBuf>,
        /// A trusted public key file (`audit public-key`); repeatable. Default: the public
        /// half of the signing key.
        #[arg(long = "public-key", value_name = "FILE")]
        public_keys: Vec<PathBuf>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// List audit events.
    Log {
        /// From this sequence number.
        #[arg(long, value_name = "SEQ")]
        from: Option<i64>,
        /// To this sequence number.
        #[arg(long, value_name = "SEQ")]
        to: Option<i64>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Write a signed checkpoint now (also when nothing changed: a verifier can then tell
    /// a quiet log from a truncated one).
    Checkpoint,
    /// Write every checkpoint, with the leaf hashes it covers, as JSON lines, for
    /// safekeeping outside the database (e.g. an S3 bucket with Object Lock).
    ExportCheckpoints {
        /// Where to write; `-` for standard output.
        #[arg(long, short = 'o', value_name = "FILE", default_value = "-")]
        output: PathBuf,
    },
    /// Print the public key that verifies the checkpoints.
    PublicKey,
}

/// Runs `phiguard audit ...`.
pub fn run(
    args: &StoreArgs,
    command: AuditCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    match command {
        AuditCommand::Verify {
            checkpoints,
            public_keys,
            format,
        } => {
            let mut trusted = read_public_keys(&public_keys)?;
            if public_keys.is_empty() {
                let key_path = args.key_path()?;
                if key_path.exists() {
                    trusted.push(Key::load(&key_path)?.public());
                }
            }
            let anchored = match &checkpoints {
                Some(path) => read_anchored(path)?,
                None => Vec::new(),
            };
            let mut store = args.open(now)?;
            let v = store.verify(&trusted, &anchored)?;
            match format {
                OutFormat::Text => write!(term.out, "{}", v.render())?,
                OutFormat::Json => print_json(term, &v)?,
            }
            Ok(if v.ok() { Exit::Clean } else { Exit::Failures })
        }
        AuditCommand::Log { from, to, format } => {
            let mut store = args.open(now)?;
            let events = store.events(from, to)?;
            match format {
                OutFormat::Json => print_json(term, &events)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = events
                        .iter()
                        .map(|e| {
                            vec![
                                e.seq.to_string(),
                                e.occurred_at
                                    .get(..19)
                                    .unwrap_or(&e.occurred_at)
                                    .to_string()
                                    + "Z",
                                e.actor.clone(),
                                if e.outcome == "success" {
                                    e.action.clone()
                                } else {
                                    format!("{} ({})", e.action, e.outcome)
                                },
                                e.object_id.clone(),
                                e.summary.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &["SEQ", "WHEN", "WHO", "ACTION", "OBJECT", "SUMMARY"],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        AuditCommand::Checkpoint => {
            let key = Key::load_or_create(&args.key_path()?)?;
            let mut store = args.open(now)?;
            let c = store.checkpoint(&key, now)?;
            writeln!(
                term.out,
                "checkpoint #{} signed by key {}: events 1..{}, root {}",
                c.checkpoint_no, c.key_id, c.tree_size, c.merkle_root
            )?;
            Ok(Exit::Clean)
        }
        AuditCommand::ExportCheckpoints { output } => {
            let mut store = args.open(now)?;
            let anchored = store.export_checkpoints()?;
            let mut text = String::new();
            for a in &anchored {
                let line = serde_json::to_string(a)
                    .map_err(|e| StoreError::corrupt(format!("cannot serialise: {e}")))?;
                text.push_str(&line);
                text.push('\n');
            }
            if output.as_os_str() == "-" {
                write!(term.out, "{text}")?;
            } else {
                std::fs::write(&output, text).map_err(|source| Error::Write {
                    path: output.clone(),
                    source,
                })?;
                writeln!(
                    term.err,
                    "wrote {} checkpoint{} to {}",
                    anchored.len(),
                    if anchored.len() == 1 { "" } else { "s" },
                    output.display()
                )?;
            }
            Ok(Exit::Clean)
        }
        AuditCommand::PublicKey => {
            let key = Key::load(&args.key_path()?)?;
            writeln!(term.out, "{}", key.public().to_line())?;
            Ok(Exit::Clean)
        }
    }
}

/// `phiguard records ...`.
#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write the auditor bundle: every record, revision, evidence file, audit event and
    /// checkpoint, with a manifest of SHA-256 hashes signed by the checkpoint key.
    Export {
        /// The directory to create (must be empty or absent).
        #[arg(long, short = 'o', value_name = "DIR")]
        output: PathBuf,
    },
}

/// Runs `phiguard records ...`.
pub fn run_bundle(
    args: &StoreArgs,
    command: BundleCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    match command {
        BundleCommand::Export { output } => {
            let key = Key::load_or_create(&args.key_path()?)?;
            let mut store = args.open(now)?;
            let manifest = phiguard_store::bundle::export(&mut store, &key, now, &output)?;
            writeln!(
                term.out,
                "wrote {} files to {} (audit events 1..{}, signed by key {})",
                manifest.files.len() + 2,
                output.display(),
                manifest.audit_head_seq,
                manifest.key_id
            )?;
            Ok(Exit::Clean)
        }
    }
}

/// Runs `phiguard verify-bundle`.
pub fn verify_bundle(
    dir: &std::path::Path,
    public_keys: &[PathBuf],
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let trusted = read_public_keys(public_keys)?;
    let check = phiguard_store::bundle::verify_bundle(dir, &trusted)?;
    if check.ok() {
        writeln!(term.out, "bundle verified: {} files", check.files)?;
    } else {
        writeln!(term.out, "bundle FAILED verification")?;
        for p in &check.problems {
            writeln!(term.out, "  - {p}")?;
        }
    }
    if !check.trusted_key {
        writeln!(
            term.out,
            "note: checked with the key inside the bundle; pass `--public-key` to prove who made it"
        )?;
    }
    if let Some(v) = &check.audit {
        write!(term.out, "{}", v.render())?;
    }
    Ok(if check.ok() {
        Exit::Clean
    } else {
        Exit::Failures
    })
}

fn read_public_keys(paths: &[PathBuf]) -> Result<Vec<PublicKey>, Error> {
    let mut trusted = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
            path: path.display().to_string(),
            source,
        })?;
        trusted.push(PublicKey::parse(&text).ok_or_else(|| StoreError::Key {
            path: path.display().to_string(),
            message: "not a phiguard public key (`phiguard audit public-key` prints one)".into(),
        })?);
    }
    Ok(trusted)
}

fn read_anchored(path: &std::path::Path) -> Result<Vec<Anchored>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: Anchored = serde_json::from_str(line).map_err(|e| StoreError::Input {
            path: path.display().to_string(),
            line: i + 1,
            column: e.column(),
            message: format!("not an exported checkpoint: {e}"),
        })?;
        out.push(a);
    }
    Ok(out)
}
