"""Benchmark: generating the synthetic demo prefecture.

Time: ``generate_prefecture`` for N persons against a same-process baseline
that only encodes N KSK02 records (already built) with the codec's writer —
the least any generator of those files must spend. Memory: the traced peak
of the whole run against the traced peak of building only the move scenarios
(about 2 % of persons, which are kept for expected.json): a ratio near 1
means the ordinary population is streamed and costs next to no memory.

Run: ``.venv/bin/python -m benchmarks.synth_bench [--quick] [--persons N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.common import MIN_RUNS, spread_row
from kokuho_pc.formats.writer import write_fixed
from kokuho_pc.synth import generate_prefecture
from kokuho_pc.synth.catalog import build_catalog
from kokuho_pc.synth.factory import Factory
from kokuho_pc.synth.histories import add_scenario_months
from kokuho_pc.synth.kit import Kit
from kokuho_pc.synth.model import MyNumberSource, person_record
from kokuho_pc.synth.population import iter_population


def _encode_only(persons: int) -> float:
    factory = Factory(random.Random(1), MyNumberSource(1), 10**8, 1, 1)
    records = [person_record(hh, e)
               for hh in iter_population(factory, "082201", persons) for e in hh.members]
    started = time.perf_counter()
    write_fixed("KSK02", "082201", dt.datetime(2026, 9, 1, 8, 0), records)
    return time.perf_counter() - started


def _generate(persons: int, traced: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        if traced:
            tracemalloc.start()
        try:
            started = time.perf_counter()
            generate_prefecture(Path(tmp), 1, persons)
            elapsed = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
        finally:
            if traced:
                tracemalloc.stop()
    return elapsed, peak


def _catalog_peak(persons: int) -> float:
    tracemalloc.start()
    try:
        kit = Kit(random.Random("kokuho-synth:1:scenarios"), MyNumberSource(1))
        build_catalog(kit, persons)
        for scenario in kit.scenarios:
            add_scenario_months(kit.rng, scenario)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run(quick: bool, persons: int | None = None) -> list[dict[str, object]]:
    """Time and memory rows for ``persons`` (quick: 2,000; else 100,000)."""
    n = persons or (2_000 if quick else 100_000)
    base_t: list[float] = []
    elapsed_t: list[float] = []
    for _ in range(MIN_RUNS):  # alternating: the writer alone, then the generator
        base_t.append(_encode_only(n))
        elapsed_t.append(_generate(n, traced=False)[0])
    scenarios_peak = _catalog_peak(n)
    _, peak = _generate(n, traced=True)
    return [
        spread_row(f"synth generate_prefecture {n:,} persons", elapsed_t, base_t, "s",
                   "baseline: writer.write_fixed of the same number of KSK02 records only",
                   digits=2),
        {
            "name": f"synth traced peak memory {n:,} persons",
            "value": round(peak, 1), "baseline": round(scenarios_peak, 1),
            "ratio": round(peak / scenarios_peak, 2), "unit": "MB",
            "note": ("one traced run each (deterministic); baseline: building the move scenarios "
                     "only; near 1 = population streamed"),
        },
    ]


def main() -> None:
    """Print the result rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--persons", type=int, default=None)
    args = parser.parse_args()
    for row in run(args.quick, args.persons):
        print(f"{row['name']}: {row['value']} {row['unit']} vs baseline {row['baseline']} "
              f"{row['unit']} → ratio {row['ratio']}× ({row['note']})")


if __name__ == "__main__":
    main()
