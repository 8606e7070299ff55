//! The auditor bundle: every record, revision, evidence file, audit event and checkpoint in a
//! directory, with a manifest of SHA-256 hashes signed by the checkpoint key. It can be
//! checked offline, without the database: [`verify_bundle`] rechecks every hash, the
//! manifest signature, and the whole audit chain against the bundled checkpoints.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Anchored, Event, Verification};
use crate::db::{Db, Value};
use crate::keys::{Key, PublicKey};
use crate::record::COLUMNS;
use crate::store::Store;
use crate::{StoreError, sha256_hex};

/// The bundle format tag.
pub const FORMAT: &str = "phiguard-records-bundle/v1";

/// The record tables exported.
pub const KINDS: [&str; 9] = [
    "agreement",
    "vendor",
    "questionnaire_template",
    "questionnaire_request",
    "finding",
    "risk_assessment",
    "risk",
    "evidence",
    "scan",
];

/// The signed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the bundle was made.
    pub created_at: String,
    /// Tenant.
    pub tenant: String,
    /// Last audit sequence number included.
    pub audit_head_seq: i64,
    /// The signing key's id.
    pub key_id: String,
    /// Relative path → SHA-256 of every other file in the bundle.
    pub files: BTreeMap<String, String>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string_pretty(value)
        .map_err(|e| StoreError::corrupt(format!("cannot serialise: {e}")))
}

fn jsonl<T: Serialize>(values: &[T]) -> Result<String, StoreError> {
    let mut out = String::new();
    for v in values {
        out.push_str(
            &serde_json::to_string(v)
                .map_err(|e| StoreError::corrupt(format!("cannot serialise: {e}")))?,
        );
        out.push('\n');
    }
    Ok(out)
}

/// Writes the bundle into `dir` (created; must be empty or absent). Writes a fresh checkpoint
/// first, so the bundle is anchored up to now.
pub fn export(
    store: &mut Store,
    key: &Key,
    now: Timestamp,
    dir: &Path,
) -> Result<Manifest, StoreError> {
    if dir.exists() && fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
        return Err(StoreError::invalid(
            "--output",
            format!("`{}` is not empty", dir.display()),
        ));
    }
    let checkpoint = store.checkpoint(key, now)?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for kind in KINDS {
        let rows = store
            .db()
            .query(&format!("SELECT {COLUMNS} FROM {kind} ORDER BY id"), &[])?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let body: serde_json::Value = serde_json::from_str(&row.str(8)?)
                .map_err(|e| StoreError::corrupt(format!("{kind}: {e}")))?;
            out.push(serde_json::json!({
                "id": row.str(0)?,
                "version": row.int(1)?,
                "created_at": row.str(2)?,
                "created_by": row.str(3)?,
                "updated_at": row.str(4)?,
                "updated_by": row.str(5)?,
                "retention_until": row.text(6)?,
                "legal_hold": row.int(7)? != 0,
                "record": body,
            }));
        }
        files.insert(format!("records/{kind}.json"), json(&out)?.into_bytes());
    }
    let revisions = store.db().query(
        "SELECT kind, id, version, deleted, body_sha256, recorded_at, recorded_by, body FROM record_revision ORDER BY kind, id, version",
        &[],
    )?;
    let mut revs = Vec::with_capacity(revisions.len());
    for r in &revisions {
        revs.push(serde_json::json!({
            "kind": r.str(0)?, "id": r.str(1)?, "version": r.int(2)?, "deleted": r.int(3)? != 0,
            "body_sha256": r.str(4)?, "recorded_at": r.str(5)?, "recorded_by": r.str(6)?, "body": r.str(7)?,
        }));
    }
    files.insert("records/revisions.jsonl".into(), jsonl(&revs)?.into_bytes());
    let blobs = store.db().query(
        "SELECT sha256, content FROM evidence_blob ORDER BY sha256",
        &[],
    )?;
    for row in blobs {
        let sha = row.str(0)?;
        let content = match row.0.into_iter().nth(1) {
            Some(Value::Bytes(b)) => b,
            Some(Value::Text(t)) => t.into_bytes(),
            _ => Vec::new(),
        };
        files.insert(format!("evidence/{sha}"), content);
    }
    let events = store.events(None, None)?;
    files.insert("audit/events.jsonl".into(), jsonl(&events)?.into_bytes());
    let anchored = store.export_checkpoints()?;
    files.insert(
        "audit/checkpoints.jsonl".into(),
        jsonl(&anchored)?.into_bytes(),
    );
    files.insert(
        "audit/public-key.txt".into(),
        format!("{}\n", key.public().to_line()).into_bytes(),
    );
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: audit::format_ts(now),
        tenant: store.tenant().to_string(),
        audit_head_seq: checkpoint.tree_size,
        key_id: key.public().id(),
        files: files
            .iter()
            .map(|(k, v)| (k.clone(), sha256_hex(v)))
            .collect(),
    };
    let manifest_text = json(&manifest)?;
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        fs::write(&path, bytes).map_err(io(&path))?;
    }
    let path = dir.join("manifest.json");
    fs::write(&path, &manifest_text).map_err(io(&path))?;
    let path = dir.join("manifest.sig");
    fs::write(&path, format!("{}\n", key.sign(manifest_text.as_bytes()))).map_err(io(&path))?;
    Ok(manifest)
}

