"""The benchmark rows' spread: at least 5 runs per side, alternating, median and min–max."""

from __future__ import annotations

from benchmarks.__main__ import format_table
from benchmarks.common import MIN_RUNS, alternating, spread_row


def test_alternating_runs_baseline_then_subject_at_least_five_times() -> None:
    calls: list[str] = []
    ours, base = alternating(lambda: calls.append("ours"), lambda: calls.append("base"), 2)
    assert MIN_RUNS == 5 and len(ours) == len(base) == 5
    assert calls == ["base", "ours"] * 5


def test_spread_row_has_median_min_max_and_runs_and_the_table_shows_them() -> None:
    row = spread_row("x", [0.3, 0.1, 0.2, 0.5, 0.4], [0.2, 0.2, 0.1, 0.3, 0.2], "ms", "n",
                     scale=1000)
    assert (row["value"], row["value_min"], row["value_max"], row["runs"]) == (300, 100, 500, 5)
    assert (row["baseline"], row["baseline_min"], row["baseline_max"]) == (200, 100, 300)
    assert row["ratio"] == 1.5
    assert spread_row("y", [2.0] * 5, [4.0] * 5, "s", "", inverse=True)["ratio"] == 2.0
    table = format_table([{**row, "module": "m"}])
    assert "300 (100–500)" in table and "200 (100–300)" in table and "5/5" in table
