"""Table models of the candidate screens, all built on :class:`LazyTableModel`.

The views are loaded by a background job (``CandidateService``) and handed
over with ``set_rows``; the search callback only filters and sorts what is
already in memory, so nothing here touches the network on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from kokuho_pc.domain.wareki import era_of, wareki_short
from kokuho_pc.services.candidate_views import (
    CandidateView,
    MemberView,
    ResultView,
    candidate_sort_key,
)
from kokuho_pc.services.candidates import sort_candidates
from kokuho_pc.ui.widgets.models import CENTER, RIGHT, Column, LazyTableModel, Query, RowId
from kokuho_pc.ui.widgets.qt import QObject


def short_date(value: object) -> str:
    """``R8.10.1`` for a date, ``R8.11.26 14:05`` for a moment (empty for none)."""
    if isinstance(value, dt.datetime):
        return f"{wareki_short(value.date())} {value.hour:02d}:{value.minute:02d}"
    return wareki_short(value) if isinstance(value, dt.date) else ""


def months_text(months: Sequence[str]) -> str:
    """``R8.7, R8.8`` for care months ``YYYYMM``."""
    out = []
    for m in months:
        era, year = era_of(dt.date(int(m[:4]), int(m[4:6]), 1))
        out.append(f"{era.letter}{year}.{int(m[4:6])}")
    return ", ".join(out)


def _mark(value: object) -> str:
    return "○" if value else ""


CANDIDATE_COLUMNS = (
    Column("candidate_no", "候補番号"),
    Column("move_date", "異動日", align=CENTER, format=short_date),
    Column("route", "転出元 → 転入先"),
    Column("after_head", "転入後世帯主"),
    Column("category", "判定候補区分"),
    Column("suggestion", "判定候補", align=CENTER),
    Column("decision", "判断", align=CENTER),
    Column("state", "状態", align=CENTER),
    Column("decided_by", "判断者"),
)


class CandidatesTableModel(LazyTableModel):
    """The 継続候補世帯 list: candidate views in memory, filtered and sorted here."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(CANDIDATE_COLUMNS, self._search, self._fetch, parent)
        self._views: dict[str, CandidateView] = {}

    def set_rows(self, views: Sequence[CandidateView]) -> None:
        """Take the views a background job loaded and show them (sorted as chosen)."""
        self._views = {v.candidate_no: v for v in views}
        self.refresh()

    def view(self, row: int) -> CandidateView:
        """The candidate of an exposed row."""
        return self._views[str(self.row_id(row))]

    def views(self) -> list[CandidateView]:
        """Every loaded candidate in display order."""
        return [self._views[str(self.row_id(i))] for i in range(self.total_count())]

    def row_of(self, candidate_no: str) -> int | None:
        """The row showing ``candidate_no`` (None if not loaded)."""
        for i in range(self.total_count()):
            if self.row_id(i) == candidate_no:
                return i
        return None

    def clear(self) -> None:
        """Forget every candidate (the idle lock)."""
        self._views = {}
        super().clear()

    clear_for_lock = clear

    def _search(self, query: Query) -> list[RowId]:
        ordered = sort_candidates(list(self._views.values()), query.sort_key, query.ascending)
        return [v.candidate_no for v in ordered]

    def _fetch(self, ids: Sequence[RowId]) -> Mapping[RowId, Mapping[str, object]]:
        out: dict[RowId, Mapping[str, object]] = {}
        for row_id in ids:
            v = self._views.get(str(row_id))
            if v is None:
                continue
            out[row_id] = {
                "candidate_no": v.candidate_no, "move_date": v.move_date,
                "route": f"{v.before_municipality_name} → {v.after_municipality_name}",
                "after_head": v.after_head.name, "category": v.category_text,
                "suggestion": v.suggestion_label, "decision": v.decision_label,
                "state": v.state_label, "decided_by": v.decided_by,
            }
        return out


MEMBER_COLUMNS = (
    Column("name", "氏名", sortable=False),
    Column("kana", "カナ", sortable=False),
    Column("birth", "生年月日", align=CENTER, sortable=False, format=short_date),
    Column("sex", "性別", align=CENTER, sortable=False),
    Column("relation", "続柄", align=CENTER, sortable=False),
    Column("marker", "異動", align=CENTER, sortable=False),
)


