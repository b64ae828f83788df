"""A server process killed (SIGKILL) mid-ingest loses nothing acknowledged and processes once.

The simulator SIGKILLs itself at a named point of the ingest (``SHUYAKU_SIM_TEST_KILL_AT``,
``shuyaku_sim.faultpoints``), never after a sleep: ``ingest_before_commit`` (the whole
submission written inside the transaction, COMMIT not run) and ``ingest_after_commit``
(COMMIT done, the answer not sent). The client sees no answer either way. After a
restart the database passes ``PRAGMA integrity_check``; before COMMIT nothing of the
submission exists, after it exactly one; the retry with the same Idempotency-Key is
processed now (201) or answered from the stored result (200), and a second retry is
answered from the same submission. Every person is in the database once.

This is the API-level check (raw HTTPS, database counts, integrity). The same two
points through the real client (its stored key, its resend, its Japanese message) are
``tests/e2e/test_faults.py::test_simulator_killed_in_ingest``.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import signal
import sqlite3
import ssl
import uuid

import pytest

from shuyaku_sim.faultpoints import ENV_KILL_AT, POINTS
from tests.simfiles import OLD, household_pair, submission_body
from tests.simhelpers import SimServer

HOUSEHOLDS = 20  # 60 persons: the kill is at a named point, the size no longer matters


def _send(server: SimServer, files: dict[str, bytes], key: str) -> http.client.HTTPSConnection:
    ctx = ssl.create_default_context(cafile=str(server.sim_pki.ca))
    cert, keyfile = server.sim_pki.terminal(OLD)
    ctx.load_cert_chain(str(cert), str(keyfile))
    conn = http.client.HTTPSConnection(server.host, server.port, context=ctx, timeout=120)
    body = json.dumps(submission_body(files)).encode()
    conn.request("POST", "/api/v1/submissions", body=body, headers={
        "Content-Type": "application/json", "Idempotency-Key": key, "X-Staff-Id": "staff01"})
    return conn


def _post(server: SimServer, files: dict[str, bytes], key: str) -> tuple[int, dict[str, object]]:
    conn = _send(server, files, key)
    try:
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _integrity(server: SimServer) -> str:
    conn = sqlite3.connect(server.data_dir / "shuyaku.sqlite3")
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _count(server: SimServer, sql: str) -> int:
    conn = sqlite3.connect(server.data_dir / "shuyaku.sqlite3")
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("point", POINTS)
def test_killed_at_a_named_ingest_point_then_retry_processes_exactly_once(
        sim_server: SimServer, point: str) -> None:
    first = household_pair(OLD, _created(0), HOUSEHOLDS, first=0)
    status, _ = _post(sim_server, first, str(uuid.uuid4()))
    assert status == 201  # one accepted submission before the kill

    sim_server.stop()
    sim_server.env = {ENV_KILL_AT: point}
    sim_server.start()
    files = household_pair(OLD, _created(1), HOUSEHOLDS, first=HOUSEHOLDS)
    key = str(uuid.uuid4())
    conn = _send(sim_server, files, key)
    with pytest.raises((OSError, http.client.HTTPException)):
        conn.getresponse()  # the server died before answering
    conn.close()
    assert sim_server.wait_killed() == -signal.SIGKILL  # at the point, not by a timer

    sim_server.env = {}
    sim_server.start()
    assert _integrity(sim_server) == "ok"
    committed = point == "ingest_after_commit"
    accepted = "SELECT COUNT(*) FROM submissions WHERE status = 'accepted'"
    assert _count(sim_server, accepted) == (2 if committed else 1)
    assert _count(sim_server, "SELECT COUNT(*) FROM persons") == (
        (2 if committed else 1) * 3 * HOUSEHOLDS)

    status, body = _post(sim_server, files, key)
    assert status == (200 if committed else 201), body  # replayed / processed now
    again_status, again = _post(sim_server, files, key)
    assert again_status == 200 and again["submission_id"] == body["submission_id"]
    assert again["persons"] == 3 * HOUSEHOLDS
    sim_server.stop()
    assert _count(sim_server, accepted) == 2  # never two for the killed one
    assert _count(sim_server, "SELECT COUNT(*) FROM persons") == 2 * 3 * HOUSEHOLDS


def test_acknowledged_submission_survives_an_immediate_kill(sim_server: SimServer) -> None:
    files = household_pair(OLD, _created(9), 10)
    key = str(uuid.uuid4())
    status, body = _post(sim_server, files, key)
    assert status == 201
    sim_server.kill()
    sim_server.start()
    status, again = _post(sim_server, files, key)
    assert status == 200 and again["submission_id"] == body["submission_id"]


def _created(n: int) -> dt.datetime:
    return dt.datetime(2026, 11, 2, 8, 0, n)

