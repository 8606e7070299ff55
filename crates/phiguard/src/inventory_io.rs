//! Reading inventories: a file or stdin, plain or gzip-compressed JSON (detected by the gzip
//! magic bytes, whatever the file is called), with errors that name the file, the line, the
//! column and the path inside the document.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};
use phiguard_model::{GLOBAL, Inventory, InventoryError};

/// Lines longer than this are not shown in a snippet (minified JSON is one huge line).
const MAX_SNIPPET_LINE: usize = 400;

/// The first bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why an inventory could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file (or stdin) could not be read.
    Read {
        /// File name as given (`-` for stdin).
        name: String,
        /// Cause.
        source: io::Error,
    },
    /// It looked like gzip but did not decompress.
    Gzip {
        /// File name as given.
        name: String,
        /// Cause.
        source: io::Error,
    },
    /// Not a valid inventory.
    Parse {
        /// File name as given.
        name: String,
        /// What and where.
        error: InventoryError,
        /// The text and the error position, when a snippet is worth showing.
        snippet: Option<Box<(NamedSource<String>, SourceSpan)>>,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read { name, source } => {
                write!(f, "cannot read inventory `{name}`: {source}")
            }
            LoadError::Gzip { name, source } => {
                write!(f, "cannot decompress inventory `{name}`: {source}")
            }
            LoadError::Parse { name, error, .. } => {
                write!(f, "cannot read inventory `{name}`: {error}")
            }
        }
    }
}

impl std::error::Error for LoadError {}

impl Diagnostic for LoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(match self {
            LoadError::Read { .. } => "inventory::read",
            LoadError::Gzip { .. } => "inventory::gzip",
            LoadError::Parse {
                error: InventoryError::Version { .. },
                ..
            } => "inventory::version",
            LoadError::Parse { .. } => "inventory::parse",
        }))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = match self {
            LoadError::Read { name, .. } if name == "-" => {
                "`--inventory -` reads the inventory from standard input"
            }
            LoadError::Read { .. } => "check the path given to `--inventory`",
            LoadError::Gzip { .. } => {
                "the file starts like gzip but is not a complete gzip stream; was it truncated?"
            }
            LoadError::Parse {
                error: InventoryError::Version { .. },
                ..
            } => "regenerate the inventory with this phiguard, or upgrade phiguard",
            LoadError::Parse { .. } => {
                "phiguard reads its inventory format, JSON schema version 1 \
                 (docs/schema/inventory.schema.json), plain or gzip-compressed"
            }
        };
        Some(Box::new(help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match self {
            LoadError::Parse {
                snippet: Some(snippet),
                ..
            } => Some(&snippet.0),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        match self {
            LoadError::Parse {
                snippet: Some(snippet),
                ..
            } => Some(Box::new(std::iter::once(
                LabeledSpan::new_primary_with_span(Some("here".into()), snippet.1),
            ))),
            _ => None,
        }
    }
}

impl LoadError {
    /// The 1-based line of a parse error.
    pub fn line(&self) -> Option<usize> {
        match self {
            LoadError::Parse { error, .. } => error.line(),
            _ => None,
        }
    }
}

/// Reads an inventory from a file, or from stdin when `path` is `-`.
pub fn load(path: &Path) -> Result<Inventory, LoadError> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    let read = if name == "-" {
        io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|source| LoadError::Read {
        name: name.clone(),
        source,
    })?;
    parse(bytes, &name)
}

/// Parses inventory bytes (JSON, or gzip-compressed JSON) read from `name`.
pub fn parse(bytes: Vec<u8>, name: &str) -> Result<Inventory, LoadError> {
    let bytes = if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        MultiGzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(|source| LoadError::Gzip {
                name: name.to_string(),
                source,
            })?;
        out
    } else {
        bytes
    };
    Inventory::from_json(&bytes).map_err(|error| {
        let snippet = snippet(bytes, name, &error).map(Box::new);
        LoadError::Parse {
            name: name.to_string(),
            error,
            snippet,
        }
    })
}

fn snippet(
    bytes: Vec<u8>,
    name: &str,
    error: &InventoryError,
) -> Option<(NamedSource<String>, SourceSpan)> {
    let InventoryError::Parse { line, column, .. } = error else {
        return None;
    };
    let text = String::from_utf8(bytes).ok()?;
    let mut offset = 0;
    let mut found = None;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == *line {
            found = Some((offset, l.trim_end_matches(['\n', '\r'])));
            break;
        }
        offset += l.len();
    }
    let (start, content) = match found {
        Some(f) => f,
        // At the very end of a file that ends with a newline.
        None if *line > 1 => (text.len(), ""),
        None => return None,
    };
    if content.len() > MAX_SNIPPET_LINE {
        return None;
    }
    // serde_json columns are 1-based byte counts; 0 means "before the first byte".
    let mut at = column.saturating_sub(1).min(content.len());
    while !content.is_char_boundary(at) {
        at -= 1;
    }
    let len = content[at..].chars().next().map_or(0, char::len_utf8);
    Some((
        NamedSource::new(name, text).with_language("json"),
        SourceSpan::new((start + at).into(), len),
    ))
}

