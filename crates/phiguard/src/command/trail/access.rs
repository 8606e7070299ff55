//! `phiguard trail access`: the PHI access report (`phiguard_trail::access`), events read by
//! the scan driver and joined with an inventory's PHI-tagged resources.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use jiff::Timestamp;
use phiguard_model::PhiTags;
use phiguard_trail::Ruleset;
use phiguard_trail::access::{
    self, AccessOptions, AccessReport, AccessVisitor, Counts, KeyRedaction, PhiScope,
};
use phiguard_trail::reader;
use phiguard_trail::scan::{Filter, Input, ScanOptions, scan_with};

use super::{TrailError, parse_size, parse_time, s3, usage};
use crate::{Error, Exit, Term, inventory_io};

pub(super) const HELP: &str = "\
PHI resources: the inventory's resources carrying a PHI tag, as `phiguard scan` decides it
(the tags of phiguard.toml or --config; built in: PHI=Yes|true or DataSensitivity=PHI): S3
buckets, DynamoDB tables, KMS keys, RDS databases and snapshots, any ARN. An event touches
one by its resources[].ARN, or by name in requestParameters (bucketName, tableName, keyId,
DB identifiers). Object- and item-level access (GetObject, GetItem, ...) is logged only when
the trail records data events: without them the report lists management calls only, and
says so.

Object keys can carry patient identifiers: --redact-keys replaces them with [redacted] in
every format.

Inputs: as for `phiguard trail scan` (files or folders of CloudTrail logs, or
s3://bucket/prefix, listed only for --since/--until).

Exit codes:
  0  the report was written and every file was read
  2  usage error (bad flags, unreadable inventory)
  4  some files (or records in them) could not be read; the others were";

/// `phiguard trail access`.
#[derive(Debug, Args)]
pub struct TrailAccessArgs {
    /// CloudTrail log files or folders, or s3://bucket/prefix.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// The inventory whose PHI-tagged resources are reported on (`phiguard scan
    /// --save-inventory`, or any phiguard inventory JSON).
    #[arg(long, value_name = "FILE")]
    pub inventory: PathBuf,

    /// Replace S3 object keys (which may carry patient identifiers) with `[redacted]`.
    #[arg(long)]
    pub redact_keys: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = AccessFormat::Text)]
    pub format: AccessFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only events at or after this time (RFC 3339, or a date: midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<Timestamp>,

    /// Only events before this time (RFC 3339, or a date: midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<Timestamp>,

    /// Largest file read, decompressed (bytes, or with a K, M, G suffix).
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Configuration file whose `[phi].tags` say which tags mark PHI resources [default:
    /// ./phiguard.toml if it exists, else the built-in tags].
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore ./phiguard.toml and use the built-in PHI tags.
    #[arg(long)]
    pub no_config: bool,

    #[command(flatten)]
    pub s3: s3::S3Args,
}

/// `trail access` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    /// Summaries per principal and per resource, then every access.
    Text,
    /// The whole report.
    Json,
    /// One row per access.
    Csv,
    /// One self-contained page.
    Html,
}

