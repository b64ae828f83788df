"""Table models of the candidate screens, all built on :class:`LazyTableModel`.

The views are loaded by a background job (``CandidateService``) and handed
over with ``set_rows``; the search callback only filters and sorts what is
already in memory, so nothing here touches the network on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from kokuho_pc.domain.wareki import era_of, wareki_short
from kokuho_pc.services.candidate_views import (
    CandidateView,
    MemberView,
    ResultView,
    candidate_matches,
    candidate_sort_key,
    search_text,
)
from kokuho_pc.services.candidates import sort_candidates
from kokuho_pc.ui.widgets.models import (
    CENTER,
    RIGHT,
    AnyIndex,
    Column,
    LazyTableModel,
    Query,
    RowId,
)
from kokuho_pc.ui.widgets.qt import QColor, QObject, Qt


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

    def set_search(self, text: str) -> None:
        """Show only candidates matching ``text`` (候補番号, カナ氏名, 世帯番号; any width,
        spaces ignored). Filters what is loaded, on the GUI thread, without the network."""
        self.set_filter(text=search_text(text) or None)

    def loaded_count(self) -> int:
        """How many candidates are loaded (before the search box filters them)."""
        return len(self._views)

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
        needle = str(query.filters.get("text") or "")
        shown = [v for v in self._views.values() if candidate_matches(v, needle)]
        ordered = sort_candidates(shown, query.sort_key, query.ascending)
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
                "state": v.state_label, "decided_by": v.decided_by_label,
            }
        return out


COMPARE_COLUMNS = (
    Column("name", "氏名", sortable=False),
    Column("kana", "カナ", sortable=False),
    Column("birth", "生年月日", align=CENTER, sortable=False, format=short_date),
    Column("before", "転出前 続柄", align=CENTER, sortable=False),
    Column("after", "転入後 続柄", align=CENTER, sortable=False),
    Column("change", "異動", sortable=False),
)

# Row kinds of the comparison and their background (the 異動 column says it in words too).
LEFT, JOINED, CHANGED, SAME = "left", "joined", "changed", "same"
KIND_COLOURS = {LEFT: "#fde2e2", JOINED: "#dff3e4", CHANGED: "#fff3c4"}


def member_kind(m: MemberView) -> str:
    """left (転出前のみ), joined (転入後のみ), changed (続柄が変わった) or same."""
    if m.in_before and not m.in_after:
        return LEFT
    if m.in_after and not m.in_before:
        return JOINED
    if m.relation_before != m.relation_after:
        return CHANGED
    return SAME


def change_text(m: MemberView) -> str:
    """The 異動 column in words: what happened to this person between the two households."""
    kind = member_kind(m)
    if kind == LEFT:
        return f"転出前のみ: {m.marker_label}"
    if kind == JOINED:
        return f"転入後のみ: {m.marker_label}"
    if kind == CHANGED:
        return f"続柄変更: {m.relation_before} → {m.relation_after}"
    return "変更なし"


class CompareTableModel(LazyTableModel):
    """One grid comparing both households: a person per line, 続柄 before and after.

    Lines of persons who left, joined or changed 続柄 are tinted and say so in
    the 異動 column (the colour is never the only sign).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COMPARE_COLUMNS, self._search, self._fetch, parent)
        self._members: tuple[MemberView, ...] = ()

    def set_members(self, members: Sequence[MemberView]) -> None:
        """Show the members of a candidate."""
        self._members = tuple(members)
        self.refresh()

    def kind(self, row: int) -> str:
        """The row's kind (left / joined / changed / same)."""
        return member_kind(self._members[row])

    def clear(self) -> None:
        """Forget the members (the idle lock)."""
        self._members = ()
        super().clear()

    clear_for_lock = clear

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the base model, plus the tint of changed lines and the whole 異動 text as a
        tooltip (the column may be elided on a 1024×768 screen)."""
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() \
                and index.row() < len(self._members):
            colour = KIND_COLOURS.get(self.kind(index.row()))
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() \
                and index.column() == self.columnCount() - 1:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)

    def _search(self, query: Query) -> list[RowId]:
        return list(range(len(self._members)))

    def _fetch(self, ids: Sequence[RowId]) -> Mapping[RowId, Mapping[str, object]]:
        out: dict[RowId, Mapping[str, object]] = {}
        for row_id in ids:
            assert isinstance(row_id, int)
            m = self._members[row_id]
            out[row_id] = {"name": m.name, "kana": m.kana, "birth": m.birth_date,
                           "before": m.relation_before if m.in_before else "(いない)",
                           "after": m.relation_after if m.in_after else "(いない)",
                           "change": change_text(m)}
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
