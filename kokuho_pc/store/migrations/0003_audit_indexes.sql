-- 0003: indexes for the operation-log viewer's filters and for forwarding.
-- Without them every filtered review and every forwarding pass read the whole
-- log (a busy PC's year: 100,000 records). Indexes hold the same identifiers
-- as the table (staff ID, action, result, time), never personal data.
CREATE INDEX audit_log_staff_time ON audit_log (staff_id, time);
CREATE INDEX audit_log_action_time ON audit_log (action, time);
CREATE INDEX audit_log_result_seq ON audit_log (result, seq);
CREATE INDEX audit_log_time ON audit_log (time);
CREATE INDEX audit_log_unforwarded ON audit_log (seq) WHERE forwarded_ack IS NULL;
