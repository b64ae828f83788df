"""The tamper-evident operation log: append, verify, acknowledge, prune.

``AuditLog.record(...)`` is the one call every part uses. It refuses (raises
:class:`~kokuho_pc.domain.errors.AuditError`) a record holding anything that
looks like a 個人番号 or a target key outside :data:`TARGET_KEYS`; when the
record cannot be written the caller's transaction is rolled back, so the
operation is refused. SHA-256 digests under :data:`HASH_KEYS` are the one
exception to the digit scan: they are stored in groups of 8 (:func:`log_hash`),
which no 12-digit run survives.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kokuho_pc.audit import chain
from kokuho_pc.audit.actions import HASH_KEYS, TARGET_KEYS, AuditAction, AuditResult, log_hash
from kokuho_pc.domain.errors import AuditError, KokuhoError, StoreDiskFull
from kokuho_pc.domain.leakscan import contains_my_number, hide_logged_hashes
from kokuho_pc.domain.oplog_chain import GENESIS_HASH, Tip, grouped, record_hash
from kokuho_pc.store.anchor import TipAnchor
from kokuho_pc.store.clock import Clock, system_clock
from kokuho_pc.store.database import Database
from kokuho_pc.store.faultpoints import checkpoint

_log = logging.getLogger("kokuho_pc.audit")

TargetValue = str | int | bool | None | Sequence[str | int]
MAX_TEXT = 256

# Pause points of the crash tests (kokuho_pc.store.faultpoints; ``NAME:ACTION`` for a
# record of that action): the record's transaction is about to COMMIT, or has committed
# and the tip kept outside the store is not yet written (tests/security/test_wal_kill.py).
OPLOG_POINTS = ("oplog.before_commit", "oplog.committed")


@dataclass(frozen=True)
class AuditRecord:
    """One stored record."""

    seq: int
    time: str
    terminal: str
    staff_id: str
    action: str
    targets: dict[str, Any]
    result: str
    forwarded_ack: str | None
    prev_hash: str | None = None
    hash: str | None = None

    @property
    def action_label(self) -> str:
        """Japanese label of the action (the raw code if unknown)."""
        try:
            action = AuditAction(self.action)
        except ValueError:
            return self.action
        if action is AuditAction.MEDIA_REGISTER and self.targets.get("reason") == "revoke":
            action = AuditAction.MEDIA_REVOKE  # how revocations were logged before media.revoke
        return action.label


@dataclass(frozen=True)
class VerifyReport:
    """Result of :meth:`AuditLog.verify`: ``first_bad_seq`` is None when intact."""

    ok: bool
    count: int
    first_bad_seq: int | None


_BAD_VALUE = "操作ログに記録できない値が含まれていたため、操作を中止しました。"


def _check_text(value: str) -> None:
    if len(value) > MAX_TEXT or any(ord(ch) < 0x20 for ch in value):
        raise AuditError(_BAD_VALUE)


def _hash_form(value: TargetValue) -> TargetValue:
    """Digests under a hash key in the logged form; anything else unchanged (and scanned)."""
    if isinstance(value, str):
        return log_hash(value)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [log_hash(item) if isinstance(item, str) else item for item in value]
    return value


def _check_targets(targets: Mapping[str, TargetValue]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in targets.items():
        if key not in TARGET_KEYS:
            raise AuditError("操作ログに記録できない項目が指定されたため、操作を中止しました。")
        if key in HASH_KEYS:
            value = _hash_form(value)
        if isinstance(value, str):
            _check_text(value)
            clean[key] = value
        elif value is None or isinstance(value, bool | int):
            clean[key] = value
        elif isinstance(value, Sequence):
            items = list(value)
            for item in items:
                if isinstance(item, str):
                    _check_text(item)
                elif isinstance(item, bool) or not isinstance(item, int):
                    raise AuditError(_BAD_VALUE)
            clean[key] = items
        else:
            raise AuditError(_BAD_VALUE)
    return clean


class AuditLog:
    """The operation log of one store. ``terminal`` names this PC in every record."""

    def __init__(
        self, db: Database, *, terminal: str, clock: Clock = system_clock,
        anchor: TipAnchor | None = None,
    ) -> None:
        self._db = db
        self._terminal = terminal
        self._clock = clock
        self._seal_key = chain.seal_key(db.key)
        self._next_key: tuple[int, bytes] | None = None  # cached K_seq for the next record
        self.anchor = anchor
        self.upgrade_chain()

    def upgrade_chain(self) -> int:
        """Give records written before the hash chain existed their hashes (store migration
        4); return how many were hashed. A no-op on an upgraded store."""
        state = self._db.query_one("SELECT base_seq, base_mac, base_hash, tip_hash "
                                   "FROM audit_chain WHERE id = 1")
        if state is None or (state[2] is not None and state[3] is not None
                             and self._db.query_one("SELECT 1 FROM audit_log "
                                                    "WHERE hash IS NULL LIMIT 1") is None):
            return 0
        base_seq, base_mac, base_hash, _ = state
        if base_hash is None:
            # The hash before a pruned prefix is unknown: derive a fixed stand-in from the MAC.
            base_hash = GENESIS_HASH if base_seq == 1 else grouped(hashlib.sha256(
                f"kokuho-pc/audit/migrated|{base_mac}".encode("ascii")).hexdigest())
        done = 0
        with self._db.transaction():
            prev = base_hash
            for seq, time, terminal, staff_id, action, targets, result, digest in self._db.query(
                "SELECT seq, time, terminal, staff_id, action, targets, result, hash "
                "FROM audit_log ORDER BY seq"
            ):
                if digest is None:
                    digest = record_hash(prev, seq, time, terminal, staff_id, action, targets,
                                         result)
                    self._db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
                                     (prev, digest, seq))
                    done += 1
                prev = digest
            self._db.execute("UPDATE audit_chain SET base_hash = ?, tip_hash = ? WHERE id = 1",
                             (base_hash, prev))
        return done

    def tip(self) -> Tip:
        """The last record's sequence number and hash (seq 0 for an empty log)."""
        row = self._db.query_one("SELECT tip_seq, tip_hash FROM audit_chain WHERE id = 1")
        if row is None:
            return Tip(0, GENESIS_HASH)
        return Tip(int(row[0]), str(row[1] or GENESIS_HASH))

    def hash_at(self, seq: int) -> str | None:
        """The hash of record ``seq`` as this store holds it (the base's predecessor too);
        None when it is not kept (pruned, or beyond the tip)."""
        if seq == 0:
            return GENESIS_HASH
        row = self._db.query_one("SELECT hash FROM audit_log WHERE seq = ?", (seq,))
        if row is not None:
            return None if row[0] is None else str(row[0])
        base = self._db.query_one("SELECT base_seq, base_hash FROM audit_chain WHERE id = 1")
        if base is not None and int(base[0]) == seq + 1 and base[1] is not None:
            return str(base[1])
        return None

    @property
    def terminal(self) -> str:
        """This PC's name in records."""
        return self._terminal

    def record(
        self,
        action: AuditAction,
        staff_id: str,
        targets: Mapping[str, TargetValue] | None = None,
        result: AuditResult = AuditResult.SUCCESS,
    ) -> int:
        """Append one record; return its sequence number. Raises AuditError if refused."""
        _check_text(staff_id)
        _check_text(self._terminal)
        targets_text = chain.canonical_targets(_check_targets(targets or {}))
        time = self._clock().isoformat(timespec="milliseconds")
        if contains_my_number(hide_logged_hashes(" ".join((staff_id, self._terminal,
                                                              targets_text)))):
            _log.error("refused an operation-log record that looked like it held a My Number")
            raise AuditError(
                "操作ログに個人番号らしき値が含まれていたため、記録を拒否し操作を中止しました。"
            )
        try:
            with self._db.transaction():
                seq = self._append(time, staff_id, action.value, targets_text, result.value)
        except KokuhoError as exc:
            self._next_key = None
            if isinstance(exc, AuditError):
                raise
            if isinstance(exc, StoreDiskFull):
                raise AuditError("操作ログを記録できないため、操作を中止しました。端末のディスクに"
                                 "書き込めません(空き容量の不足など)。", exc.hint) from exc
            raise AuditError() from exc
        return seq

    def _chain_row(self) -> tuple[int, str, str, int, str, str] | None:
        row = self._db.query_one(
            "SELECT base_seq, base_mac, base_seal, tip_seq, tip_mac, tip_seal "
            "FROM audit_chain WHERE id = 1"
        )
        return None if row is None else (row[0], row[1], row[2], row[3], row[4], row[5])

    def _append(self, time: str, staff_id: str, action: str, targets: str, result: str) -> int:
        state = self._chain_row()
        if state is None:
            if self._db.query_one("SELECT 1 FROM audit_log LIMIT 1") is not None:
                raise AuditError("操作ログの管理情報が失われています。")
            self._db.execute(
                "INSERT INTO audit_chain (id, base_seq, base_mac, base_seal, tip_seq, tip_mac, "
                "tip_seal, base_hash, tip_hash) VALUES (1, 1, ?, ?, 0, ?, ?, ?, ?)",
                (chain.ZERO_MAC, chain.seal(self._seal_key, "base", 1, chain.ZERO_MAC),
                 chain.ZERO_MAC, chain.seal(self._seal_key, "tip", 0, chain.ZERO_MAC),
                 GENESIS_HASH, GENESIS_HASH),
            )
            state = self._chain_row()
            assert state is not None
        _, _, _, tip_seq, tip_mac, tip_seal = state
        if not chain.same(tip_seal, chain.seal(self._seal_key, "tip", tip_seq, tip_mac)):
            raise AuditError("操作ログの改ざんを検出したため、操作を中止しました。")
        seq = tip_seq + 1
        if self._next_key is not None and self._next_key[0] <= seq:
            # another process may have appended meanwhile: evolve forward from the cache
            cached_seq, key = self._next_key
            for _ in range(seq - cached_seq):
                key = chain.evolve(key)
        else:
            key = chain.key_for(self._db.key, seq)
        canonical = chain.canonical_record(
            seq, time, self._terminal, staff_id, action, targets, result
        )
        mac = chain.record_mac(key, tip_mac, canonical)
        prev_hash = self.tip().hash
        digest = record_hash(prev_hash, seq, time, self._terminal, staff_id, action, targets,
                             result)
        self._db.execute(
            "INSERT INTO audit_log (seq, time, terminal, staff_id, action, targets, result, mac, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, time, self._terminal, staff_id, action, targets, result, mac, prev_hash,
             digest),
        )
        self._db.execute(
            "UPDATE audit_chain SET tip_seq = ?, tip_mac = ?, tip_seal = ?, tip_hash = ? "
            "WHERE id = 1",
            (seq, mac, chain.seal(self._seal_key, "tip", seq, mac), digest),
        )
        self._next_key = (seq + 1, chain.evolve(key))
        self._db.before_commit(lambda: checkpoint(OPLOG_POINTS[0], action))
        if self.anchor is not None:
            tip = Tip(seq, digest)
            self._db.after_commit(lambda: self._committed(tip, action))
        return seq

    def _committed(self, tip: Tip, action: str) -> None:
        checkpoint(OPLOG_POINTS[1], action)
        self._advance_anchor(tip)

    def _advance_anchor(self, tip: Tip) -> None:
        """Move the tip kept outside the store to ``tip`` when the log still holds the
        anchored record: after a rollback the anchor stays where it was, so new records
        cannot paper over the removed ones."""
        anchor = self.anchor
        assert anchor is not None
        known = anchor.state().local
        if tip.seq <= known.seq:
            return
        held = self.hash_at(known.seq)
        if held is not None and held != known.hash:
            return
        anchor.advance_local(tip)

    def verify(self) -> VerifyReport:
        """Check the whole chain; report the first bad sequence number."""
        rows = self._db.query(
            "SELECT seq, time, terminal, staff_id, action, targets, result, mac, prev_hash, hash "
            "FROM audit_log ORDER BY seq"
        )
        state = self._chain_row()
        hashes = self._db.query_one("SELECT base_hash, tip_hash FROM audit_chain WHERE id = 1")
        if state is None:
            if not rows:
                return VerifyReport(True, 0, None)
            return VerifyReport(False, len(rows), int(rows[0][0]))
        base_seq, base_mac, base_seal, tip_seq, tip_mac, tip_seal = state
        if not chain.same(base_seal, chain.seal(self._seal_key, "base", base_seq, base_mac)):
            return VerifyReport(False, len(rows), max(1, min(base_seq, rows[0][0] if rows else 1)))
        key = chain.key_for(self._db.key, base_seq)
        prev, expected = base_mac, base_seq
        prev_hash = hashes[0] if hashes is not None else None
        for seq, time, terminal, staff_id, action, targets, result, mac, p_hash, digest in rows:
            if seq != expected:
                return VerifyReport(False, len(rows), min(seq, expected))
            canonical = chain.canonical_record(
                seq, time, terminal, staff_id, action, targets, result
            )
            if not chain.same(mac, chain.record_mac(key, prev, canonical)):
                return VerifyReport(False, len(rows), seq)
            if p_hash != prev_hash or digest is None or digest != record_hash(
                str(p_hash), seq, time, terminal, staff_id, action, targets, result
            ):
                return VerifyReport(False, len(rows), seq)
            prev, key, expected, prev_hash = mac, chain.evolve(key), expected + 1, digest
        last = expected - 1
        tip_ok = chain.same(tip_seal, chain.seal(self._seal_key, "tip", tip_seq, tip_mac))
        tip_hash = hashes[1] if hashes is not None else None
        if (not tip_ok or tip_seq != last or not chain.same(tip_mac, prev)
                or tip_hash != prev_hash):
            return VerifyReport(False, len(rows), min(last, tip_seq) + 1)
        return VerifyReport(True, len(rows), None)

    def records(
        self,
        *,
        after_seq: int = 0,
        limit: int = 1000,
        staff_id: str | None = None,
        action: AuditAction | None = None,
        unacknowledged_only: bool = False,
        date_from: date | None = None,
        date_to: date | None = None,
        result: AuditResult | None = None,
        newest_first: bool = False,
    ) -> list[AuditRecord]:
        """Records in sequence order, filtered (for review and for forwarding).

        ``date_from``/``date_to`` (inclusive) compare the local date of the record time.
        """
        sql = (
            "SELECT seq, time, terminal, staff_id, action, targets, result, forwarded_ack, "
            "prev_hash, hash FROM audit_log WHERE seq > ?"
        )
        params: list[Any] = [after_seq]
        if staff_id is not None:
            sql += " AND staff_id = ?"
            params.append(staff_id)
        if action is not None:
            sql += " AND action = ?"
            params.append(action.value)
        if unacknowledged_only:
            sql += " AND forwarded_ack IS NULL"
        if date_from is not None:
            sql += " AND time >= ?"
            params.append(date_from.isoformat())
        if date_to is not None:
            sql += " AND time < ?"
            params.append((date_to + timedelta(days=1)).isoformat())
        if result is not None:
            sql += " AND result = ?"
            params.append(result.value)
        sql += " ORDER BY seq DESC LIMIT ?" if newest_first else " ORDER BY seq LIMIT ?"
        params.append(limit)
        return [
            AuditRecord(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8], r[9])
            for r in self._db.query(sql, params)
        ]

    def acknowledged_up_to(self) -> int:
        """The highest sequence number marked as acknowledged by the consolidation system."""
        row = self._db.query_one("SELECT MAX(seq) FROM audit_log WHERE forwarded_ack IS NOT NULL")
        return int(row[0]) if row is not None and row[0] is not None else 0

    def forward_alarm(self) -> tuple[str, str, str] | None:
        """(time, code, message) of the consolidation system's last refusal of the forwarded
        log, until a later forwarding is accepted; None when there is none."""
        row = self._db.query_one("SELECT at, code, message FROM audit_forward_alarm WHERE id = 1")
        return None if row is None else (str(row[0]), str(row[1]), str(row[2]))

    def set_forward_alarm(self, code: str, message: str) -> None:
        """Keep a refusal for the administrator's home screen."""
        with self._db.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO audit_forward_alarm (id, at, code, message) "
                "VALUES (1, ?, ?, ?)",
                (self._clock().isoformat(timespec="seconds"), code[:64], message[:MAX_TEXT]))

    def clear_forward_alarm(self) -> None:
        """A forwarding was accepted: the alarm is over."""
        with self._db.transaction():
            self._db.execute("DELETE FROM audit_forward_alarm")

    def server_acknowledged(self, tip: Tip) -> None:
        """Remember (outside the store) the tip the consolidation system acknowledged."""
        if self.anchor is not None:
            self.anchor.set_server(tip, self.anchor.state().epoch)

    def acknowledge(self, up_to_seq: int, at: datetime | None = None) -> int:
        """Mark records up to ``up_to_seq`` as acknowledged by the consolidation system."""
        moment = (at or self._clock()).isoformat(timespec="seconds")
        with self._db.transaction():
            return self._db.execute(
                "UPDATE audit_log SET forwarded_ack = ? WHERE seq <= ? AND forwarded_ack IS NULL",
                (moment, up_to_seq),
            )

    def prune(self, retention_days: int) -> int:
        """Delete acknowledged records older than the retention period (a prefix only)."""
        cutoff = self._clock() - timedelta(days=retention_days)
        rows = self._db.query(
            "SELECT seq, time, forwarded_ack, mac, hash FROM audit_log ORDER BY seq"
        )
        keep_from: int | None = None
        last_mac: str | None = None
        last_hash: str | None = None
        for seq, time, ack, mac, digest in rows:
            if ack is None or datetime.fromisoformat(time) >= cutoff:
                break
            keep_from, last_mac, last_hash = seq + 1, mac, digest
        if keep_from is None or last_mac is None:
            return 0
        with self._db.transaction():
            removed = self._db.execute("DELETE FROM audit_log WHERE seq < ?", (keep_from,))
            self._db.execute(
                "UPDATE audit_chain SET base_seq = ?, base_mac = ?, base_seal = ?, base_hash = ? "
                "WHERE id = 1",
                (keep_from, last_mac, chain.seal(self._seal_key, "base", keep_from, last_mac),
                 last_hash),
            )
        return removed
