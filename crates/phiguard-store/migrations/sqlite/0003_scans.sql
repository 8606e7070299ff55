-- Stored scans (`phiguard scan --db`): each scan's results and report hash, as a record
-- like any other (JSON `body`, revisions, audit event), so `phiguard history` can show
-- new and resolved failures between scans.
CREATE TABLE scan (
    id              TEXT   NOT NULL PRIMARY KEY,
    version         INTEGER NOT NULL,
    created_at      TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    updated_by      TEXT   NOT NULL,
    retention_until TEXT,
    legal_hold      INTEGER NOT NULL DEFAULT 0,
    body            TEXT   NOT NULL
);
