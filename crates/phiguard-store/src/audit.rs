//! The tamper-evident audit log.
//!
//! - **Events** carry who, what, when, from where and the before/after SHA-256 of the record.
//!   `leaf_hash = SHA-256(0x00 ‖ canonical bytes)`, where the canonical bytes are a versioned,
//!   length-prefixed encoding of a fixed field list (never "whatever serde printed");
//!   `chain_hash = SHA-256("audit-chain-v1" ‖ be64(seq) ‖ prev chain_hash ‖ leaf_hash)`, the
//!   genesis `prev` being 32 zero bytes. Sequence numbers start at 1 and are gap-free: the
//!   next one is taken from the locked chain head inside the writing transaction (never from
//!   an SQL sequence, which leaves gaps after a rollback).
//! - **Checkpoints** sign (Ed25519, key outside the database) the RFC 6962 Merkle root of the
//!   leaf hashes 1..tree_size, the chain head, and the previous checkpoint, so they form a
//!   chain of their own. [`export_checkpoints`] writes them (with the leaf hashes each one
//!   covers) as JSON lines, for safekeeping outside the database.
//! - **Verification** ([`verify`]) recomputes everything and names the first bad sequence
//!   number: an edit (leaf mismatch), a deletion (gap), a reordering or insertion (chain
//!   mismatch), a truncation (the head or a checkpoint is past the last event) and a
//!   rewritten, re-hashed tail (a signed checkpoint no longer matches).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{Db, Dialect, Row, Value};
use crate::keys::{Key, PublicKey};
use crate::merkle::{self, Hash, Tree};
use crate::{StoreError, add_years, sha256_hex};

/// The version tag hashed into every event.
pub const EVENT_SCHEMA: &str = "phiguard-audit-event/v1";
/// The version tag of the signing string of checkpoints.
pub const CHECKPOINT_SCHEMA: &str = "phiguard-audit-checkpoint/v1";
/// The chain hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Audit events are kept at least this many years.
pub const RETENTION_YEARS: i16 = 6;

/// What happened, before it is sealed into the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// `create`, `update`, `delete`, `sync`, `import`, `verify_run`, ...
    pub action: String,
    /// Record kind (`agreement`, `vendor`, ...).
    pub object_type: String,
    /// Record id.
    pub object_id: String,
    /// Record version after the change, if it has one.
    pub object_version: Option<i64>,
    /// `success`, `denied` or `error`.
    pub outcome: String,
    /// One line a person reads (no PHI).
    pub summary: String,
    /// Changed fields: JSON object field → [old SHA-256, new SHA-256].
    pub changes: String,
    /// SHA-256 of the record before.
    pub before_sha256: Option<String>,
    /// SHA-256 of the record after.
    pub after_sha256: Option<String>,
}

/// A sealed event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Tenant.
    pub tenant_id: String,
    /// Sequence number, from 1.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub occurred_at: String,
    /// Who.
    pub actor: String,
    /// From where.
    pub source: String,
    /// What was done.
    pub action: String,
    /// To what kind of record.
    pub object_type: String,
    /// To which record.
    pub object_id: String,
    /// Record version after the change.
    pub object_version: Option<i64>,
    /// Outcome.
    pub outcome: String,
    /// One line.
    pub summary: String,
    /// Changed fields (JSON).
    pub changes: String,
    /// SHA-256 of the record before.
    pub before_sha256: Option<String>,
    /// SHA-256 of the record after.
    pub after_sha256: Option<String>,
    /// Kept at least until.
    pub retention_until: String,
    /// SHA-256(0x00 ‖ canonical bytes), hex.
    pub leaf_hash: String,
    /// Chain hash, hex.
    pub chain_hash: String,
}

const EVENT_COLUMNS: &str = "tenant_id, seq, occurred_at, actor, source, action, object_type, \
     object_id, object_version, outcome, summary, changes, before_sha256, after_sha256, \
     retention_until, leaf_hash, chain_hash";