/// The outcome of [`verify_bundle`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleCheck {
    /// Files listed in the manifest.
    pub files: usize,
    /// Problems with files and the manifest.
    pub problems: Vec<String>,
    /// Whether the manifest signature was checked against a key the caller trusts (rather
    /// than only the key shipped inside the bundle).
    pub trusted_key: bool,
    /// The audit chain, verified offline.
    pub audit: Option<Verification>,
}

impl BundleCheck {
    /// Whether everything checked out.
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.audit.as_ref().is_some_and(Verification::ok)
    }
}

fn walk(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) -> Result<(), StoreError> {
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, base, out)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// Checks a bundle offline. `trusted`: public keys the caller holds; when empty, the key
/// inside the bundle is used and the result says the key was not independently trusted.
pub fn verify_bundle(dir: &Path, trusted: &[PublicKey]) -> Result<BundleCheck, StoreError> {
    let manifest_path = dir.join("manifest.json");
    let manifest_text = fs::read_to_string(&manifest_path).map_err(io(&manifest_path))?;
    let manifest: Manifest =
        serde_json::from_str(&manifest_text).map_err(|e| StoreError::Input {
            path: manifest_path.display().to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
    let mut problems = Vec::new();
    if manifest.format != FORMAT {
        problems.push(format!("unknown bundle format `{}`", manifest.format));
    }
    let bundled_key = fs::read_to_string(dir.join("audit/public-key.txt"))
        .ok()
        .and_then(|t| PublicKey::parse(&t));
    let keys: Vec<PublicKey> = if trusted.is_empty() {
        bundled_key.into_iter().collect()
    } else {
        trusted.to_vec()
    };
    let signature = fs::read_to_string(dir.join("manifest.sig")).unwrap_or_default();
    let signed = keys
        .iter()
        .any(|k| k.id() == manifest.key_id && k.verify(manifest_text.as_bytes(), signature.trim()));
    if !signed {
        problems.push("manifest.json is not signed by a trusted key (or was altered)".into());
    }
    for (rel, sha) in &manifest.files {
        let path = dir.join(rel);
        match fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) == *sha => {
                if let Some(name) = rel.strip_prefix("evidence/")
                    && name != sha
                {
                    problems.push(format!("{rel}: content does not hash to its name"));
                }
            }
            Ok(_) => problems.push(format!(
                "{rel}: SHA-256 differs from the manifest (altered)"
            )),
            Err(_) => problems.push(format!("{rel}: missing")),
        }
    }
    let mut present = Vec::new();
    walk(dir, dir, &mut present)?;
    for rel in present {
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel != "manifest.json" && rel != "manifest.sig" && !manifest.files.contains_key(&rel) {
            problems.push(format!("{rel}: not in the manifest (added)"));
        }
    }
    // The audit chain, in a scratch in-memory database.
    let events_text = fs::read_to_string(dir.join("audit/events.jsonl")).unwrap_or_default();
    let checkpoints_text =
        fs::read_to_string(dir.join("audit/checkpoints.jsonl")).unwrap_or_default();
    let mut db = Db::open_sqlite(Path::new(":memory:"))?;
    crate::migrate::migrate(&mut db, &manifest.created_at)?;
    let mut last: Option<Event> = None;
    for (i, line) in events_text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let event: Event = serde_json::from_str(line).map_err(|e| StoreError::Input {
            path: "audit/events.jsonl".into(),
            line: i + 1,
            column: e.column(),
            message: e.to_string(),
        })?;
        audit::insert_event(&mut db, &event)?;
        last = Some(event);
    }
    if let Some(last) = &last {
        db.execute(
            "UPDATE audit_chain_head SET seq = $1, chain_hash = $2 WHERE tenant_id = $3",
            &[
                Value::Int(last.seq),
                last.chain_hash.as_str().into(),
                last.tenant_id.as_str().into(),
            ],
        )?;
    }
    let mut anchored = Vec::new();
    for (i, line) in checkpoints_text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let a: Anchored = serde_json::from_str(line).map_err(|e| StoreError::Input {
            path: "audit/checkpoints.jsonl".into(),
            line: i + 1,
            column: e.column(),
            message: e.to_string(),
        })?;
        audit::insert_checkpoint(&mut db, &a.checkpoint)?;
        anchored.push(a);
    }
    let audit = audit::verify(&mut db, &manifest.tenant, &keys, &anchored)?;
    if audit.head_seq != manifest.audit_head_seq {
        problems.push(format!(
            "the manifest covers audit events up to {} but the bundle's log ends at {}",
            manifest.audit_head_seq, audit.head_seq
        ));
    }
    Ok(BundleCheck {
        files: manifest.files.len(),
        problems,
        trusted_key: !trusted.is_empty() && signed,
        audit: Some(audit),
    })
}
