"""The candidate list in one query: each candidate with its heads and member counts.

The list shows, per candidate, the 国保上の世帯主 of both households and how
many members each side has: the same figures the detail derives from
:func:`shuyaku_sim.judgement.pair_view` (the before household as on the day
before the move, the after household as it stands now). They are computed
here by correlated subqueries of one SELECT, so listing N candidates costs
one statement instead of N detail reads. A confirmed candidate's figures come
from its frozen snapshot (already a column of the row), not from the live data.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from shuyaku_sim.storage.rows import CANDIDATE_COLUMNS, CandidateRow, candidate

# The day before the move, as SQLite text (dates are stored as ISO 8601).
_DAY_BEFORE = "date(c.move_date, '-1 day')"

# The before household's version as on the day before the move (judgement.household_on):
# its latest version changed on or before that day, else its earliest version.
_BEFORE_VERSIONS = (
    "(SELECT h.{col} FROM household_periods h WHERE h.municipality_code = c.before_municipality "
    "AND h.household_no = c.before_household_no AND h.deleted = 0 "
)
_BEFORE_HEAD = (  # constants only, no input; head names are NOT NULL
    "COALESCE("
    + _BEFORE_VERSIONS + f"AND h.change_date <= {_DAY_BEFORE} "
    "ORDER BY h.change_date DESC, h.id DESC LIMIT 1), "
    + _BEFORE_VERSIONS + "ORDER BY h.change_date, h.id LIMIT 1))"
)
# The after household as it stands now (judgement.current_household): its latest version.
_AFTER_HEAD = (
    "(SELECT h.{col} FROM household_periods h WHERE h.municipality_code = c.after_municipality "
    "AND h.household_no = c.after_household_no AND h.deleted = 0 "
    "ORDER BY h.change_date DESC, h.id DESC LIMIT 1)"
)
_MEMBERS = (
    "(SELECT COUNT(DISTINCT p.prefectural_id) FROM person_periods p "
    "WHERE p.municipality_code = c.{side}_municipality AND p.household_no = c.{side}_household_no "
    "AND p.deleted = 0 AND {cond})"
)
_COVERS = "p.coverage_start <= {day} AND (p.coverage_end IS NULL OR p.coverage_end >= {day})"
_BEFORE_COUNT = _MEMBERS.format(side="before", cond=_COVERS.format(day=_DAY_BEFORE))
# Members now in the after household; if none is open, those it had on the move date.
_AFTER_COUNT = (
    "COALESCE(NULLIF("
    + _MEMBERS.format(side="after", cond="p.coverage_end IS NULL") + ", 0), "
    + _MEMBERS.format(side="after", cond=_COVERS.format(day="c.move_date")) + ")"
)
_LIVE = [_BEFORE_HEAD.format(col="head_name"), _BEFORE_HEAD.format(col="head_name_kana"),
         _AFTER_HEAD.format(col="head_name"), _AFTER_HEAD.format(col="head_name_kana"),
         _BEFORE_COUNT, _AFTER_COUNT]
# Confirmed candidates read their snapshot instead: skip the live subqueries for them.
_EXTRA_COLUMNS = ", ".join(f"CASE WHEN c.snapshot_json IS NULL THEN {e} END" for e in _LIVE)
_PREFIXED = ", ".join(f"c.{name.strip()}" for name in CANDIDATE_COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class ListFigures:
    """The heads' names and member counts of one candidate's two households."""

    before_head_name: str
    before_head_kana: str
    after_head_name: str
    after_head_kana: str
    before_count: int
    after_count: int

    @classmethod
    def from_sides(cls, sides: dict[str, object]) -> ListFigures:
        """From households_side_by_side's output (live or the confirmed snapshot)."""
        before = sides.get("before_head") or {}
        after = sides.get("after_head") or {}
        members = sides.get("members") or []
        assert isinstance(before, dict) and isinstance(after, dict)
        assert isinstance(members, list)
        return cls(
            before_head_name=str(before.get("name") or ""),
            before_head_kana=str(before.get("name_kana") or ""),
            after_head_name=str(after.get("name") or ""),
            after_head_kana=str(after.get("name_kana") or ""),
            before_count=sum(1 for m in members if m.get("relation_before") is not None),
            after_count=sum(1 for m in members if m.get("relation_after") is not None),
        )