/// Keeps only `regions` (plus global data) of an inventory. Returns the requested regions
/// that no account has.
/// Writes an inventory as JSON, gzip-compressed when the file name ends in `.gz`; `-` writes
/// standard output. The file is written to a temporary name first and renamed, so an
/// interrupted save never leaves a truncated inventory behind.
pub fn save(inventory: &Inventory, path: &Path) -> Result<(), crate::Error> {
    use std::io::Write;
    let gz = path.extension().is_some_and(|e| e == "gz");
    let encode = |w: &mut dyn Write| -> io::Result<()> {
        if gz {
            let mut enc = flate2::write::GzEncoder::new(w, flate2::Compression::default());
            serde_json::to_writer(&mut enc, inventory).map_err(io::Error::other)?;
            enc.finish()?.flush()
        } else {
            let mut w = io::BufWriter::new(w);
            serde_json::to_writer(&mut w, inventory).map_err(io::Error::other)?;
            w.flush()
        }
    };
    let wrap = |source: io::Error| crate::Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if path.as_os_str() == "-" {
        return encode(&mut io::stdout().lock()).map_err(crate::Error::Output);
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = std::path::PathBuf::from(tmp);
    let result = std::fs::File::create(&tmp).and_then(|mut f| {
        encode(&mut f)?;
        f.sync_all()
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(wrap(e));
    }
    std::fs::rename(&tmp, path).map_err(wrap)
}

pub fn restrict_regions(inventory: &mut Inventory, regions: &[String]) -> Vec<String> {
    if regions.is_empty() {
        return Vec::new();
    }
    let wanted = |r: &str| r == GLOBAL || regions.iter().any(|w| w.eq_ignore_ascii_case(r));
    let missing = regions
        .iter()
        .filter(|w| {
            !w.eq_ignore_ascii_case(GLOBAL)
                && !inventory
                    .accounts
                    .iter()
                    .any(|a| a.regions.iter().any(|r| r.eq_ignore_ascii_case(w)))
        })
        .cloned()
        .collect();
    for account in &mut inventory.accounts {
        account.regions.retain(|r| wanted(r));
        account.settings.ebs_defaults.retain(|d| wanted(&d.region));
    }
    inventory.resources.retain(|r| wanted(&r.region));
    inventory.coverage.retain(|c| wanted(&c.region));
    missing
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;
    use phiguard_model::inventory::{Source, SourceKind};
    use phiguard_model::kinds::{AccountSettings, S3Bucket};
    use phiguard_model::{Account, Resource, SCHEMA_VERSION};

    use super::*;

    fn sample() -> Inventory {
        Inventory {
            schema_version: SCHEMA_VERSION,
            generated_at: "2026-01-02T03:04:05Z".parse().unwrap(),
            source: Source {
                kind: SourceKind::Synthetic,
                description: String::new(),
            },
            accounts: vec![Account {
                id: "111122223333".into(),
                name: None,
                regions: vec!["us-east-1".into(), "eu-west-1".into()],
                settings: AccountSettings::default(),
            }],
            coverage: vec![],
            resources: vec![
                Resource::new(
                    "arn:aws:s3:::a",
                    "111122223333",
                    GLOBAL,
                    S3Bucket::default(),
                ),
                Resource::new(
                    "arn:aws:s3:::b",
                    "111122223333",
                    "eu-west-1",
                    S3Bucket::default(),
                ),
            ],
        }
    }

    #[test]
    fn reads_plain_and_gzip_alike() {
        let json = sample().to_json_pretty().into_bytes();
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&json).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(parse(json, "a.json").unwrap(), sample());
        // The name does not matter: the magic bytes do.
        assert_eq!(parse(gz.clone(), "a.json").unwrap(), sample());
        let err = parse(gz[..gz.len() / 2].to_vec(), "a.json.gz").unwrap_err();
        assert!(matches!(err, LoadError::Gzip { .. }), "{err}");
    }

    #[test]
    fn parse_errors_name_file_line_and_path_with_a_snippet() {
        let text = sample()
            .to_json_pretty()
            .replace("\"versioning\": null", "\"versioning\": 7");
        let err = parse(text.into_bytes(), "inv.json").unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("cannot read inventory `inv.json`: line "),
            "{shown}"
        );
        assert!(
            shown.contains("(at `resources[0].details.s3_bucket.versioning`)"),
            "{shown}"
        );
        let LoadError::Parse {
            snippet: Some(snippet),
            ..
        } = &err
        else {
            panic!("no snippet: {err:?}");
        };
        let (src, span) = &**snippet;
        assert!(src.inner()[span.offset()..].starts_with('7') || span.len() <= 1);
        assert!(err.line().unwrap() > 1);
    }

    #[test]
    fn truncated_and_binary_input_are_errors_not_panics() {
        let text = sample().to_json_pretty();
        let err = parse(text.as_bytes()[..text.len() - 10].to_vec(), "t.json").unwrap_err();
        assert!(err.to_string().contains("EOF"), "{err}");
        let err = parse(vec![0xff, 0xfe, 0x00], "bin").unwrap_err();
        assert!(matches!(err, LoadError::Parse { .. }));
        let err = parse(Vec::new(), "empty").unwrap_err();
        assert!(matches!(err, LoadError::Parse { .. }));
        let one_line = serde_json::to_string(&sample()).unwrap();
        let err = parse(one_line.as_bytes()[..50].to_vec(), "min").unwrap_err();
        assert!(matches!(err, LoadError::Parse { .. }));
    }

    #[test]
    fn restricting_regions_keeps_global_data() {
        let mut inv = sample();
        let missing = restrict_regions(&mut inv, &["us-east-1".into(), "ap-south-9".into()]);
        assert_eq!(missing, vec!["ap-south-9".to_string()]);
        assert_eq!(inv.accounts[0].regions, vec!["us-east-1".to_string()]);
        assert_eq!(inv.resources.len(), 1);
        assert_eq!(inv.resources[0].region, GLOBAL);
    }
}
