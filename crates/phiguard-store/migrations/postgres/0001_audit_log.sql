-- The tamper-evident audit log: events in a hash chain, its head, signed checkpoints.
CREATE TABLE audit_event (
    tenant_id       TEXT   NOT NULL,
    seq             BIGINT NOT NULL,
    occurred_at     TEXT   NOT NULL,
    actor           TEXT   NOT NULL,
    source          TEXT   NOT NULL,
    action          TEXT   NOT NULL,
    object_type     TEXT   NOT NULL,
    object_id       TEXT   NOT NULL,
    object_version  BIGINT,
    outcome         TEXT   NOT NULL,
    summary         TEXT   NOT NULL,
    changes         TEXT   NOT NULL,
    before_sha256   TEXT,
    after_sha256    TEXT,
    retention_until TEXT   NOT NULL,
    leaf_hash       TEXT   NOT NULL,
    chain_hash      TEXT   NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE audit_chain_head (
    tenant_id  TEXT   NOT NULL PRIMARY KEY,
    seq        BIGINT NOT NULL,
    chain_hash TEXT   NOT NULL
);
INSERT INTO audit_chain_head (tenant_id, seq, chain_hash)
VALUES ('default', 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoint (
    tenant_id              TEXT   NOT NULL,
    checkpoint_no          BIGINT NOT NULL,
    tree_size              BIGINT NOT NULL,
    merkle_root            TEXT   NOT NULL,
    chain_head             TEXT   NOT NULL,
    created_at             TEXT   NOT NULL,
    prev_checkpoint_sha256 TEXT   NOT NULL,
    key_id                 TEXT   NOT NULL,
    signature              TEXT   NOT NULL,
    PRIMARY KEY (tenant_id, checkpoint_no)
);

CREATE TABLE audit_key (
    key_id     TEXT NOT NULL PRIMARY KEY,
    algorithm  TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added_at   TEXT NOT NULL
);

-- Guard-rails against accidents and bugs. A superuser can drop them: the hash chain and
-- the signed checkpoints kept outside the database are the real control.
CREATE FUNCTION phiguard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE FUNCTION phiguard_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq <= OLD.seq THEN
        RAISE EXCEPTION 'audit_chain_head only moves forward';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION phiguard_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION phiguard_append_only();
CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION phiguard_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION phiguard_append_only();
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION phiguard_append_only();
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION phiguard_head_forward();
