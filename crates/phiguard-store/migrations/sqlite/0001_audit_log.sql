-- The tamper-evident audit log: events in a hash chain, its head, signed checkpoints.
CREATE TABLE audit_event (
    tenant_id       TEXT    NOT NULL,
    seq             INTEGER NOT NULL,
    occurred_at     TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    object_type     TEXT    NOT NULL,
    object_id       TEXT    NOT NULL,
    object_version  INTEGER,
    outcome         TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    changes         TEXT    NOT NULL,
    before_sha256   TEXT,
    after_sha256    TEXT,
    retention_until TEXT    NOT NULL,
    leaf_hash       TEXT    NOT NULL,
    chain_hash      TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE audit_chain_head (
    tenant_id  TEXT    NOT NULL PRIMARY KEY,
    seq        INTEGER NOT NULL,
    chain_hash TEXT    NOT NULL
);
INSERT INTO audit_chain_head (tenant_id, seq, chain_hash)
VALUES ('default', 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoint (
    tenant_id              TEXT    NOT NULL,
    checkpoint_no          INTEGER NOT NULL,
    tree_size              INTEGER NOT NULL,
    merkle_root            TEXT    NOT NULL,
    chain_head             TEXT    NOT NULL,
    created_at             TEXT    NOT NULL,
    prev_checkpoint_sha256 TEXT    NOT NULL,
    key_id                 TEXT    NOT NULL,
    signature              TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, checkpoint_no)
);

CREATE TABLE audit_key (
    key_id     TEXT NOT NULL PRIMARY KEY,
    algorithm  TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added_at   TEXT NOT NULL
);

-- Guard-rails against accidents and bugs. Anyone with the file can drop them: the hash
-- chain and the signed checkpoints kept outside the database are the real control.
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
BEGIN
    SELECT RAISE(ABORT, 'audit_chain_head rows cannot be deleted');
END;
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head
WHEN NEW.seq <= OLD.seq
BEGIN
    SELECT RAISE(ABORT, 'audit_chain_head only moves forward');
END;
