//! Log-file integrity validation, the offline equivalent of `aws cloudtrail validate-logs`.
//!
//! Input: a folder holding a copy of the trail bucket as CloudTrail lays it out
//! (`[prefix/]AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz` log files and
//! `[prefix/]AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/*.json.gz` digests; the
//! folder may be the bucket root, a folder above it, or one below `AWSLogs/`). Files are
//! matched to the S3 keys named in digests by file name and trailing path components.
//!
//! For every digest (as in `validation.py` of the AWS CLI):
//! 1. its location must match its own `digestS3Object` ([`Problem::Moved`]);
//! 2. its RSA PKCS#1 v1.5 SHA-256 signature over [`DigestFile::signing_string`] is verified
//!    with the key named by `digestPublicKeyFingerprint` ([`Problem::BadSignature`],
//!    [`Problem::UnknownKey`]). The signature is the next digest's `previousDigestSignature`;
//!    for the newest digest of a chain it is S3 object metadata (`x-amz-meta-signature`),
//!    which a folder copy loses. **Sidecar convention:** a file `<digest file name>.sig` next
//!    to the digest holding that hex value is used when present; without it the digest is
//!    [`Problem::Unsigned`] ("signature not available offline"), never valid;
//! 3. the next digest's `previousDigestHashValue` must equal the SHA-256 of this digest's
//!    uncompressed bytes ([`Problem::Modified`]);
//! 4. its `previousDigestS3Object` must exist ([`Problem::ChainGap`] here and a
//!    [`Problem::Missing`] entry for the absent digest) unless it is a starting digest (null
//!    `previousDigest*` fields), and the previous digest must end no later than this one
//!    starts ([`Problem::Reordered`]);
//! 5. every listed log file must exist ([`Problem::Missing`]) and hash (uncompressed) to the
//!    listed value ([`Problem::Modified`]). A log listed only by a digest that is not itself
//!    verified gets [`Problem::UnverifiedDigest`]. Log files present in the folder that no
//!    digest lists are [`Problem::Unlisted`].
//!
//! Sources: [`validate`] reads a folder; [`validate_source`] reads any [`ObjectSource`] (list
//! keys, open one, and the newest digest's signature, which an S3 source takes from the
//! object metadata instead of a sidecar). Keys: [`PublicKeys`] from saved
//! `aws cloudtrail list-public-keys` output ([`PublicKeys::from_json`]) or built key by key
//! ([`PublicKeys::insert_der`], e.g. from `ListPublicKeys` called with the AWS SDK).

mod format;
mod keys;
mod source;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufRead as _, Read};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use phiguard_model::Timestamp;

pub use format::{DigestFile, LogFileEntry};
pub use keys::{KeyError, PublicKey, PublicKeys};
pub use source::{Folder, ObjectSource, kind_of};

/// File name suffix of the sidecar holding the newest digest's hex signature.
pub const SIGNATURE_SIDECAR_SUFFIX: &str = ".sig";

/// Why validation could not start at all (per-file problems are in the report).
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// The folder cannot be listed.
    #[error("cannot read `{path}`: {message}")]
    Root {
        /// The folder.
        path: String,
        /// The I/O error.
        message: String,
    },
}

/// Digest or log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// A digest file.
    Digest,
    /// A log file.
    Log,
}

/// Overall verdict for a file or a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Verified: no problem.
    Valid,
    /// Not disproved, but not verified either (unsigned newest digest, unknown key, a log
    /// listed by an unverified digest).
    Unverified,
    /// Evidence of tampering, loss or a broken chain.
    Invalid,
}

