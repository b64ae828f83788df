"""20,000 persons: bounded memory and time; valid with extras and ordinary changes."""

from __future__ import annotations

import datetime as dt
import json
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from kokuho_pc.formats.checker import check_paths
from kokuho_pc.synth import generate_prefecture

PERSONS = 20_000
# Holding 20,000 persons as objects and records would take well over 40 MB;
# streaming keeps only the moving households (about 2 % of persons).
PEAK_LIMIT_MB = 16
TIME_LIMIT_S = 120  # measured 8 s on an idle core; CI shares two cores


def test_twenty_thousand_persons_stream_within_bounds(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        started = time.perf_counter()
        summary = generate_prefecture(tmp_path, 5, PERSONS)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert PERSONS <= summary.persons <= PERSONS + 50
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.1f} MB"
    assert elapsed < TIME_LIMIT_S, f"{elapsed:.1f} s"
    expected = json.loads((tmp_path / "expected.json").read_text("utf-8"))
    assert expected["summary"]["scenarios"] > 150  # core plus random extras
    ordinary: Counter[str] = Counter()
    for counts in summary.ordinary_changes.values():
        ordinary.update(counts)
    assert ordinary["moved_in_from_outside"] > 0
    assert ordinary["left_13"] + ordinary["left_14"] + ordinary["left_11"] > 0
    assert expected["ordinary_changes"] == summary.ordinary_changes
    report = check_paths([tmp_path], today=dt.date(2026, 11, 26))
    assert report.errors == []
