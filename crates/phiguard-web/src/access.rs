//! Users, roles, sessions and tokens, kept in the records store (`web_user`, `web_session`,
//! `web_token`, migration 4). Session ids and tokens are random 256-bit values stored only
//! as SHA-256 hashes; passwords as argon2id hashes. Every sign-in, failure, sign-out and
//! change is an audit event in the store's hash chain.

use jiff::Timestamp;
use phiguard_store::audit::{NewEvent, format_ts};
use phiguard_store::db::Row;
use phiguard_store::{Ctx, Store, StoreError, Value, sha256_hex};

use crate::password::{self, Cost};
use crate::totp;

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users and tokens.
    Admin,
    /// Changes the records: BAAs, vendors, questionnaires, assessment sign-off, evidence.
    Compliance,
    /// Reads everything; uploads evidence.
    Engineer,
    /// Reads and exports everything; changes nothing.
    Auditor,
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perm {
    /// Read pages and API.
    View,
    /// Download evidence and bundles.
    Export,
    /// Upload evidence.
    UploadEvidence,
    /// Change records (BAAs, vendors, questionnaires, sign-off).
    EditRecords,
    /// Manage users and API tokens.
    ManageUsers,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Compliance, Role::Engineer, Role::Auditor];

    /// The name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Compliance => "compliance",
            Role::Engineer => "engineer",
            Role::Auditor => "auditor",
        }
    }

    /// Parses a role name.
    pub fn parse(text: &str) -> Result<Role, StoreError> {
        let t = text.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == t)
            .ok_or_else(|| {
                StoreError::invalid(
                    "--role",
                    format!("`{text}` is not one of admin, compliance, engineer, auditor"),
                )
            })
    }

    /// Whether the role may do `perm`.
    pub fn can(self, perm: Perm) -> bool {
        match perm {
            Perm::View | Perm::Export => true,
            Perm::UploadEvidence => self != Role::Auditor,
            Perm::EditRecords => matches!(self, Role::Admin | Role::Compliance),
            Perm::ManageUsers => self == Role::Admin,
        }
    }
}

/// A user account.
#[derive(Debug, Clone)]
pub struct User {
    /// Sign-in name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    /// TOTP secret.
    pub totp_secret: Vec<u8>,
    /// Last TOTP step used (codes are good once).
    pub totp_last_step: i64,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

/// A freshly created user's TOTP enrolment, shown once.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The secret, base32.
    pub secret_base32: String,
    /// `otpauth://` URI for authenticator apps.
    pub uri: String,
}

/// 32 random bytes as lowercase hex (256 bits).
pub fn random_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::corrupt(format!("no randomness from the OS: {e}")))?;
    Ok(hex::encode(bytes))
}

fn event(
    action: &str,
    object_type: &str,
    object_id: &str,
    outcome: &str,
    summary: String,
) -> NewEvent {
    NewEvent {
        action: action.to_string(),
        object_type: object_type.to_string(),
        object_id: object_id.to_string(),
        object_version: None,
        outcome: outcome.to_string(),
        summary,
        changes: "{}".into(),
        before_sha256: None,
        after_sha256: None,
    }
}

/// Appends one audit event in its own transaction.
pub fn audit(
    store: &mut Store,
    ctx: &Ctx,
    action: &str,
    object_type: &str,
    object_id: &str,
    outcome: &str,
    summary: String,
) -> Result<(), StoreError> {
    store.write(ctx, |tx| {
        tx.audit(event(action, object_type, object_id, outcome, summary))
            .map(|_| ())
    })
}

fn check_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "NAME",
            format!("`{name}`: a user name is 1-64 letters, digits, `.`, `_`, `-` or `@`"),
        ))
    }
}

/// How many users exist.
pub fn user_count(store: &mut Store) -> Result<i64, StoreError> {
    store
        .db()
        .query_opt("SELECT COUNT(*) FROM web_user", &[])?
        .map_or(Ok(0), |r| r.int(0))
}

