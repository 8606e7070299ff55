//! Reading AWS Config files: discovery (folders recursively), gzip detection by magic bytes,
//! and the three document shapes (snapshot/history file, API history output,
//! `select-resource-config` output).

use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The first bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The file Config writes to test bucket access; not data.
const WRITABILITY_CHECK: &str = "ConfigWritabilityCheckFile";

/// What kind of input a file is, which decides what its absence of items means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputKind {
    /// A configuration snapshot: every current item of the recorded types in one account and
    /// region.
    Snapshot,
    /// A history file or API history output: only the items that changed.
    History,
    /// `select-resource-config` output: only what the query selected.
    Select,
}

impl InputKind {
    /// Lower-case name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Snapshot => "snapshot",
            InputKind::History => "history",
            InputKind::Select => "select-resource-config",
        }
    }
}

/// A configuration item as found in any of the shapes (file, API or select form), before
/// mapping. Unknown keys are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawItem {
    /// `awsAccountId` (file form) or `accountId` (API and select forms).
    #[serde(default, alias = "accountId")]
    pub aws_account_id: Option<String>,
    /// `ARN` (file form) or `arn`.
    #[serde(default, rename = "ARN", alias = "arn")]
    pub arn: Option<String>,
    /// `OK`, `ResourceDiscovered`, `ResourceNotRecorded`, `ResourceDeleted`,
    /// `ResourceDeletedNotRecorded`.
    #[serde(default)]
    pub configuration_item_status: Option<String>,
    /// A number (file form) or a string (API form).
    #[serde(default)]
    pub configuration_state_id: Option<Value>,
    /// When Config captured the item.
    #[serde(default)]
    pub configuration_item_capture_time: Option<Value>,
    /// `AWS::S3::Bucket`, ...
    #[serde(default)]
    pub resource_type: Option<String>,
    /// Resource id.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Resource name.
    #[serde(default)]
    pub resource_name: Option<String>,
    /// Region, or `global` for IAM.
    #[serde(default)]
    pub aws_region: Option<String>,
    /// Tags: an object or a list of `{key, value}`.
    #[serde(default)]
    pub tags: Option<Value>,
    /// The configuration: an object, or a JSON string (API form).
    #[serde(default)]
    pub configuration: Option<Value>,
    /// Supplementary configuration: values are objects or JSON strings.
    #[serde(default)]
    pub supplementary_configuration: Option<Value>,
}

/// One file's items.
#[derive(Debug)]
pub struct FileData {
    /// The file as named.
    pub name: String,
    /// What kind of document it is.
    pub kind: InputKind,
    /// Account and region from an AWS Config file name, when it follows Config's pattern.
    pub named_scope: Option<(String, String)>,
    /// The items.
    pub items: Vec<RawItem>,
}

