-- 0002: transfer bookkeeping: approved media, the PC's media-signing key, transfer
-- jobs with their idempotency keys, exported deliveries. File names, sizes, hashes
-- and states only: never personal data.
CREATE TABLE transfer_pc_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE transfer_media (
    media_id TEXT PRIMARY KEY,
    volume_kind TEXT NOT NULL,
    volume_id TEXT NOT NULL,
    expires TEXT NOT NULL,
    allowed_staff TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    token_sha256 TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE TABLE transfer_jobs (
    job_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('send', 'export', 'ack', 'log_forward')),
    fingerprint TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    staff_id TEXT,
    media_id TEXT,
    state TEXT NOT NULL,
    result_json TEXT,
    error_code TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX transfer_jobs_fingerprint ON transfer_jobs (kind, fingerprint);
CREATE TABLE transfer_job_files (
    job_id TEXT NOT NULL REFERENCES transfer_jobs (job_id),
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (job_id, file_name)
);
CREATE TABLE transfer_exports (
    delivery_id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    media_id TEXT,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