/// Runs `phiguard trail access`.
pub fn run(args: &TrailAccessArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since >= until
    {
        return usage(term, &TrailError::Period { since, until });
    }
    let inputs = match s3::split(&args.paths) {
        Ok(inputs) => inputs,
        Err(reason) => return usage(term, &TrailError::Input { reason }),
    };
    let loaded = crate::command::scan::load_config(args.config.as_deref(), args.no_config, now)?;
    // The same PHI tags as `phiguard scan` (the configuration's, else the built-in ones).
    let phi_tags = match &loaded {
        Some(loaded) => PhiTags::new(loaded.config.phi_tags.clone()),
        None => PhiTags::default(),
    };
    let inventory = inventory_io::load(&args.inventory)?;
    let scope = PhiScope::from_inventory(&inventory, &phi_tags);
    let visitor = AccessVisitor {
        scope: &scope,
        options: AccessOptions {
            redact_keys: if args.redact_keys {
                KeyRedaction::Remove
            } else {
                KeyRedaction::Keep
            },
        },
    };
    let options = ScanOptions {
        max_file_size: args.max_file_size,
        filter: Filter {
            since: args.since,
            until: args.until,
            ..Filter::default()
        },
        dedup: false,
    };
    let (files, mut errors) = reader::discover(&inputs.paths);
    let local = files.into_iter().map(Input::path);
    let (remote, session): (Box<dyn Iterator<Item = Input> + Send>, _) = if inputs.urls.is_empty() {
        (Box::new(std::iter::empty()), None)
    } else {
        let scope = s3::scope(None, None, args.since, args.until, now);
        match s3::objects(&inputs.urls, scope, &args.s3) {
            Ok((objects, session)) => (objects, Some(session)),
            Err(reason) => return usage(term, &TrailError::Input { reason }),
        }
    };
    let (output, collectors) = scan_with(
        local.chain(remote),
        &Ruleset::new(),
        Vec::new(),
        &options,
        &visitor,
    );
    errors.extend(output.errors);
    if let Some(session) = &session {
        session.finish(args.s3.operations_log.as_deref())?;
    }
    let report = visitor.report(collectors);
    for e in &errors {
        writeln!(term.err, "error: {e}")?;
    }
    let rendered = match args.format {
        AccessFormat::Text => text(&report, output.files, errors.len()),
        AccessFormat::Json => access::to_json(&report) + "\n",
        AccessFormat::Csv => access::to_csv(&report),
        AccessFormat::Html => access::to_html(&report),
    };
    match &args.output {
        Some(path) => {
            write_file(path, &rendered).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
            writeln!(
                term.err,
                "{} accesses to {} PHI resources in {} events from {} files, {} errors",
                report.accesses.len(),
                report.scope.len(),
                report.events_seen,
                output.files,
                errors.len()
            )?;
        }
        None => {
            term.out.write_all(rendered.as_bytes())?;
            term.out.flush()?;
        }
    }
    Ok(if errors.is_empty() {
        Exit::Clean
    } else {
        Exit::Unreadable
    })
}

fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = BufWriter::new(File::create(path)?);
    file.write_all(text.as_bytes())?;
    file.flush()
}

fn counts(c: &Counts) -> String {
    let mut parts = Vec::new();
    for (n, word) in [
        (c.read, "read"),
        (c.write, "write"),
        (c.delete, "delete"),
        (c.list, "list"),
        (c.manage, "manage"),
        (c.other, "other"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let mut text = format!("{} ({})", c.total, parts.join(", "));
    if c.failed > 0 {
        text.push_str(&format!(", {} failed ({} denied)", c.failed, c.denied));
    }
    text
}

fn text(report: &AccessReport, files: usize, errors: usize) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!(
        "PHI access report: {} events from {files} files ({} data events), {} accesses to {} PHI resources; object keys: {}",
        report.events_seen,
        report.data_events_seen,
        report.accesses.len(),
        report.scope.len(),
        report.key_redaction
    ));
    for note in &report.notes {
        line(format!("note: {note}"));
    }
    if errors > 0 {
        line(format!(
            "note: {errors} files or records could not be read (listed on standard error): the report may be incomplete"
        ));
    }
    line(String::new());
    line("PHI resources:".to_string());
    for r in &report.scope {
        line(format!(
            "  {}  {}  {}  {}",
            r.kind.as_str(),
            r.account,
            r.region,
            r.arn
        ));
    }
    if report.accesses.is_empty() {
        line(String::new());
        line("no access to a PHI resource".to_string());
        return out;
    }
    line(String::new());
    line("by principal:".to_string());
    for p in &report.by_principal {
        line(format!(
            "  {}  {}: {}, {} resources, {} to {}, from {}",
            p.identity_type.as_deref().unwrap_or("-"),
            p.principal,
            counts(&p.counts),
            p.resources,
            p.first_seen,
            p.last_seen,
            if p.source_ips.is_empty() {
                "-".to_string()
            } else {
                p.source_ips.join(" ")
            }
        ));
    }
    line(String::new());
    line("by resource:".to_string());
    for r in &report.by_resource {
        line(format!(
            "  {}: {}, {} principals, {} to {}",
            r.resource,
            counts(&r.counts),
            r.principals,
            r.first_seen,
            r.last_seen
        ));
    }
    line(String::new());
    line("accesses:".to_string());
    for a in &report.accesses {
        let object = a
            .object_key
            .as_deref()
            .map(|k| format!("/{k}"))
            .unwrap_or_default();
        line(format!(
            "  {}  {:<6}  {}  {}{object}  {}  {}{}",
            a.time,
            a.kind.as_str(),
            a.operation,
            a.resource_name,
            a.principal.as_deref().unwrap_or("-"),
            a.source_ip.as_deref().unwrap_or("-"),
            a.error_code
                .as_deref()
                .map(|c| format!("  failed: {c}"))
                .unwrap_or_default()
        ));
    }
    out
}
