"""Benchmark: the consolidation simulator ingesting a prefecture and extracting candidates.

A synthetic prefecture of ``persons`` insured persons in 20 municipalities
(households of 1–4) where ``persons / 50`` persons move, whole households, to
the next municipality (so 1,000,000 persons have 20,000 moves). Each
municipality submits one KSK01+KSK02 pair, in order; the moves into the first
municipality arrive before their old municipality's file (pending 20, then
re-checked). Measured in a child process (so the generator's memory does not
count): wall time of every submission (check, parse, ID links, coverage
checks, KSK11/KSK12, candidates) and peak RSS. The rows compare the large run
with the small one scaled linearly: ratio ≤ ~1 means time grows linearly or better.

Run: ``.venv/bin/python -m benchmarks.sim_bench [--quick]`` (quick: 1,000 vs 10,000
persons; full: 10,000 vs 100,000 persons; 5 runs of each, alternating). A prefecture
of 1,000,000 persons is a scale check, not a row: ``--persons 1000000`` prints one
measurement (one run takes most of an hour on the 2-core machine, so five per side
do not fit; docs/benchmarks.md reports it as the single run it is).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import MIN_RUNS, peak_rss_mib, spread_row
from kokuho_pc.domain.municipality import municipality_check_digit
from kokuho_pc.domain.mynumber import MyNumber, my_number_check_digit
from kokuho_pc.formats.filenames import make_file_name
from kokuho_pc.formats.writer import write_fixed

TOWNS = 20
MOVE = dt.date(2026, 10, 15)
SINCE = dt.date(2020, 4, 1)


def town_codes() -> list[str]:
    """20 valid 茨城県 codes."""
    return [f"08{n:03d}{municipality_check_digit(f'08{n:03d}')}" for n in range(201, 201 + TOWNS)]


def _mn(serial: int) -> MyNumber:
    first = f"7{serial:010d}"
    return MyNumber(first + str(my_number_check_digit(first)))


def _household(code: str, hno: str, head: str, *, moved_in_from: str = "",
               moved_out: bool = False) -> dict[str, object]:
    end = MOVE - dt.timedelta(days=1) if moved_out else None
    return {"processing_type": "1", "municipality_code": code, "household_no": hno,
            "head_type": "1", "head_insured_id": head, "nominal_head_my_number": None,
            "head_name_kana": "ｼﾐｭ ﾀﾛｳ", "head_name": "試湯\u3000太郎",
            "coverage_start": MOVE if moved_in_from else SINCE, "coverage_end": end,
            "change_date": MOVE if (moved_in_from or moved_out) else SINCE,
            "change_reason": "02" if moved_in_from else ("12" if moved_out else "01"),
            "previous_municipality": moved_in_from}


def _person(code: str, mid: str, hno: str, serial: int, relation: str, *,
            moved_in_from: str = "", moved_out: bool = False) -> dict[str, object]:
    end = MOVE - dt.timedelta(days=1) if moved_out else None
    return {"processing_type": "1", "municipality_code": code, "municipal_insured_id": mid,
            "household_no": hno, "my_number": _mn(serial), "name_kana": "ｼﾐｭ ﾀﾛｳ",
            "name": "試湯\u3000太郎", "birth_date": dt.date(1970, 1, 1), "sex": "1",
            "relation": relation, "qualification_acquired": SINCE, "qualification_lost": None,
            "coverage_start": MOVE if moved_in_from else SINCE,
            "coverage_start_reason": "02" if moved_in_from else "01", "coverage_end": end,
            "coverage_end_reason": "12" if moved_out else "",
            "previous_municipality": moved_in_from, "card_number": "", "branch_number": ""}


def _write_town(directory: Path, t: int, code: str, households: list[dict[str, object]],
                people: list[dict[str, object]]) -> None:
    created = dt.datetime(2026, 11, 1, 8, 0) + dt.timedelta(minutes=t)
    if t == 0:  # the first town's moves-in arrive before their old town's file
        created += dt.timedelta(days=1)
    for if_id, records in (("KSK01", households), ("KSK02", people)):
        (directory / make_file_name(if_id, code, created)).write_bytes(
            write_fixed(if_id, code, created, records))


def generate(directory: Path, persons: int, seed: int = 7) -> tuple[int, int]:
    """Write the prefecture's files town by town; return (persons, moving persons).

    Only one town's records (plus the next town's moves-in) are in memory at a time.
    """
    rnd = random.Random(seed)
    codes = town_codes()
    per_town = persons // TOWNS
    movers_per_town = persons // 50 // TOWNS
    incoming: tuple[list[dict[str, object]], list[dict[str, object]]] = ([], [])
    first: tuple[list[dict[str, object]], list[dict[str, object]]] = ([], [])
    serial = total = moving = 0
    for t, code in enumerate(codes):
        target = codes[(t + 1) % TOWNS]
        households, people = incoming
        outgoing: tuple[list[dict[str, object]], list[dict[str, object]]] = ([], [])
        made = moved = h = 0
        while made < per_town:
            h += 1
            size = min(rnd.choice((1, 2, 2, 3, 4)), per_town - made)
            move = moved < movers_per_town
            hno, head = f"{h:010d}", f"P{h:09d}01"
            households.append(_household(code, hno, head, moved_out=move))
            if move:
                outgoing[0].append(_household(target, f"M{code}{h:07d}", f"M{h:09d}01",
                                              moved_in_from=code))
            for k in range(size):
                serial += 1
                rel = "01" if k == 0 else "03"
                people.append(_person(code, f"P{h:09d}{k + 1:02d}", hno, serial, rel,
                                      moved_out=move))
                if move:
                    outgoing[1].append(_person(target, f"M{h:09d}{k + 1:02d}",
                                               f"M{code}{h:07d}", serial, rel,
                                               moved_in_from=code))
            made += size
            moved += size if move else 0
        total += made
        moving += moved
        if t == 0:
            first = (households, people)
        else:
            _write_town(directory, t, code, households, people)
        incoming = outgoing
    _write_town(directory, 0, codes[0], first[0] + incoming[0], first[1] + incoming[1])
    return total, moving


def ingest(directory: Path) -> dict[str, object]:
    """Child process: submit every set into a fresh store; time it and report peak RSS."""
    from shuyaku_sim.engine import Engine, file_set_digest
    from shuyaku_sim.filesets import collect_paths, group_file_sets

    with tempfile.TemporaryDirectory(prefix="sim-bench-") as tmp:
        engine = Engine.open(Path(tmp))
        try:
            paths = {p.name: p for p in collect_paths([directory])}
            sets = group_file_sets(dict.fromkeys(paths, b""))  # names only; read per set
            start = time.perf_counter()
            cpu_start = time.process_time()
            for fs in sets:
                files = {name: paths[name].read_bytes() for name in fs.files}
                digest = file_set_digest(files)
                engine.submit_file_set(fs.municipality_code, files, digest, digest, "b", "b")
                del files
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu_start
            candidates = sum(len(engine.list_candidates(c)) for c in town_codes())
            pending = sum(engine.status(c)["pending_persons"] for c in town_codes())
        finally:
            engine.close()
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak_rss_mib(),
            "candidates": candidates,
            "pending": pending}


def measure(persons: int) -> dict[str, object]:
    """Generate ``persons`` and ingest them in a child process."""
    with tempfile.TemporaryDirectory(prefix="sim-bench-files-") as tmp:
        directory = Path(tmp)
        gen_start = time.perf_counter()
        total, moving = generate(directory, persons)
        generated = time.perf_counter() - gen_start
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.sim_bench", "--child", str(directory)],
            capture_output=True, check=True, timeout=6 * 3600)
    result: dict[str, object] = json.loads(proc.stdout)
    result.update({"persons": total, "moving": moving, "generate_seconds": generated})
    return result


def run(quick: bool) -> list[dict[str, object]]:
    """Benchmark rows: the large run against the small one scaled ×10, 5 runs of each
    alternating (the 1,000,000-person scale check: ``--persons``, see the docstring)."""
    small_n, large_n = (1_000, 10_000) if quick else (10_000, 100_000)
    runs = MIN_RUNS
    smalls: list[dict[str, object]] = []
    larges: list[dict[str, object]] = []
    for _ in range(runs):
        smalls.append(measure(small_n))
        larges.append(measure(large_n))
    large = larges[-1]
    note = (f"{large['persons']} persons, {large['moving']} moving, "
            f"{large['candidates']} candidates, pending after all files {large['pending']}")

    def values(results: list[dict[str, object]], key: str, times: float = 1.0) -> list[float]:
        return [float(r[key]) * times for r in results]  # type: ignore[arg-type]

    return [
        spread_row(f"sim_ingest_{small_n}_seconds", values(smalls, "seconds"), None, "s",
                   f"{smalls[-1]['moving']} moving", digits=2),
        spread_row(f"sim_ingest_{large_n}_seconds", values(larges, "seconds"),
                   values(smalls, "seconds", 10), "s",
                   "baseline: the small run ×10 (ratio ≤ 1: linear or better); " + note,
                   digits=2),
        spread_row(f"sim_ingest_{small_n}_cpu_seconds", values(smalls, "cpu_seconds"), None,
                   "s", "CPU time (shared machine)", digits=2),
        spread_row(f"sim_ingest_{large_n}_cpu_seconds", values(larges, "cpu_seconds"),
                   values(smalls, "cpu_seconds", 10), "s",
                   "baseline: the small run's CPU time ×10", digits=2),
        spread_row(f"sim_ingest_{small_n}_peak_rss", values(smalls, "peak_mib"), None, "MiB",
                   "child process peak RSS", digits=1),
        spread_row(f"sim_ingest_{large_n}_peak_rss", values(larges, "peak_mib"),
                   values(smalls, "peak_mib"), "MiB", "baseline: the small run's peak RSS",
                   digits=1),
    ]


def main() -> None:
    """Command line: ``--quick`` for the small sizes; ``--child DIR`` is internal."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", type=Path)
    parser.add_argument("--persons", type=int)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(ingest(args.child)))
        return
    if args.persons:
        print(json.dumps(measure(args.persons), indent=1))
        return
    for row in run(args.quick):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
