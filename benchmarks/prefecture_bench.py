"""Benchmark: a prefecture's load on the simulator — 44 municipalities of 茨城県 at once.

Files: :mod:`benchmarks.ibaraki` (kokuho-pc synth's generators, the persons split over
the 44 municipalities by real size; ``--persons``, 100,000 at full size, 5,000 with
``--quick``; 1,000,000 by hand with ``--persons 1000000``: 5 runs per side take about
half an hour on the idle 2-core machine). Each municipality has a baseline round
(KSK01+KSK02, then KKG01) and a monthly round (KSK01+KSK02 of the month's changes, all
created at the same minute).

One run:
1. ``shuyaku-sim judge`` on the same directory: the reference result.
2. Concurrent: a fresh server; 44 submitter threads, one per municipality, each with
   its own terminal certificate and the project's real client
   (``kokuho_pc.transfer.client``: retries on 503 honouring Retry-After), send the
   baseline round at the same time, then the monthly round at the same time, while 44
   reader clients (a second terminal certificate per municipality, in another process)
   list their candidates and read one, with 0.5 s think time.
3. Sequential: a fresh server; the same file sets one municipality after another, no
   readers. Steps 2 and 3 are repeated ``--repeat`` times (default 5), alternating which
   comes first, so machine load falls on both alike.
4. Checks: every submission accepted; the candidates every municipality lists and every
   person's latest qualification result (KSK11) equal judge's — nothing lost, nothing
   duplicated — for both runs.

Reported: wall time concurrent vs sequential (per round), p50/p99 (and max) of the reads
during the ingests, the server's peak RSS (VmHWM) and CPU (user+system seconds, and as a
share of one core), 503 answers (writes waiting for SQLite's single writer), and the
load average before and after (the machine has 2 cores shared with other work).

Run: ``.venv/bin/python -m benchmarks.prefecture_bench [--quick] [--persons N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from benchmarks.common import MIN_RUNS, peak_rss_mib, row, spread_row
from benchmarks.ibaraki import CODES, Prefecture, generate
from kokuho_pc.transfer.client import ClientConfig, ConsolidationClient
from shuyaku_sim import pki as sim_pki
from shuyaku_sim.engine import Engine, file_set_digest
from shuyaku_sim.filesets import group_file_sets, read_files
from shuyaku_sim.storage.trust import StaffRow
from tests.simhelpers import SimPki, SimServer, make_pki, make_session

QUICK_PERSONS = 5_000
FULL_PERSONS = 100_000  # 1,000,000 by hand with --persons (see the docstring)
THINK = 0.5
READER = "reader"
CANDIDATE_KEYS = ("before_municipality", "before_household", "after_municipality",
                  "after_household", "category", "suggestion", "reason")


# --- the reader process ------------------------------------------------------------------


def _reader_loop(base_url: str, pki_dir: str, code: str, stop: Any,
                 out: list[tuple[float, str, float, int]]) -> None:
    cert = Path(pki_dir) / f"{READER}-{code}.pem"
    key = Path(pki_dir) / f"{READER}-{code}-key.pem"
    rng = random.Random(code)
    with make_session(SimPki(Path(pki_dir), "", ()), cert=(cert, key), staff="reader01") as http:
        time.sleep(rng.random() * THINK)
        while not stop.is_set():
            started = time.time()
            try:
                r = http.get(f"{base_url}/api/v1/candidates", timeout=120)
                out.append((started, "list", time.time() - started, r.status_code))
                rows = r.json().get("candidates", []) if r.status_code == 200 else []
                if rows:
                    no = rng.choice(rows)["candidate_no"]
                    started = time.time()
                    r = http.get(f"{base_url}/api/v1/candidates/{no}", timeout=120)
                    out.append((started, "detail", time.time() - started, r.status_code))
            except requests.RequestException:  # counted as a failed read (status 0)
                out.append((started, "error", time.time() - started, 0))
            stop.wait(THINK)


def reader_process(base_url: str, pki_dir: str, stop: Any, results: Any) -> None:
    """44 reader clients (threads) until ``stop``; put their timings on ``results``."""
    timings: list[tuple[float, str, float, int]] = []
    threads = [threading.Thread(target=_reader_loop, args=(base_url, pki_dir, c, stop, timings))
               for c in CODES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put(timings)


# --- the server's figures -----------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- submitting ---------------------------------------------------------------------------


def _client(server: SimServer, pki: SimPki, code: str) -> ConsolidationClient:
    cert, key = pki.terminal(code)
    return ConsolidationClient(ClientConfig(
        base_url=server.base_url, ca_file=pki.ca, client_cert=cert, client_key=key,
        pins=(pki.pin,), staff_id="staff01", read_timeout=3600, max_retries=1000,
        backoff_max=5.0))


def _sets(prefecture: Prefecture, code: str, round_name: str) -> list[dict[str, bytes]]:
    names = (prefecture.baseline if round_name == "baseline" else prefecture.monthly)[code]
    files = {n: (prefecture.directory / n).read_bytes() for n in names}
    return [fs.files for fs in group_file_sets(files)]


def _submit_all(server: SimServer, pki: SimPki, prefecture: Prefecture, code: str,
                round_name: str) -> list[str]:
    statuses = []
    with _client(server, pki, code) as client:
        for files in _sets(prefecture, code, round_name):
            result, _ = client.submit(files, file_set_digest(files), str(uuid.uuid4()))
            statuses.append(str(result["status"]))
    return statuses


# --- comparing with judge -----------------------------------------------------------------


def _judge(directory: Path) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "shuyaku_sim.cli", "judge", str(directory)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout), time.perf_counter() - started


def _served_candidates(server: SimServer, pki: SimPki) -> collections.Counter[tuple[Any, ...]]:
    found: collections.Counter[tuple[Any, ...]] = collections.Counter()
    for code in CODES:
        with make_session(pki, code) as http:
            rows = http.get(server.url("/api/v1/candidates"), timeout=600).json()["candidates"]
        found.update(tuple(r[k] for k in CANDIDATE_KEYS) for r in rows)
    return found


def _stored_results(data_dir: Path) -> collections.Counter[tuple[str, str, str]]:
    engine = Engine.open(data_dir)
    try:
        with engine.db.reading() as tx:
            return collections.Counter((m, mid, code)
                                       for m, mid, _, code in tx.latest_qualification_results())
    finally:
        engine.close()


def _differences(expected: collections.Counter[Any], got: collections.Counter[Any]) -> int:
    return sum(((expected - got) + (got - expected)).values())


# --- one run ------------------------------------------------------------------------------


def _register_staff(data_dir: Path) -> None:
    """Each municipality's staff registry holds the submitting and the reading staff member,
    as if its PCs had forwarded their account records (so the API's check is a read)."""
    engine = Engine.open(data_dir)
    try:
        with engine.db.transaction() as tx:
            for code in CODES:
                for staff in ("staff01", "reader01"):
                    tx.save_staff(StaffRow(code, staff, "staff", None, None, None),
                                  f"terminal-{code}-01", 0, "2026-11-01T00:00:00")
    finally:
        engine.close()


def _pki(base: Path) -> SimPki:
    pki = make_pki(base / "pki", CODES)
    for code in CODES:
        sim_pki.issue_terminal(pki.directory, code, terminal_id=f"terminal-{code}-02",
                               file_stem=f"{READER}-{code}")
    return pki


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def concurrent_run(base: Path, pki: SimPki, prefecture: Prefecture) -> dict[str, Any]:
    """Every municipality at once, with the readers; the figures of the run."""
    # 88 clients share 127.0.0.1 here (in a prefecture each office has its own address).
    env = {"SHUYAKU_SIM_MAX_PER_ADDRESS": "512", "SHUYAKU_SIM_MAX_PENDING_PER_ADDRESS": "256"}
    figures: dict[str, Any] = {"load_before": _loadavg()}
    _register_staff(base / "concurrent")
    with SimServer(base / "concurrent", pki, env=env) as server:
        assert server.process is not None
        pid = server.process.pid
        ctx = multiprocessing.get_context("spawn")
        stop, results = ctx.Event(), ctx.Queue()
        readers = ctx.Process(target=reader_process,
                              args=(server.base_url, str(pki.directory), stop, results))
        readers.start()
        time.sleep(2.0)  # the readers are connected and reading
        windows = {}
        statuses: list[str] = []
        cpu0 = _cpu_seconds(pid)
        with ThreadPoolExecutor(len(CODES)) as pool:
            for round_name in ("baseline", "monthly"):
                started = time.time()
                for out in pool.map(lambda c, r=round_name: _submit_all(
                        server, pki, prefecture, c, r), CODES):
                    statuses.extend(out)
                windows[round_name] = (started, time.time())
        figures["cpu_s"] = _cpu_seconds(pid) - cpu0
        stop.set()
        timings = results.get(timeout=300)
        readers.join(60)
        figures["peak_rss_mib"] = peak_rss_mib(pid)
        figures["candidates"] = _served_candidates(server, pki)
    figures["load_after"] = _loadavg()
    figures["db_mib"] = sum(p.stat().st_size
                            for p in server.data_dir.glob("shuyaku.sqlite3*")) / 2**20
    figures["results"] = _stored_results(server.data_dir)
    figures["accepted"] = statuses.count("accepted")
    figures["submissions"] = len(statuses)
    for round_name, (a, b) in windows.items():
        figures[f"wall_{round_name}"] = b - a
        during = [t for t in timings if a <= t[0] <= b]
        ok = [t[2] for t in during if t[3] == 200]
        figures[f"reads_{round_name}"] = len(during)
        figures[f"reads_failed_{round_name}"] = sum(1 for t in during if t[3] != 200)
        figures[f"p50_{round_name}"] = _percentile(ok, 0.50)
        figures[f"p99_{round_name}"] = _percentile(ok, 0.99)
        figures[f"max_{round_name}"] = max(ok, default=float("nan"))
    figures["wall"] = figures["wall_baseline"] + figures["wall_monthly"]
    conn = sqlite3.connect(f"file:{server.data_dir / 'access-log.sqlite3'}?mode=ro", uri=True)
    try:
        figures["busy_503"] = conn.execute(
            "SELECT COUNT(*) FROM access_log WHERE status = 503").fetchone()[0]
    finally:
        conn.close()
    return figures


def sequential_run(base: Path, pki: SimPki, prefecture: Prefecture) -> dict[str, Any]:
    """One municipality after another, no readers."""
    figures: dict[str, Any] = {}
    statuses: list[str] = []
    _register_staff(base / "sequential")
    with SimServer(base / "sequential", pki) as server:
        for round_name in ("baseline", "monthly"):
            started = time.perf_counter()
            for code in CODES:
                statuses.extend(_submit_all(server, pki, prefecture, code, round_name))
            figures[f"wall_{round_name}"] = time.perf_counter() - started
        figures["candidates"] = _served_candidates(server, pki)
    figures["results"] = _stored_results(server.data_dir)
    figures["accepted"] = statuses.count("accepted")
    figures["wall"] = figures["wall_baseline"] + figures["wall_monthly"]
    return figures


def load_prefecture(directory: Path, persons: int) -> Prefecture:
    """The file sets of an earlier :func:`generate` into ``directory`` (``--files``)."""
    prefecture = Prefecture(directory, persons=persons)
    stamp = {"baseline": "_20260901", "monthly": "_20261102"}
    for code in CODES:
        for round_name, table in (("baseline", prefecture.baseline),
                                  ("monthly", prefecture.monthly)):
            table[code] = sorted(p.name for p in directory.glob(f"*_{code}{stamp[round_name]}*"))
    return prefecture


def measure(persons: int, repeat: int, seed: int = 19, files: Path | None = None,
            reference: bool = True) -> dict[str, Any]:
    """Generate (or take ``files``), judge, then ``repeat`` concurrent and sequential runs.

    ``reference`` False skips judge and the sequential runs (a size too large for this
    machine's time): then only acceptance and duplicates are checked.
    """
    with tempfile.TemporaryDirectory(prefix="prefecture-bench-") as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        prefecture = (load_prefecture(files, persons) if files is not None
                      else generate(base / "files", seed, persons))
        generated = time.perf_counter() - started
        expected_candidates: collections.Counter[tuple[Any, ...]] = collections.Counter()
        expected_results: collections.Counter[tuple[str, str, str]] = collections.Counter()
        judge_s = float("nan")
        if reference:
            judged, judge_s = _judge(prefecture.directory)
            expected_candidates.update(
                tuple(c[k] for k in CANDIDATE_KEYS) for c in judged["candidates"])
            expected_results.update(
                (k["municipality"], k["municipal_insured_id"], k["result_code"])
                for k in judged["ksk11"])
        pki = _pki(base)
        runs = []
        for n in range(repeat):
            run_dir = base / f"run{n}"
            seq: dict[str, Any] | None
            if reference and n % 2:  # alternating: sequential first on odd runs
                seq = sequential_run(run_dir, pki, prefecture)
                conc = concurrent_run(run_dir, pki, prefecture)
            else:
                conc = concurrent_run(run_dir, pki, prefecture)
                seq = sequential_run(run_dir, pki, prefecture) if reference else None
            for figures in (conc, seq):
                if figures is None:
                    continue
                served, stored = figures.pop("candidates"), figures.pop("results")
                figures["duplicates"] = sum(v - 1 for v in served.values() if v > 1)
                figures["served_candidates"] = sum(served.values())
                figures["stored_results"] = sum(stored.values())
                if reference:
                    figures["candidate_diff"] = _differences(expected_candidates, served)
                    figures["result_diff"] = _differences(expected_results, stored)
            runs.append((conc, seq))
        submissions = sum(len(group_file_sets(read_files(
            [prefecture.directory / n for n in names])))
            for names in (*prefecture.baseline.values(), *prefecture.monthly.values()))
    return {"persons": prefecture.persons, "households": prefecture.households,
            "moves": prefecture.moves, "generated_s": generated, "judge_s": judge_s,
            "candidates": sum(expected_candidates.values()),
            "ksk11": sum(expected_results.values()), "submissions": submissions, "runs": runs,
            "reference": reference}


def rows_of(m: dict[str, Any]) -> list[dict[str, object]]:
    """Benchmark rows: median and min–max over the runs (``spread_row``); the notes give
    the checks and the load."""
    runs = m["runs"]
    reference = m.get("reference", True)

    def values(which: int, key: str) -> list[float]:
        return [float(r[which][key]) for r in runs]

    if reference:
        checks = all(c["accepted"] == s["accepted"] == m["submissions"]
                     and c["candidate_diff"] == s["candidate_diff"] == 0
                     and c["result_diff"] == s["result_diff"] == 0 for c, s in runs)
    else:
        checks = all(c["accepted"] == m["submissions"] and c["duplicates"] == 0
                     for c, _ in runs)
    size = f"{m['persons']:,} persons, 44 municipalities"
    order = ("runs alternate which goes first" if reference and len(runs) > 1
             else "sequential not run" if not reference else "one run")
    out = []
    for key, label in (("wall_baseline", "baseline round"), ("wall_monthly", "monthly round"),
                       ("wall", "both rounds")):
        out.append(spread_row(
            f"{label}: all 44 at once vs one after another ({size})", values(0, key),
            values(1, key) if reference else None, "s",
            f"concurrent with 44 readers / sequential; {order}", digits=3))
    for phase in ("baseline", "monthly"):
        worst = max(values(0, f"max_{phase}"))
        reads = sum(int(r[0][f"reads_{phase}"]) for r in runs)
        failed = sum(int(r[0][f"reads_failed_{phase}"]) for r in runs)
        out.append(spread_row(
            f"reads during the {phase} ingests: p99 (p50 as baseline)",
            values(0, f"p99_{phase}"), values(0, f"p50_{phase}"), "s",
            f"{reads} reads, {failed} not 200, max {worst:.3g} s; target p99 <= 1 s",
            digits=3))
    out.append(spread_row("server peak RSS (VmHWM), concurrent run", values(0, "peak_rss_mib"),
                          None, "MiB", "", digits=1))
    out.append(spread_row("server CPU (user+system), concurrent run", values(0, "cpu_s"),
                          values(0, "wall"), "s",
                          "ratio = share of one core over the wall time", digits=2))
    db = values(0, "db_mib")
    out.append(spread_row("database size after both rounds", db, None, "MiB",
                          f"{statistics.median(db) * 2**20 / m['persons']:.0f} bytes per "
                          "person", digits=1))
    out.append(spread_row("503 busy answers (writes waiting for the single writer)",
                          values(0, "busy_503"), None, "count", "retried by the client",
                          digits=0))
    loads = "; ".join(f"{c['load_before']} -> {c['load_after']}" for c, _ in runs)
    versus = (f"{m['candidates']} candidates, {m['ksk11']} KSK11 results equal judge's"
              if reference else
              f"{runs[0][0]['served_candidates']} candidates served, none twice; "
              f"{runs[0][0]['stored_results']} KSK11 results; judge not run")
    out.append(row("all accepted, nothing lost or duplicated", float(checks), None,
                   "bool", f"every run checked; {m['submissions']} submissions; {versus}; "
                   f"loadavg {loads}; judge {m['judge_s']:.3g} s, generation "
                   f"{m['generated_s']:.3g} s"))
    return out


def run(quick: bool) -> list[dict[str, object]]:
    """Measure; return rows {name, value, baseline, ratio, unit, note}."""
    return rows_of(measure(QUICK_PERSONS if quick else FULL_PERSONS, MIN_RUNS))


def main() -> None:
    """Print the rows (and the raw figures as JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--persons", type=int)
    parser.add_argument("--repeat", type=int, default=MIN_RUNS,
                        help=f"runs per side (default {MIN_RUNS}; fewer only for a quick "
                             "look, reported as such)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--files", type=Path, help="reuse the files of an earlier generation")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip judge and the sequential run (acceptance and duplicates "
                             "are still checked)")
    args = parser.parse_args()
    persons = args.persons or (QUICK_PERSONS if args.quick else FULL_PERSONS)
    m = measure(persons, args.repeat, files=args.files, reference=not args.no_reference)
    for result in rows_of(m):
        print(result, flush=True)
    if args.json:
        args.json.write_text(json.dumps(m, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
