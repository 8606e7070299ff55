-- Compliance records. Every kind has the same columns: the record itself is the JSON
-- `body`; every change also writes a row to record_revision and an audit event.
CREATE TABLE agreement (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
CREATE TABLE vendor (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
CREATE TABLE questionnaire_template (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
CREATE TABLE questionnaire_request (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
CREATE TABLE finding (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
CREATE TABLE risk_assessment (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
CREATE TABLE risk (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
CREATE TABLE evidence (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         BIGINT NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      BIGINT NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);

-- Append-only history: one row per version of every record.
CREATE TABLE record_revision (
    kind        TEXT   NOT NULL,
    id          TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    deleted     BIGINT NOT NULL DEFAULT 0,
    body        TEXT   NOT NULL,
    body_sha256 TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    recorded_by TEXT   NOT NULL,
    PRIMARY KEY (kind, id, version)
);

-- Human-friendly ids: BAA-0001, VEN-0001, ...
CREATE TABLE id_counter (
    prefix TEXT   NOT NULL PRIMARY KEY,
    last   BIGINT NOT NULL
);

-- Evidence files, content-addressed.
CREATE TABLE evidence_blob (
    sha256    TEXT   NOT NULL PRIMARY KEY,
    size      BIGINT NOT NULL,
    stored_at TEXT   NOT NULL,
    content   BYTEA   NOT NULL
);

CREATE TRIGGER record_revision_no_change BEFORE UPDATE ON record_revision
    FOR EACH ROW EXECUTE FUNCTION phiguard_append_only();
CREATE TRIGGER evidence_blob_no_change BEFORE UPDATE ON evidence_blob
    FOR EACH ROW EXECUTE FUNCTION phiguard_append_only();
