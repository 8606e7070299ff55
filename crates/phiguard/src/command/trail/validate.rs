//! `phiguard trail validate`: log-file integrity validation (the offline equivalent of
//! `aws cloudtrail validate-logs`), done by `phiguard_trail::digest`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use jiff::Timestamp;
use phiguard_trail::digest::{
    self, ChainEnd, FileKind, FileReport, Folder, Problem, PublicKeys, ValidationReport, Verdict,
};
use serde::Serialize;

use super::{TrailError, parse_time, s3, usage};
use crate::{Error, Exit, Term};

pub(super) const HELP: &str = "\
Input: a folder holding a copy of the trail bucket as CloudTrail lays it out
([prefix/]AWSLogs/<account>/CloudTrail/... log files and .../CloudTrail-Digest/... digest
files; the bucket root, a folder above it, or one below AWSLogs/), or several files and
folders. Every digest is checked: its location, its RSA signature, the SHA-256 its successor
recorded, the link to its predecessor; every log file it lists must exist and hash to the
recorded value, and log files no digest lists are reported.

Signatures: a digest is signed by the next digest's previousDigestSignature; the newest digest
of a chain is signed by S3 object metadata (x-amz-meta-signature), which a folder copy loses:
save that hex value next to it as `<digest file name>.sig` (e.g. from `aws s3api head-object`),
or the newest digest and the log files it lists are reported as unverified.

Public keys (--public-keys, repeatable): the JSON printed by
`aws cloudtrail list-public-keys --start-time ... --end-time ...` in the trail's home region:
  {\"PublicKeyList\": [{\"Value\": \"<base64 DER RSA public key>\", \"Fingerprint\": \"<hex>\",
    \"ValidityStartTime\": \"2026-01-01T00:00:00Z\", \"ValidityEndTime\": \"...\"}]}
Value may be PKCS#1 or SubjectPublicKeyInfo DER; times RFC 3339 or epoch seconds. Without
keys, hashes and chain links are still checked but no signature is, and every file is at
best unverified.

S3: `trail validate s3://bucket[/prefix]` validates the bucket in place (one s3:// URL, not
mixed with paths): digests are listed under CloudTrail-Digest/ and log files under
CloudTrail/, only for --account, --region and the period (plus a day each side, to link the
chain); the newest digest's signature is read from its S3 metadata (x-amz-meta-signature);
without --public-keys the keys come from CloudTrail ListPublicKeys in each digest region for
the digests' time span. Prefixes or objects that cannot be read, and public keys that cannot
be listed, are errors (exit 4 at least); a bucket that cannot be read stops the command.

Exit codes:
  0  no evidence of tampering (files may still be unverified: see the verdict)
  1  integrity fails: a modified, missing, moved or unlisted file, a bad signature, a chain
     gap, a reordered or forked chain
  2  usage error (bad flags, unreadable key file, unreadable input folder)
  4  some files could not be read, or no digest file was found; nothing failed otherwise";

/// `phiguard trail validate`.
#[derive(Debug, Args)]
pub struct TrailValidateArgs {
    /// A copy of the trail bucket (or part of it), or digest and log files; or one
    /// s3://bucket/prefix.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// CloudTrail public keys: `aws cloudtrail list-public-keys` JSON; repeatable.
    #[arg(long = "public-keys", value_name = "FILE")]
    pub public_keys: Vec<PathBuf>,

    /// Only digests whose period overlaps [since, until] and log files named for a time in it
    /// (RFC 3339, or a date: midnight UTC).
    #[arg(long, visible_alias = "start", value_name = "TIME", value_parser = parse_time)]
    pub since: Option<Timestamp>,

    /// End of the period (see --since).
    #[arg(long, visible_alias = "end", value_name = "TIME", value_parser = parse_time)]
    pub until: Option<Timestamp>,

    /// s3:// input: list only this account's digests and logs.
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub account: Option<String>,

    /// s3:// input: list only this region's digests and logs.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    #[command(flatten)]
    pub s3: s3::S3Args,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `trail validate` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Files with problems, chains and a verdict.
    Text,
    /// `{"version":1, ...}` with every file, chain and the summary.
    Json,
}

/// Runs `phiguard trail validate`.
pub fn run(args: &TrailValidateArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since >= until
    {
        return usage(term, &TrailError::Period { since, until });
    }
    let inputs = match s3::split(&args.paths) {
        Ok(inputs) => inputs,
        Err(reason) => return usage(term, &TrailError::Input { reason }),
    };
    if !inputs.urls.is_empty() && inputs.urls.len() + inputs.paths.len() > 1 {
        let reason = "validate one s3:// URL, or files and folders (not both)".to_string();
        return usage(term, &TrailError::Input { reason });
    }
    if inputs.urls.is_empty() && (args.account.is_some() || args.region.is_some()) {
        let reason = "--account and --region choose what is listed in S3: they need an \
                      s3:// input (a folder is validated whole)"
            .to_string();
        return usage(term, &TrailError::Input { reason });
    }
    let mut keys = PublicKeys::new();
    for path in &args.public_keys {
        let loaded = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| PublicKeys::from_json(&bytes).map_err(|e| e.to_string()));
        match loaded {
            Ok(more) => keys.extend(more),
            Err(reason) => {
                return usage(
                    term,
                    &TrailError::Keys {
                        path: path.clone(),
                        reason,
                    },
                );
            }
        }
    }
    let window = (args.since.is_some() || args.until.is_some()).then(|| {
        (
            args.since.unwrap_or(Timestamp::MIN),
            args.until.unwrap_or(Timestamp::MAX),
        )
    });
    let checked = match inputs.urls.first() {
        Some(url) => validate_s3(url, args, keys, window, now),
        None => {
            let source = Folder::of(args.paths.clone());
            digest::validate_source(&source, &keys, window)
                .map(|report| (report, keys, Vec::new()))
                .map_err(|e| e.to_string())
        }
    };
    let (report, keys, errors) = match checked {
        Ok(checked) => checked,
        Err(reason) => return usage(term, &TrailError::Input { reason }),
    };
    if keys.is_empty() {
        writeln!(
            term.err,
            "warning: no public keys (--public-keys{}): signatures are not checked (hashes and chain links are)",
            if inputs.urls.is_empty() {
                ""
            } else {
                ", or CloudTrail ListPublicKeys"
            }
        )?;
    }
    for e in &errors {
        writeln!(term.err, "error: {e}")?;
    }
    if report.digests.is_empty() {
        writeln!(
            term.err,
            "error: no digest file found (digests are under AWSLogs/<account>/CloudTrail-Digest/)"
        )?;
    }
    let mut text = Vec::new();
    match args.format {
        ValidateFormat::Text => render_text(&report, &mut text)?,
        ValidateFormat::Json => {
            #[derive(Serialize)]
            struct Versioned<'a> {
                version: u32,
                #[serde(flatten)]
                report: &'a ValidationReport,
                /// S3 prefixes, objects or public keys that could not be read.
                #[serde(skip_serializing_if = "<[String]>::is_empty")]
                errors: &'a [String],
            }
            serde_json::to_writer_pretty(
                &mut text,
                &Versioned {
                    version: 1,
                    report: &report,
                    errors: &errors,
                },
            )
            .map_err(std::io::Error::from)?;
            writeln!(text)?;
        }
    }
    match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?,
        None => {
            term.out.write_all(&text)?;
            term.out.flush()?;
        }
    }

    let unreadable = report.digests.iter().chain(&report.logs).any(|f| {
        f.problems
            .iter()
            .any(|p| matches!(p, Problem::Unreadable { .. }))
    });
    let invalid = report.digests.iter().chain(&report.logs).any(|f| {
        f.problems
            .iter()
            .any(|p| p.verdict() == Verdict::Invalid && !matches!(p, Problem::Unreadable { .. }))
    });
    Ok(if invalid {
        Exit::Failures
    } else if unreadable || report.digests.is_empty() || !errors.is_empty() {
        Exit::Unreadable
    } else {
        Exit::Clean
    })
}

