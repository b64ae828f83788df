"""Benchmark: opening a large list in the lazy table model vs an eager table model.

Both show N candidate-like rows (6 columns) in a NoCopyTableView offscreen;
the time is from "rows known" to "first screen drawn" (the view grabbed once).
The eager baseline formats every row up front and exposes all of them, as a
naive screen would (QStandardItemModel crashes PySide 6.12 at this size); the
lazy model holds ids and fetches the drawn rows only. Also measured: the GUI
thread's worst stall while a background job reports progress 10,000 times.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.ui_bench [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Mapping, Sequence

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools

from benchmarks.common import MIN_RUNS, spread_row
from kokuho_pc.services.jobs_protocol import CancelToken, ProgressReporter
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.models import Column, LazyTableModel, Query, Row
from kokuho_pc.ui.widgets.qt import (
    QAbstractTableModel,
    QApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

KEYS = ("no", "before", "after", "head", "category", "suggestion")
TITLES = ("番号", "転出元", "転入先", "世帯主", "区分", "判定候補")


def _rows(count: int) -> dict[int, dict[str, object]]:
    return {
        i: {"no": f"{i + 1:06d}", "before": "082015", "after": "082201",
            "head": f"世帯主{i:06d}", "category": (i % 9) + 1, "suggestion": "継続"}
        for i in range(count)
    }


def _lazy(rows: Mapping[int, Mapping[str, object]]) -> float:
    def search(_query: Query) -> Sequence[int]:
        return list(rows)

    def fetch(ids: Sequence[object]) -> Mapping[object, Row]:
        return {i: rows[int(str(i))] for i in ids}

    started = time.perf_counter()
    model = LazyTableModel([Column(k, t) for k, t in zip(KEYS, TITLES, strict=True)],
                           search, fetch)
    model.refresh()
    view = NoCopyTableView()
    view.resize(1000, 700)
    view.setModel(model)
    view.grab()
    elapsed = time.perf_counter() - started
    view.deleteLater()
    return elapsed


class _EagerModel(QAbstractTableModel):
    """The baseline: every row fetched and formatted up front, all rows exposed."""

    def __init__(self, rows: Mapping[int, Mapping[str, object]]) -> None:
        super().__init__()
        self._cells = [[str(row[k]) for k in KEYS] for row in rows.values()]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(KEYS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self._cells[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return TITLES[section]
        return None


def _eager(rows: Mapping[int, Mapping[str, object]]) -> float:
    started = time.perf_counter()
    model = _EagerModel(rows)
    view = NoCopyTableView()
    view.resize(1000, 700)
    view.setModel(model)
    view.grab()
    elapsed = time.perf_counter() - started
    view.deleteLater()
    return elapsed


def _progress_stall(app: QApplication) -> float:
    """Worst gap between 5 ms GUI ticks while a job reports progress 10,000 times."""
    jobs = JobRunner()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done: list[bool] = []

    def work(progress: ProgressReporter, cancel: CancelToken) -> None:
        for i in range(10_000):
            progress(i, 10_000)
            if i % 100 == 0:
                time.sleep(0.001)

    timer.start()
    jobs.run(work, lambda _r: done.append(True), progress_label="処理しています…")
    deadline = time.perf_counter() + 30
    while not done and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    jobs.shutdown()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return max(gaps) if gaps else 0.0


def run(quick: bool) -> list[dict[str, object]]:
    """Rows for the benchmark runner."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    count = 20_000 if quick else 200_000
    rows = _rows(count)
    _lazy(_rows(100))  # warm up
    lazy_t: list[float] = []
    eager_t: list[float] = []
    for _ in range(MIN_RUNS):  # alternating: eager, then lazy
        eager_t.append(_eager(rows))
        lazy_t.append(_lazy(rows))
    stalls = [_progress_stall(app) for _ in range(MIN_RUNS)]
    return [
        spread_row(f"ui.lazy_model_open_{count}", lazy_t, eager_t, "s",
                   "time to first drawn screen; ratio = eager model / lazy model", inverse=True),
        spread_row("ui.gui_stall_during_progress", stalls, [0.005] * len(stalls), "ms",
                   "worst gap between 5 ms GUI ticks while a job reports 10,000 progress "
                   "steps; baseline: the 5 ms tick itself", scale=1000, digits=1),
    ]


def main() -> None:
    """Print the benchmark rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 rows instead of 200,000")
    args = parser.parse_args()
    for row in run(args.quick):
        print(f"{row['name']}: {row['value']} {row['unit']} (baseline {row['baseline']}, "
              f"ratio {row['ratio']}x; {row['note']})")


if __name__ == "__main__":
    main()
