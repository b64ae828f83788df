"""Benchmark: the simulator's HTTPS API against calling its engine directly.

The same work is done twice in this run: once through the real server process
(mutual TLS on 127.0.0.1, JSON, base64, access log) and once by calling
``shuyaku_sim.engine.Engine`` in this process on its own data directory. The
ratio is the cost of the service layer. Also: a request on a new TLS connection
(full mutual-TLS handshake) against one on a kept-alive connection.

Run: ``.venv/bin/python -m benchmarks.sim_api_bench [--quick]``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import MIN_RUNS, alternating, command_line, spread_row
from shuyaku_sim.engine import Engine, file_set_digest
from tests.simfiles import OLD, household_pair, submission_body
from tests.simhelpers import SimServer, make_pki, make_session


def run(quick: bool) -> list[dict[str, object]]:
    """Measure; return rows {name, value, baseline, ratio, unit, note}."""
    households = 200 if quick else 3000
    requests_n = 100 if quick else 300
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pki = make_pki(base / "pki")
        direct = Engine.open(base / "direct")
        created = [dt.datetime(2026, 11, 4, 8, 0, i) for i in range(2 * MIN_RUNS)]
        with SimServer(base / "data", pki) as server, server.session(OLD) as http:
            http_t: list[float] = []
            direct_t: list[float] = []
            for k in range(MIN_RUNS):  # alternating: in process, then over HTTPS; new sets
                files_direct = household_pair(OLD, created[2 * k], households)
                files_http = household_pair(OLD, created[2 * k + 1], households)
                t0 = time.perf_counter()
                direct.submit_file_set(OLD, files_direct, str(uuid.uuid4()),
                                       file_set_digest(files_direct), "bench", "bench")
                direct_t.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                r = http.post(server.url("/api/v1/submissions"),
                              json=submission_body(files_http),
                              headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=600)
                http_t.append(time.perf_counter() - t0)
                assert r.status_code == 201, r.text
            rows.append(spread_row(f"submit {households * 3} persons", http_t, direct_t, "s",
                                   "HTTPS+JSON+base64 vs Engine.submit_file_set in process"))

            chunk = max(1, requests_n // MIN_RUNS)

            def kept_alive() -> None:
                for _ in range(chunk):
                    assert http.get(server.url("/api/v1/status"), timeout=30).status_code == 200

            def in_process() -> None:
                for _ in range(chunk):
                    direct.status(OLD)

            keep_t, engine_t = alternating(kept_alive, in_process)
            rows.append(spread_row(
                "GET /api/v1/status (kept-alive)", [t / chunk for t in keep_t],
                [t / chunk for t in engine_t], "ms",
                f"per request ({chunk} per run) vs Engine.status in process", scale=1000))
            n_new = max(4, requests_n // 10 // MIN_RUNS)

            def fresh_connections() -> None:
                for _ in range(n_new):
                    with make_session(pki, OLD) as fresh:
                        assert fresh.get(server.url("/api/v1/status"), timeout=30).ok

            new_t, keep_t2 = alternating(fresh_connections, kept_alive)
            rows.append(spread_row(
                "GET /api/v1/status (new mTLS connection)", [t / n_new for t in new_t],
                [t / chunk for t in keep_t2], "ms",
                "per request incl. handshake vs kept-alive connection", scale=1000))
        direct.close()
    return rows


def main() -> None:
    """Print the rows."""
    command_line(run, None)


if __name__ == "__main__":
    main()