impl Event {
    /// The canonical bytes: the schema tag then every field, each length-prefixed (u32 BE;
    /// `u32::MAX` for a missing value), integers as i64 BE.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        fn text(out: &mut Vec<u8>, s: Option<&str>) {
            match s {
                Some(s) => {
                    let len = u32::try_from(s.len()).unwrap_or(u32::MAX - 1);
                    out.extend_from_slice(&len.to_be_bytes());
                    out.extend_from_slice(&s.as_bytes()[..len as usize]);
                }
                None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
            }
        }
        fn int(out: &mut Vec<u8>, n: Option<i64>) {
            match n {
                Some(n) => {
                    out.push(1);
                    out.extend_from_slice(&n.to_be_bytes());
                }
                None => out.push(0),
            }
        }
        let mut out = Vec::with_capacity(256);
        text(&mut out, Some(EVENT_SCHEMA));
        text(&mut out, Some(&self.tenant_id));
        int(&mut out, Some(self.seq));
        text(&mut out, Some(&self.occurred_at));
        text(&mut out, Some(&self.actor));
        text(&mut out, Some(&self.source));
        text(&mut out, Some(&self.action));
        text(&mut out, Some(&self.object_type));
        text(&mut out, Some(&self.object_id));
        int(&mut out, self.object_version);
        text(&mut out, Some(&self.outcome));
        text(&mut out, Some(&self.summary));
        text(&mut out, Some(&self.changes));
        text(&mut out, self.before_sha256.as_deref());
        text(&mut out, self.after_sha256.as_deref());
        text(&mut out, Some(&self.retention_until));
        out
    }

    /// The leaf hash the fields give.
    pub fn compute_leaf(&self) -> Hash {
        merkle::leaf_hash(&self.canonical_bytes())
    }

    fn from_row(row: &Row) -> Result<Event, StoreError> {
        Ok(Event {
            tenant_id: row.str(0)?,
            seq: row.int(1)?,
            occurred_at: row.str(2)?,
            actor: row.str(3)?,
            source: row.str(4)?,
            action: row.str(5)?,
            object_type: row.str(6)?,
            object_id: row.str(7)?,
            object_version: row.opt_int(8)?,
            outcome: row.str(9)?,
            summary: row.str(10)?,
            changes: row.str(11)?,
            before_sha256: row.text(12)?,
            after_sha256: row.text(13)?,
            retention_until: row.str(14)?,
            leaf_hash: row.str(15)?,
            chain_hash: row.str(16)?,
        })
    }
}

/// The chain hash of `seq` given the previous chain hash and this leaf.
pub fn chain_hash(seq: i64, prev: &Hash, leaf: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update(b"audit-chain-v1");
    h.update(seq.to_be_bytes());
    h.update(prev);
    h.update(leaf);
    h.finalize().into()
}

fn decode_hash(text: &str) -> Option<Hash> {
    hex::decode(text).ok()?.try_into().ok()
}

/// The chain head: the last sequence number and its chain hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Last sequence number (0 before the first event).
    pub seq: i64,
    /// Its chain hash, hex.
    pub chain_hash: String,
}

/// Reads the head, locking it for the rest of the transaction (PostgreSQL: `FOR UPDATE`;
/// SQLite's `BEGIN IMMEDIATE` already holds the writer lock).
pub fn lock_head(db: &mut Db, tenant: &str) -> Result<Head, StoreError> {
    let sql = match db.dialect() {
        Dialect::Sqlite => "SELECT seq, chain_hash FROM audit_chain_head WHERE tenant_id = $1",
        Dialect::Postgres => {
            "SELECT seq, chain_hash FROM audit_chain_head WHERE tenant_id = $1 FOR UPDATE"
        }
    };
    let row = db
        .query_opt(sql, &[tenant.into()])?
        .ok_or_else(|| StoreError::corrupt(format!("no audit chain head for tenant `{tenant}`")))?;
    Ok(Head {
        seq: row.int(0)?,
        chain_hash: row.str(1)?,
    })
}