/// What a validation produced: the report, the keys used, and the errors outside the report
/// (S3 prefixes and objects that could not be read, public keys that could not be listed).
type Checked = (ValidationReport, PublicKeys, Vec<String>);

/// Validates an S3 bucket in place; the public keys come from `ListPublicKeys` unless given.
#[cfg(feature = "aws")]
fn validate_s3(
    url: &phiguard_trail::s3_layout::S3Url,
    args: &TrailValidateArgs,
    mut keys: PublicKeys,
    window: Option<(Timestamp, Timestamp)>,
    now: Timestamp,
) -> Result<Checked, String> {
    use phiguard_trail::digest::ObjectSource as _;
    use phiguard_trail::s3_layout::TrailFolder;

    let session = s3::open(&args.s3)?;
    let mut scope = s3::scope(
        args.account.as_deref(),
        args.region.as_deref(),
        args.since,
        args.until,
        now,
    );
    scope.folders = vec![TrailFolder::Logs, TrailFolder::Digests];
    let bucket = session.source().bucket(url.clone(), scope);
    bucket.list().map_err(|e| e.to_string())?;
    let mut errors = Vec::new();
    if keys.is_empty() {
        let (regions, span) = bucket.digest_span();
        if let Some((from, to)) = span {
            let (listed, failed) = session.source().public_keys(&regions, from, to);
            keys = listed;
            for (region, e) in failed {
                errors.push(format!(
                    "cannot list the CloudTrail public keys of {region} (ListPublicKeys): {e}; \
                     give them with --public-keys"
                ));
            }
        }
    }
    let report = digest::validate_source(&bucket, &keys, window).map_err(|e| e.to_string())?;
    errors.extend(bucket.errors());
    session
        .finish(args.s3.operations_log.as_deref())
        .map_err(|e| e.to_string())?;
    Ok((report, keys, errors))
}

