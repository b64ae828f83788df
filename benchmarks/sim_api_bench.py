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

from benchmarks.common import command_line, row
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
        created = [dt.datetime(2026, 11, 4, 8, 0, i) for i in range(2)]
        files_http = household_pair(OLD, created[0], households)
        files_direct = household_pair(OLD, created[1], households)
        with SimServer(base / "data", pki) as server, server.session(OLD) as http:
            t0 = time.perf_counter()
            r = http.post(server.url("/api/v1/submissions"), json=submission_body(files_http),
                          headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=600)
            http_s = time.perf_counter() - t0
            assert r.status_code == 201, r.text
            t0 = time.perf_counter()
            direct.submit_file_set(OLD, files_direct, str(uuid.uuid4()),
                                   file_set_digest(files_direct), "bench", "bench")
            direct_s = time.perf_counter() - t0
            rows.append(row(f"submit {households * 3} persons", http_s, direct_s, "s",
                             "HTTPS+JSON+base64 vs Engine.submit_file_set in process"))

            t0 = time.perf_counter()
            for _ in range(requests_n):
                assert http.get(server.url("/api/v1/status"), timeout=30).status_code == 200
            keep_ms = (time.perf_counter() - t0) / requests_n * 1000
            t0 = time.perf_counter()
            for _ in range(requests_n):
                direct.status(OLD)
            engine_ms = (time.perf_counter() - t0) / requests_n * 1000
            rows.append(row("GET /api/v1/status (kept-alive)", keep_ms, engine_ms, "ms",
                             "per request vs Engine.status in process"))

            n_new = max(20, requests_n // 10)
            t0 = time.perf_counter()
            for _ in range(n_new):
                with make_session(pki, OLD) as fresh:
                    assert fresh.get(server.url("/api/v1/status"), timeout=30).ok
            new_ms = (time.perf_counter() - t0) / n_new * 1000
            rows.append(row("GET /api/v1/status (new mTLS connection)", new_ms, keep_ms, "ms",
                             "per request incl. handshake vs kept-alive connection"))
        direct.close()
    return rows


def main() -> None:
    """Print the rows."""
    command_line(run, None)


if __name__ == "__main__":
    main()