/// One problem with one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// Digest: the signature is not available offline (newest digest without sidecar).
    Unsigned,
    /// Digest: the signature does not verify with the named key.
    BadSignature {
        /// Where the signature came from (`previousDigestSignature of <key>` or the sidecar).
        signature_from: String,
    },
    /// Digest: no key with the digest's fingerprint in the key file.
    UnknownKey {
        /// `digestPublicKeyFingerprint` (empty if absent).
        fingerprint: String,
    },
    /// Digest: the key exists but its validity window does not cover `digestEndTime`.
    KeyNotValidAt {
        /// `digestEndTime`.
        time: String,
    },
    /// Digest: an algorithm other than `SHA256withRSA` / `SHA-256`.
    UnsupportedAlgorithm {
        /// The algorithm named.
        algorithm: String,
    },
    /// Digest or log: the SHA-256 of the uncompressed content differs from the recorded one.
    Modified {
        /// Hash recorded (next digest's `previousDigestHashValue`, or the `logFiles[]` entry).
        expected: String,
        /// Hash of the file as found.
        actual: String,
    },
    /// Digest or log: named (as a previous digest or in `logFiles[]`) but not in the folder.
    Missing {
        /// The digest that names it.
        referenced_by: String,
    },
    /// Log: present in the folder but listed in no digest.
    Unlisted,
    /// Digest or log: found under a path that does not match the S3 key it claims or is
    /// listed under (moved or swapped files).
    Moved {
        /// The S3 key the file claims or is listed under.
        claimed: String,
    },
    /// Digest: its previous digest is not in the folder (the chain is broken here).
    ChainGap {
        /// `previousDigestS3Object`.
        missing: String,
    },
    /// Digest: the previous digest in the chain does not precede it in time.
    Reordered {
        /// The previous digest.
        previous: String,
        /// Its `digestEndTime`.
        previous_end_time: String,
        /// This digest's `digestStartTime`.
        start_time: String,
    },
    /// Digest: more than one digest names it as previous (a forked chain).
    Forked {
        /// The digests naming it.
        successors: Vec<String>,
    },
    /// Log: listed only by digests that are not verified themselves.
    UnverifiedDigest {
        /// The listing digest.
        digest: String,
    },
    /// The file cannot be read, decompressed or parsed.
    Unreadable {
        /// Why.
        error: String,
    },
}

impl Problem {
    /// A short snake_case name (`bad_signature`).
    pub fn name(&self) -> &'static str {
        match self {
            Problem::Unsigned => "unsigned",
            Problem::BadSignature { .. } => "bad_signature",
            Problem::UnknownKey { .. } => "unknown_key",
            Problem::KeyNotValidAt { .. } => "key_not_valid_at",
            Problem::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Problem::Modified { .. } => "modified",
            Problem::Missing { .. } => "missing",
            Problem::Unlisted => "unlisted",
            Problem::Moved { .. } => "moved",
            Problem::ChainGap { .. } => "chain_gap",
            Problem::Reordered { .. } => "reordered",
            Problem::Forked { .. } => "forked",
            Problem::UnverifiedDigest { .. } => "unverified_digest",
            Problem::Unreadable { .. } => "unreadable",
        }
    }

    /// How bad it is.
    pub fn verdict(&self) -> Verdict {
        match self {
            Problem::Unsigned
            | Problem::UnknownKey { .. }
            | Problem::KeyNotValidAt { .. }
            | Problem::UnsupportedAlgorithm { .. }
            | Problem::UnverifiedDigest { .. } => Verdict::Unverified,
            _ => Verdict::Invalid,
        }
    }
}

/// The result for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// Digest or log.
    pub kind: FileKind,
    /// The S3 key (`digestS3Object`, a `logFiles[].s3Object`), or for a file no digest names,
    /// its path relative to the folder.
    pub object: String,
    /// Path relative to the folder (`/`-separated), if the file is present.
    pub path: Option<String>,
    /// `Valid` if no problem, else the worst problem's verdict.
    pub verdict: Verdict,
    /// What is wrong, in check order.
    pub problems: Vec<Problem>,
    /// Digest: `digestStartTime`; log: the listing's `oldestEventTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Digest: `digestEndTime`; log: the listing's `newestEventTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Log: the digest(s) listing it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listed_in: Vec<String>,
}