/// Adds a user with a fresh TOTP secret; returns the enrolment to show once.
pub fn add_user(
    store: &mut Store,
    ctx: &Ctx,
    name: &str,
    role: Role,
    password: &str,
    cost: Cost,
) -> Result<Enrolment, StoreError> {
    let name = name.trim();
    check_name(name)?;
    password::check_policy(password).map_err(|m| StoreError::invalid("password", m))?;
    if get_user(store, name)?.is_some() {
        return Err(StoreError::invalid(
            "NAME",
            format!("user `{name}` already exists"),
        ));
    }
    let mut secret = [0u8; 20];
    getrandom::getrandom(&mut secret)
        .map_err(|e| StoreError::corrupt(format!("no randomness from the OS: {e}")))?;
    let hash = password::hash(password, cost).map_err(|m| StoreError::invalid("password", m))?;
    let secret_base32 = totp::base32_encode(&secret);
    store.write(ctx, |tx| {
        tx.db().execute(
            "INSERT INTO web_user (name, role, password_hash, totp_secret, totp_last_step, disabled, created_at, created_by) \
             VALUES ($1, $2, $3, $4, 0, 0, $5, $6)",
            &[
                name.into(),
                role.as_str().into(),
                hash.as_str().into(),
                secret_base32.as_str().into(),
                format_ts(ctx.now).into(),
                ctx.actor.as_str().into(),
            ],
        )?;
        tx.audit(event(
            "user_add",
            "web_user",
            name,
            "success",
            format!("user {name} added with role {}", role.as_str()),
        ))
        .map(|_| ())
    })?;
    Ok(Enrolment {
        uri: totp::otpauth_uri("phiguard", name, &secret),
        secret_base32,
    })
}

fn user_from_row(row: &Row) -> Result<User, StoreError> {
    let secret = row.str(3)?;
    Ok(User {
        name: row.str(0)?,
        role: Role::parse(&row.str(1)?)?,
        password_hash: row.str(2)?,
        totp_secret: totp::base32_decode(&secret)
            .ok_or_else(|| StoreError::corrupt("web_user.totp_secret is not base32"))?,
        totp_last_step: row.int(4)?,
        disabled: row.int(5)? != 0,
    })
}

/// One user.
pub fn get_user(store: &mut Store, name: &str) -> Result<Option<User>, StoreError> {
    store
        .db()
        .query_opt(
            "SELECT name, role, password_hash, totp_secret, totp_last_step, disabled FROM web_user WHERE name = $1",
            &[name.trim().into()],
        )?
        .map(|r| user_from_row(&r))
        .transpose()
}

/// Every user, by name.
pub fn list_users(store: &mut Store) -> Result<Vec<User>, StoreError> {
    store
        .db()
        .query(
            "SELECT name, role, password_hash, totp_secret, totp_last_step, disabled FROM web_user ORDER BY name",
            &[],
        )?
        .iter()
        .map(user_from_row)
        .collect()
}

/// A server-side session.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the id (the id itself is only in the cookie).
    pub id_sha256: String,
    /// The user.
    pub user_name: String,
    /// Token every state-changing form must carry.
    pub csrf: String,
    /// Signed in at.
    pub created_at: Timestamp,
    /// Last request.
    pub last_seen: Timestamp,
    /// Client address at sign-in.
    pub client: String,
}

fn ts(row: &Row, i: usize) -> Result<Timestamp, StoreError> {
    row.str(i)?
        .parse()
        .map_err(|e| StoreError::corrupt(format!("bad timestamp in column {i}: {e}")))
}

/// Starts a session for a user who passed password and TOTP (`step`: the TOTP step used),
/// audited as `sign_in`. Returns the session id for the cookie.
pub fn start_session(
    store: &mut Store,
    ctx: &Ctx,
    user: &User,
    step: i64,
    client: &str,
) -> Result<(String, Session), StoreError> {
    let id = random_token()?;
    let session = Session {
        id_sha256: sha256_hex(id.as_bytes()),
        user_name: user.name.clone(),
        csrf: random_token()?,
        created_at: ctx.now,
        last_seen: ctx.now,
        client: client.to_string(),
    };
    store.write(ctx, |tx| {
        // Claims the TOTP step atomically: a concurrent sign-in with the same code loses.
        let n = tx.db().execute(
            "UPDATE web_user SET totp_last_step = $1 WHERE name = $2 AND totp_last_step < $1",
            &[Value::Int(step), user.name.as_str().into()],
        )?;
        if n != 1 {
            return Err(StoreError::invalid("code", "this code was already used"));
        }
        let now = format_ts(ctx.now);
        tx.db().execute(
            "INSERT INTO web_session (id_sha256, user_name, csrf, created_at, last_seen, client) VALUES ($1, $2, $3, $4, $4, $5)",
            &[
                session.id_sha256.as_str().into(),
                user.name.as_str().into(),
                session.csrf.as_str().into(),
                now.as_str().into(),
                client.into(),
            ],
        )?;
        tx.audit(event(
            "sign_in",
            "web_user",
            &user.name,
            "success",
            format!("{} signed in with password and TOTP from {client}", user.name),
        ))
        .map(|_| ())
    })?;
    Ok((id, session))
}

