"""Benchmark: load the 継続候補世帯 list and results, and print the candidate list.

N three-person households move 082015 → 082201 (``tests.simfiles.moving_households``);
the simulator forms N candidates. Measured in one process against one real simulator:

- ``CandidateService.list()`` (one list request over pinned mutual TLS whose
  lines carry heads, member counts and the decider; typed views, operation
  log) against the same request with a plain ``requests`` session (our overhead);
- the same ``list()`` against the former way (the list request plus one detail
  request per candidate, plain session): what removing the N+1 saves;
- ``PrintingService.render_candidate_list`` of the N views against the
  ``kokuho_pc.print`` renderer called directly with the same rows.

Run: ``.venv/bin/python -m benchmarks.candidates_bench [--quick]``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.common import MIN_RUNS, alternating, command_line, spread_row
from kokuho_pc.print import CANDIDATE_TITLE, ReportHeader, render_candidate_list
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.services.printing import PrintingService, candidate_row
from tests.simfiles import moving_households, submission_body
from tests.simhelpers import SimServer, make_pki
from tests.transfer.harness import STAFF, login, make_profile

CODE = "082201"


def _seed(server: SimServer, n: int) -> None:
    old, new = moving_households(n)
    for code, files in (("082015", old), (CODE, new)):
        with server.session(code, "seed") as http:
            r = http.post(server.url("/api/v1/submissions"), json=submission_body(files),
                          headers={"Idempotency-Key": f"bench-seed-{code}-{n}"}, timeout=600)
            assert r.status_code in (200, 201), r.text


def _plain(server: SimServer) -> tuple[float, float]:
    """(summary only, summary + every detail) with a plain requests session."""
    with server.session(CODE, STAFF) as http:
        t0 = time.perf_counter()
        rows = http.get(server.url("/api/v1/candidates"), timeout=600).json()["candidates"]
        t1 = time.perf_counter()
        for row in rows:
            http.get(server.url(f"/api/v1/candidates/{row['candidate_no']}"), timeout=600).json()
        t2 = time.perf_counter()
    return t1 - t0, t2 - t0


def run(quick: bool) -> list[dict[str, object]]:
    """Measure; return rows {name, value, baseline, ratio, unit, note}."""
    n = 100 if quick else 1000
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pki = make_pki(base / "pki")
        with SimServer(base / "data", pki) as server:
            _seed(server, n)
            profile = make_profile(base / "profile", server, pki)
            try:
                session = login(profile, STAFF)
                service = CandidateService(profile, session)
                service.list()  # warm up (TLS session, caches)
                ours_t: list[float] = []
                summary_t: list[float] = []
                plain_t: list[float] = []
                for _ in range(MIN_RUNS):  # alternating: the plain requests, then ours
                    summary, plain = _plain(server)
                    summary_t.append(summary)
                    plain_t.append(plain)
                    t0 = time.perf_counter()
                    views = service.list(refresh=True)
                    ours_t.append(time.perf_counter() - t0)
                    assert len(views) == n, len(views)
                rows.append(spread_row(f"candidate list {n} (service vs plain list request)",
                                       ours_t, summary_t, "s",
                                       "one request; typed views, pinned mTLS, log"))
                rows.append(spread_row(f"candidate list {n} (service vs former N+1 requests)",
                                       ours_t, plain_t, "s",
                                       "list + one detail per candidate, plain session"))
                printing = PrintingService(profile, session)
                printing.render_candidate_list(views[:5])  # warm up (fonts)
                header = ReportHeader(CANDIDATE_TITLE, "つくば市", CODE, profile.clock(), STAFF)
                pages: list[int] = []

                def mapped() -> None:
                    pages.append(printing.render_candidate_list(views).pages)

                mapped_t, direct_t = alternating(
                    mapped, lambda: render_candidate_list(
                        header, [candidate_row(v) for v in views]), MIN_RUNS)
                rows.append(spread_row(f"candidate list PDF {n} rows, {pages[0]} pages",
                                       mapped_t, direct_t, "s",
                                       "service mapping + render vs render alone"))
                session.logout()
            finally:
                profile.close()
    return rows


def main() -> None:
    """Print the rows."""
    command_line(run, None)


if __name__ == "__main__":
    main()