impl FileReport {
    fn new(kind: FileKind, object: String, path: Option<String>) -> FileReport {
        FileReport {
            kind,
            object,
            path,
            verdict: Verdict::Valid,
            problems: Vec::new(),
            start_time: None,
            end_time: None,
            listed_in: Vec::new(),
        }
    }

    fn finish(mut self) -> FileReport {
        self.verdict = self
            .problems
            .iter()
            .map(Problem::verdict)
            .max()
            .unwrap_or(Verdict::Valid);
        self
    }

    /// The problem names, for compact assertions and listings.
    pub fn problem_names(&self) -> Vec<&'static str> {
        self.problems.iter().map(Problem::name).collect()
    }
}

/// How a chain ends, walking back from its newest digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "end", rename_all = "snake_case")]
pub enum ChainEnd {
    /// At a starting digest (null `previousDigest*`): a legitimate start.
    Start,
    /// At a digest whose previous digest is absent.
    Gap {
        /// The absent `previousDigestS3Object`.
        missing: String,
    },
    /// At the start of the requested window.
    Window,
    /// The chain loops back on itself.
    Cycle,
}

/// One chain of digests, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Newest digest (`digestS3Object`).
    pub newest: String,
    /// Oldest digest reached.
    pub oldest: String,
    /// Number of digests walked.
    pub length: usize,
    /// `digestEndTime` of the newest digest.
    pub newest_end_time: String,
    /// `digestStartTime` of the oldest digest reached.
    pub oldest_start_time: String,
    /// How the walk ended.
    #[serde(flatten)]
    pub end: ChainEnd,
}

/// Counts over a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Worst verdict over every file (`Valid` only if everything verified).
    pub verdict: Option<Verdict>,
    /// Digests reported.
    pub digests: usize,
    /// Digests verified.
    pub digests_valid: usize,
    /// Log files reported.
    pub logs: usize,
    /// Log files verified.
    pub logs_valid: usize,
    /// Problems by name, per file kind (`digest.bad_signature`, `log.modified`).
    pub problems: BTreeMap<String, usize>,
}

/// The result of [`validate`]: per-file results, chains and a summary; serialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationReport {
    /// Window asked for, if any.
    pub window: Option<(Timestamp, Timestamp)>,
    /// Digests, ordered by key.
    pub digests: Vec<FileReport>,
    /// Log files, ordered by key.
    pub logs: Vec<FileReport>,
    /// Chains, ordered by newest digest.
    pub chains: Vec<ChainReport>,
    /// Counts.
    pub summary: Summary,
}

impl ValidationReport {
    /// The report of the file with this S3 key or relative path, if any.
    pub fn file(&self, kind: FileKind, object_or_path: &str) -> Option<&FileReport> {
        let list = match kind {
            FileKind::Digest => &self.digests,
            FileKind::Log => &self.logs,
        };
        list.iter()
            .find(|f| f.object == object_or_path || f.path.as_deref() == Some(object_or_path))
    }

    /// Every file with at least one problem.
    pub fn problems(&self) -> impl Iterator<Item = &FileReport> {
        self.digests
            .iter()
            .chain(self.logs.iter())
            .filter(|f| !f.problems.is_empty())
    }
}

/// Validates the digest chains and log files under `root` (see the module docs). `window`
/// limits the report to digests whose period overlaps it and to log files named for a time
/// inside it; digests outside it are still read to link the chain.
pub fn validate(
    root: &Path,
    keys: &PublicKeys,
    window: Option<(Timestamp, Timestamp)>,
) -> Result<ValidationReport, ValidateError> {
    validate_source(&Folder::new(root), keys, window)
}

/// [`validate`] over any [`ObjectSource`]: files on disk ([`Folder`]), an S3 bucket, ...
pub fn validate_source(
    source: &dyn ObjectSource,
    keys: &PublicKeys,
    window: Option<(Timestamp, Timestamp)>,
) -> Result<ValidationReport, ValidateError> {
    let files = Files::new(source.list()?);
    Ok(Validator {
        source,
        files,
        keys,
        window,
    }
    .run())
}