/// Without AWS support, S3 cannot be read.
#[cfg(not(feature = "aws"))]
fn validate_s3(
    url: &phiguard_trail::s3_layout::S3Url,
    args: &TrailValidateArgs,
    keys: PublicKeys,
    window: Option<(Timestamp, Timestamp)>,
    now: Timestamp,
) -> Result<Checked, String> {
    let _ = (url, keys, window, now);
    s3::open(&args.s3).and(Err("s3:// inputs need AWS support".to_string()))
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => "VALID",
        Verdict::Unverified => "UNVERIFIED",
        Verdict::Invalid => "INVALID",
    }
}

/// One problem in words.
fn describe(problem: &Problem) -> String {
    match problem {
        Problem::Unsigned => "unsigned: no later digest signs it and its S3 signature is not \
             available (save `x-amz-meta-signature` as `<file>.sig`)"
            .to_string(),
        Problem::BadSignature { signature_from } => {
            format!("bad signature: the signature in {signature_from} does not verify")
        }
        Problem::UnknownKey { fingerprint } => {
            format!("unknown key: no public key with fingerprint `{fingerprint}` (--public-keys)")
        }
        Problem::KeyNotValidAt { time } => {
            format!("key not valid at {time}: the signing key's validity does not cover it")
        }
        Problem::UnsupportedAlgorithm { algorithm } => {
            format!("unsupported algorithm `{algorithm}`")
        }
        Problem::Modified { expected, actual } => {
            format!("modified: SHA-256 is {actual}, {expected} was recorded")
        }
        Problem::Missing { referenced_by } => {
            format!("missing: deleted or not copied (listed by {referenced_by})")
        }
        Problem::Unlisted => "unlisted: no digest lists this log file".to_string(),
        Problem::Moved { claimed } => format!("moved: found where {claimed} belongs elsewhere"),
        Problem::ChainGap { missing } => {
            format!("chain gap: the previous digest {missing} is not there")
        }
        Problem::Reordered {
            previous,
            previous_end_time,
            start_time,
        } => format!(
            "reordered chain: its previous digest {previous} ends at {previous_end_time}, \
             after this one starts ({start_time})"
        ),
        Problem::Forked { successors } => format!(
            "forked chain: named as previous by {} digests ({})",
            successors.len(),
            successors.join(", ")
        ),
        Problem::UnverifiedDigest { digest } => {
            format!("unverified: listed only by {digest}, which is not verified")
        }
        Problem::Unreadable { error } => format!("unreadable: {error}"),
    }
}

fn kind_word(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Digest => "digest",
        FileKind::Log => "log",
    }
}

fn render_file(file: &FileReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<10}  {:<6}  {}",
        verdict_word(file.verdict),
        kind_word(file.kind),
        file.object
    )?;
    if let Some(path) = &file.path
        && *path != file.object
    {
        writeln!(out, "{:<10}  {:<6}  at {path}", "", "")?;
    }
    for problem in &file.problems {
        writeln!(out, "{:<10}  {:<6}  - {}", "", "", describe(problem))?;
    }
    Ok(())
}

fn render_text(report: &ValidationReport, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let mut files: Vec<&FileReport> = report.problems().collect();
    // Worst first, then digests before logs, then by key.
    files.sort_by(|a, b| (b.verdict, a.kind, &a.object).cmp(&(a.verdict, b.kind, &b.object)));
    for file in &files {
        render_file(file, out)?;
    }
    if !files.is_empty() {
        writeln!(out)?;
    }
    if !report.chains.is_empty() {
        writeln!(out, "chains:")?;
    }
    for chain in &report.chains {
        let end = match &chain.end {
            ChainEnd::Start => "back to a starting digest".to_string(),
            ChainEnd::Gap { missing } => format!("broken: {missing} is not there"),
            ChainEnd::Window => "back to the start of the period".to_string(),
            ChainEnd::Cycle => "loops back on itself".to_string(),
        };
        writeln!(
            out,
            "  {} digest{}, {} to {}, {end}: newest {}",
            chain.length,
            if chain.length == 1 { "" } else { "s" },
            chain.oldest_start_time,
            chain.newest_end_time,
            chain.newest
        )?;
    }
    if let Some((from, to)) = report.window {
        let show = |t: Timestamp, open: &str| {
            if t == Timestamp::MIN || t == Timestamp::MAX {
                open.to_string()
            } else {
                t.to_string()
            }
        };
        writeln!(
            out,
            "period: {} to {}",
            show(from, "the beginning"),
            show(to, "now")
        )?;
    }
    writeln!(
        out,
        "digests: {} ({} verified); log files: {} ({} verified)",
        s.digests, s.digests_valid, s.logs, s.logs_valid
    )?;
    if !s.problems.is_empty() {
        let by_kind: BTreeMap<&str, usize> =
            s.problems.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let list: Vec<String> = by_kind.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "problems: {}", list.join(", "))?;
    }
    let verdict = match s.verdict {
        None => "nothing validated (no digest or log file found)",
        Some(Verdict::Valid) => "VALID: every digest and log file verified",
        Some(Verdict::Unverified) => {
            "UNVERIFIED: no evidence of tampering, but some files could not be verified"
        }
        Some(Verdict::Invalid) => "INVALID: evidence of tampering, loss or a broken chain",
    };
    writeln!(out, "verdict: {verdict}")
}
