-- `phiguard serve`: local user accounts, server-side sessions and tokens (API bearer tokens,
-- single-use vendor questionnaire links). Secrets are stored only as SHA-256 hashes
-- (session ids, tokens) or argon2id hashes (passwords); the TOTP secret must be kept to
-- check codes. Every change to these tables is also an audit event.
CREATE TABLE web_user (
    name            TEXT    NOT NULL PRIMARY KEY,
    role            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    totp_secret     TEXT    NOT NULL,
    totp_last_step  BIGINT  NOT NULL DEFAULT 0,
    disabled        BIGINT  NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    created_by      TEXT    NOT NULL
);
CREATE TABLE web_session (
    id_sha256  TEXT NOT NULL PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES web_user (name),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    client     TEXT NOT NULL
);
CREATE TABLE web_token (
    id_sha256  TEXT NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    role       TEXT NOT NULL,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
