"""Benchmark: load and filter 20,000 candidates in our model vs QStandardItemModel + proxy.

Ours: :class:`kokuho_pc.ui.candidates.candidate_models.CandidatesTableModel` (a
``LazyTableModel``) is handed the typed ``CandidateView`` objects with
``set_rows`` and shown in a ``NoCopyTableView``; filtering hands it the matching
views (as the page does after the service filtered). Baseline: the usual Qt way,
a ``QStandardItemModel`` filled row by row with ``appendRow`` (filling 20,000
rows in one go crashed PySide 6.12 for the UI engineer; ``appendRow`` per row
works) behind a ``QSortFilterProxyModel`` filtering the state column.

Measured to the first drawn screen (the view grabbed once): the load, then a
filter to 「判断済」 and back to everything.

Run: ``.venv/bin/python -m benchmarks.filter_bench [--quick]``.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Sequence

from PySide6.QtGui import QStandardItem, QStandardItemModel  # the baseline only

from benchmarks.common import MIN_RUNS, command_line, qt_application, spread_row
from kokuho_pc.services.candidate_views import CandidateView, HeadInfo
from kokuho_pc.ui.candidates.candidate_models import CANDIDATE_COLUMNS, CandidatesTableModel
from kokuho_pc.ui.widgets.qt import QSortFilterProxyModel
from kokuho_pc.ui.widgets.views import NoCopyTableView

STATES = ("undecided", "decided", "confirmed")


def make_views(count: int) -> list[CandidateView]:
    """``count`` synthetic candidates (no personal data beyond made-up names)."""
    views = []
    for i in range(count):
        state = STATES[i % 3]
        views.append(CandidateView(
            candidate_no=f"082201-{i + 1}", move_date=dt.date(2026, 10, 1 + i % 28),
            before_municipality="082015", after_municipality="082201",
            before_household=f"{i:010d}", after_household=f"{i + 1:010d}",
            category=1 + i % 6, category_label="住所異動のみ", suggestion="continue",
            suggestion_label="継続", reason="世帯主と構成員が同じです。", state=state,
            decision=None if state == "undecided" else "continue",
            before_head=HeadInfo(f"試験 太郎{i}", "シケン タロウ", False),
            after_head=HeadInfo(f"試験 太郎{i}", "シケン タロウ", False),
            before_count=3, after_count=3, decided_by="" if state == "undecided" else "staff",
        ))
    return views


def _shown(view: NoCopyTableView) -> None:
    view.grab()


def _ours(views: Sequence[CandidateView]) -> tuple[float, float]:
    model = CandidatesTableModel()
    view = NoCopyTableView()
    view.resize(1200, 700)
    view.setModel(model)
    started = time.perf_counter()
    model.set_rows(views)
    _shown(view)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    model.set_rows([v for v in views if v.state == "decided"])
    _shown(view)
    model.set_rows(views)
    _shown(view)
    filtered = time.perf_counter() - started
    view.setModel(None)
    view.deleteLater()
    model.deleteLater()
    return loaded, filtered


def _standard(views: Sequence[CandidateView]) -> tuple[float, float]:
    model = QStandardItemModel(0, len(CANDIDATE_COLUMNS))
    model.setHorizontalHeaderLabels([c.title for c in CANDIDATE_COLUMNS])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(7)
    view = NoCopyTableView()
    view.resize(1200, 700)
    view.setModel(proxy)
    started = time.perf_counter()
    for v in views:
        cells = (v.candidate_no, f"R8.10.{v.move_date.day}",
                 f"{v.before_municipality_name} → {v.after_municipality_name}",
                 v.after_head.name, v.category_text, v.suggestion_label, v.decision_label,
                 v.state_label, v.decided_by)
        model.appendRow([QStandardItem(text) for text in cells])
    _shown(view)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    proxy.setFilterFixedString("判断済")
    _shown(view)
    proxy.setFilterFixedString("")
    _shown(view)
    filtered = time.perf_counter() - started
    view.setModel(None)
    view.deleteLater()
    proxy.deleteLater()
    model.deleteLater()
    return loaded, filtered


def run(quick: bool) -> list[dict[str, object]]:
    """Rows for the benchmark runner (quick: 5,000 candidates, 5 runs per side; full:
    20,000, 7 runs)."""
    app = qt_application()
    count = 5_000 if quick else 20_000
    views = make_views(count)
    _ours(views[:200])  # warm up both paths
    _standard(views[:200])
    runs = MIN_RUNS if quick else 7
    ours: list[tuple[float, float]] = []
    standard: list[tuple[float, float]] = []
    for _ in range(runs):  # alternating: the usual Qt way, then ours
        gc.collect()
        standard.append(_standard(views))
        gc.collect()
        ours.append(_ours(views))
    app.processEvents()
    note = "ratio = QStandardItemModel+QSortFilterProxyModel / ours"
    return [
        spread_row(f"candidates model load {count:,} (to first screen)",
                   [o[0] for o in ours], [b[0] for b in standard], "s", note, inverse=True),
        spread_row(f"candidates model filter {count:,} (判断済, then all)",
                   [o[1] for o in ours], [b[1] for b in standard], "s", note, inverse=True),
    ]


def main() -> None:
    """Print the rows."""
    command_line(run, __doc__, "one repetition instead of three")


if __name__ == "__main__":
    main()