/// Seals `new` as the event after `head`, inserts it, and advances `head` (the caller
/// stores the head before committing: [`store_head`]).
pub fn append(
    db: &mut Db,
    tenant: &str,
    head: &mut Head,
    now: Timestamp,
    actor: &str,
    source: &str,
    new: NewEvent,
) -> Result<Event, StoreError> {
    let prev = decode_hash(&head.chain_hash)
        .ok_or_else(|| StoreError::corrupt("the audit chain head is not a SHA-256 hash"))?;
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut event = Event {
        tenant_id: tenant.to_string(),
        seq: head.seq + 1,
        occurred_at: format_ts(now),
        actor: actor.to_string(),
        source: source.to_string(),
        action: new.action,
        object_type: new.object_type,
        object_id: new.object_id,
        object_version: new.object_version,
        outcome: new.outcome,
        summary: new.summary,
        changes: new.changes,
        before_sha256: new.before_sha256,
        after_sha256: new.after_sha256,
        retention_until: add_years(today, RETENTION_YEARS).to_string(),
        leaf_hash: String::new(),
        chain_hash: String::new(),
    };
    let leaf = event.compute_leaf();
    event.leaf_hash = hex::encode(leaf);
    event.chain_hash = hex::encode(chain_hash(event.seq, &prev, &leaf));
    insert_event(db, &event)?;
    head.seq = event.seq;
    head.chain_hash.clone_from(&event.chain_hash);
    Ok(event)
}