class MembersTableModel(LazyTableModel):
    """One side (before or after) of a candidate; a person absent on this side is a blank row.

    Both sides list the same persons in the same order, so a person stays on
    the same line across the two tables.
    """

    def __init__(self, side: str, parent: QObject | None = None) -> None:
        super().__init__(MEMBER_COLUMNS, self._search, self._fetch, parent)
        self.side = side  # "before" / "after"
        self._members: tuple[MemberView, ...] = ()

    def set_members(self, members: Sequence[MemberView]) -> None:
        """Show the members of a candidate."""
        self._members = tuple(members)
        self.refresh()

    def clear(self) -> None:
        """Forget the members (the idle lock)."""
        self._members = ()
        super().clear()

    clear_for_lock = clear

    def _search(self, query: Query) -> list[RowId]:
        return list(range(len(self._members)))

    def _fetch(self, ids: Sequence[RowId]) -> Mapping[RowId, Mapping[str, object]]:
        out: dict[RowId, Mapping[str, object]] = {}
        for row_id in ids:
            assert isinstance(row_id, int)
            m = self._members[row_id]
            present = m.in_before if self.side == "before" else m.in_after
            if not present:
                out[row_id] = {"marker": "(転出前のみ)" if self.side == "after" else "(転入後のみ)"}
                continue
            relation = m.relation_before if self.side == "before" else m.relation_after
            marker = m.marker_label if self.side == "after" or not m.in_after else ""
            out[row_id] = {"name": m.name, "kana": m.kana, "birth": m.birth_date,
                           "sex": m.sex, "relation": relation, "marker": marker}
        return out


RESULT_COLUMNS = (
    Column("candidate_no", "候補番号"),
    Column("move_date", "異動日", align=CENTER, format=short_date),
    Column("route", "転出元 → 転入先"),
    Column("after_head", "転入後世帯主"),
    Column("decision", "判断", align=CENTER),
    Column("months", "引継月"),
    Column("carried", "引継件数", align=RIGHT),
    Column("tasuu", "多数回該当回数", align=RIGHT),
    Column("next_hit", "次回多数回該当", align=CENTER, format=_mark),
    Column("move_rule", "転居月特例", align=CENTER, format=_mark),
    Column("confirmed_at", "確定日時", align=CENTER, format=short_date),
)


class ResultsTableModel(LazyTableModel):
    """The 継続世帯確定結果: result views in memory."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(RESULT_COLUMNS, self._search, self._fetch, parent)
        self._results: dict[str, ResultView] = {}

    def set_rows(self, results: Sequence[ResultView]) -> None:
        """Show the results a background job loaded."""
        self._results = {r.candidate_no: r for r in results}
        self.refresh()

    def results(self) -> list[ResultView]:
        """Every loaded result in display order."""
        return [self._results[str(self.row_id(i))] for i in range(self.total_count())]

    def clear(self) -> None:
        """Forget every result (the idle lock)."""
        self._results = {}
        super().clear()

    clear_for_lock = clear

    def _search(self, query: Query) -> list[RowId]:
        key = query.sort_key or "candidate_no"
        values = list(self._results.values())

        def sort_value(r: ResultView) -> tuple[object, ...]:
            base = candidate_sort_key(r.candidate_no)
            field: object = {
                "move_date": r.candidate.move_date, "decision": r.decision,
                "carried": r.carried_count, "tasuu": r.tasuu_count,
                "next_hit": r.next_hit_tasuu, "move_rule": r.move_month_rule,
                "after_head": r.candidate.after_head.kana,
                "route": r.candidate.before_municipality,
                "months": r.carried_months, "confirmed_at": str(r.confirmed_at or ""),
            }.get(key, 0)
            return (field, base)

        values.sort(key=sort_value, reverse=not query.ascending)
        return [r.candidate_no for r in values]

    def _fetch(self, ids: Sequence[RowId]) -> Mapping[RowId, Mapping[str, object]]:
        out: dict[RowId, Mapping[str, object]] = {}
        for row_id in ids:
            r = self._results.get(str(row_id))
            if r is None:
                continue
            c = r.candidate
            out[row_id] = {
                "candidate_no": r.candidate_no, "move_date": c.move_date,
                "route": f"{c.before_municipality_name} → {c.after_municipality_name}",
                "after_head": c.after_head.name, "decision": r.decision_label,
                "months": months_text(r.carried_months) or "なし",
                "carried": f"{r.carried_count}件", "tasuu": f"{r.tasuu_count}回",
                "next_hit": r.next_hit_tasuu, "move_rule": r.move_month_rule,
                "confirmed_at": r.confirmed_at,
            }
        return out
