//! `phiguard trail scan|validate|access|rules ...`: CloudTrail detections over log files,
//! log-file integrity validation, PHI access reports. The work is done by `phiguard-trail`;
//! these files parse flags, render and pick the exit code.

mod access;
pub mod s3;
mod validate;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use miette::Diagnostic;
use phiguard_model::Severity;
use phiguard_trail::hits::{DEFAULT_BUDGET, SortedHits};
use phiguard_trail::reader::{FileError, Skipped};
use phiguard_trail::scan::{Analyzer, Filter, Input, ScanOptions, ScanOutput, scan_sorted};
use phiguard_trail::{Rule, RuleSource, Ruleset, detect, sigma};
use serde::Serialize;

use crate::exit::FailOn;
use crate::{Error, Exit, Term};

const EXIT_CODES: &str = "\
Exit codes:
  0  no hit at or above --fail-on, and every file was read
  1  hits at or above --fail-on (default: high)
  2  usage error (bad flags, unreadable or invalid --rules); nothing was scanned
  4  some files (or records in them) could not be read; the others were scanned
When several apply, the first in the order 2, 1, 4 wins.";

const INPUTS: &str = "\
Inputs: files, or folders read recursively for *.json, *.json.gz, *.jsonl[.gz] and
*.ndjson[.gz] (hidden entries and CloudTrail-Digest folders are skipped). The content is
detected from the bytes: gzip by its magic number, then the {\"Records\":[...]} envelope
CloudTrail delivers to S3, a JSON array of records, or NDJSON. Folders laid out as in S3
(AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/) are pruned by --account, --region,
--since and --until before reading.

s3://bucket/prefix reads a trail bucket in place: the prefix is the bucket root, the trail's
prefix (AWSLogs/ is looked for under it) or any folder below AWSLogs/ (an organisation's
o-... folder, an account, a region, a month). Only what --account, --region and --since/--until
allow is listed (a day asked for is one listing under .../CloudTrail/<region>/YYYY/MM/DD/, not
the whole bucket); objects are fetched --concurrency at a time and streamed, never kept. A
bucket, prefix or object that cannot be read (NoSuchBucket, AccessDenied, a truncated
transfer) is an error of the run (exit 4), named by its s3:// URL. Credentials: --profile, or
the SDK's default chain; IAM: `phiguard iam-policy --trail`.";

/// `phiguard trail ...`.
#[derive(Debug, Subcommand)]
pub enum TrailCommand {
    /// Run the detections (CIS, HIPAA, Sigma) over CloudTrail log files.
    #[command(after_long_help = format!("{INPUTS}\n\n{EXIT_CODES}"))]
    Scan(TrailScanArgs),
    /// Validate log-file integrity with the digest files (`aws cloudtrail validate-logs`).
    #[command(after_long_help = validate::HELP)]
    Validate(validate::TrailValidateArgs),
    /// Who read, wrote or deleted PHI resources: CloudTrail events joined with an inventory.
    #[command(after_long_help = access::HELP)]
    Access(access::TrailAccessArgs),
    /// List or check detection rules.
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// `phiguard trail scan`.
#[derive(Debug, Args)]
pub struct TrailScanArgs {
    /// CloudTrail log files or folders, or s3://bucket/prefix.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Also load the Sigma rules in DIR (recursively, `*.yml`/`*.yaml`); repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Do not run the built-in rules (CIS, HIPAA, bundled SigmaHQ); needs `--rules`.
    #[arg(long)]
    pub no_builtin: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TrailFormat::Text)]
    pub format: TrailFormat,

    /// Write the hits to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when a hit has this severity or higher (info, low, medium, high, critical,
    /// or none).
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_fail_on)]
    pub fail_on: FailOn,

    /// Only events at or after this time (RFC 3339, or a date: midnight UTC).
    #[arg(long, visible_alias = "start", value_name = "TIME", value_parser = parse_time)]
    pub since: Option<Timestamp>,

    /// Only events before this time (RFC 3339, or a date: midnight UTC).
    #[arg(long, visible_alias = "end", value_name = "TIME", value_parser = parse_time)]
    pub until: Option<Timestamp>,

    /// Only events received by this account (`recipientAccountId`).
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub account: Option<String>,

    /// Only events of this region (`awsRegion`).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Read each event (`eventID`) once, even if several files hold it.
    #[arg(long)]
    pub dedup: bool,

    /// Largest file read, decompressed (bytes, or with a K, M, G suffix: powers of 1024);
    /// larger files are reported as errors.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_file_size: u64,

    #[command(flatten)]
    pub s3: s3::S3Args,
}

