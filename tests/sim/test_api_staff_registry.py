"""The staff registry at the API, for a municipality whose PC never forwarded its log.

A15 left a gap: a municipality with no registry yet (no account record ever forwarded)
let every self-asserted ``X-Staff-Id`` through, with an alert each time. With only the
terminal certificate of a newly enrolled terminal (its PC not yet used) a script read
the municipality's candidate details and recorded decisions. x1's black-box run confirmed
it (``GET /api/v1/candidates`` → 200 with ``X-Staff-Id: intruder``). Now it is refused
(403 ``unknown_staff``) and alerted; once the PC forwards its account records the staff
it created are let in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.oplogchain import account_created, chained
from tests.simfiles import seed_move
from tests.simhelpers import SimServer, make_pki

CANDIDATES = "/api/v1/candidates"


@pytest.fixture
def bare_sim(tmp_path: Path) -> Iterator[SimServer]:
    """A simulator whose staff registry is empty (the test fixtures register nobody)."""
    with SimServer(tmp_path / "data", make_pki(tmp_path / "pki"), staff=()) as sim:
        yield sim


def _alerts(sim: SimServer) -> list[tuple[str, str, int]]:
    """(municipality, code, occurrences) of every stored alert."""
    conn = sqlite3.connect(f"file:{sim.data_dir / 'shuyaku.sqlite3'}?mode=ro", uri=True)
    try:
        return [(str(m), str(c), int(n)) for m, c, n in conn.execute(
            "SELECT municipality_code, code, occurrences FROM alerts ORDER BY rowid")]
    finally:
        conn.close()


def test_an_empty_registry_lets_no_staff_id_in(bare_sim: SimServer) -> None:
    sim = bare_sim
    with sim.session("082201", staff="intruder") as http:
        answer = http.get(sim.url(CANDIDATES), timeout=30)
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "unknown_staff"
        decision = http.put(sim.url(f"{CANDIDATES}/082201-1/decision"), timeout=30,
                            json={"decision": "continue", "reason": None, "remarks": None})
        assert decision.status_code == 403, decision.text
    assert _alerts(sim) == [("082201", "unknown_staff", 2)]
    # the PC forwards its account records: the staff it created may act, nobody else
    with sim.session("082201", staff="admin01") as pc:
        records = chained([account_created("admin01", "admin"), account_created("tanto01")])
        posted = pc.post(sim.url("/api/v1/operation-log"), json={"records": records},
                         timeout=30)
        assert posted.status_code == 200, posted.text
    with sim.session("082201", staff="tanto01") as http:
        assert http.get(sim.url(CANDIDATES), timeout=30).status_code == 200
    with sim.session("082201", staff="intruder") as http:
        assert http.get(sim.url(CANDIDATES), timeout=30).status_code == 403


def test_fixtures_register_their_staff_so_data_can_be_seeded(tmp_path: Path) -> None:
    """(The API tests and the fuzzing register their staff first, as a PC would.)"""
    with SimServer(tmp_path / "data", make_pki(tmp_path / "pki")) as sim:
        real = seed_move(sim)
        with sim.session("082201") as http:
            assert http.get(sim.url(CANDIDATES), timeout=30).status_code == 200
    assert real["candidate_no"]


def test_the_dashboard_counts_need_a_registered_staff_id(tmp_path: Path) -> None:
    """``GET /status`` (who="anyone") skipped the registry: with the terminal key and any
    staff ID it answered the municipality's candidate counts (x1's run: 200 for
    ``intruder``). A municipality terminal naming an unregistered ID is now refused like
    every other municipality operation; the federation terminal is not concerned."""
    with SimServer(tmp_path / "data", make_pki(tmp_path / "pki")) as sim:
        with sim.session("082201", staff="intruder") as http:
            answer = http.get(sim.url("/api/v1/status"), timeout=30)
            assert answer.status_code == 403, answer.text
            assert answer.json()["error"]["code"] == "unknown_staff"
        with sim.session("082201") as http:
            status = http.get(sim.url("/api/v1/status"), timeout=30)
            assert status.status_code == 200 and status.json()["summary"] is not None
        with sim.session(None, staff="fedadmin") as http:
            assert http.get(sim.url("/api/v1/status"), timeout=30).status_code == 200
    assert ("082201", "unknown_staff", 1) in _alerts(sim)
