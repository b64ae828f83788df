"""Queries of the trust anchor: terminal chains, alerts, the staff registry, re-enrolments."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class ChainRow:
    """One terminal's acknowledged chain (``tip_hash`` None: the next batch sets the start)."""

    terminal_id: str
    municipality_code: str
    epoch: int
    tip_seq: int
    tip_hash: str | None
    state: str
    records: int
    last_contact: str | None
    last_record_time: str | None


@dataclass(frozen=True)
class StaffRow:
    """One staff member as the PCs' account records described them."""

    municipality_code: str
    staff_id: str
    role: str | None
    valid_from: str | None
    valid_to: str | None
    revoked_at: str | None


@dataclass(frozen=True)
class AlertRow:
    """One alert for the federation administrator."""

    municipality_code: str | None
    terminal_id: str
    code: str
    at: str
    detail: str
    occurrences: int
    last_at: str


_CHAIN_COLUMNS = ("terminal_id, municipality_code, epoch, tip_seq, tip_hash, state, records, "
                  "last_contact, last_record_time")


class TrustQueries:
    """Mixin of :class:`shuyaku_sim.storage.tx.Tx`."""

    conn: sqlite3.Connection

    def chain_of(self, terminal_id: str) -> ChainRow | None:
        """The terminal's chain row, or None for a terminal never heard of."""
        row = self.conn.execute(
            f"SELECT {_CHAIN_COLUMNS} FROM terminal_chains WHERE terminal_id = ?",  # noqa: S608
            (terminal_id,)).fetchone()
        return None if row is None else ChainRow(*row)

    def chains(self) -> list[ChainRow]:
        """Every terminal's chain row, by terminal."""
        return [ChainRow(*r) for r in self.conn.execute(
            f"SELECT {_CHAIN_COLUMNS} FROM terminal_chains ORDER BY terminal_id")]  # noqa: S608

    def save_chain(self, row: ChainRow) -> None:
        """Insert or replace a chain row."""
        self.conn.execute(
            f"INSERT OR REPLACE INTO terminal_chains ({_CHAIN_COLUMNS}) "  # noqa: S608
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (row.terminal_id, row.municipality_code, row.epoch, row.tip_seq, row.tip_hash,
             row.state, row.records, row.last_contact, row.last_record_time))

    def chained_record_hash(self, terminal_id: str, epoch: int, seq: int) -> str | None:
        """The chain hash of a stored record (None: not stored, or stored before hashes)."""
        row = self.conn.execute(
            "SELECT record_hash FROM operation_log WHERE terminal_id = ? AND epoch = ? "
            "AND seq = ?", (terminal_id, epoch, seq)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def insert_chained_record(
        self, municipality: str, terminal_id: str, epoch: int, seq: int, record_json: str,
        sha256: str, record_hash: str, now: str,
    ) -> None:
        """Store one forwarded record of the terminal's current chain."""
        self.conn.execute(
            "INSERT INTO operation_log (municipality_code, terminal_id, epoch, seq, record_json, "
            "sha256, received_at, record_hash) VALUES (?,?,?,?,?,?,?,?)",
            (municipality, terminal_id, epoch, seq, record_json, sha256, now, record_hash))

    def chained_records(self, terminal_id: str, epoch: int) -> list[tuple[int, str]]:
        """(seq, record JSON) of one chain, by seq."""
        return [(int(a), str(b)) for a, b in self.conn.execute(
            "SELECT seq, record_json FROM operation_log WHERE terminal_id = ? AND epoch = ? "
            "ORDER BY seq", (terminal_id, epoch))]

    # alerts
    def raise_alert(
        self, municipality: str | None, terminal_id: str, code: str, detail: str, now: str
    ) -> None:
        """Record an alert; the same alert again only counts (first and last time kept)."""
        self.conn.execute(
            "INSERT INTO alerts (municipality_code, terminal_id, code, at, detail, last_at) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT (terminal_id, code, detail) DO UPDATE SET "
            "occurrences = occurrences + 1, last_at = excluded.last_at",
            (municipality, terminal_id, code, now, detail, now))

    def alerts(self) -> list[AlertRow]:
        """Every stored alert, oldest first."""
        return [AlertRow(*r) for r in self.conn.execute(
            "SELECT municipality_code, terminal_id, code, at, detail, occurrences, last_at "
            "FROM alerts ORDER BY at, id")]

    # staff registry
    def staff(self, municipality: str, staff_id: str) -> StaffRow | None:
        """A registered staff member, or None."""
        row = self.conn.execute(
            "SELECT municipality_code, staff_id, role, valid_from, valid_to, revoked_at "
            "FROM staff_registry WHERE municipality_code = ? AND staff_id = ?",
            (municipality, staff_id)).fetchone()
        return None if row is None else StaffRow(*row)

    def registry_size(self, municipality: str) -> int:
        """How many staff members the municipality's registry holds."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM staff_registry WHERE municipality_code = ?",
            (municipality,)).fetchone()[0])

    def save_staff(self, row: StaffRow, terminal_id: str, seq: int, now: str) -> None:
        """Insert or replace a registry entry (from the record ``seq`` of ``terminal_id``)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO staff_registry (municipality_code, staff_id, role, "
            "valid_from, valid_to, revoked_at, terminal_id, seq, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (row.municipality_code, row.staff_id, row.role, row.valid_from, row.valid_to,
             row.revoked_at, terminal_id, seq, now))

    # re-enrolment
    def record_re_enrolment(
        self, terminal_id: str, municipality: str | None, now: str, old_epoch: int,
        new_epoch: int, old_tip_seq: int,
    ) -> None:
        """Record one approval."""
        self.conn.execute(
            "INSERT INTO re_enrolments (terminal_id, municipality_code, approved_at, old_epoch, "
            "new_epoch, old_tip_seq) VALUES (?,?,?,?,?,?)",
            (terminal_id, municipality, now, old_epoch, new_epoch, old_tip_seq))
