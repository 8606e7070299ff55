//! Where validation reads digest and log files from: [`ObjectSource`], implemented here for
//! folders and files on disk ([`Folder`]); an S3 bucket (or an archive) plugs in by
//! implementing the trait.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{FileKind, SIGNATURE_SIDECAR_SUFFIX, ValidateError};

/// A store of objects named by `/`-separated keys, laid out as CloudTrail writes its bucket
/// (`[prefix/]AWSLogs/<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/<file>`).
///
/// Validation lists the store once, then opens each digest and log file it needs (from
/// several threads: implementations must be `Sync`). Keys are matched to the S3 keys that
/// digests name by file name and trailing path components, so a key may carry any prefix.
pub trait ObjectSource: Sync {
    /// The digest and log files: their keys and kinds (see [`kind_of`]).
    fn list(&self) -> Result<Vec<(String, FileKind)>, ValidateError>;

    /// Opens one listed object (its bytes as stored: gzip or not).
    fn open(&self, key: &str) -> io::Result<Box<dyn Read + Send + '_>>;

    /// The signature of a digest that no later digest signs (the newest of a chain): the hex
    /// value CloudTrail stores as S3 object metadata (`x-amz-meta-signature`), and where it
    /// came from (named in reports). `None` when not available.
    ///
    /// The default reads the sidecar file `<key>.sig` (a folder copy loses S3 metadata); an
    /// S3 source overrides it with the object's metadata.
    fn newest_signature(&self, digest_key: &str) -> Option<(String, String)> {
        let sidecar = format!("{digest_key}{SIGNATURE_SIDECAR_SUFFIX}");
        let mut text = String::new();
        self.open(&sidecar).ok()?.read_to_string(&mut text).ok()?;
        Some((text.trim().to_string(), sidecar))
    }
}

/// The kind of file a `/`-separated key names: a digest under a `CloudTrail-Digest` folder, a
/// log under a `CloudTrail` folder (`.json` or `.json.gz` only); `None` for anything else.
pub fn kind_of(key: &str) -> Option<FileKind> {
    if !(key.ends_with(".json.gz") || key.ends_with(".json")) {
        return None;
    }
    let mut folders = key.split('/').rev().skip(1);
    if folders.clone().any(|c| c == "CloudTrail-Digest") {
        Some(FileKind::Digest)
    } else if folders.any(|c| c == "CloudTrail") {
        Some(FileKind::Log)
    } else {
        None
    }
}

/// Files and folders on disk.
///
/// Keys: with one folder given, paths relative to it (as in the bucket); otherwise each
/// file's path as given (a folder's files under the folder's path). A folder given inside
/// `CloudTrail/` or `CloudTrail-Digest/` has its own path taken into account for the kind.
#[derive(Debug, Clone)]
pub struct Folder {
    inputs: Vec<PathBuf>,
    /// Every regular file found (sidecars included), by key; filled by `list`.
    files: std::sync::OnceLock<BTreeMap<String, PathBuf>>,
}

impl Folder {
    /// One folder (the common case: a copy of the bucket, or part of it).
    pub fn new(root: &Path) -> Folder {
        Folder::of(vec![root.to_path_buf()])
    }

    /// Several files or folders.
    pub fn of(inputs: Vec<PathBuf>) -> Folder {
        Folder {
            inputs,
            files: std::sync::OnceLock::new(),
        }
    }

    fn walk(&self) -> Result<BTreeMap<String, PathBuf>, ValidateError> {
        let mut files = BTreeMap::new();
        let relative = self.inputs.len() == 1 && self.inputs[0].is_dir();
        for input in &self.inputs {
            let root_error = |e: io::Error| ValidateError::Root {
                path: input.display().to_string(),
                message: e.to_string(),
            };
            let meta = fs::metadata(input).map_err(root_error)?;
            let prefix = if relative {
                String::new()
            } else {
                slashed(input)
            };
            if !meta.is_dir() {
                files.insert(prefix, input.clone());
                continue;
            }
            // Read the root itself now, so that an unreadable root is an error.
            fs::read_dir(input).map_err(root_error)?;
            let mut stack = vec![(input.clone(), prefix)];
            while let Some((dir, rel)) = stack.pop() {
                let Ok(entries) = fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let Ok(file_type) = entry.file_type() else {
                        continue;
                    };
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let child = if rel.is_empty() {
                        name
                    } else {
                        format!("{rel}/{name}")
                    };
                    if file_type.is_dir() {
                        stack.push((entry.path(), child));
                    } else if file_type.is_file() {
                        files.insert(child, entry.path());
                    }
                }
            }
        }
        Ok(files)
    }

    fn files(&self) -> Result<&BTreeMap<String, PathBuf>, ValidateError> {
        if let Some(files) = self.files.get() {
            return Ok(files);
        }
        let files = self.walk()?;
        Ok(self.files.get_or_init(|| files))
    }
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

impl ObjectSource for Folder {
    fn list(&self) -> Result<Vec<(String, FileKind)>, ValidateError> {
        let files = self.files()?;
        // With one folder given, keys are relative to it: its own path counts for the kind.
        let context = match self.inputs.as_slice() {
            [root] if root.is_dir() => slashed(root),
            _ => String::new(),
        };
        Ok(files
            .keys()
            .filter_map(|key| {
                let full = if context.is_empty() {
                    key.clone()
                } else {
                    format!("{context}/{key}")
                };
                kind_of(&full).map(|kind| (key.clone(), kind))
            })
            .collect())
    }

    fn open(&self, key: &str) -> io::Result<Box<dyn Read + Send + '_>> {
        let files = self
            .files()
            .map_err(|e| io::Error::new(io::ErrorKind::NotFound, e.to_string()))?;
        match files.get(key) {
            Some(path) => Ok(Box::new(fs::File::open(path)?)),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("`{key}` not found"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_folders() {
        assert_eq!(
            kind_of("AWSLogs/1/CloudTrail-Digest/us-east-1/2026/01/01/x.json.gz"),
            Some(FileKind::Digest)
        );
        assert_eq!(
            kind_of("b/AWSLogs/1/CloudTrail/us-east-1/2026/01/01/x.json"),
            Some(FileKind::Log)
        );
        assert_eq!(kind_of("AWSLogs/1/CloudTrail/x.json.gz.sig"), None);
        assert_eq!(kind_of("AWSLogs/1/Config/x.json.gz"), None);
        assert_eq!(kind_of("CloudTrail.json"), None);
    }
}
