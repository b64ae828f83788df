-- 0001: accounts, roles, machine policy, the operation log and its chain.
-- The store never holds data of insured persons.

CREATE TABLE roles (
    role TEXT PRIMARY KEY,
    label TEXT NOT NULL
);
INSERT INTO roles (role, label) VALUES ('staff', '事務取扱担当者');
INSERT INTO roles (role, label) VALUES ('admin', '情報システム管理者');

CREATE TABLE accounts (
    user_id TEXT PRIMARY KEY,                 -- canonical (lower-case) user ID
    display_id TEXT NOT NULL,                 -- as the administrator typed it
    name TEXT NOT NULL,                       -- the staff member's own name
    role TEXT NOT NULL REFERENCES roles (role),
    valid_from TEXT NOT NULL,                 -- YYYY-MM-DD, local date
    valid_to TEXT,                            -- YYYY-MM-DD inclusive, NULL = open
    granted_fy INTEGER NOT NULL,              -- last fiscal year the access was granted for
    password_hash TEXT NOT NULL,              -- Argon2id PHC string (parameters included)
    must_change_password INTEGER NOT NULL DEFAULT 0,
    failed_count INTEGER NOT NULL DEFAULT 0,  -- consecutive failed logins
    locked_at TEXT,                           -- set after the 10th failure
    revoked_at TEXT,
    totp_secret BLOB,                         -- AES-GCM sealed TOTP secret
    totp_last_step INTEGER,                   -- last accepted time step (no replay)
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,                      -- JSON
    updated_at TEXT NOT NULL,
    updated_by TEXT
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,                       -- ISO 8601 with UTC offset
    terminal TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    action TEXT NOT NULL,
    targets TEXT NOT NULL,                    -- canonical JSON of identifiers only
    result TEXT NOT NULL,
    mac TEXT NOT NULL,                        -- HMAC chain value (hex)
    forwarded_ack TEXT                        -- when the consolidation system acknowledged it
);

CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    base_seq INTEGER NOT NULL,                -- first record still kept
    base_mac TEXT NOT NULL,                   -- chain value before base_seq
    base_seal TEXT NOT NULL,                  -- HMAC(seal key, base_seq, base_mac)
    tip_seq INTEGER NOT NULL,                 -- last record written
    tip_mac TEXT NOT NULL,
    tip_seal TEXT NOT NULL                    -- HMAC(seal key, tip_seq, tip_mac)
);

CREATE TRIGGER audit_log_no_update
BEFORE UPDATE OF seq, time, terminal, staff_id, action, targets, result, mac ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_delete_only_acknowledged
BEFORE DELETE ON audit_log
WHEN OLD.forwarded_ack IS NULL
BEGIN
    SELECT RAISE(ABORT, 'unacknowledged audit records cannot be deleted');
END;