/// A file that could not be read, with where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file as named.
    pub file: String,
    /// Account and region from the file name, when it follows Config's pattern.
    pub named_scope: Option<(String, String)>,
    /// 1-based line, for JSON errors.
    pub line: Option<usize>,
    /// 1-based column, for JSON errors.
    pub column: Option<usize>,
    /// Where in the document (`configurationItems[3].resourceType`), if known.
    pub path: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`", self.file)?;
        if let Some(line) = self.line {
            write!(f, ": line {line}")?;
            if let Some(column) = self.column {
                write!(f, ", column {column}")?;
            }
        }
        if let Some(path) = self.path.as_deref().filter(|p| !p.is_empty() && *p != ".") {
            write!(f, " (at `{path}`)")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The files to read: explicitly named files as they are, folders recursively (files ending in
/// `.json`, `.json.gz` or `.gz`, in name order, hidden entries and Config's
/// `ConfigWritabilityCheckFile` skipped). Paths that do not exist are errors.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
            Err(e) => errors.push(io_error(path, &e)),
        }
    }
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<FileError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(io_error(dir, &e));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name.starts_with(WRITABILITY_CHECK) {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, errors);
        } else if name.ends_with(".json") || name.ends_with(".gz") {
            files.push(path);
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> FileError {
    FileError {
        file: path.display().to_string(),
        named_scope: scope_from_name(path),
        line: None,
        column: None,
        path: None,
        message: e.to_string(),
    }
}

/// Account and region from a Config file name:
/// `<ACCOUNT>_Config_<REGION>_ConfigSnapshot_...` or `..._ConfigHistory_...`.
pub fn scope_from_name(path: &Path) -> Option<(String, String)> {
    let name = path.file_name()?.to_string_lossy();
    let mut parts = name.split('_');
    let account = parts.next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if parts.next()? != "Config" {
        return None;
    }
    let region = parts.next()?;
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return None;
    }
    Some((account.to_string(), region.to_string()))
}

/// Reads and parses one file. `Ok(None)` for an empty object (Config's writability check).
pub fn read_file(path: &Path) -> Result<Option<FileData>, Box<FileError>> {
    let bytes = std::fs::read(path).map_err(|e| Box::new(io_error(path, &e)))?;
    parse(&bytes, path)
}

/// Reads one file, handing each item to `sink` as soon as it is parsed (so that a large
/// snapshot is never held as JSON values all at once). On error, items already handed over
/// belong to a file that failed: the caller discards them.
pub fn read_file_with(
    path: &Path,
    sink: &mut dyn FnMut(RawItem),
) -> Result<Option<FileHead>, Box<FileError>> {
    let bytes = std::fs::read(path).map_err(|e| Box::new(io_error(path, &e)))?;
    parse_with(&bytes, path, sink)
}

/// Parses one file's bytes (gzip-compressed or plain).
pub fn parse(bytes: &[u8], path: &Path) -> Result<Option<FileData>, Box<FileError>> {
    let mut items = Vec::new();
    let head = parse_with(bytes, path, &mut |item| items.push(item))?;
    Ok(head.map(|h| FileData {
        name: h.name,
        kind: h.kind,
        named_scope: h.named_scope,
        items,
    }))
}

/// A file's description, its items having gone to a sink.
#[derive(Debug)]
pub struct FileHead {
    /// The file as named.
    pub name: String,
    /// What kind of document it is.
    pub kind: InputKind,
    /// Account and region from an AWS Config file name, when it follows Config's pattern.
    pub named_scope: Option<(String, String)>,
    /// How many items it held.
    pub items: usize,
}

/// Parses one file's bytes, handing each item to `sink`.
pub fn parse_with(
    bytes: &[u8],
    path: &Path,
    sink: &mut dyn FnMut(RawItem),
) -> Result<Option<FileHead>, Box<FileError>> {
    let name = path.display().to_string();
    let named_scope = scope_from_name(path);
    let fail = |message: String| {
        Box::new(FileError {
            file: name.clone(),
            named_scope: named_scope.clone(),
            line: None,
            column: None,
            path: None,
            message,
        })
    };
    let inflated;
    let bytes = if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        MultiGzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| fail(format!("cannot decompress: {e}")))?;
        inflated = out;
        inflated.as_slice()
    } else {
        bytes
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = DocSeed { sink: &mut *sink }
        .deserialize(&mut de)
        .and_then(|head| de.end().map(|()| head));
    let head = match parsed {
        Ok(head) => head,
        Err(error) => {
            // Parse again, tracking the path, only to say where the error is.
            let mut track = serde_path_to_error::Track::new();
            let mut again = serde_json::Deserializer::from_slice(bytes);
            let mut ignore = |_: RawItem| {};
            let tracked = DocSeed { sink: &mut ignore }.deserialize(
                serde_path_to_error::Deserializer::new(&mut again, &mut track),
            );
            let at = tracked.is_err().then(|| track.path().to_string());
            return Err(Box::new(FileError {
                line: Some(error.line()),
                column: Some(error.column()),
                path: at,
                message: strip_position(&error.to_string()),
                ..*fail(String::new())
            }));
        }
    };
    let lower = name.to_ascii_lowercase();
    if let Some(results) = head.results {
        for (i, text) in results.iter().enumerate() {
            let mut de = serde_json::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, RawItem>(&mut de) {
                Ok(item) => sink(item),
                Err(e) => {
                    let inner = e.path().to_string();
                    let path = if inner.is_empty() || inner == "." {
                        format!("Results[{i}]")
                    } else {
                        format!("Results[{i}].{inner}")
                    };
                    let error = e.into_inner();
                    return Err(Box::new(FileError {
                        line: None,
                        column: None,
                        path: Some(path),
                        message: format!(
                            "{} (column {} of the result string)",
                            strip_position(&error.to_string()),
                            error.column()
                        ),
                        ..*fail(String::new())
                    }));
                }
            }
        }
        return Ok(Some(FileHead {
            name,
            kind: InputKind::Select,
            named_scope,
            items: results.len(),
        }));
    }
    let kind = match head.items_from {
        Some(ItemsFrom::List) => {
            let snapshot = head.config_snapshot_id
                || lower.contains("configsnapshot")
                || lower.contains("config_snapshot");
            if snapshot {
                InputKind::Snapshot
            } else {
                InputKind::History
            }
        }
        Some(ItemsFrom::Base) => InputKind::Select,
        Some(ItemsFrom::Single) => InputKind::History,
        None if head.other_keys == 0 => return Ok(None),
        None => {
            return Err(fail(
                "not AWS Config data: expected `configurationItems` (a snapshot or history \
                 file) or `Results` (select-resource-config output)"
                    .to_string(),
            ));
        }
    };
    Ok(Some(FileHead {
        name,
        kind,
        named_scope,
        items: head.count,
    }))
}

/// Where a document's items were.
#[derive(Debug, Clone, Copy)]
enum ItemsFrom {
    /// `configurationItems` (file, API history output).
    List,
    /// `baseConfigurationItems` (`batch-get-resource-config`).
    Base,
    /// `configurationItem` (an oversized change notification).
    Single,
}

/// What a document holds besides its items.
#[derive(Debug, Default)]
struct Head {
    config_snapshot_id: bool,
    items_from: Option<ItemsFrom>,
    count: usize,
    results: Option<Vec<String>>,
    other_keys: usize,
}

/// The envelopes: file (`fileVersion`, `configSnapshotId`, `configurationItems`), API history
/// output (`configurationItems`), `batch-get-resource-config` (`baseConfigurationItems`), an
/// oversized change notification (`configurationItem`) and select output (`Results`). Items go
/// to the sink one by one.
struct DocSeed<'s> {
    sink: &'s mut dyn FnMut(RawItem),
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Head;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Head, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Head;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "an AWS Config snapshot, history file or select-resource-config output (a JSON object)",
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
        let mut head = Head::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "configSnapshotId" => {
                    head.config_snapshot_id = map.next_value::<Option<String>>()?.is_some();
                }
                "configurationItems" | "baseConfigurationItems" => {
                    head.count += map.next_value_seed(Items {
                        sink: &mut *self.sink,
                    })?;
                    head.items_from = Some(if key == "configurationItems" {
                        ItemsFrom::List
                    } else {
                        ItemsFrom::Base
                    });
                }
                "configurationItem" => {
                    if let Some(item) = map.next_value::<Option<RawItem>>()? {
                        (self.sink)(item);
                        head.count += 1;
                        head.items_from = Some(ItemsFrom::Single);
                    }
                }
                "Results" => head.results = map.next_value()?,
                _ => {
                    head.other_keys += 1;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(head)
    }
}

/// A list of items (or `null`), each handed to the sink.
struct Items<'s> {
    sink: &'s mut dyn FnMut(RawItem),
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of configuration items")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(item) = seq.next_element::<RawItem>()? {
            (self.sink)(item);
            n += 1;
        }
        Ok(n)
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    const SNAPSHOT: &str = r#"{"fileVersion":"1.0","configSnapshotId":"0d2c0c3a-1111-4a4a-9b9b-123456789abc",
      "configurationItems":[{"awsAccountId":"123456789012","resourceType":"AWS::S3::Bucket","resourceId":"b","ARN":"arn:aws:s3:::b","awsRegion":"us-east-1","configurationStateId":1741083322514,"configuration":{"name":"b"}}]}"#;

    #[test]
    fn snapshot_plain_and_gzip() {
        let path =
            Path::new("123456789012_Config_us-east-1_ConfigSnapshot_20250304T101522Z_x.json.gz");
        let plain = parse(SNAPSHOT.as_bytes(), path).unwrap().unwrap();
        assert_eq!(plain.kind, InputKind::Snapshot);
        assert_eq!(
            plain.named_scope,
            Some(("123456789012".into(), "us-east-1".into()))
        );
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(SNAPSHOT.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let zipped = parse(&gz, path).unwrap().unwrap();
        assert_eq!(zipped.items.len(), 1);
        assert_eq!(zipped.items[0].arn.as_deref(), Some("arn:aws:s3:::b"));
        let err = parse(&gz[..gz.len() / 2], path).unwrap_err();
        assert!(err.message.starts_with("cannot decompress"), "{err}");
    }

    #[test]
    fn select_output_items_are_json_strings() {
        let text = r#"{"Results":["{\"resourceId\":\"AIDA1\",\"resourceType\":\"AWS::IAM::User\",\"accountId\":\"123456789012\",\"arn\":\"arn:aws:iam::123456789012:user/a\",\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}"],"QueryInfo":{"SelectFields":[]}}"#;
        let data = parse(text.as_bytes(), Path::new("select.json"))
            .unwrap()
            .unwrap();
        assert_eq!(data.kind, InputKind::Select);
        assert_eq!(
            data.items[0].aws_account_id.as_deref(),
            Some("123456789012")
        );
        let bad = r#"{"Results":["{\"resourceId\":\"x\"}","{\"resourceType\": 5}"]}"#;
        let err = parse(bad.as_bytes(), Path::new("select.json")).unwrap_err();
        assert_eq!(
            err.path.as_deref(),
            Some("Results[1].resourceType"),
            "{err}"
        );
    }

    #[test]
    fn errors_name_file_line_and_path() {
        let text = SNAPSHOT.replace("\"resourceId\":\"b\"", "\"resourceId\":7");
        let err = parse(text.as_bytes(), Path::new("snap.json")).unwrap_err();
        assert_eq!(
            err.path.as_deref(),
            Some("configurationItems[0].resourceId")
        );
        assert_eq!(err.line, Some(2));
        let shown = err.to_string();
        assert!(shown.starts_with("`snap.json`: line 2, column"), "{shown}");
        let err = parse(b"[1,2]", Path::new("list.json")).unwrap_err();
        assert!(err.message.contains("AWS Config snapshot"), "{err}");
        let err = parse(b"{\"foo\": 1}", Path::new("other.json")).unwrap_err();
        assert!(err.message.starts_with("not AWS Config data"), "{err}");
        assert!(
            parse(b"{}", Path::new("ConfigWritabilityCheckFile"))
                .unwrap()
                .is_none()
        );
        let err = parse(&SNAPSHOT.as_bytes()[..40], Path::new("cut.json")).unwrap_err();
        assert!(err.message.contains("EOF"), "{err}");
    }

    #[test]
    fn history_files_are_not_snapshots() {
        let text = SNAPSHOT.replace(
            "\"configSnapshotId\":\"0d2c0c3a-1111-4a4a-9b9b-123456789abc\",",
            "",
        );
        let path = Path::new(
            "123456789012_Config_eu-west-1_ConfigHistory_AWS::S3::Bucket_20250304T101522Z_20250304T161522Z_1.json.gz",
        );
        let data = parse(text.as_bytes(), path).unwrap().unwrap();
        assert_eq!(data.kind, InputKind::History);
        assert_eq!(data.named_scope.unwrap().1, "eu-west-1");
    }
}
