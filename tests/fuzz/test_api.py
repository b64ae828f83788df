"""Fuzz the running simulator with random paths, headers and JSON bodies (within bounds).

Beside the schema-driven schemathesis run of tests/sim/test_api_openapi.py, this
sends what the document does not describe: random paths under /api/v1 (encoded
oddities, traversal), random methods, random header values, random JSON of any
shape to every writing endpoint. Every answer is below 500, malformed JSON and an
empty submission are refused with a 4xx, an error is the documented JSON with a
Japanese message that echoes no value it was sent, no answer holds a 12-digit
number (tests/fuzz/answers.py, proven by test_api_checks_fail.py), and the server
still answers /status afterwards.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fuzz.answers import check_answer, sent_strings
from tests.fuzz.budget import share
from tests.simfiles import seed_move
from tests.simhelpers import SimServer, make_pki

HEADER_VALUE = re.compile(r"\S[^\r\n]*|")  # requests refuses other header values itself
DECISION = "/api/v1/candidates/{candidate_no}/decision"
CONFIRM = "/api/v1/confirmations"
ACKNOWLEDGE = "/api/v1/deliveries/{name}/acknowledge"
WRITES = [("POST", "/api/v1/submissions"), ("PUT", DECISION), ("POST", CONFIRM),
          ("POST", "/api/v1/operation-log"), ("POST", ACKNOWLEDGE)]
REAL: dict[str, list[str]] = {}  # the seeded move's candidate numbers and delivery names
SEGMENTS = st.sampled_from(["candidates", "deliveries", "results", "status", "submissions",
                            "operation-log", "confirmations", "..", ".", "%2e%2e", "%00",
                            "content", "decision", "acknowledge", "082201-1", "ｱ", "個人番号"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
    max_leaves=20)
FIELDS = st.sampled_from(["files", "sha256", "decision", "reason", "remarks", "candidate_nos",
                          "records", "name", "content_base64", "seq"])
BODY = st.one_of(JSON, st.dictionaries(FIELDS, JSON, max_size=4))
DECISION_BODY = st.fixed_dictionaries({
    "decision": st.sampled_from(["continue", "discontinue", "maybe"]),
    "reason": st.none() | TEXT, "remarks": st.none() | TEXT})


def fuzz(examples: int) -> settings:
    """No deadline, fixtures shared across examples on purpose (seed and example
    database: the profile of tests/conftest.py)."""
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimServer]:
    base = tmp_path_factory.mktemp("fuzz-sim")
    with SimServer(base / "data", make_pki(base / "pki")) as sim:
        REAL.update(seed_move(sim))  # decisions, confirmations, acknowledge on real objects
        yield sim


@pytest.fixture(scope="module")
def http(server: SimServer) -> Iterator[requests.Session]:
    with server.session("082201", "fuzz") as session:
        yield session


@fuzz(share(0.015))
@given(endpoint=st.sampled_from(WRITES), body=BODY, raw=st.booleans(), pick=st.integers(0, 7),
       shaped=st.booleans(), decision=DECISION_BODY)
@example(endpoint=("PUT", DECISION), body=None, raw=False, pick=0, shaped=True,
         decision={"decision": "continue", "reason": None, "remarks": None})
@example(endpoint=("POST", CONFIRM), body=None, raw=False, pick=0, shaped=True, decision={})
@example(endpoint=("POST", ACKNOWLEDGE), body={}, raw=False, pick=0, shaped=False, decision={})
def test_random_json_bodies(http: requests.Session, server: SimServer,
                            endpoint: tuple[str, str], body: Any, raw: bool, pick: int,
                            shaped: bool, decision: dict[str, Any]) -> None:
    method, template = endpoint
    path = template.format(candidate_no=REAL["candidate_no"][pick % len(REAL["candidate_no"])],
                           name=REAL["name"][pick % len(REAL["name"])])
    if shaped and template == DECISION:  # a body of the right shape, random values
        body = decision
    elif shaped and template == CONFIRM:
        body = {"candidate_nos": REAL["candidate_no"][:1 + pick % 2]}
    data = json.dumps(body).encode() if not raw else json.dumps(body)[:-1].encode() + b"\xff"
    response = http.request(method, server.url(path), data=data, timeout=30, headers={
        "Content-Type": "application/json", "Idempotency-Key": "fuzz-key-0001"})
    # Malformed JSON is refused where a body is read (acknowledge takes none).
    check_answer(response, list(sent_strings(body)), refused=raw and template != ACKNOWLEDGE)


@fuzz(share(0.01))
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]),
       segments=st.lists(SEGMENTS | TEXT.filter(bool), min_size=0, max_size=4),
       query=st.dictionaries(st.sampled_from(["state", "category", "include_acknowledged",
                                              "after_id", "limit"]), TEXT, max_size=3))
def test_random_paths_and_queries(http: requests.Session, server: SimServer, method: str,
                                  segments: list[str], query: dict[str, str]) -> None:
    path = "/api/v1/" + "/".join(s if "%" in s else quote(s, safe="") for s in segments)
    response = http.request(method, server.url(path), params=query, timeout=30)
    if method != "HEAD":
        check_answer(response, [*query.values()])
    else:
        assert response.status_code < 500


@fuzz(share(0.005))
@given(staff=TEXT, key=TEXT, content_type=st.sampled_from(
    ["application/json", "text/plain", "", "application/json; charset=latin-1", "x/y"]))
def test_random_headers(server: SimServer, staff: str, key: str, content_type: str) -> None:
    headers = {"Content-Type": content_type}
    for name, value in (("X-Staff-Id", staff), ("Idempotency-Key", key)):
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            continue
        if HEADER_VALUE.fullmatch(value):  # what an HTTP client can send at all
            headers[name] = value
    with server.session("082201", None) as session:
        response = session.post(server.url("/api/v1/submissions"), data=b"{}",
                                headers=headers, timeout=30)
    check_answer(response, [staff, key], refused=True)  # {} is never a submission


def test_server_alive_and_logged_no_5xx(server: SimServer, http: requests.Session,
                                        tmp_path: Path) -> None:
    assert http.get(server.url("/api/v1/status"), timeout=30).status_code == 200
    import sqlite3

    conn = sqlite3.connect(f"file:{server.data_dir / 'access-log.sqlite3'}?mode=ro", uri=True)
    try:
        worst = conn.execute("SELECT max(status) FROM access_log").fetchone()[0]
    finally:
        conn.close()
    assert worst is None or worst < 500
    assert "Traceback" not in server.log_text()


def test_the_fuzzing_reached_real_objects(server: SimServer) -> None:
    """A decision, a confirmation and an acknowledgement each found their real object
    (answered 2xx, or 409 for a state the fuzzing itself brought about), not only 404."""
    import sqlite3

    conn = sqlite3.connect(f"file:{server.data_dir / 'access-log.sqlite3'}?mode=ro", uri=True)
    try:
        found = {str(r[0]) for r in conn.execute(
            "SELECT route FROM access_log WHERE status < 300 OR status = 409")}
    finally:
        conn.close()
    assert {DECISION, CONFIRM, ACKNOWLEDGE} <= found, found
