"""Queries on moves (coverage checks), KSK11 results and candidates."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from shuyaku_sim.storage.rows import (
    CANDIDATE_COLUMNS,
    MOVE_COLUMNS,
    CandidateRow,
    Move,
    candidate,
    move,
)


class WorkQueries:
    """Moves, qualification results and candidates."""

    conn: sqlite3.Connection

    # moves
    def upsert_move(self, m: Move, checked_at: str) -> None:
        """Insert or replace the move of one period (keyed by the new period)."""
        self.conn.execute(
            "INSERT INTO moves (period_id, prefectural_id, new_municipality, new_household_no, "
            "move_date, previous_municipality, result_code, old_period_id, old_household_no, "
            "checked_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (period_id) DO UPDATE SET "
            "prefectural_id = excluded.prefectural_id, "
            "new_household_no = excluded.new_household_no, move_date = excluded.move_date, "
            "previous_municipality = excluded.previous_municipality, "
            "result_code = excluded.result_code, old_period_id = excluded.old_period_id, "
            "old_household_no = excluded.old_household_no, checked_at = excluded.checked_at",
            (m.period_id, m.prefectural_id, m.new_municipality, m.new_household_no,
             m.move_date.isoformat(), m.previous_municipality, m.result_code, m.old_period_id,
             m.old_household_no, checked_at),
        )

    def delete_moves_of_period(self, period_id: int) -> None:
        """Forget the move of a period that is no longer a move-in (or was deleted)."""
        self.conn.execute("DELETE FROM moves WHERE period_id = ?", (period_id,))

    def unresolved_moves_from(self, municipality: str) -> list[Move]:
        """Moves whose old municipality is ``municipality`` and whose check is not 00."""
        return [move(r) for r in self.conn.execute(
            f"SELECT {MOVE_COLUMNS} FROM moves WHERE previous_municipality = ? "  # noqa: S608
            "AND result_code <> '00' ORDER BY id",
            (municipality,),
        )]

    def ok_moves_into(self, municipality: str, household_no: str) -> list[Move]:
        """The 00 moves into one household."""
        return [move(r) for r in self.conn.execute(
            f"SELECT {MOVE_COLUMNS} FROM moves WHERE new_municipality = ? "  # noqa: S608
            "AND new_household_no = ? AND result_code = '00' ORDER BY move_date, id",
            (municipality, household_no),
        )]

    def ok_moves_from(self, municipality: str, household_no: str) -> list[Move]:
        """The 00 moves out of one (before) household."""
        return [move(r) for r in self.conn.execute(
            f"SELECT {MOVE_COLUMNS} FROM moves WHERE previous_municipality = ? "  # noqa: S608
            "AND old_household_no = ? AND result_code = '00' ORDER BY move_date, id",
            (municipality, household_no),
        )]

    def ok_moves_of_person(self, prefectural_id: str) -> list[Move]:
        """The 00 moves of one person."""
        return [move(r) for r in self.conn.execute(
            f"SELECT {MOVE_COLUMNS} FROM moves WHERE prefectural_id = ? "  # noqa: S608
            "AND result_code = '00' ORDER BY move_date, id",
            (prefectural_id,),
        )]

    def after_households_touching(self, municipality: str) -> set[tuple[str, str]]:
        """After households of every 00 move whose before household shares a 00 move
        with ``municipality`` (as old or new municipality), plus those moves' own."""
        rows = self.conn.execute(
            "SELECT DISTINCT m2.new_municipality, m2.new_household_no FROM moves m1 "
            "JOIN moves m2 ON m2.previous_municipality = m1.previous_municipality "
            "AND m2.old_household_no = m1.old_household_no AND m2.result_code = '00' "
            "WHERE m1.result_code = '00' "
            "AND (m1.new_municipality = ? OR m1.previous_municipality = ?)",
            (municipality, municipality),
        ).fetchall()
        return {(str(a), str(b)) for a, b in rows}

    def unconfirmed_candidate_households(self, municipality: str) -> set[tuple[str, str]]:
        """After households of unconfirmed candidates involving ``municipality`` (either side)."""
        rows = self.conn.execute(
            "SELECT DISTINCT after_municipality, after_household_no FROM candidates "
            "WHERE state <> 'confirmed' AND (after_municipality = ? OR before_municipality = ?)",
            (municipality, municipality),
        ).fetchall()
        return {(str(a), str(b)) for a, b in rows}

    # KSK11 results
    def insert_qualification_results(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Append KSK11 rows: municipality_code, municipal_insured_id, prefectural_id,
        qualification_acquired, qualification_lost, coverage_start, coverage_end,
        previous_municipality, result_code, submission_id (dates ISO)."""
        self.conn.executemany(
            "INSERT INTO qualification_results (municipality_code, municipal_insured_id, "
            "prefectural_id, qualification_acquired, qualification_lost, coverage_start, "
            "coverage_end, previous_municipality, result_code, submission_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def latest_qualification_results(self) -> list[tuple[str, str, str, str]]:
        """(municipality, insured ID, prefectural ID, result code), latest per person
        and municipality, ordered by municipality and insured ID."""
        return [(str(a), str(b), str(c), str(d)) for a, b, c, d in self.conn.execute(
            "SELECT q.municipality_code, q.municipal_insured_id, q.prefectural_id, q.result_code "
            "FROM qualification_results q JOIN (SELECT MAX(id) AS id FROM qualification_results "
            "GROUP BY municipality_code, municipal_insured_id) l ON l.id = q.id "
            "ORDER BY q.municipality_code, q.municipal_insured_id"
        )]

    def count_latest_results(self, municipality: str, codes: Sequence[str]) -> int:
        """How many persons of a municipality have one of ``codes`` as latest KSK11 result."""
        marks = ",".join("?" * len(codes))
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM qualification_results q JOIN (SELECT MAX(id) AS id "  # noqa: S608
            "FROM qualification_results WHERE municipality_code = ? "
            "GROUP BY municipal_insured_id) l ON l.id = q.id "
            f"WHERE q.result_code IN ({marks})",
            (municipality, *codes),
        ).fetchone()[0])

    def problem_results(self, municipality: str, submission_id: int | None
                        ) -> list[dict[str, object]]:
        """Persons whose KSK11 result is not 正常: of one submission, or (``None``) the latest
        result of every person. 世帯番号 and 市町村被保険者ID only (never a 個人番号)."""
        if submission_id is None:
            join = ("JOIN (SELECT MAX(id) AS id FROM qualification_results "
                    "WHERE municipality_code = ? GROUP BY municipal_insured_id) l ON l.id = q.id ")
            where, params = "", (municipality, municipality)
        else:
            join, where = "", "AND q.submission_id = ? "
            params = (municipality, submission_id)  # type: ignore[assignment]
        rows = self.conn.execute(
            "SELECT q.municipal_insured_id, COALESCE(p.household_no, ''), q.result_code, "  # noqa: S608
            f"q.coverage_start, q.submission_id FROM qualification_results q {join}"
            "LEFT JOIN person_periods p ON p.municipality_code = q.municipality_code "
            "AND p.municipal_insured_id = q.municipal_insured_id "
            "AND p.coverage_start = q.coverage_start "
            f"WHERE q.municipality_code = ? AND q.result_code <> '00' {where}"
            "ORDER BY 2, 1, q.id",
            params,
        ).fetchall()
        return [{"municipal_insured_id": r[0], "household_no": r[1], "result_code": r[2],
                 "coverage_start": r[3], "submission_id": r[4]} for r in rows]

    # candidates
    def candidates_of_after(self, municipality: str, household_no: str) -> list[CandidateRow]:
        """Every candidate whose after household is the given one."""
        return [candidate(r) for r in self.conn.execute(
            f"SELECT {CANDIDATE_COLUMNS} FROM candidates "  # noqa: S608
            "WHERE after_municipality = ? AND after_household_no = ? ORDER BY id",
            (municipality, household_no),
        )]

    def next_candidate_no(self, municipality: str) -> str:
        """A new candidate number ``<municipality>-<serial>``."""
        row = self.conn.execute(
            "SELECT last_serial FROM candidate_serials WHERE municipality_code = ?",
            (municipality,),
        ).fetchone()
        serial = (int(row[0]) if row else 0) + 1
        self.conn.execute(
            "INSERT INTO candidate_serials VALUES (?, ?) ON CONFLICT (municipality_code) "
            "DO UPDATE SET last_serial = excluded.last_serial",
            (municipality, serial),
        )
        return f"{municipality}-{serial}"

    def insert_candidate(
        self, candidate_no: str, after: tuple[str, str], before: tuple[str, str],
        move_date: dt.date, category: int, suggestion: str, reason: str, now: str,
    ) -> None:
        """Store a new undecided candidate."""
        self.conn.execute(
            "INSERT INTO candidates (candidate_no, after_municipality, after_household_no, "
            "before_municipality, before_household_no, move_date, category, suggestion, reason, "
            "state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,'undecided',?,?)",
            (candidate_no, after[0], after[1], before[0], before[1], move_date.isoformat(),
             category, suggestion, reason, now, now),
        )

    def update_candidate_judgement(
        self, candidate_id: int, move_date: dt.date, category: int, suggestion: str,
        reason: str, now: str,
    ) -> None:
        """Refresh the suggestion of an unconfirmed candidate."""
        self.conn.execute(
            "UPDATE candidates SET move_date = ?, category = ?, suggestion = ?, reason = ?, "
            "updated_at = ? WHERE id = ? AND state <> 'confirmed'",
            (move_date.isoformat(), category, suggestion, reason, now, candidate_id),
        )

    def delete_candidate(self, candidate_id: int) -> None:
        """Drop an unconfirmed candidate that no longer arises (with its decision history)."""
        self.conn.execute("DELETE FROM decision_history WHERE candidate_id = ?", (candidate_id,))
        self.conn.execute(
            "DELETE FROM candidates WHERE id = ? AND state <> 'confirmed'", (candidate_id,))

    def list_candidate_rows(
        self, municipality: str | None, state: str | None = None, category: int | None = None
    ) -> list[CandidateRow]:
        """Candidates of a destination municipality (all when None), by ID."""
        where, args = ["1 = 1"], []
        if municipality is not None:
            where.append("after_municipality = ?")
            args.append(municipality)
        if state is not None:
            where.append("state = ?")
            args.append(state)
        if category is not None:
            where.append("category = ?")
            args.append(str(category))
        return [candidate(r) for r in self.conn.execute(
            f"SELECT {CANDIDATE_COLUMNS} FROM candidates WHERE {' AND '.join(where)} "  # noqa: S608
            "ORDER BY id",
            args,
        )]

    def candidate_by_no(self, municipality: str, candidate_no: str) -> CandidateRow | None:
        """One candidate of a destination municipality, or None."""
        row = self.conn.execute(
            f"SELECT {CANDIDATE_COLUMNS} FROM candidates "  # noqa: S608
            "WHERE after_municipality = ? AND candidate_no = ?",
            (municipality, candidate_no),
        ).fetchone()
        return None if row is None else candidate(row)

    def set_decision(
        self, candidate_id: int, decision: str, reason: str | None, remarks: str | None,
        staff_id: str, terminal_id: str, now: str,
    ) -> None:
        """Record (or replace) the decision of an unconfirmed candidate, with history."""
        self.conn.execute(
            "UPDATE candidates SET state = 'decided', decision = ?, decision_reason = ?, "
            "remarks = ?, decided_staff = ?, decided_terminal = ?, decided_at = ?, updated_at = ? "
            "WHERE id = ? AND state <> 'confirmed'",
            (decision, reason, remarks, staff_id, terminal_id, now, now, candidate_id),
        )
        self.conn.execute(
            "INSERT INTO decision_history (candidate_id, decision, reason, remarks, staff_id, "
            "terminal_id, decided_at) VALUES (?,?,?,?,?,?,?)",
            (candidate_id, decision, reason, remarks, staff_id, terminal_id, now),
        )

    def set_confirmed(
        self, candidate_id: int, staff_id: str, terminal_id: str, now: str, snapshot: str
    ) -> None:
        """Mark a decided candidate confirmed, freezing its view."""
        self.conn.execute(
            "UPDATE candidates SET state = 'confirmed', confirmed_staff = ?, "
            "confirmed_terminal = ?, confirmed_at = ?, updated_at = ?, snapshot_json = ? "
            "WHERE id = ? AND state = 'decided'",
            (staff_id, terminal_id, now, now, snapshot, candidate_id),
        )

    def count_candidates(self, municipality: str, state: str) -> int:
        """Number of a municipality's candidates in ``state``."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM candidates WHERE after_municipality = ? AND state = ?",
            (municipality, state),
        ).fetchone()[0])

    def latest_result_acquired(self, municipality: str, insured_id: str) -> dt.date | None:
        """The prefecture-level 資格取得年月日 last delivered for a person there, or None."""
        row = self.conn.execute(
            "SELECT qualification_acquired FROM qualification_results "
            "WHERE municipality_code = ? AND municipal_insured_id = ? ORDER BY id DESC LIMIT 1",
            (municipality, insured_id),
        ).fetchone()
        return None if row is None else dt.date.fromisoformat(str(row[0]))

    def drop_stale_moves(self, municipality: str) -> None:
        """Forget moves of a municipality whose period is deleted or no longer a move-in."""
        self.conn.execute(
            "DELETE FROM moves WHERE new_municipality = ? AND EXISTS (SELECT 1 FROM "
            "person_periods p WHERE p.id = moves.period_id AND (p.deleted = 1 "
            "OR p.coverage_start_reason <> '02'))",
            (municipality,),
        )