/// Inserts a sealed event as it is (no hashing): for [`append`] and for loading an exported
/// log into a scratch database to verify it.
pub fn insert_event(db: &mut Db, event: &Event) -> Result<(), StoreError> {
    db.execute(
        &format!(
            "INSERT INTO audit_event ({EVENT_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ),
        &[
            event.tenant_id.as_str().into(),
            Value::Int(event.seq),
            event.occurred_at.as_str().into(),
            event.actor.as_str().into(),
            event.source.as_str().into(),
            event.action.as_str().into(),
            event.object_type.as_str().into(),
            event.object_id.as_str().into(),
            event.object_version.into(),
            event.outcome.as_str().into(),
            event.summary.as_str().into(),
            event.changes.as_str().into(),
            event.before_sha256.clone().into(),
            event.after_sha256.clone().into(),
            event.retention_until.as_str().into(),
            event.leaf_hash.as_str().into(),
            event.chain_hash.as_str().into(),
        ],
    )?;
    Ok(())
}

/// Stores the advanced head.
pub fn store_head(db: &mut Db, tenant: &str, head: &Head) -> Result<(), StoreError> {
    let n = db.execute(
        "UPDATE audit_chain_head SET seq = $1, chain_hash = $2 WHERE tenant_id = $3",
        &[
            Value::Int(head.seq),
            head.chain_hash.as_str().into(),
            tenant.into(),
        ],
    )?;
    if n != 1 {
        return Err(StoreError::corrupt("the audit chain head row is missing"));
    }
    Ok(())
}

/// Timestamps as stored: RFC 3339 UTC with microseconds, so text order is time order.
pub fn format_ts(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Reads events `from..=to` (all when `None`) in sequence order.
pub fn events(
    db: &mut Db,
    tenant: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Vec<Event>, StoreError> {
    let rows = db.query(
        &format!(
            "SELECT {EVENT_COLUMNS} FROM audit_event WHERE tenant_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq"
        ),
        &[
            tenant.into(),
            Value::Int(from.unwrap_or(i64::MIN)),
            Value::Int(to.unwrap_or(i64::MAX)),
        ],
    )?;
    rows.iter().map(Event::from_row).collect()
}

/// A signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Tenant.
    pub tenant_id: String,
    /// From 1, contiguous.
    pub checkpoint_no: i64,
    /// The last sequence number it covers.
    pub tree_size: i64,
    /// RFC 6962 root of the leaf hashes 1..=tree_size, hex.
    pub merkle_root: String,
    /// Chain hash at tree_size, hex.
    pub chain_head: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// SHA-256 of the previous checkpoint's signing string and signature (zeros for the first).
    pub prev_checkpoint_sha256: String,
    /// Id of the signing key.
    pub key_id: String,
    /// Ed25519 signature of [`Checkpoint::signing_string`], hex.
    pub signature: String,
}

const CHECKPOINT_COLUMNS: &str = "tenant_id, checkpoint_no, tree_size, merkle_root, chain_head, \
     created_at, prev_checkpoint_sha256, key_id, signature";

impl Checkpoint {
    /// What is signed: newline-joined fields.
    pub fn signing_string(&self) -> String {
        [
            CHECKPOINT_SCHEMA,
            &self.tenant_id,
            &self.checkpoint_no.to_string(),
            &self.tree_size.to_string(),
            &self.merkle_root,
            &self.chain_head,
            &self.created_at,
            &self.prev_checkpoint_sha256,
            &self.key_id,
        ]
        .join("\n")
    }

    /// What the next checkpoint links to.
    pub fn link_hash(&self) -> String {
        sha256_hex(format!("{}\n{}", self.signing_string(), self.signature).as_bytes())
    }

    fn from_row(row: &Row) -> Result<Checkpoint, StoreError> {
        Ok(Checkpoint {
            tenant_id: row.str(0)?,
            checkpoint_no: row.int(1)?,
            tree_size: row.int(2)?,
            merkle_root: row.str(3)?,
            chain_head: row.str(4)?,
            created_at: row.str(5)?,
            prev_checkpoint_sha256: row.str(6)?,
            key_id: row.str(7)?,
            signature: row.str(8)?,
        })
    }
}

/// Every stored checkpoint, in order.
pub fn checkpoints(db: &mut Db, tenant: &str) -> Result<Vec<Checkpoint>, StoreError> {
    let rows = db.query(
        &format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM audit_checkpoint WHERE tenant_id = $1 ORDER BY checkpoint_no"
        ),
        &[tenant.into()],
    )?;
    rows.iter().map(Checkpoint::from_row).collect()
}

/// Writes a signed checkpoint over the whole log (also when nothing was added since the
/// last one, so a verifier can tell "quiet" from "truncated"). Runs inside the caller's
/// write transaction, with the head locked.
pub fn write_checkpoint(
    db: &mut Db,
    tenant: &str,
    head: &Head,
    key: &Key,
    now: Timestamp,
) -> Result<Checkpoint, StoreError> {
    let public = key.public();
    db.execute(
        "INSERT INTO audit_key (key_id, algorithm, public_key, added_at) \
         SELECT $1, 'ed25519', $2, $3 WHERE NOT EXISTS (SELECT 1 FROM audit_key WHERE key_id = $1)",
        &[
            public.id().into(),
            public.to_hex().into(),
            format_ts(now).into(),
        ],
    )?;
    let mut tree = Tree::new();
    for event in events(db, tenant, None, Some(head.seq))? {
        let leaf = decode_hash(&event.leaf_hash)
            .ok_or_else(|| StoreError::corrupt(format!("seq {}: bad leaf hash", event.seq)))?;
        tree.push(leaf);
    }
    if tree.size() != u64::try_from(head.seq).unwrap_or(0) {
        return Err(StoreError::corrupt(format!(
            "the audit log has {} events but its head is at {}; run `phiguard audit verify`",
            tree.size(),
            head.seq
        )));
    }
    let previous = checkpoints(db, tenant)?.pop();
    let mut checkpoint = Checkpoint {
        tenant_id: tenant.to_string(),
        checkpoint_no: previous.as_ref().map_or(1, |p| p.checkpoint_no + 1),
        tree_size: head.seq,
        merkle_root: hex::encode(tree.root()),
        chain_head: head.chain_hash.clone(),
        created_at: format_ts(now),
        prev_checkpoint_sha256: previous
            .as_ref()
            .map_or_else(|| GENESIS.to_string(), Checkpoint::link_hash),
        key_id: public.id(),
        signature: String::new(),
    };
    checkpoint.signature = key.sign(checkpoint.signing_string().as_bytes());
    insert_checkpoint(db, &checkpoint)?;
    Ok(checkpoint)
}

/// Inserts a checkpoint as it is (for [`write_checkpoint`] and for verifying an export).
pub fn insert_checkpoint(db: &mut Db, checkpoint: &Checkpoint) -> Result<(), StoreError> {
    db.execute(
        &format!(
            "INSERT INTO audit_checkpoint ({CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ),
        &[
            checkpoint.tenant_id.as_str().into(),
            Value::Int(checkpoint.checkpoint_no),
            Value::Int(checkpoint.tree_size),
            checkpoint.merkle_root.as_str().into(),
            checkpoint.chain_head.as_str().into(),
            checkpoint.created_at.as_str().into(),
            checkpoint.prev_checkpoint_sha256.as_str().into(),
            checkpoint.key_id.as_str().into(),
            checkpoint.signature.as_str().into(),
        ],
    )?;
    Ok(())
}

/// A checkpoint as exported for safekeeping: the checkpoint plus the leaf hashes of the
/// events it adds to the previous one, so a verifier holding the export can name the exact
/// event that was rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchored {
    /// The checkpoint.
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// The first sequence number of `leaves`.
    pub leaves_from: i64,
    /// Leaf hashes of `leaves_from..=tree_size`, hex.
    pub leaves: Vec<String>,
}

/// The checkpoints with the leaf hashes each adds, ready to write one JSON object per line.
pub fn export_checkpoints(db: &mut Db, tenant: &str) -> Result<Vec<Anchored>, StoreError> {
    let checkpoints = checkpoints(db, tenant)?;
    let events = events(db, tenant, None, None)?;
    let leaf_of: BTreeMap<i64, &str> = events
        .iter()
        .map(|e| (e.seq, e.leaf_hash.as_str()))
        .collect();
    let mut out = Vec::with_capacity(checkpoints.len());
    let mut from = 1;
    for checkpoint in checkpoints {
        let leaves = (from..=checkpoint.tree_size)
            .map(|seq| {
                leaf_of
                    .get(&seq)
                    .map_or_else(String::new, |l| (*l).to_string())
            })
            .collect();
        let next = checkpoint.tree_size + 1;
        out.push(Anchored {
            checkpoint,
            leaves_from: from,
            leaves,
        });
        from = from.max(next);
    }
    Ok(out)
}

/// What kind of problem verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// An event's fields no longer give its leaf hash.
    Edited,
    /// A sequence number is missing.
    Deleted,
    /// An event's chain hash does not follow from its predecessor (reordered or inserted).
    ChainBroken,
    /// The log ends before its head or a checkpoint says it does.
    Truncated,
    /// A signed checkpoint no longer matches the events (rewritten history).
    CheckpointMismatch,
    /// A checkpoint's signature is invalid or made with an untrusted key.
    BadSignature,
    /// The checkpoints' own chain is broken (missing, reordered or altered checkpoint).
    CheckpointChain,
    /// The database's checkpoints differ from the anchored copy.
    AnchorMismatch,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What.
    pub kind: ProblemKind,
    /// The first bad sequence number it implies, if any.
    pub seq: Option<i64>,
    /// Explanation.
    pub message: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Events read.
    pub events: i64,
    /// The head's sequence number.
    pub head_seq: i64,
    /// Checkpoints checked (database and anchored copy).
    pub checkpoints: usize,
    /// Of which signed by a trusted key.
    pub signed_by_trusted_key: usize,
    /// The largest tree size a valid checkpoint covers.
    pub anchored_size: i64,
    /// Events after the last checkpoint.
    pub unanchored: i64,
    /// When the newest checkpoint was made.
    pub newest_checkpoint_at: Option<String>,
    /// Every problem, first bad sequence number first.
    pub problems: Vec<Problem>,
}

