-- 0006: FIDO2 authenticators enrolled per account (issue 21). Holds no personal
-- data: the credential ID the authenticator chose, its COSE public key, the last
-- signature counter seen, the authenticator model's AAGUID (hex), and who/when.
-- A revoked credential stays (revoked_at set) so the log and the list can name it.
CREATE TABLE fido_credentials (
    credential_id BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES accounts (user_id),
    public_key BLOB NOT NULL,          -- COSE_Key, CBOR-encoded
    sign_count INTEGER NOT NULL,
    aaguid TEXT NOT NULL,              -- 32 hex digits (all zero when not disclosed)
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,          -- the administrator present at enrolment
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE INDEX fido_credentials_user ON fido_credentials (user_id);
