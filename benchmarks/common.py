"""Small helpers shared by the benchmark modules (rows, timing, the Qt application)."""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
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


MIN_RUNS = 5  # every row: at least this many runs per side, baseline and subject alternating


def alternating(subject: Callable[[], object], baseline: Callable[[], object] | None,
                runs: int = MIN_RUNS) -> tuple[list[float], list[float]]:
    """Wall times of ``runs`` calls of each, alternating baseline then subject (so machine
    load falls on both alike); a garbage collection before each call."""
    ours: list[float] = []
    base: list[float] = []
    for _ in range(max(runs, MIN_RUNS)):
        if baseline is not None:
            gc.collect()
            started = time.perf_counter()
            baseline()
            base.append(time.perf_counter() - started)
        gc.collect()
        started = time.perf_counter()
        subject()
        ours.append(time.perf_counter() - started)
    return ours, base


def spread_row(name: str, values: Sequence[float], baselines: Sequence[float] | None,
               unit: str, note: str, *, scale: float = 1.0, digits: int = 4,
               inverse: bool = False) -> dict[str, object]:
    """One row from every run: medians, min–max of both sides and the run counts.

    ``ratio`` is median(value) / median(baseline), or the inverse with ``inverse``
    (for rows where a larger baseline is the good direction, e.g. a stall avoided).
    ``scale`` converts seconds to the unit (1000 for ms)."""
    vals = [v * scale for v in values]
    base = [b * scale for b in baselines] if baselines else []
    value = statistics.median(vals)
    baseline = statistics.median(base) if base else None
    ratio = None
    if baseline:
        ratio = baseline / value if inverse else value / baseline
    out = row(name, value, baseline, unit, note, ratio=ratio, digits=digits)
    out.update(value_min=round(min(vals), digits), value_max=round(max(vals), digits),
               runs=len(vals))
    if base:
        out.update(baseline_min=round(min(base), digits), baseline_max=round(max(base), digits),
                   baseline_runs=len(base))
    return out


def peak_rss_mib(pid: int | str = "self") -> float:
    """A process's peak RSS (``VmHWM``, Linux; NaN elsewhere). ``VmHWM`` belongs to the
    address space made at ``exec``; ``ru_maxrss`` survives ``exec``, so a child of a large
    parent (the benchmark runner after other modules) would report the parent's peak."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


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
