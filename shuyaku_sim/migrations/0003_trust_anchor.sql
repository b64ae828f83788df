-- 0003: the operation log anchored on the consolidation system.
-- Forwarded records now belong to a chain epoch (a re-enrolled terminal starts a
-- new chain, numbered from 1 again); each terminal has its acknowledged tip; alerts
-- for the federation administrator's review are kept, never only logged; the staff
-- registry per municipality is fed by the chained account records; every
-- re-enrolment approval is recorded.
CREATE TABLE operation_log_chained (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    epoch INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL,
    record_json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    record_hash TEXT,
    UNIQUE (municipality_code, terminal_id, epoch, seq)
);
INSERT INTO operation_log_chained (id, municipality_code, terminal_id, epoch, seq, record_json,
    sha256, received_at)
    SELECT id, municipality_code, terminal_id, 0, seq, record_json, sha256, received_at
    FROM operation_log;
DROP TABLE operation_log;
ALTER TABLE operation_log_chained RENAME TO operation_log;

-- tip_hash NULL: the next batch sets the chain's start (records forwarded before the
-- hash chain existed, when tip_seq > 0; a re-enrolled terminal, when tip_seq = 0).
CREATE TABLE terminal_chains (
    terminal_id TEXT PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    epoch INTEGER NOT NULL DEFAULT 0,
    tip_seq INTEGER NOT NULL DEFAULT 0,
    tip_hash TEXT,
    state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'broken', 'rolled_back')),
    records INTEGER NOT NULL DEFAULT 0,
    last_contact TEXT,
    last_record_time TEXT
);
INSERT INTO terminal_chains (terminal_id, municipality_code, tip_seq, records, last_contact)
    SELECT terminal_id, MIN(municipality_code), MAX(seq), COUNT(*), MAX(received_at)
    FROM operation_log GROUP BY terminal_id;

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT,
    terminal_id TEXT NOT NULL,
    code TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT NOT NULL,
    occurrences INTEGER NOT NULL DEFAULT 1,
    last_at TEXT NOT NULL,
    UNIQUE (terminal_id, code, detail)
);

CREATE TABLE staff_registry (
    municipality_code TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    role TEXT,
    valid_from TEXT,
    valid_to TEXT,
    revoked_at TEXT,
    terminal_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (municipality_code, staff_id)
);

CREATE TABLE re_enrolments (
    id INTEGER PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    municipality_code TEXT,
    approved_at TEXT NOT NULL,
    old_epoch INTEGER NOT NULL,
    new_epoch INTEGER NOT NULL,
    old_tip_seq INTEGER NOT NULL
);
