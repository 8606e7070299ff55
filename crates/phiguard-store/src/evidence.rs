//! Evidence: files stored content-addressed (SHA-256) in the database itself (so a
//! PostgreSQL store is complete for every user), with revisions, validity dates and links to
//! agreements, answers, assessments, risks and controls. Scan reports are stored as evidence.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::audit::format_ts;
use crate::db::Value;
use crate::record::{Record, Retention, Stored};
use crate::store::{Store, Tx, six_years_after};
use crate::{StoreError, sha256_hex, string_enum};

string_enum! {
    /// What kind of evidence.
    EvidenceType {
        Policy => "policy",
        Procedure => "procedure",
        Screenshot => "screenshot",
        ConfigSnapshot => "config_snapshot",
        ScanReport => "scan_report",
        AttestationReport => "attestation_report",
        Soc2 => "soc2",
        BaaPdf => "baa_pdf",
        QuestionnaireExport => "questionnaire_export",
        Other => "other",
    }
}

/// One stored version of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// From 1.
    pub version: u32,
    /// SHA-256 of the content (its address).
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    /// Original file name.
    pub file_name: String,
    /// Who stored it.
    pub uploaded_by: String,
    /// When (RFC 3339).
    pub uploaded_at: String,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A link from evidence to a record or control.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// `agreement`, `vendor`, `questionnaire_request`, `risk_assessment`, `risk`,
    /// `finding`, `control`, `scan`.
    pub kind: String,
    /// Its id (`BAA-0001`, `REQ-0001:B8`, `S3-004`, ...).
    pub id: String,
}

impl Link {
    /// Parses `KIND:ID` (e.g. `agreement:BAA-0001`, `control:S3-004`).
    pub fn parse(text: &str) -> Result<Link, StoreError> {
        const KINDS: [&str; 8] = [
            "agreement",
            "vendor",
            "questionnaire_request",
            "risk_assessment",
            "risk",
            "finding",
            "control",
            "scan",
        ];
        let (kind, id) = text.split_once(':').ok_or_else(|| {
            StoreError::invalid(
                "--link",
                format!("`{text}` is not KIND:ID (e.g. agreement:BAA-0001)"),
            )
        })?;
        let kind = kind.trim().to_ascii_lowercase();
        if !KINDS.contains(&kind.as_str()) {
            return Err(StoreError::invalid(
                "--link",
                format!("`{kind}` is not one of {}", KINDS.join(", ")),
            ));
        }
        if id.trim().is_empty() {
            return Err(StoreError::invalid("--link", format!("`{text}` has no id")));
        }
        Ok(Link {
            kind,
            id: id.trim().to_string(),
        })
    }
}

/// An evidence record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Title.
    pub title: String,
    /// Kind.
    pub evidence_type: EvidenceType,
    /// `upload` or `automated_check`.
    pub source: String,
    /// Collected on.
    pub collected_on: Date,
    /// Valid until.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
    /// Owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Stored versions, oldest first.
    pub revisions: Vec<Revision>,
}

impl Evidence {
    /// The current revision.
    pub fn current(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    /// Whether it is out of date on `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.valid_until.is_some_and(|d| d < today)
    }
}

impl Record for Evidence {
    const KIND: &'static str = "evidence";
    const PREFIX: &'static str = "EVD";

    fn retention(&self, created: Date) -> Retention {
        let last = self.valid_until.map_or(created, |d| d.max(created));
        Retention::Until(six_years_after(last))
    }

    fn summary(&self) -> String {
        match self.current() {
            Some(r) => format!(
                "evidence `{}` ({}, v{} sha256 {})",
                self.title, self.evidence_type, r.version, r.sha256
            ),
            None => format!("evidence `{}` ({})", self.title, self.evidence_type),
        }
    }

    fn validate(&self) -> Result<(), StoreError> {
        if self.title.trim().is_empty() {
            return Err(StoreError::invalid("--title", "must not be empty"));
        }
        if let Some(until) = self.valid_until
            && until < self.collected_on
        {
            return Err(StoreError::invalid(
                "--valid-until",
                format!(
                    "{until} is before the collection date {}",
                    self.collected_on
                ),
            ));
        }
        Ok(())
    }
}

