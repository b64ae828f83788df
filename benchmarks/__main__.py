"""Run every benchmark of the project and print one table of ratios.

Every module ``benchmarks/*_bench.py`` exposes ``run(quick: bool) -> list[dict]``
whose rows are ``{name, value, baseline, ratio, unit, note}``: ``baseline`` is
measured in the same process, ``ratio`` is as the module defines it (its note
says which way round). The runner calls each module once (``--quick``: small
sizes, the whole run under a minute), prints one table and writes the same rows
as JSON (``--json FILE``, default ``benchmarks/results.json``, not committed).
A module that fails gives one row with its error instead of stopping the run.

Run: ``.venv/bin/python -m benchmarks [--quick] [--only NAME]... [--json FILE]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE / "results.json"
COLUMNS = ("module", "name", "value", "baseline", "ratio", "unit", "runs", "note")


def discover() -> list[str]:
    """Module names of every ``*_bench.py`` beside this file, sorted."""
    return sorted(p.stem for p in HERE.glob("*_bench.py"))


def _ratio(row: dict[str, object]) -> object:
    ratio = row.get("ratio")
    if ratio is not None:
        return ratio
    value, baseline = row.get("value"), row.get("baseline")
    if isinstance(value, int | float) and isinstance(baseline, int | float) and baseline:
        return round(value / baseline, 2)
    return None


def run_module(module: str, quick: bool) -> tuple[list[dict[str, object]], float]:
    """Import ``benchmarks.<module>`` and return (its rows, seconds taken)."""
    started = time.perf_counter()
    try:
        mod = importlib.import_module(f"benchmarks.{module}")
        rows = [dict(r) for r in mod.run(quick)]
    except Exception as exc:  # one broken benchmark must not hide the others
        traceback.print_exc(file=sys.stderr)
        rows = [{"name": "(failed)", "value": None, "baseline": None, "ratio": None,
                 "unit": "", "note": f"{type(exc).__name__}: {exc}"[:200], "failed": True}]
    elapsed = time.perf_counter() - started
    for row in rows:
        row["module"] = module
        row["ratio"] = _ratio(row)
        row.setdefault("note", "")
    return rows, elapsed


def _runs(row: dict[str, object]) -> str:
    runs, base = row.get("runs"), row.get("baseline_runs")
    if runs is None:
        return "-"
    return f"{runs}/{base}" if base is not None else str(runs)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _with_spread(row: dict[str, object], key: str) -> str:
    """``median (min–max)`` when the row has its runs, the bare value otherwise."""
    low, high = row.get(f"{key}_min"), row.get(f"{key}_max")
    if low is None or high is None:
        return _cell(row.get(key))
    return f"{_cell(row.get(key))} ({_cell(low)}–{_cell(high)})"


def format_table(rows: Sequence[dict[str, object]]) -> str:
    """One plain-text table of every row: value and baseline as median (min–max), the
    runs per side (``value runs/baseline runs``; ``-`` where a row has none), notes last."""
    cells = [[_with_spread(r, c) if c in ("value", "baseline") else
              _runs(r) if c == "runs" else _cell(r.get(c)) for c in COLUMNS] for r in rows]
    widths = [max([len(c), *(len(line[i]) for line in cells)])
              for i, c in enumerate(COLUMNS[:-1])]
    out = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS[:-1], widths, strict=True)) + "  note"]
    out.append("-" * (sum(widths) + 2 * len(widths) + 4))
    for line in cells:
        out.append("  ".join(v.ljust(w) for v, w in zip(line[:-1], widths, strict=True))
                   + "  " + line[-1])
    return "\n".join(out)


def _load() -> list[float] | None:
    """The 1/5/15-minute load averages now (shared machines: record them with the rows)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; exit 1 if any module failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this module (e.g. check_bench); repeatable")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="FILE",
                        help=f"write the rows as JSON here (default {DEFAULT_JSON.name})")
    args = parser.parse_args(argv)
    modules = discover()
    if args.only:
        unknown = sorted(set(args.only) - set(modules))
        if unknown:
            parser.error(f"unknown benchmark module(s): {', '.join(unknown)}")
        modules = [m for m in modules if m in args.only]
    all_rows: list[dict[str, object]] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    print(f"load average at start: {_load()}", file=sys.stderr, flush=True)
    for module in modules:
        print(f"[{module}] ...", file=sys.stderr, flush=True)
        rows, elapsed = run_module(module, args.quick)
        timings[module] = round(elapsed, 2)
        print(f"[{module}] {elapsed:.1f} s", file=sys.stderr, flush=True)
        all_rows.extend(rows)
    total = time.perf_counter() - started
    print(format_table(all_rows))
    print(f"\n{len(modules)} modules, {total:.1f} s"
          f" ({'quick' if args.quick else 'full'} sizes); load average at the end {_load()}")
    document = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": _load(),
        "quick": args.quick, "python": platform.python_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(),
        "total_seconds": round(total, 2), "module_seconds": timings, "rows": all_rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n",
                         encoding="utf-8")
    return 1 if any(r.get("failed") for r in all_rows) else 0


if __name__ == "__main__":
    sys.exit(main())