def _figures(c: CandidateRow, extra: tuple[object, ...]) -> ListFigures:
    if c.snapshot_json:
        return ListFigures.from_sides(json.loads(c.snapshot_json))
    names = [str(v or "") for v in extra[:4]]
    return ListFigures(names[0], names[1], names[2], names[3],
                       int(extra[4] or 0), int(extra[5] or 0))  # type: ignore[call-overload]


class CandidateListQueries:
    """The candidate list with the figures its lines show."""

    conn: sqlite3.Connection

    def list_candidate_summaries(
        self, municipality: str | None, state: str | None = None, category: int | None = None
    ) -> list[tuple[CandidateRow, ListFigures]]:
        """Candidates of a destination municipality (all when None) by ID, with figures."""
        where, args = ["1 = 1"], []
        if municipality is not None:
            where.append("c.after_municipality = ?")
            args.append(municipality)
        if state is not None:
            where.append("c.state = ?")
            args.append(state)
        if category is not None:
            where.append("c.category = ?")
            args.append(str(category))
        width = len(CANDIDATE_COLUMNS.split(","))
        out: list[tuple[CandidateRow, ListFigures]] = []
        for row in self.conn.execute(
            f"SELECT {_PREFIXED}, {_EXTRA_COLUMNS} FROM candidates c "  # noqa: S608
            f"WHERE {' AND '.join(where)} ORDER BY c.id",
            args,
        ):
            c = candidate(row[:width])
            out.append((c, _figures(c, row[width:])))
        return out

    def candidate_ids_created_by(self, municipality: str, as_of: str) -> set[int]:
        """IDs of a municipality's candidates that already existed at ``as_of`` (ISO text)."""
        return {int(r[0]) for r in self.conn.execute(
            "SELECT id FROM candidates WHERE after_municipality = ? AND created_at <= ?",
            (municipality, as_of))}

    def decisions_as_of(self, municipality: str, as_of: str
                        ) -> dict[int, tuple[str, str | None, str | None, str, str]]:
        """Candidate ID → the decision as it stood at ``as_of``: the latest recorded at or
        before it (decision, reason, remarks, staff ID, decided_at)."""
        rows = self.conn.execute(
            "SELECT h.candidate_id, h.decision, h.reason, h.remarks, h.staff_id, h.decided_at "
            "FROM decision_history h JOIN (SELECT h2.candidate_id, MAX(h2.id) AS id "
            "FROM decision_history h2 JOIN candidates c ON c.id = h2.candidate_id "
            "WHERE c.after_municipality = ? AND h2.decided_at <= ? GROUP BY h2.candidate_id) l "
            "ON l.id = h.id",
            (municipality, as_of)).fetchall()
        return {int(r[0]): (str(r[1]), r[2], r[3], str(r[4]), str(r[5])) for r in rows}

    def list_moments(self, municipality: str, limit: int) -> list[tuple[str, str, int]]:
        """When the municipality's candidate list changed, newest first: (time, kind, count)
        with kind ``decision`` (decisions recorded), ``confirmation`` (確定指示) or
        ``submission`` (a file set received)."""
        rows = self.conn.execute(
            "SELECT at, kind, n FROM ("
            "SELECT h.decided_at AS at, 'decision' AS kind, COUNT(*) AS n FROM decision_history h "
            "JOIN candidates c ON c.id = h.candidate_id WHERE c.after_municipality = ? "
            "GROUP BY h.decided_at "
            "UNION ALL SELECT confirmed_at, 'confirmation', COUNT(*) FROM candidates "
            "WHERE after_municipality = ? AND confirmed_at IS NOT NULL GROUP BY confirmed_at "
            "UNION ALL SELECT received_at, 'submission', COUNT(*) FROM submissions "
            "WHERE municipality_code = ? AND status = 'accepted' GROUP BY received_at"
            ") ORDER BY at DESC, kind LIMIT ?",
            (municipality, municipality, municipality, limit)).fetchall()
        return [(str(a), str(k), int(n)) for a, k, n in rows]