/// Stores `content` under its SHA-256 (once); returns the hash.
pub fn put_blob(tx: &mut Tx<'_>, content: &[u8]) -> Result<String, StoreError> {
    let sha = sha256_hex(content);
    let now = format_ts(tx.ctx().now);
    let exists = tx
        .db()
        .query_opt(
            "SELECT 1 FROM evidence_blob WHERE sha256 = $1",
            &[sha.as_str().into()],
        )?
        .is_some();
    if !exists {
        tx.db().execute(
            "INSERT INTO evidence_blob (sha256, size, stored_at, content) VALUES ($1, $2, $3, $4)",
            &[
                sha.as_str().into(),
                Value::Int(i64::try_from(content.len()).unwrap_or(i64::MAX)),
                now.into(),
                Value::Bytes(content.to_vec()),
            ],
        )?;
    }
    Ok(sha)
}

/// Reads a blob and checks that its content still has its address.
pub fn get_blob(store: &mut Store, sha256: &str) -> Result<Vec<u8>, StoreError> {
    let row = store
        .db()
        .query_opt(
            "SELECT content FROM evidence_blob WHERE sha256 = $1",
            &[sha256.into()],
        )?
        .ok_or_else(|| StoreError::corrupt(format!("evidence file {sha256} is missing")))?;
    let content = match row.0.into_iter().next() {
        Some(Value::Bytes(b)) => b,
        Some(Value::Text(t)) => t.into_bytes(),
        _ => {
            return Err(StoreError::corrupt(format!(
                "evidence file {sha256} is unreadable"
            )));
        }
    };
    if sha256_hex(&content) != sha256 {
        return Err(StoreError::corrupt(format!(
            "evidence file {sha256} was altered: its content no longer has that SHA-256"
        )));
    }
    Ok(content)
}

/// Adds evidence with its first revision.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per command; a builder would add nothing"
)]
pub fn add(
    tx: &mut Tx<'_>,
    title: &str,
    evidence_type: EvidenceType,
    source: &str,
    file_name: &str,
    content: &[u8],
    valid_until: Option<Date>,
    links: Vec<Link>,
) -> Result<Stored<Evidence>, StoreError> {
    let sha = put_blob(tx, content)?;
    let ctx = tx.ctx().clone();
    let evidence = Evidence {
        title: title.trim().to_string(),
        evidence_type,
        source: source.to_string(),
        collected_on: ctx.today(),
        valid_until,
        owner: None,
        links,
        revisions: vec![Revision {
            version: 1,
            sha256: sha,
            size: content.len() as u64,
            file_name: file_name.to_string(),
            uploaded_by: ctx.actor.clone(),
            uploaded_at: format_ts(ctx.now),
            note: None,
        }],
    };
    tx.insert(evidence)
}

/// Adds a new revision of the file.
pub fn revise(
    tx: &mut Tx<'_>,
    id: &str,
    file_name: &str,
    content: &[u8],
    note: Option<String>,
) -> Result<Stored<Evidence>, StoreError> {
    let sha = put_blob(tx, content)?;
    let ctx = tx.ctx().clone();
    tx.update_with::<Evidence>(id, None, "revise", |e| {
        let version = e.revisions.last().map_or(1, |r| r.version + 1);
        e.revisions.push(Revision {
            version,
            sha256: sha,
            size: content.len() as u64,
            file_name: file_name.to_string(),
            uploaded_by: ctx.actor.clone(),
            uploaded_at: format_ts(ctx.now),
            note,
        });
        e.collected_on = ctx.today();
        Ok(())
    })
}

/// Checks every stored file against its address; returns the bad ones.
pub fn verify_blobs(store: &mut Store) -> Result<(usize, Vec<String>), StoreError> {
    let rows = store.db().query(
        "SELECT sha256, content FROM evidence_blob ORDER BY sha256",
        &[],
    )?;
    let mut bad = Vec::new();
    for row in &rows {
        let sha = row.str(0)?;
        let ok = match row.0.get(1) {
            Some(Value::Bytes(b)) => sha256_hex(b) == sha,
            Some(Value::Text(t)) => sha256_hex(t.as_bytes()) == sha,
            _ => false,
        };
        if !ok {
            bad.push(sha);
        }
    }
    Ok((rows.len(), bad))
}
