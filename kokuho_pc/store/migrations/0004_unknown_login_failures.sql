-- 0004: failed logins under user IDs that do not exist, counted like an
-- account's failed_count so an unknown ID gets the same growing delay as a
-- known one (before, only a known ID slowed down: an ID oracle). The ID itself
-- is never stored (it may be a mistyped password): id_key is an HMAC-SHA256 of
-- the canonical ID under a key derived from the store key.
CREATE TABLE login_unknown_failures (
    id_key TEXT PRIMARY KEY,
    failed_count INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX login_unknown_failures_updated ON login_unknown_failures (updated_at);