/// `phiguard trail rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: id, source, severity, title.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
        /// Also list the Sigma rules in DIR; repeatable.
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
        /// Leave out the built-in rules.
        #[arg(long)]
        no_builtin: bool,
    },
    /// Check Sigma rules: each file loads, or is rejected with the reasons (exit 1).
    Lint {
        /// A folder (read recursively) or a file.
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
}

/// `trail scan` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrailFormat {
    /// One line per hit, then a summary.
    Text,
    /// `{"version":1, ...}` with every hit and error.
    Json,
    /// One row per hit.
    Csv,
}

/// `trail rules list` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// Aligned columns.
    Table,
    /// A JSON array.
    Json,
    /// One row per rule.
    Csv,
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    FailOn::parse(text).ok_or_else(|| {
        format!("`{text}` is not a severity; expected info, low, medium, high, critical or none")
    })
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            format!(
                "`{text}` is not an RFC 3339 time or a date; expected e.g. `2026-01-15T00:00:00Z` or `2026-01-15`"
            )
        })
}

fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    let digits = upper.trim_end_matches(['B', 'I']);
    let (number, shift) = match digits.chars().last() {
        Some('K') => (&digits[..digits.len() - 1], 10),
        Some('M') => (&digits[..digits.len() - 1], 20),
        Some('G') => (&digits[..digits.len() - 1], 30),
        Some('T') => (&digits[..digits.len() - 1], 40),
        _ => (digits, 0),
    };
    number
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a size; expected e.g. `1G`, `512M` or `65536`"))
}

/// A usage problem of `phiguard trail`.
#[derive(Debug, thiserror::Error, Diagnostic)]
enum TrailError {
    #[error("cannot load Sigma rules from `{}`", path.display())]
    #[diagnostic(
        code(trail::rules),
        help("{reasons}\n`phiguard trail rules lint {}` checks every rule", path.display())
    )]
    Rules { path: PathBuf, reasons: String },

    #[error("no rules to run")]
    #[diagnostic(
        code(trail::no_rules),
        help("`--no-builtin` needs at least one `--rules DIR`")
    )]
    NoRules,

    #[error("`--since` ({since}) is not before `--until` ({until})")]
    #[diagnostic(code(trail::period))]
    Period { since: Timestamp, until: Timestamp },

    #[error("cannot load public keys from `{}`", path.display())]
    #[diagnostic(
        code(trail::public_keys),
        help("{reason}\nexpected the JSON of `aws cloudtrail list-public-keys`")
    )]
    Keys { path: PathBuf, reason: String },

    #[error("cannot read the input")]
    #[diagnostic(code(trail::input), help("{reason}"))]
    Input { reason: String },
}

/// Runs `phiguard trail ...` at `now` (the configuration's expired waivers are judged at it).
pub fn run(command: &TrailCommand, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    match command {
        TrailCommand::Scan(args) => scan(args, now, term),
        TrailCommand::Validate(args) => validate::run(args, now, term),
        TrailCommand::Access(args) => access::run(args, now, term),
        TrailCommand::Rules(RulesCommand::List {
            format,
            rules,
            no_builtin,
        }) => list(*format, rules, *no_builtin, term),
        TrailCommand::Rules(RulesCommand::Lint { path }) => lint(path, term),
    }
}

/// The rules to run, or the usage error that stops the command.
struct Loaded {
    rules: Vec<Box<dyn Rule>>,
    analyzers: Vec<Box<dyn Analyzer>>,
    /// Bundled Sigma rules that did not load: `(loaded, total)`.
    bundled: Option<(usize, usize)>,
}