// ---------------------------------------------------------------------------------------
// Files in the source.

struct Files {
    digests: Vec<String>,
    logs: Vec<String>,
    /// Basename → keys with that name.
    by_name: HashMap<String, Vec<String>>,
}

impl Files {
    fn new(listed: Vec<(String, FileKind)>) -> Files {
        let mut files = Files {
            digests: Vec::new(),
            logs: Vec::new(),
            by_name: HashMap::new(),
        };
        for (key, kind) in listed {
            match kind {
                FileKind::Digest => files.digests.push(key.clone()),
                FileKind::Log => files.logs.push(key.clone()),
            }
            files
                .by_name
                .entry(basename(&key).to_string())
                .or_default()
                .push(key);
        }
        files.digests.sort();
        files.logs.sort();
        for keys in files.by_name.values_mut() {
            keys.sort();
        }
        files
    }
}

/// Where the file for an S3 key is.
enum Located {
    /// Found at a path matching the key's trailing components.
    Exact(String),
    /// A file of that name exists, at a path that does not match the key.
    Elsewhere(String),
    Absent,
}

fn basename(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// Whether one `/`-path ends with the other on a component boundary.
fn aligned(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    long == short
        || (long.ends_with(short)
            && long.as_bytes().get(long.len() - short.len() - 1) == Some(&b'/'))
}

impl Files {
    fn locate(&self, key: &str) -> Located {
        let Some(candidates) = self.by_name.get(basename(key)) else {
            return Located::Absent;
        };
        if let Some(rel) = candidates.iter().find(|rel| aligned(rel, key)) {
            return Located::Exact(rel.clone());
        }
        match candidates.first() {
            Some(rel) => Located::Elsewhere(rel.clone()),
            None => Located::Absent,
        }
    }
}

/// Reads an object, gunzipping it when it starts with the gzip magic (multi-member aware).
fn read_uncompressed(source: &dyn ObjectSource, key: &str) -> io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    source.open(key)?.read_to_end(&mut raw)?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len().saturating_mul(8));
        flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// SHA-256 of an object's uncompressed content, streamed.
fn hash_uncompressed(source: &dyn ObjectSource, key: &str) -> io::Result<String> {
    let mut input = io::BufReader::with_capacity(64 * 1024, source.open(key)?);
    let gzip = input.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn Read + '_> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(input))
    } else {
        Box::new(input)
    };
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The time in a log file name (`..._20230710T1230Z_...`), if it has one.
fn name_time(key: &str) -> Option<Timestamp> {
    basename(key).split('_').find_map(|part| {
        let b = part.as_bytes();
        let ok = b.len() == 14
            && b[8] == b'T'
            && b[13] == b'Z'
            && b[..8].iter().all(u8::is_ascii_digit)
            && b[9..13].iter().all(u8::is_ascii_digit);
        if !ok {
            return None;
        }
        format!(
            "{}-{}-{}T{}:{}:00Z",
            &part[0..4],
            &part[4..6],
            &part[6..8],
            &part[9..11],
            &part[11..13]
        )
        .parse()
        .ok()
    })
}

fn time(text: &str) -> Option<Timestamp> {
    text.parse().ok()
}

// ---------------------------------------------------------------------------------------
// Validation.

/// The `logFiles[]` entries naming one key, with the index of the listing digest.
type Listing<'a> = Vec<(&'a LogFileEntry, usize)>;

struct Parsed {
    rel: String,
    sha256: String,
    file: DigestFile,
}

struct Validator<'k> {
    source: &'k dyn ObjectSource,
    files: Files,
    keys: &'k PublicKeys,
    window: Option<(Timestamp, Timestamp)>,
}

