-- 0005: the operation log's public hash chain (kokuho_pc.domain.oplog_chain).
-- Each record keeps the hash of the record before it and its own hash; the
-- chain row keeps the hash before the first kept record (base) and the tip's
-- hash. Records written before this migration get their hashes on the next
-- open (kokuho_pc.audit.log.AuditLog.upgrade_chain), after which a hash can no
-- longer be changed.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE audit_chain ADD COLUMN base_hash TEXT;
ALTER TABLE audit_chain ADD COLUMN tip_hash TEXT;
CREATE INDEX audit_log_unhashed ON audit_log (seq) WHERE hash IS NULL;
CREATE TRIGGER audit_log_hash_fixed
BEFORE UPDATE OF prev_hash, hash ON audit_log
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'audit_log hashes are fixed once written');
END;
-- The consolidation system's last refusal of the forwarded log: an alarm on the
-- administrator's home screen until a later forwarding is accepted.
CREATE TABLE audit_forward_alarm (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL
);