fn load_rules(dirs: &[PathBuf], no_builtin: bool) -> Result<Loaded, TrailError> {
    let mut loaded = Loaded {
        rules: Vec::new(),
        analyzers: Vec::new(),
        bundled: None,
    };
    if !no_builtin {
        loaded.rules.extend(detect::builtin_rules());
        loaded.analyzers.extend(detect::builtin_analyzers());
        let (bundled, rejected) = sigma::bundled();
        loaded.bundled = Some((bundled.len(), bundled.len() + rejected.len()));
        loaded.rules.extend(bundled);
    }
    for dir in dirs {
        if !dir.exists() {
            return Err(TrailError::Rules {
                path: dir.clone(),
                reasons: "no such file or directory".to_string(),
            });
        }
        let (rules, rejected) = sigma::load_dir(dir);
        if !rejected.is_empty() {
            let reasons = rejected
                .iter()
                .map(|r| format!("- {r}"))
                .collect::<Vec<_>>()
                .join("\n");
            return Err(TrailError::Rules {
                path: dir.clone(),
                reasons,
            });
        }
        loaded.rules.extend(rules);
    }
    if loaded.rules.is_empty() && loaded.analyzers.is_empty() {
        return Err(TrailError::NoRules);
    }
    Ok(loaded)
}

fn usage(term: &mut Term<'_>, e: &TrailError) -> Result<Exit, Error> {
    term.diagnostic(e)?;
    Ok(Exit::Usage)
}

fn scan(args: &TrailScanArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since >= until
    {
        return usage(term, &TrailError::Period { since, until });
    }
    let inputs = match s3::split(&args.paths) {
        Ok(inputs) => inputs,
        Err(reason) => return usage(term, &TrailError::Input { reason }),
    };
    let loaded = match load_rules(&args.rules, args.no_builtin) {
        Ok(loaded) => loaded,
        Err(e) => return usage(term, &e),
    };
    let mut ruleset = Ruleset::new();
    let rule_count = loaded.rules.len() + loaded.analyzers.len();
    for rule in loaded.rules {
        ruleset.add(rule);
    }
    let options = ScanOptions {
        max_file_size: args.max_file_size,
        filter: Filter {
            since: args.since,
            until: args.until,
            account: args.account.clone(),
            region: args.region.clone(),
        },
        dedup: args.dedup,
    };
    let (files, mut errors) = phiguard_trail::reader::discover(&inputs.paths);
    let local = files.into_iter().map(Input::path);
    let (remote, session): (Box<dyn Iterator<Item = Input> + Send>, _) = if inputs.urls.is_empty() {
        (Box::new(std::iter::empty()), None)
    } else {
        let scope = s3::scope(
            args.account.as_deref(),
            args.region.as_deref(),
            args.since,
            args.until,
            now,
        );
        match s3::objects(&inputs.urls, scope, &args.s3) {
            Ok((objects, session)) => (objects, Some(session)),
            Err(reason) => return usage(term, &TrailError::Input { reason }),
        }
    };
    // Hits kept in a bounded store (sorted runs spill to temporary files past the budget),
    // so memory stays flat however many hits the logs hold.
    let (mut output, hits, _) = scan_sorted(
        local.chain(remote),
        &ruleset,
        loaded.analyzers,
        &options,
        &(),
        DEFAULT_BUDGET,
    );
    errors.append(&mut output.errors);
    output.errors = errors;
    if let Some(session) = &session {
        session.finish(args.s3.operations_log.as_deref())?;
    }

    for e in &output.errors {
        writeln!(term.err, "error: {e}")?;
    }
    let summary = Summary {
        rules: rule_count,
        bundled: loaded.bundled,
    };
    match &args.output {
        Some(path) => {
            let write = |path: &Path| -> std::io::Result<()> {
                let mut file = BufWriter::new(File::create(path)?);
                render(args.format, &output, &hits, &summary, &mut file)?;
                file.flush()
            };
            write(path).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
            // The report went to a file: keep a one-line summary on the terminal.
            writeln!(term.err, "{}", one_line(&output, &hits))?;
        }
        None => {
            render(args.format, &output, &hits, &summary, term.out).map_err(Error::Output)?;
            term.out.flush()?;
        }
    }

    let failing = args
        .fail_on
        .threshold()
        .is_some_and(|t| hits.max_severity().is_some_and(|s| s >= t));
    Ok(if failing {
        Exit::Failures
    } else if !output.errors.is_empty() {
        Exit::Unreadable
    } else {
        Exit::Clean
    })
}

