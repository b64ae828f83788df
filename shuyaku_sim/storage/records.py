"""Queries on high-cost months, confirmation results, deliveries, submissions, operation log."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from shuyaku_sim.storage.rows import HighCostMonth

DELIVERY_COLUMNS = (
    "id, name, municipality_code, if_id, created_at, row_count, size, sha256, "
    "acknowledged_at"
)
DeliveryRow = tuple[int, str, str, str, str, int, int, str, str | None]
OperationLogRow = tuple[int, str, str, int, str, str]


class RecordQueries:
    """High-cost months, results, deliveries, submissions and the operation log."""

    conn: sqlite3.Connection

    # high-cost months
    def upsert_high_cost_months(self, rows: Sequence[tuple[object, ...]]) -> None:
        """KKG01 rows: municipality, 世帯番号, head insured ID, care month (YYYYMM),
        kind, income category, decision date (ISO), submission_id."""
        self.conn.executemany(
            "INSERT INTO high_cost_months VALUES (?,?,?,?,?,?,?,?) ON CONFLICT "
            "(municipality_code, household_no, care_month) DO UPDATE SET "
            "head_insured_id = excluded.head_insured_id, high_cost_kind = excluded.high_cost_kind, "
            "income_category = excluded.income_category, decision_date = excluded.decision_date, "
            "submission_id = excluded.submission_id",
            rows,
        )

    def high_cost_months_of(self, municipality: str, household_no: str) -> list[HighCostMonth]:
        """The household's own KKG01 months, ascending."""
        return [HighCostMonth(str(a), str(b), str(c)) for a, b, c in self.conn.execute(
            "SELECT care_month, high_cost_kind, income_category FROM high_cost_months "
            "WHERE municipality_code = ? AND household_no = ? ORDER BY care_month",
            (municipality, household_no),
        )]

    def carried_months_into(self, municipality: str, household_no: str) -> list[HighCostMonth]:
        """Months carried into a household by confirmed 継続 candidates, ascending."""
        return [HighCostMonth(str(a), str(b), str(c)) for a, b, c in self.conn.execute(
            "SELECT care_month, high_cost_kind, income_category FROM carried_months "
            "WHERE after_municipality = ? AND after_household_no = ? ORDER BY care_month",
            (municipality, household_no),
        )]

    def insert_carried_months(
        self, candidate_id: int, after: tuple[str, str], months: Sequence[HighCostMonth]
    ) -> None:
        """Record the months carried over by one confirmed candidate."""
        self.conn.executemany(
            "INSERT INTO carried_months VALUES (?,?,?,?,?,?)",
            [(candidate_id, after[0], after[1], m.care_month, m.high_cost_kind,
              m.income_category) for m in months],
        )

    # deliveries
    def delivery_name_taken(self, name: str) -> bool:
        """True when a delivery with this file name exists."""
        return self.conn.execute(
            "SELECT 1 FROM deliveries WHERE name = ?", (name,)).fetchone() is not None

    def insert_delivery(
        self, name: str, municipality: str, if_id: str, created_at: str, rows: int,
        sha256: str, content: bytes,
    ) -> None:
        """Store one delivered CSV file (its bytes in a table of their own, so that
        acknowledging it updates a small row instead of rewriting the file)."""
        cur = self.conn.execute(
            "INSERT INTO deliveries (name, municipality_code, if_id, created_at, row_count, "
            "sha256, size) VALUES (?,?,?,?,?,?,?)",
            (name, municipality, if_id, created_at, rows, sha256, len(content)),
        )
        self.conn.execute("INSERT INTO delivery_contents (delivery_id, content) VALUES (?, ?)",
                          (cur.lastrowid, content))

    def delivery_rows(self, municipality: str, include_acknowledged: bool) -> list[DeliveryRow]:
        """Deliveries of a municipality, oldest first."""
        extra = "" if include_acknowledged else " AND acknowledged_at IS NULL"
        return list(self.conn.execute(
            f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE municipality_code = ?"  # noqa: S608
            f"{extra} ORDER BY id",
            (municipality,),
        ))

    def delivery_row(self, municipality: str, name: str) -> DeliveryRow | None:
        """One delivery of a municipality by name, or None."""
        row = self.conn.execute(
            f"SELECT {DELIVERY_COLUMNS} FROM deliveries "  # noqa: S608
            "WHERE municipality_code = ? AND name = ?",
            (municipality, name),
        ).fetchone()
        return None if row is None else tuple(row)

    def delivery_content(self, municipality: str, name: str) -> bytes | None:
        """The bytes of one delivery, or None."""
        row = self.conn.execute(
            "SELECT c.content FROM deliveries d JOIN delivery_contents c ON c.delivery_id = d.id"
            " WHERE d.municipality_code = ? AND d.name = ?",
            (municipality, name),
        ).fetchone()
        return None if row is None else bytes(row[0])

    def acknowledge_delivery(
        self, municipality: str, name: str, terminal_id: str, staff_id: str, now: str
    ) -> None:
        """Mark a delivery received (first acknowledgement wins)."""
        self.conn.execute(
            "UPDATE deliveries SET acknowledged_at = ?, acknowledged_terminal = ?, "
            "acknowledged_staff = ? WHERE municipality_code = ? AND name = ? "
            "AND acknowledged_at IS NULL",
            (now, terminal_id, staff_id, municipality, name),
        )

    # submissions
    def find_submission(self, municipality: str, key: str) -> tuple[int, str, str, str] | None:
        """(id, sha256, status, result JSON) of a stored submission, or None."""
        row = self.conn.execute(
            "SELECT id, sha256, status, result_json FROM submissions "
            "WHERE municipality_code = ? AND idempotency_key = ?",
            (municipality, key),
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]), str(row[2]), str(row[3]))

    def find_accepted_by_content(self, municipality: str, sha256: str) -> str | None:
        """The result JSON of the earliest ACCEPTED submission of this exact file set
        (same digest) by the municipality, or None."""
        row = self.conn.execute(
            "SELECT result_json FROM submissions WHERE municipality_code = ? AND sha256 = ? "
            "AND status = 'accepted' ORDER BY id LIMIT 1",
            (municipality, sha256),
        ).fetchone()
        return None if row is None else str(row[0])

    def insert_submission(
        self, municipality: str, key: str, sha256: str, terminal_id: str, staff_id: str,
        received_at: str,
    ) -> int:
        """Start a submission record (status accepted until told otherwise)."""
        cur = self.conn.execute(
            "INSERT INTO submissions (municipality_code, idempotency_key, sha256, terminal_id, "
            "staff_id, received_at, status, result_json) VALUES (?,?,?,?,?,?,'accepted','{}')",
            (municipality, key, sha256, terminal_id, staff_id, received_at),
        )
        return int(cur.lastrowid or 0)

    def finish_submission(self, submission_id: int, status: str, result_json: str) -> None:
        """Store the outcome of a submission."""
        self.conn.execute(
            "UPDATE submissions SET status = ?, result_json = ? WHERE id = ?",
            (status, result_json, submission_id),
        )

    def count_submissions(self, municipality: str, status: str) -> int:
        """Number of a municipality's submissions with ``status``."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM submissions WHERE municipality_code = ? AND status = ?",
            (municipality, status),
        ).fetchone()[0])

    # operation log
    def operation_log_entry(
        self, municipality: str, terminal_id: str, seq: int
    ) -> str | None:
        """The stored digest of one forwarded record, or None."""
        row = self.conn.execute(
            "SELECT sha256 FROM operation_log WHERE municipality_code = ? AND terminal_id = ? "
            "AND seq = ?",
            (municipality, terminal_id, seq),
        ).fetchone()
        return None if row is None else str(row[0])

    def insert_operation_log(
        self, municipality: str, terminal_id: str, seq: int, record_json: str, sha256: str,
        now: str,
    ) -> None:
        """Store one forwarded operation-log record."""
        self.conn.execute(
            "INSERT INTO operation_log (municipality_code, terminal_id, seq, record_json, sha256, "
            "received_at) VALUES (?,?,?,?,?,?)",
            (municipality, terminal_id, seq, record_json, sha256, now),
        )

    def operation_log_rows(
        self, municipality: str | None, terminal_id: str | None, after_id: int, limit: int
    ) -> list[OperationLogRow]:
        """(id, municipality, terminal, seq, record JSON, received_at) rows, by id."""
        where, args = ["id > ?"], [after_id]
        if municipality is not None:
            where.append("municipality_code = ?")
            args.append(municipality)  # type: ignore[arg-type]
        if terminal_id is not None:
            where.append("terminal_id = ?")
            args.append(terminal_id)  # type: ignore[arg-type]
        return [(int(a), str(b), str(c), int(d), str(e), str(f)) for a, b, c, d, e, f in
                self.conn.execute(
                    "SELECT id, municipality_code, terminal_id, seq, record_json, received_at "  # noqa: S608
                    f"FROM operation_log WHERE {' AND '.join(where)} ORDER BY id LIMIT ?",
                    (*args, limit),
                )]

    def carried_months_of(self, candidate_id: int) -> list[HighCostMonth]:
        """Months carried by one candidate, ascending."""
        return [HighCostMonth(str(a), str(b), str(c)) for a, b, c in self.conn.execute(
            "SELECT care_month, high_cost_kind, income_category FROM carried_months "
            "WHERE candidate_id = ? ORDER BY care_month",
            (candidate_id,),
        )]
