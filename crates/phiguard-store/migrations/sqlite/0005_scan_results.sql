-- Results of stored scans as rows (one per evaluation), so the dashboard filters, pages and
-- aggregates them in SQL instead of loading a scan's whole JSON report. Filled when a scan
-- is stored; scans stored before this migration have no rows (and no summary): readers fall
-- back to the report kept as evidence.
CREATE TABLE scan_summary (
    scan_id        TEXT    NOT NULL PRIMARY KEY,
    scan_time      TEXT    NOT NULL,
    results        INTEGER NOT NULL,
    pass           INTEGER NOT NULL,
    fail           INTEGER NOT NULL,
    error          INTEGER NOT NULL,
    manual         INTEGER NOT NULL,
    waived         INTEGER NOT NULL,
    not_applicable INTEGER NOT NULL,
    -- The JSON report without its `results` (tool, accounts, inventory, groups, matrix,
    -- controls): what the pages show around the results.
    head           TEXT    NOT NULL
);
-- `n`: the result's index in the report's `results` (the findings' stable number).
CREATE TABLE scan_result (
    scan_id    TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    control_id TEXT    NOT NULL,
    resource   TEXT    NOT NULL,
    account    TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    severity   TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    phi        INTEGER NOT NULL,
    message    TEXT    NOT NULL,
    PRIMARY KEY (scan_id, n)
) WITHOUT ROWID;
-- The findings explorer's filters (each index also ends with the primary key, so a page in
-- result order reads the index in order); the last one covers the overview's aggregates.
CREATE INDEX scan_result_status ON scan_result (scan_id, status);
CREATE INDEX scan_result_control ON scan_result (scan_id, control_id, status);
CREATE INDEX scan_result_account ON scan_result (scan_id, account, status);
CREATE INDEX scan_result_region ON scan_result (scan_id, region, status);
CREATE INDEX scan_result_severity ON scan_result (scan_id, severity, status);
CREATE INDEX scan_result_agg ON scan_result (scan_id, control_id, status, severity, phi);