struct Summary {
    rules: usize,
    bundled: Option<(usize, usize)>,
}

fn render(
    format: TrailFormat,
    output: &ScanOutput,
    hits: &SortedHits,
    summary: &Summary,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        TrailFormat::Text => render_text(output, hits, summary, out),
        TrailFormat::Json => render_json(output, hits, out),
        TrailFormat::Csv => render_csv(hits, out),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn one_line(output: &ScanOutput, hits: &SortedHits) -> String {
    format!(
        "{} events in {} files ({}), {} hits, {} errors",
        output.events,
        output.files,
        megabytes(output.bytes),
        hits.len(),
        output.errors.len()
    )
}

fn render_text(
    output: &ScanOutput,
    hits: &SortedHits,
    summary: &Summary,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // Per rule: the count, and the severity and title of its first hit in report order.
    let mut per_rule: BTreeMap<String, (usize, Severity, String)> = BTreeMap::new();
    for hit in hits.iter()? {
        let hit = hit?;
        match per_rule.get_mut(&hit.rule_id) {
            Some(entry) => entry.0 += 1,
            None => {
                per_rule.insert(hit.rule_id.clone(), (1, hit.severity, hit.title.clone()));
            }
        }
        writeln!(
            out,
            "{}  {:<8}  {}  {}  {}  {}  {}",
            hit.event_time,
            hit.severity.as_str(),
            hit.rule_id,
            hit.principal.as_deref().unwrap_or("-"),
            hit.source_ip.as_deref().unwrap_or("-"),
            hit.event_name,
            hit.file
        )?;
    }
    if !hits.is_empty() {
        writeln!(out)?;
    }
    write!(
        out,
        "summary: {} events in {} files ({} decompressed, {} on disk)",
        output.events,
        output.files,
        megabytes(output.bytes),
        megabytes(output.disk_bytes),
    )?;
    if output.files_skipped > 0 {
        write!(out, ", {} files outside the filters", output.files_skipped)?;
    }
    if output.events_filtered > 0 {
        write!(out, ", {} events filtered out", output.events_filtered)?;
    }
    if output.duplicates > 0 {
        write!(out, ", {} duplicate events", output.duplicates)?;
    }
    writeln!(out)?;
    write!(out, "rules: {}", summary.rules)?;
    if let Some((loaded, total)) = summary.bundled {
        write!(out, " (bundled Sigma: {loaded} of {total} load)")?;
    }
    writeln!(out)?;
    writeln!(out, "hits: {}", hits.len())?;
    let width = per_rule.keys().map(|k| k.len()).max().unwrap_or(0);
    for (rule, (count, severity, title)) in &per_rule {
        writeln!(
            out,
            "  {count:>6}  {:<8}  {rule:<width$}  {title}",
            severity.as_str(),
        )?;
    }
    let files = output
        .errors
        .iter()
        .filter(|e| e.skipped == Skipped::File)
        .count();
    let records = output.errors.len() - files;
    writeln!(
        out,
        "errors: {} (files or parts of files skipped: {files}, records skipped: {records}){}",
        output.errors.len(),
        if output.errors.is_empty() {
            ""
        } else {
            "; listed on standard error"
        }
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    events: u64,
    files: usize,
    files_skipped: usize,
    events_filtered: u64,
    duplicates: u64,
    bytes: u64,
    disk_bytes: u64,
    errors: &'a [FileError],
    /// Streamed from the bounded store: serializes as the slice of hits would.
    hits: &'a SortedHits,
}

fn render_json(output: &ScanOutput, hits: &SortedHits, out: &mut dyn Write) -> std::io::Result<()> {
    let report = JsonReport {
        version: 1,
        events: output.events,
        files: output.files,
        files_skipped: output.files_skipped,
        events_filtered: output.events_filtered,
        duplicates: output.duplicates,
        bytes: output.bytes,
        disk_bytes: output.disk_bytes,
        errors: &output.errors,
        hits,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn source_name(source: RuleSource) -> &'static str {
    match source {
        RuleSource::Cis => "cis",
        RuleSource::Hipaa => "hipaa",
        RuleSource::Sigma => "sigma",
    }
}

fn render_csv(hits: &SortedHits, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "event_time",
        "severity",
        "rule_id",
        "source",
        "title",
        "event_source",
        "event_name",
        "principal",
        "source_ip",
        "region",
        "account",
        "event_id",
        "file",
    ])?;
    for h in hits.iter()? {
        let h = h?;
        w.write_record([
            h.event_time.as_str(),
            h.severity.as_str(),
            &h.rule_id,
            source_name(h.source),
            &h.title,
            &h.event_source,
            &h.event_name,
            h.principal.as_deref().unwrap_or(""),
            h.source_ip.as_deref().unwrap_or(""),
            h.region.as_deref().unwrap_or(""),
            h.account.as_deref().unwrap_or(""),
            h.event_id.as_deref().unwrap_or(""),
            &h.file,
        ])?;
    }
    w.flush()
}

#[derive(Serialize)]
struct RuleRow {
    id: String,
    source: RuleSource,
    severity: Severity,
    title: String,
    event_names: Option<Vec<String>>,
}

fn list(
    format: RulesFormat,
    dirs: &[PathBuf],
    no_builtin: bool,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let loaded = match load_rules(dirs, no_builtin) {
        Ok(loaded) => loaded,
        Err(e) => return usage(term, &e),
    };
    let rows: Vec<RuleRow> = loaded
        .rules
        .iter()
        .map(|r| RuleRow {
            id: r.id().to_string(),
            source: r.source(),
            severity: r.severity(),
            title: r.title().to_string(),
            event_names: r.event_names(),
        })
        .collect();
    let mut text = Vec::new();
    match format {
        RulesFormat::Table => {
            let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &rows {
                writeln!(
                    text,
                    "{:<width$}  {:<5}  {:<8}  {}",
                    r.id,
                    source_name(r.source),
                    r.severity.as_str(),
                    r.title
                )?;
            }
            if !loaded.analyzers.is_empty() {
                writeln!(
                    text,
                    "(+ {} stateful analyzers: failed sign-in bursts, new source IPs on PHI buckets)",
                    loaded.analyzers.len()
                )?;
            }
        }
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut text, &rows).map_err(std::io::Error::from)?;
            writeln!(text)?;
        }
        RulesFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut text);
            w.write_record(["id", "source", "severity", "title", "event_names"])
                .map_err(std::io::Error::from)?;
            for r in &rows {
                w.write_record([
                    r.id.as_str(),
                    source_name(r.source),
                    r.severity.as_str(),
                    &r.title,
                    &r.event_names
                        .as_ref()
                        .map(|n| n.join(" "))
                        .unwrap_or_default(),
                ])
                .map_err(std::io::Error::from)?;
            }
            w.flush()?;
        }
    }
    term.out.write_all(&text)?;
    term.out.flush()?;
    Ok(Exit::Clean)
}