impl Validator<'_> {
    fn in_window(&self, start: Option<Timestamp>, end: Option<Timestamp>) -> bool {
        match self.window {
            None => true,
            Some((from, to)) => end.is_none_or(|e| e >= from) && start.is_none_or(|s| s <= to),
        }
    }

    fn run(self) -> ValidationReport {
        // 1. Read and parse every digest.
        let read: Vec<(String, Result<Parsed, String>)> = self
            .files
            .digests
            .par_iter()
            .map(|rel| {
                let parsed = read_uncompressed(self.source, rel)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| {
                        let sha256 = hex::encode(Sha256::digest(&bytes));
                        DigestFile::from_json(&bytes)
                            .map(|file| Parsed {
                                rel: rel.clone(),
                                sha256,
                                file,
                            })
                            .map_err(|e| format!("not a digest file: {e}"))
                    });
                (rel.clone(), parsed)
            })
            .collect();
        let mut reports: Vec<FileReport> = Vec::new();
        let mut parsed: Vec<Parsed> = Vec::new();
        for (rel, result) in read {
            match result {
                Ok(p) => parsed.push(p),
                Err(error) => {
                    let mut report = FileReport::new(FileKind::Digest, rel.clone(), Some(rel));
                    report.problems.push(Problem::Unreadable { error });
                    reports.push(report.finish());
                }
            }
        }

        // 2. Index by the (bucket, key) each digest claims; prefer one at the right place.
        let mut by_object: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, p) in parsed.iter().enumerate() {
            let key = (
                p.file.digest_s3_bucket.as_str(),
                p.file.digest_s3_object.as_str(),
            );
            let here = aligned(&p.rel, &p.file.digest_s3_object);
            match by_object.get(&key) {
                Some(&j) if aligned(&parsed[j].rel, &parsed[j].file.digest_s3_object) || !here => {}
                _ => {
                    by_object.insert(key, i);
                }
            }
        }
        let previous_of = |p: &Parsed| -> Option<Option<usize>> {
            let object = p.file.previous_digest_s3_object.as_deref()?;
            let bucket = p
                .file
                .previous_digest_s3_bucket
                .as_deref()
                .unwrap_or(&p.file.digest_s3_bucket);
            Some(by_object.get(&(bucket, object)).copied())
        };
        let mut successors: Vec<Vec<usize>> = vec![Vec::new(); parsed.len()];
        for (i, p) in parsed.iter().enumerate() {
            if let Some(Some(j)) = previous_of(p) {
                successors[j].push(i);
            }
        }

        // 3. Check each digest.
        let mut verified = vec![false; parsed.len()];
        let mut missing_digests: BTreeMap<String, String> = BTreeMap::new();
        for (i, p) in parsed.iter().enumerate() {
            let start = time(&p.file.digest_start_time);
            let end = time(&p.file.digest_end_time);
            let mut report = FileReport::new(
                FileKind::Digest,
                p.file.digest_s3_object.clone(),
                Some(p.rel.clone()),
            );
            report.start_time = Some(p.file.digest_start_time.clone());
            report.end_time = Some(p.file.digest_end_time.clone());
            let problems = &mut report.problems;

            if !aligned(&p.rel, &p.file.digest_s3_object) {
                problems.push(Problem::Moved {
                    claimed: p.file.digest_s3_object.clone(),
                });
            }
            if let Some(algorithm) = p.file.digest_signature_algorithm.as_deref()
                && algorithm != "SHA256withRSA"
            {
                problems.push(Problem::UnsupportedAlgorithm {
                    algorithm: algorithm.to_string(),
                });
            }

            // Signature: from the next digest, or the sidecar.
            let succ = &successors[i];
            if succ.len() > 1 {
                problems.push(Problem::Forked {
                    successors: succ
                        .iter()
                        .map(|&s| parsed[s].file.digest_s3_object.clone())
                        .collect(),
                });
            }
            let signature: Option<(String, String)> = match succ.first() {
                Some(&s) => parsed[s].file.previous_digest_signature.clone().map(|sig| {
                    (
                        sig,
                        format!(
                            "previousDigestSignature of {}",
                            parsed[s].file.digest_s3_object
                        ),
                    )
                }),
                None => self.source.newest_signature(&p.rel),
            };
            let fingerprint = p
                .file
                .digest_public_key_fingerprint
                .clone()
                .unwrap_or_default();
            let candidates: Vec<&PublicKey> = self.keys.by_fingerprint(&fingerprint).collect();
            match signature {
                None => problems.push(Problem::Unsigned),
                Some(_) if candidates.is_empty() => problems.push(Problem::UnknownKey {
                    fingerprint: fingerprint.clone(),
                }),
                Some((sig_hex, from)) => {
                    let message = p.file.signing_string(&p.sha256);
                    let hashed = Sha256::digest(message.as_bytes());
                    let good = hex::decode(sig_hex.trim()).is_ok_and(|sig| {
                        candidates.iter().any(|k| {
                            k.key
                                .verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &hashed, &sig)
                                .is_ok()
                        })
                    });
                    if !good {
                        problems.push(Problem::BadSignature {
                            signature_from: from,
                        });
                    } else if let Some(at) = end
                        && !candidates.iter().any(|k| k.valid_at(at))
                    {
                        problems.push(Problem::KeyNotValidAt {
                            time: p.file.digest_end_time.clone(),
                        });
                    }
                }
            }

            // The next digest's record of this one's hash.
            if let Some(&s) = succ.first() {
                let next = &parsed[s].file;
                if let Some(expected) = next.previous_digest_hash_value.as_deref()
                    && !expected.eq_ignore_ascii_case(&p.sha256)
                {
                    problems.push(Problem::Modified {
                        expected: expected.to_ascii_lowercase(),
                        actual: p.sha256.clone(),
                    });
                }
                if let Some(algorithm) = next.previous_digest_hash_algorithm.as_deref()
                    && algorithm != "SHA-256"
                {
                    problems.push(Problem::UnsupportedAlgorithm {
                        algorithm: algorithm.to_string(),
                    });
                }
            }

            // The link to the previous digest.
            match previous_of(p) {
                None => {}
                Some(Some(j)) => {
                    let prev = &parsed[j].file;
                    if let (Some(prev_end), Some(this_start)) = (time(&prev.digest_end_time), start)
                        && prev_end > this_start
                    {
                        problems.push(Problem::Reordered {
                            previous: prev.digest_s3_object.clone(),
                            previous_end_time: prev.digest_end_time.clone(),
                            start_time: p.file.digest_start_time.clone(),
                        });
                    }
                }
                Some(None) => {
                    let before_window = self
                        .window
                        .is_some_and(|(from, _)| start.is_some_and(|s| s <= from));
                    if !before_window && let Some(missing) = &p.file.previous_digest_s3_object {
                        problems.push(Problem::ChainGap {
                            missing: missing.clone(),
                        });
                        // A digest present but unreadable is reported as such, not as missing.
                        if !matches!(self.files.locate(missing), Located::Exact(_)) {
                            missing_digests
                                .entry(missing.clone())
                                .or_insert_with(|| p.file.digest_s3_object.clone());
                        }
                    }
                }
            }

            verified[i] = problems.is_empty();
            if self.in_window(start, end) {
                reports.push(report.finish());
            }
        }
        for (missing, referenced_by) in missing_digests {
            let mut report = FileReport::new(FileKind::Digest, missing, None);
            report.problems.push(Problem::Missing { referenced_by });
            reports.push(report.finish());
        }
        reports.sort_by(|a, b| a.object.cmp(&b.object));

        // 4. Log files listed by the digests.
        let mut listings: BTreeMap<&str, Listing<'_>> = BTreeMap::new();
        for (i, p) in parsed.iter().enumerate() {
            for entry in &p.file.log_files {
                listings
                    .entry(&entry.s3_object)
                    .or_default()
                    .push((entry, i));
            }
        }
        let mut matched: HashSet<String> = HashSet::new();
        let mut jobs: Vec<(&str, Listing<'_>, Located)> = Vec::new();
        for (key, list) in listings {
            let in_window = list.iter().any(|(_, i)| {
                let f = &parsed[*i].file;
                self.in_window(time(&f.digest_start_time), time(&f.digest_end_time))
            });
            let located = self.files.locate(key);
            if let Located::Exact(rel) | Located::Elsewhere(rel) = &located {
                matched.insert(rel.clone());
            }
            if in_window {
                jobs.push((key, list, located));
            }
        }
        let mut logs: Vec<FileReport> = jobs
            .into_par_iter()
            .map(|(key, list, located)| {
                let (path, moved) = match located {
                    Located::Exact(rel) => (Some(rel), false),
                    Located::Elsewhere(rel) => (Some(rel), true),
                    Located::Absent => (None, false),
                };
                let mut report = FileReport::new(FileKind::Log, key.to_string(), path.clone());
                report.listed_in = list
                    .iter()
                    .map(|(_, i)| parsed[*i].file.digest_s3_object.clone())
                    .collect();
                if let Some((entry, _)) = list.first() {
                    report.start_time.clone_from(&entry.oldest_event_time);
                    report.end_time.clone_from(&entry.newest_event_time);
                }
                match &path {
                    None => report.problems.push(Problem::Missing {
                        referenced_by: report.listed_in.first().cloned().unwrap_or_default(),
                    }),
                    Some(rel) => {
                        if moved {
                            report.problems.push(Problem::Moved {
                                claimed: key.to_string(),
                            });
                        }
                        match hash_uncompressed(self.source, rel) {
                            Err(e) => report.problems.push(Problem::Unreadable {
                                error: e.to_string(),
                            }),
                            Ok(actual) => {
                                for (entry, _) in &list {
                                    if !entry.hash_value.eq_ignore_ascii_case(&actual) {
                                        report.problems.push(Problem::Modified {
                                            expected: entry.hash_value.to_ascii_lowercase(),
                                            actual: actual.clone(),
                                        });
                                    }
                                    if let Some(algorithm) = entry.hash_algorithm.as_deref()
                                        && algorithm != "SHA-256"
                                    {
                                        report.problems.push(Problem::UnsupportedAlgorithm {
                                            algorithm: algorithm.to_string(),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
                if !list.iter().any(|(_, i)| verified[*i])
                    && let Some((_, i)) = list.first()
                {
                    report.problems.push(Problem::UnverifiedDigest {
                        digest: parsed[*i].file.digest_s3_object.clone(),
                    });
                }
                report.finish()
            })
            .collect();

        // 5. Log files no digest lists.
        for rel in &self.files.logs {
            if matched.contains(rel) {
                continue;
            }
            let at = name_time(rel);
            if !self.in_window(at, at) {
                continue;
            }
            let mut report = FileReport::new(FileKind::Log, rel.clone(), Some(rel.clone()));
            report.problems.push(Problem::Unlisted);
            logs.push(report.finish());
        }
        logs.sort_by(|a, b| a.object.cmp(&b.object));

        // 6. Chains.
        let chains = self.chains(&parsed, &successors, &previous_of);
        let summary = summarise(&reports, &logs);
        ValidationReport {
            window: self.window,
            digests: reports,
            logs,
            chains,
            summary,
        }
    }

    fn chains(
        &self,
        parsed: &[Parsed],
        successors: &[Vec<usize>],
        previous_of: &dyn Fn(&Parsed) -> Option<Option<usize>>,
    ) -> Vec<ChainReport> {
        let mut chains = Vec::new();
        for (head, p) in parsed.iter().enumerate() {
            if !successors[head].is_empty() {
                continue;
            }
            let mut seen = HashSet::new();
            let mut at = head;
            let mut length = 0;
            let end = loop {
                seen.insert(at);
                length += 1;
                let here = &parsed[at];
                if let Some((from, _)) = self.window
                    && time(&here.file.digest_start_time).is_some_and(|s| s <= from)
                {
                    break if here.file.is_start() {
                        ChainEnd::Start
                    } else {
                        ChainEnd::Window
                    };
                }
                match previous_of(here) {
                    None => break ChainEnd::Start,
                    Some(None) => {
                        break ChainEnd::Gap {
                            missing: here
                                .file
                                .previous_digest_s3_object
                                .clone()
                                .unwrap_or_default(),
                        };
                    }
                    Some(Some(j)) if seen.contains(&j) => break ChainEnd::Cycle,
                    Some(Some(j)) => at = j,
                }
            };
            let oldest = &parsed[at].file;
            chains.push(ChainReport {
                newest: p.file.digest_s3_object.clone(),
                oldest: oldest.digest_s3_object.clone(),
                length,
                newest_end_time: p.file.digest_end_time.clone(),
                oldest_start_time: oldest.digest_start_time.clone(),
                end,
            });
        }
        chains.sort_by(|a, b| a.newest.cmp(&b.newest));
        chains
    }
}

fn summarise(digests: &[FileReport], logs: &[FileReport]) -> Summary {
    let mut summary = Summary {
        digests: digests.len(),
        digests_valid: digests
            .iter()
            .filter(|f| f.verdict == Verdict::Valid)
            .count(),
        logs: logs.len(),
        logs_valid: logs.iter().filter(|f| f.verdict == Verdict::Valid).count(),
        ..Summary::default()
    };
    for file in digests.iter().chain(logs) {
        let prefix = match file.kind {
            FileKind::Digest => "digest",
            FileKind::Log => "log",
        };
        for problem in &file.problems {
            *summary
                .problems
                .entry(format!("{prefix}.{}", problem.name()))
                .or_default() += 1;
        }
    }
    summary.verdict = digests.iter().chain(logs).map(|f| f.verdict).max();
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_align_on_component_boundaries() {
        assert!(aligned(
            "AWSLogs/1/CloudTrail/x.json.gz",
            "AWSLogs/1/CloudTrail/x.json.gz"
        ));
        assert!(aligned(
            "CloudTrail/x.json.gz",
            "pre/AWSLogs/1/CloudTrail/x.json.gz"
        ));
        assert!(aligned(
            "bucket/AWSLogs/1/CloudTrail/x.json.gz",
            "AWSLogs/1/CloudTrail/x.json.gz"
        ));
        assert!(!aligned(
            "oudTrail/x.json.gz",
            "AWSLogs/1/CloudTrail/x.json.gz"
        ));
        assert!(!aligned(
            "AWSLogs/2/CloudTrail/x.json.gz",
            "AWSLogs/1/CloudTrail/x.json.gz"
        ));
    }

    #[test]
    fn log_names_carry_their_time() {
        let t = name_time(
            "AWSLogs/1/CloudTrail/us-east-1/2023/07/10/1_CloudTrail_us-east-1_20230710T1230Z_ZtUNbBkwAu98FPZb.json.gz",
        );
        assert_eq!(t, "2023-07-10T12:30:00Z".parse().ok());
        assert_eq!(name_time("x.json.gz"), None);
    }

    #[test]
    fn signing_string_uses_null_for_a_starting_digest() {
        let digest = DigestFile::from_json(br#"{"awsAccountId":"111122223333","digestStartTime":"2026-01-01T00:00:00Z","digestEndTime":"2026-01-01T01:00:00Z","digestS3Bucket":"b","digestS3Object":"k","previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[]}"#).unwrap();
        assert!(digest.is_start());
        assert_eq!(
            digest.signing_string("ab"),
            "2026-01-01T01:00:00Z\nb/k\nab\nnull"
        );
    }
}
