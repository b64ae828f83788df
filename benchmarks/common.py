"""Small helpers shared by the benchmark modules (rows, timing, the Qt application)."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def row(name: str, value: float, baseline: float | None, unit: str, note: str, *,
        ratio: float | None = None, digits: int = 4) -> dict[str, object]:
    """One result row; ``ratio`` defaults to value / baseline."""
    if ratio is None and baseline:
        ratio = value / baseline
    return {"name": name, "value": round(value, digits),
            "baseline": None if baseline is None else round(baseline, digits),
            "ratio": None if ratio is None else round(ratio, 2), "unit": unit, "note": note}


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def qt_application() -> Any:
    """The process's QApplication (created offscreen if there is none)."""
    from kokuho_pc.ui.widgets.qt import QApplication

    existing = QApplication.instance()
    return existing if isinstance(existing, QApplication) else QApplication([])


def command_line(run: Callable[[bool], list[dict[str, object]]], description: str | None = None,
                 quick_help: str | None = None) -> None:
    """The ``main`` of a benchmark module: parse ``--quick``, print one row per line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    for result in run(parser.parse_args().quick):
        print(result, flush=True)