impl Verification {
    /// Whether the log verified.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The first bad sequence number.
    pub fn first_bad_seq(&self) -> Option<i64> {
        self.problems.iter().filter_map(|p| p.seq).min()
    }

    /// A short text report.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.ok() {
            let _ = writeln!(
                out,
                "audit log verified: {} events, chain head at seq {}",
                self.events, self.head_seq
            );
        } else {
            let _ = writeln!(
                out,
                "audit log FAILED verification: {} problem{}",
                self.problems.len(),
                if self.problems.len() == 1 { "" } else { "s" }
            );
            if let Some(seq) = self.first_bad_seq() {
                let _ = writeln!(out, "first bad sequence number: {seq}");
            }
            for p in &self.problems {
                let at = p.seq.map(|s| format!(" at seq {s}")).unwrap_or_default();
                let _ = writeln!(out, "  - {:?}{at}: {}", p.kind, p.message);
            }
        }
        let _ = writeln!(
            out,
            "checkpoints: {} checked, {} signed by a trusted key; anchored through seq {}; {} unanchored event{}",
            self.checkpoints,
            self.signed_by_trusted_key,
            self.anchored_size,
            self.unanchored,
            if self.unanchored == 1 { "" } else { "s" }
        );
        if let Some(at) = &self.newest_checkpoint_at {
            let _ = writeln!(out, "newest checkpoint: {at}");
        }
        out
    }
}