fn lint(path: &Path, term: &mut Term<'_>) -> Result<Exit, Error> {
    if !path.exists() {
        return usage(
            term,
            &TrailError::Rules {
                path: path.to_path_buf(),
                reasons: "no such file or directory".to_string(),
            },
        );
    }
    let results = sigma::lint(path);
    let mut text = Vec::new();
    let mut bad = 0usize;
    for r in &results {
        if r.is_ok() {
            writeln!(
                text,
                "ok     {}  {}",
                r.file,
                r.title.as_deref().unwrap_or_default()
            )?;
        } else {
            bad += 1;
            writeln!(text, "error  {}", r.file)?;
            for p in &r.problems {
                writeln!(text, "         {p}")?;
            }
        }
    }
    writeln!(
        text,
        "{} of {} rules load",
        results.len() - bad,
        results.len()
    )?;
    term.out.write_all(&text)?;
    term.out.flush()?;
    Ok(if bad > 0 { Exit::Failures } else { Exit::Clean })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_times_parse() {
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("64"), Ok(64));
        assert!(parse_size("0").is_err() && parse_size("lots").is_err());
        assert_eq!(
            parse_time("2026-01-15").unwrap().to_string(),
            "2026-01-15T00:00:00Z"
        );
        assert!(parse_time("2026-01-15T00:00:00+02:00").is_ok());
        assert!(parse_time("yesterday").is_err());
    }
}
