//! The inventory: everything one scan knows about one or more AWS accounts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kinds::AccountSettings;
use crate::{CoverageEntry, Resource, Timestamp};

/// The inventory format version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A normalised AWS inventory, the single input of every control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Inventory {
    /// Format version; this build reads version [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// When the data was collected.
    pub generated_at: Timestamp,
    /// Where the data came from.
    pub source: Source,
    /// The accounts scanned, with account-level settings.
    pub accounts: Vec<Account>,
    /// Per account × region × data source: collected or not, and why.
    #[serde(default)]
    pub coverage: Vec<CoverageEntry>,
    /// Every resource.
    #[serde(default)]
    pub resources: Vec<Resource>,
}

/// Where an inventory came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// The kind of source.
    pub kind: SourceKind,
    /// Free text: profile, file names, tool version.
    #[serde(default)]
    pub description: String,
}

/// The kind of source an inventory came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Live collection through the AWS SDK.
    Live,
    /// AWS Config snapshot or history files.
    ConfigSnapshot,
    /// The bundled demo environment.
    Demo,
    /// Generated (benchmarks, fuzzing).
    Synthetic,
}

/// One AWS account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Account {
    /// 12-digit account id.
    pub id: String,
    /// Account name or alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The regions scanned (enabled regions of the account, after `regions` filters).
    pub regions: Vec<String>,
    /// Account-level settings.
    #[serde(default)]
    pub settings: AccountSettings,
}

/// Why an inventory could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// Not valid JSON, or a value of the wrong type or shape.
    #[error("line {line}, column {column}{}: {message}", path_suffix(.path))]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Where in the document (`resources[3].details.s3_bucket.versioning`), if known.
        path: String,
        /// What was expected.
        message: String,
    },
    /// A format version this build does not read.
    #[error("unsupported schema_version {found}: this phiguard reads version {SCHEMA_VERSION}")]
    Version {
        /// The version in the file.
        found: u64,
    },
}

fn path_suffix(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" (at `{path}`)")
    }
}

impl InventoryError {
    /// The 1-based line of the error, if it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            InventoryError::Parse { line, .. } => Some(*line),
            InventoryError::Version { .. } => None,
        }
    }
}

impl Inventory {
    /// Parses an inventory from JSON, checking the schema version first so that a newer file
    /// gets a version error rather than a confusing field error.
    pub fn from_json(bytes: &[u8]) -> Result<Inventory, InventoryError> {
        match serde_json::from_slice::<Inventory>(bytes) {
            Ok(inventory) if inventory.schema_version == SCHEMA_VERSION => Ok(inventory),
            Ok(inventory) => Err(InventoryError::Version {
                found: u64::from(inventory.schema_version),
            }),
            Err(error) => {
                if let Some(found) = declared_version(bytes)
                    && found != u64::from(SCHEMA_VERSION)
                {
                    return Err(InventoryError::Version { found });
                }
                // Parse again, slowly, only to name the path of the error.
                let mut de = serde_json::Deserializer::from_slice(bytes);
                let path = match serde_path_to_error::deserialize::<_, Inventory>(&mut de) {
                    Err(e) => e.path().to_string(),
                    Ok(_) => String::new(),
                };
                Err(InventoryError::Parse {
                    line: error.line(),
                    column: error.column(),
                    path,
                    message: strip_position(&error.to_string()),
                })
            }
        }
    }

    /// Serialises to pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

fn declared_version(bytes: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct Head {
        schema_version: u64,
    }
    serde_json::from_slice::<Head>(bytes)
        .ok()
        .map(|h| h.schema_version)
        .or_else(|| {
            // A truncated file still states its version near the top.
            let text = std::str::from_utf8(&bytes[..bytes.len().min(4096)]).ok()?;
            let at = text.find("\"schema_version\"")?;
            let rest = text[at + 16..].trim_start().strip_prefix(':')?.trim_start();
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::S3Bucket;

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
                regions: vec!["us-east-1".into()],
                settings: AccountSettings::default(),
            }],
            coverage: vec![],
            resources: vec![
                Resource::new(
                    "arn:aws:s3:::b",
                    "111122223333",
                    "us-east-1",
                    S3Bucket::default(),
                )
                .tag("PHI", "Yes"),
            ],
        }
    }

    #[test]
    fn round_trips() {
        let inv = sample();
        let back = Inventory::from_json(inv.to_json_pretty().as_bytes()).unwrap();
        assert_eq!(back, inv);
    }

    #[test]
    fn wrong_type_names_line_and_path() {
        let mut text = sample().to_json_pretty();
        text = text.replace("\"versioning\": null", "\"versioning\": 7");
        let err = Inventory::from_json(text.as_bytes()).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("resources[0].details.s3_bucket.versioning"),
            "{shown}"
        );
        assert!(shown.contains("expected a string"), "{shown}");
        assert!(err.line().unwrap() > 1);
    }

    #[test]
    fn truncated_file_is_a_parse_error() {
        let text = sample().to_json_pretty();
        let err = Inventory::from_json(&text.as_bytes()[..text.len() / 2]).unwrap_err();
        assert!(err.to_string().contains("EOF"), "{err}");
    }

    #[test]
    fn newer_version_is_a_version_error() {
        let text = sample()
            .to_json_pretty()
            .replace("\"schema_version\": 1", "\"schema_version\": 9");
        let err = Inventory::from_json(text.as_bytes()).unwrap_err();
        assert!(matches!(err, InventoryError::Version { found: 9 }), "{err}");
        let err = Inventory::from_json(&text.as_bytes()[..60]).unwrap_err();
        assert!(matches!(err, InventoryError::Version { found: 9 }), "{err}");
    }
}