/// Verifies the whole log of `tenant`: events, head, checkpoints in the database and, when
/// given, an anchored copy (from [`export_checkpoints`]). `trusted`: the public keys whose
/// signatures count; a checkpoint signed by any other key is a problem.
pub fn verify(
    db: &mut Db,
    tenant: &str,
    trusted: &[PublicKey],
    anchored: &[Anchored],
) -> Result<Verification, StoreError> {
    let events = events(db, tenant, None, None)?;
    let head_row = db.query_opt(
        "SELECT seq, chain_hash FROM audit_chain_head WHERE tenant_id = $1",
        &[tenant.into()],
    )?;
    let stored = checkpoints(db, tenant)?;
    let mut problems = Vec::new();

    // 1. Events: contiguity, leaf hashes, chain hashes. `good` is the verified prefix.
    let mut prev: Hash = [0; 32];
    let mut expected = 1i64;
    let mut tree = Tree::new();
    let mut roots: BTreeMap<i64, (String, String)> = BTreeMap::new();
    let mut leaves: BTreeMap<i64, String> = BTreeMap::new();
    for event in &events {
        if event.seq != expected {
            let (kind, message) = if event.seq > expected {
                (
                    ProblemKind::Deleted,
                    format!("events {expected}..{} are missing (deleted)", event.seq - 1),
                )
            } else {
                (
                    ProblemKind::ChainBroken,
                    format!("event {} appears out of order", event.seq),
                )
            };
            problems.push(Problem {
                kind,
                seq: Some(expected.min(event.seq)),
                message,
            });
            break;
        }
        let leaf = event.compute_leaf();
        if hex::encode(leaf) != event.leaf_hash {
            problems.push(Problem {
                kind: ProblemKind::Edited,
                seq: Some(event.seq),
                message: "the event's fields do not match its leaf hash (edited)".into(),
            });
            break;
        }
        let chain = chain_hash(event.seq, &prev, &leaf);
        if hex::encode(chain) != event.chain_hash {
            problems.push(Problem {
                kind: ProblemKind::ChainBroken,
                seq: Some(event.seq),
                message: "the chain hash does not follow from the previous event (reordered, inserted or re-hashed)".into(),
            });
            break;
        }
        prev = chain;
        tree.push(leaf);
        leaves.insert(event.seq, event.leaf_hash.clone());
        roots.insert(
            event.seq,
            (hex::encode(tree.root()), event.chain_hash.clone()),
        );
        expected += 1;
    }
    let verified_to = expected - 1;
    let last_seq = events.last().map_or(0, |e| e.seq);

    // 2. Head.
    let head_seq = match &head_row {
        Some(row) => {
            let seq = row.int(0)?;
            let hash = row.str(1)?;
            if seq > last_seq {
                problems.push(Problem {
                    kind: ProblemKind::Truncated,
                    seq: Some(last_seq + 1),
                    message: format!(
                        "the chain head is at seq {seq} but the log ends at {last_seq} (truncated)"
                    ),
                });
            } else if seq < last_seq {
                problems.push(Problem {
                    kind: ProblemKind::ChainBroken,
                    seq: Some(seq + 1),
                    message: format!(
                        "events after the chain head (seq {seq}) were added outside phiguard"
                    ),
                });
            } else if verified_to == last_seq
                && hash != events.last().map_or(GENESIS, |e| e.chain_hash.as_str())
            {
                problems.push(Problem {
                    kind: ProblemKind::ChainBroken,
                    seq: Some(last_seq.max(1)),
                    message: "the chain head's hash differs from the last event's".into(),
                });
            }
            seq
        }
        None => {
            problems.push(Problem {
                kind: ProblemKind::Truncated,
                seq: None,
                message: "the chain head row is missing".into(),
            });
            last_seq
        }
    };

    // 3. Checkpoints: database copy and anchored copy, merged by number.
    let mut all: BTreeMap<i64, Checkpoint> = BTreeMap::new();
    for c in &stored {
        all.insert(c.checkpoint_no, c.clone());
    }
    for a in anchored {
        let c = &a.checkpoint;
        match all.get(&c.checkpoint_no) {
            Some(db_copy) if db_copy != c => problems.push(Problem {
                kind: ProblemKind::AnchorMismatch,
                seq: None,
                message: format!(
                    "checkpoint #{} in the database differs from the anchored copy",
                    c.checkpoint_no
                ),
            }),
            Some(_) => {}
            None => {
                if !stored.is_empty() || !anchored.is_empty() {
                    problems.push(Problem {
                        kind: ProblemKind::AnchorMismatch,
                        seq: None,
                        message: format!(
                            "checkpoint #{} (tree size {}) is in the anchored copy but not in the database",
                            c.checkpoint_no, c.tree_size
                        ),
                    });
                }
                all.insert(c.checkpoint_no, c.clone());
            }
        }
        // The anchored leaves name the exact event that differs.
        for (i, leaf) in a.leaves.iter().enumerate() {
            let seq = a.leaves_from + i as i64;
            if let Some(ours) = leaves.get(&seq)
                && ours != leaf
            {
                problems.push(Problem {
                    kind: ProblemKind::CheckpointMismatch,
                    seq: Some(seq),
                    message: format!(
                        "event {seq} differs from the leaf hash anchored with checkpoint #{} (rewritten)",
                        c.checkpoint_no
                    ),
                });
                break;
            }
        }
    }
    let mut signed_by_trusted_key = 0;
    let mut anchored_size = 0;
    let mut last_good_size = 0;
    let mut prev_cp: Option<&Checkpoint> = None;
    for c in all.values() {
        let key = trusted.iter().find(|k| k.id() == c.key_id);
        match key {
            Some(k) if k.verify(c.signing_string().as_bytes(), &c.signature) => {
                signed_by_trusted_key += 1;
            }
            Some(_) => problems.push(Problem {
                kind: ProblemKind::BadSignature,
                seq: None,
                message: format!("checkpoint #{}: invalid signature", c.checkpoint_no),
            }),
            None => problems.push(Problem {
                kind: ProblemKind::BadSignature,
                seq: None,
                message: format!(
                    "checkpoint #{}: signed by key `{}`, which is not trusted",
                    c.checkpoint_no, c.key_id
                ),
            }),
        }
        let expected_no = prev_cp.map_or(1, |p| p.checkpoint_no + 1);
        let expected_link = prev_cp.map_or_else(|| GENESIS.to_string(), Checkpoint::link_hash);
        if c.checkpoint_no != expected_no || c.prev_checkpoint_sha256 != expected_link {
            problems.push(Problem {
                kind: ProblemKind::CheckpointChain,
                seq: None,
                message: format!(
                    "checkpoint #{} does not link to checkpoint #{}",
                    c.checkpoint_no,
                    expected_no - 1
                ),
            });
        }
        if prev_cp.is_some_and(|p| c.tree_size < p.tree_size) {
            problems.push(Problem {
                kind: ProblemKind::CheckpointChain,
                seq: None,
                message: format!(
                    "checkpoint #{} covers fewer events than its predecessor",
                    c.checkpoint_no
                ),
            });
        }
        if c.tree_size > last_seq {
            problems.push(Problem {
                kind: ProblemKind::Truncated,
                seq: Some(last_seq + 1),
                message: format!(
                    "checkpoint #{} covers seq 1..{} but the log ends at {last_seq} (truncated)",
                    c.checkpoint_no, c.tree_size
                ),
            });
        } else if c.tree_size == 0 {
            // An empty log: nothing to compare.
        } else if let Some((root, chain)) = roots.get(&c.tree_size) {
            if *root != c.merkle_root || *chain != c.chain_head {
                problems.push(Problem {
                    kind: ProblemKind::CheckpointMismatch,
                    seq: Some(last_good_size + 1),
                    message: format!(
                        "checkpoint #{} (seq 1..{}) no longer matches the events: history after seq {last_good_size} was rewritten",
                        c.checkpoint_no, c.tree_size
                    ),
                });
            } else {
                last_good_size = last_good_size.max(c.tree_size);
                anchored_size = anchored_size.max(c.tree_size);
            }
        }
        prev_cp = Some(c);
    }

    problems.sort_by_key(|p| (p.seq.unwrap_or(i64::MAX), p.kind as u8));
    problems.dedup();
    Ok(Verification {
        events: i64::try_from(events.len()).unwrap_or(i64::MAX),
        head_seq,
        checkpoints: all.len(),
        signed_by_trusted_key,
        anchored_size,
        unanchored: (last_seq - anchored_size).max(0),
        newest_checkpoint_at: all.values().last().map(|c| c.created_at.clone()),
        problems,
    })
}
