//! `phiguard evidence`: content-addressed evidence files with revisions, validity and links.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use jiff::Timestamp;
use jiff::civil::Date;
use phiguard_store::StoreError;
use phiguard_store::evidence::{self, Evidence, EvidenceType, Link};
use phiguard_store::record::Stored;

use super::{OutFormat, StoreArgs, date_arg, opt, print_fields, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard evidence ...`.
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Store a file as evidence.
    Add {
        /// The file.
        file: PathBuf,
        /// Title [default: the file name].
        #[arg(long)]
        title: Option<String>,
        /// policy, procedure, screenshot, config_snapshot, scan_report, attestation_report,
        /// soc2, baa_pdf, questionnaire_export, other.
        #[arg(long = "type", value_name = "TYPE", default_value = "other")]
        evidence_type: String,
        /// Valid until (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        valid_until: Option<Date>,
        /// What it supports, `KIND:ID` (agreement:BAA-0001, control:S3-004, ...); repeatable.
        #[arg(long = "link", value_name = "KIND:ID")]
        links: Vec<String>,
    },
    /// Store a scan report (`phiguard scan -f json -o FILE`) as evidence.
    AddReport {
        /// The report file.
        file: PathBuf,
        /// Title [default: `scan report <file name>`].
        #[arg(long)]
        title: Option<String>,
        /// What it supports, `KIND:ID`; repeatable.
        #[arg(long = "link", value_name = "KIND:ID")]
        links: Vec<String>,
    },
    /// Store a new revision of an evidence file.
    Revise {
        /// Evidence id (`EVD-0001`).
        id: String,
        /// The new file.
        file: PathBuf,
        /// What changed.
        #[arg(long)]
        note: Option<String>,
    },
    /// Link evidence to a record or control, `KIND:ID`.
    Link {
        /// Evidence id.
        id: String,
        /// `KIND:ID`.
        link: String,
    },
    /// List the evidence.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Show one piece of evidence and its revisions.
    Show {
        /// Evidence id.
        id: String,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Write a stored file out, after checking its SHA-256.
    Get {
        /// Evidence id.
        id: String,
        /// Revision [default: the latest].
        #[arg(long)]
        revision: Option<u32>,
        /// Where to write.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: PathBuf,
    },
    /// Check every stored file against its SHA-256. Exit 1 when one was altered.
    Verify,
}

fn read(path: &Path) -> Result<(String, Vec<u8>), Error> {
    let bytes = std::fs::read(path).map_err(|source| StoreError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, bytes))
}

fn links(texts: &[String]) -> Result<Vec<Link>, Error> {
    Ok(texts
        .iter()
        .map(|t| Link::parse(t))
        .collect::<Result<_, _>>()?)
}

/// Runs `phiguard evidence ...`.
pub fn run(
    args: &StoreArgs,
    command: EvidenceCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let ctx = args.ctx(now);
    match command {
        EvidenceCommand::Add {
            file,
            title,
            evidence_type,
            valid_until,
            links: given,
        } => {
            let kind = EvidenceType::parse("--type", &evidence_type)?;
            let links = links(&given)?;
            let (name, bytes) = read(&file)?;
            let mut store = args.open_for_write(now)?;
            let title = title.unwrap_or_else(|| name.clone());
            let s = store.write(&ctx, |tx| {
                evidence::add(
                    tx,
                    &title,
                    kind,
                    "upload",
                    &name,
                    &bytes,
                    valid_until,
                    links,
                )
            })?;
            added(term, &s)
        }
        EvidenceCommand::AddReport {
            file,
            title,
            links: given,
        } => {
            let links = links(&given)?;
            let (name, bytes) = read(&file)?;
            if name.ends_with(".json") {
                serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| {
                    StoreError::Input {
                        path: file.display().to_string(),
                        line: e.line(),
                        column: e.column(),
                        message: format!("not a JSON scan report: {e}"),
                    }
                })?;
            }
            let title = title.unwrap_or_else(|| format!("scan report {name}"));
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| {
                evidence::add(
                    tx,
                    &title,
                    EvidenceType::ScanReport,
                    "automated_check",
                    &name,
                    &bytes,
                    None,
                    links,
                )
            })?;
            added(term, &s)
        }
        EvidenceCommand::Revise { id, file, note } => {
            let (name, bytes) = read(&file)?;
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| evidence::revise(tx, &id, &name, &bytes, note))?;
            if let Some(r) = s.record.current() {
                writeln!(
                    term.out,
                    "{} revision {}: sha256 {} ({} bytes)",
                    s.id, r.version, r.sha256, r.size
                )?;
            }
            Ok(Exit::Clean)
        }
        EvidenceCommand::Link { id, link } => {
            let link = Link::parse(&link)?;
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| {
                tx.update::<Evidence>(&id, None, |e| {
                    if !e.links.contains(&link) {
                        e.links.push(link.clone());
                        e.links.sort();
                    }
                    Ok(())
                })
            })?;
            writeln!(term.out, "{} linked to {}:{}", s.id, link.kind, link.id)?;
            Ok(Exit::Clean)
        }
        EvidenceCommand::List { format } => {
            let mut store = args.open(now)?;
            let list = store.list::<Evidence>()?;
            match format {
                OutFormat::Json => print_json(term, &list)?,
                OutFormat::Text => {
                    let today = ctx.today();
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|s| {
                            let e = &s.record;
                            let rev = e.current();
                            vec![
                                s.id.clone(),
                                e.evidence_type.to_string(),
                                rev.map(|r| r.version.to_string()).unwrap_or_default(),
                                rev.map(|r| r.sha256[..12].to_string()).unwrap_or_default(),
                                match e.valid_until {
                                    Some(d) if e.expired(today) => format!("{d} (expired)"),
                                    Some(d) => d.to_string(),
                                    None => String::new(),
                                },
                                e.links
                                    .iter()
                                    .map(|l| format!("{}:{}", l.kind, l.id))
                                    .collect::<Vec<_>>()
                                    .join(" "),
                                e.title.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &[
                            "ID",
                            "TYPE",
                            "REV",
                            "SHA256",
                            "VALID UNTIL",
                            "LINKS",
                            "TITLE",
                        ],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        EvidenceCommand::Show { id, format } => {
            let mut store = args.open(now)?;
            let s: Stored<Evidence> = store.get(&id)?;
            if format == OutFormat::Json {
                print_json(term, &s)?;
                return Ok(Exit::Clean);
            }
            let e = &s.record;
            print_fields(
                term,
                &[
                    ("id", format!("{} (version {})", s.id, s.version)),
                    ("title", e.title.clone()),
                    ("type", e.evidence_type.to_string()),
                    ("source", e.source.clone()),
                    ("collected", e.collected_on.to_string()),
                    ("valid until", opt(e.valid_until)),
                    (
                        "links",
                        e.links
                            .iter()
                            .map(|l| format!("{}:{}", l.kind, l.id))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    ("keep until", opt(s.retention_until.as_ref())),
                ],
            )?;
            for r in &e.revisions {
                let note = r
                    .note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                writeln!(
                    term.out,
                    "  revision {}: {} {} bytes sha256 {} by {} at {}{note}",
                    r.version, r.file_name, r.size, r.sha256, r.uploaded_by, r.uploaded_at
                )?;
            }
            Ok(Exit::Clean)
        }
        EvidenceCommand::Get {
            id,
            revision,
            output,
        } => {
            let mut store = args.open(now)?;
            let s: Stored<Evidence> = store.get(&id)?;
            let rev = match revision {
                Some(n) => s.record.revisions.iter().find(|r| r.version == n),
                None => s.record.current(),
            }
            .ok_or_else(|| {
                StoreError::invalid(
                    "--revision",
                    format!("{} has no revision {}", s.id, opt(revision)),
                )
            })?;
            let bytes = evidence::get_blob(&mut store, &rev.sha256)?;
            std::fs::write(&output, bytes).map_err(|source| Error::Write {
                path: output.clone(),
                source,
            })?;
            writeln!(
                term.out,
                "wrote {} revision {} to {} (sha256 verified)",
                s.id,
                rev.version,
                output.display()
            )?;
            Ok(Exit::Clean)
        }
        EvidenceCommand::Verify => {
            let mut store = args.open(now)?;
            let (count, bad) = evidence::verify_blobs(&mut store)?;
            for sha in &bad {
                writeln!(term.out, "ALTERED {sha}")?;
            }
            writeln!(
                term.out,
                "{count} evidence files checked, {} altered",
                bad.len()
            )?;
            Ok(if bad.is_empty() {
                Exit::Clean
            } else {
                Exit::Failures
            })
        }
    }
}

fn added(term: &mut Term<'_>, s: &Stored<Evidence>) -> Result<Exit, Error> {
    if let Some(r) = s.record.current() {
        writeln!(
            term.out,
            "added {}: `{}` ({}, sha256 {}, {} bytes; keep until {})",
            s.id,
            s.record.title,
            s.record.evidence_type,
            r.sha256,
            r.size,
            opt(s.retention_until.as_ref())
        )?;
    }
    Ok(Exit::Clean)
}