/// The session for a cookie value, if it exists (not checked for timeouts).
pub fn find_session(store: &mut Store, id: &str) -> Result<Option<Session>, StoreError> {
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(row) = store.db().query_opt(
        "SELECT id_sha256, user_name, csrf, created_at, last_seen, client FROM web_session WHERE id_sha256 = $1",
        &[sha256_hex(id.as_bytes()).into()],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Session {
        id_sha256: row.str(0)?,
        user_name: row.str(1)?,
        csrf: row.str(2)?,
        created_at: ts(&row, 3)?,
        last_seen: ts(&row, 4)?,
        client: row.str(5)?,
    }))
}

/// Records activity on a session (not audited: it changes no record).
pub fn touch_session(
    store: &mut Store,
    session: &Session,
    now: Timestamp,
) -> Result<(), StoreError> {
    store.db().execute(
        "UPDATE web_session SET last_seen = $1 WHERE id_sha256 = $2",
        &[format_ts(now).into(), session.id_sha256.as_str().into()],
    )?;
    Ok(())
}

/// Ends a session (`sign_out`, `session_idle_timeout`, `session_absolute_timeout`), audited.
pub fn end_session(
    store: &mut Store,
    ctx: &Ctx,
    session: &Session,
    action: &str,
    summary: String,
) -> Result<(), StoreError> {
    store.write(ctx, |tx| {
        tx.db().execute(
            "DELETE FROM web_session WHERE id_sha256 = $1",
            &[session.id_sha256.as_str().into()],
        )?;
        tx.audit(event(
            action,
            "web_user",
            &session.user_name,
            "success",
            summary,
        ))
        .map(|_| ())
    })
}

/// A bearer token (API) or a single-use link (vendor portal).
#[derive(Debug, Clone)]
pub struct Token {
    /// SHA-256 of the token.
    pub id_sha256: String,
    /// `api` or `vendor`.
    pub kind: String,
    /// API: the user it acts as; vendor: the questionnaire request id.
    pub subject: String,
    /// The role it carries.
    pub role: String,
    /// Description.
    pub label: String,
    /// Valid until.
    pub expires_at: Timestamp,
    /// When used (single-use links).
    pub used_at: Option<String>,
}

/// Token kinds.
pub const API: &str = "api";
/// Vendor questionnaire link.
pub const VENDOR: &str = "vendor";

/// Creates a token; returns its secret value (shown once) and audits `token_create`.
pub fn create_token(
    store: &mut Store,
    ctx: &Ctx,
    kind: &str,
    subject: &str,
    role: &str,
    label: &str,
    expires_at: Timestamp,
) -> Result<String, StoreError> {
    let secret = random_token()?;
    let sha = sha256_hex(secret.as_bytes());
    store.write(ctx, |tx| {
        tx.db().execute(
            "INSERT INTO web_token (id_sha256, kind, subject, role, label, created_at, created_by, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                sha.as_str().into(),
                kind.into(),
                subject.into(),
                role.into(),
                label.into(),
                format_ts(ctx.now).into(),
                ctx.actor.as_str().into(),
                format_ts(expires_at).into(),
            ],
        )?;
        tx.audit(event(
            "token_create",
            "web_token",
            &sha[..16],
            "success",
            format!("{kind} token for {subject} ({label}), expires {}", format_ts(expires_at)),
        ))
        .map(|_| ())
    })?;
    Ok(secret)
}

/// The token for a secret value, if it exists (not checked for expiry).
pub fn find_token(store: &mut Store, secret: &str) -> Result<Option<Token>, StoreError> {
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(row) = store.db().query_opt(
        "SELECT id_sha256, kind, subject, role, label, expires_at, used_at FROM web_token WHERE id_sha256 = $1",
        &[sha256_hex(secret.as_bytes()).into()],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Token {
        id_sha256: row.str(0)?,
        kind: row.str(1)?,
        subject: row.str(2)?,
        role: row.str(3)?,
        label: row.str(4)?,
        expires_at: ts(&row, 5)?,
        used_at: row.text(6)?,
    }))
}

/// Marks a single-use token used (inside a write transaction).
pub fn mark_used(
    tx: &mut phiguard_store::Tx<'_>,
    token: &Token,
    now: Timestamp,
) -> Result<(), StoreError> {
    let n = tx.db().execute(
        "UPDATE web_token SET used_at = $1 WHERE id_sha256 = $2 AND used_at IS NULL",
        &[format_ts(now).into(), token.id_sha256.as_str().into()],
    )?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::invalid("token", "this link was already used"))
    }
}

/// Appends an audit event inside a transaction.
pub fn audit_tx(
    tx: &mut phiguard_store::Tx<'_>,
    action: &str,
    object_type: &str,
    object_id: &str,
    summary: String,
) -> Result<(), StoreError> {
    tx.audit(event(action, object_type, object_id, "success", summary))
        .map(|_| ())
}
