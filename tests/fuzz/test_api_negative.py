"""Schemathesis with NEGATIVE data on every operation, on real objects of a seeded simulator.

The server first takes in a real move (2 households 082015 → 082201), so 082201 has
real candidates and deliveries. Every operation of ``shuyaku_sim/openapi.json`` is then
called with schema-INVALID requests; where schemathesis left the path valid, the path
parameters are replaced by real ones (a real candidate number, a real delivery name), so
the invalid query, header or body reaches the code behind a real resource instead of
stopping at 404. Every answer must be a documented 4xx (schemathesis's negative-data
check), a JSON error with a Japanese message that echoes none of the values sent, never a
5xx (tests/fuzz/answers.py; tests/fuzz/test_api_checks_fail.py proves both checks can
fail); the server's access log and console agree at the end.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation

import shuyaku_sim
from tests.fuzz.answers import check_answer, sent_strings
from tests.fuzz.budget import share
from tests.simfiles import NEW, OLD, moving_households, submission_body
from tests.simhelpers import SimServer, make_pki

SCHEMA_PATH = Path(shuyaku_sim.__file__).parent / "openapi.json"
SCHEMA = schemathesis.openapi.from_path(str(SCHEMA_PATH))
OPERATIONS: list[APIOperation] = [r.ok() for r in SCHEMA.get_all_operations()
                                  if r.ok().path != "/openapi.json"]  # nothing to make invalid
EXAMPLES = share(0.004)  # per operation: 40 at the default campaign of 10,000


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimServer, dict[str, list[str]]]]:  # noqa: E501
    """A simulator with one real move taken in, and the real path parameters of 082201."""
    base = tmp_path_factory.mktemp("negative")
    with SimServer(base / "data", make_pki(base / "pki")) as server:
        old, new = moving_households(2)
        for code, files in ((OLD, old), (NEW, new)):
            with server.session(code) as http:
                r = http.post(server.url("/api/v1/submissions"), json=submission_body(files),
                              headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=60)
                assert r.status_code == 201, r.text
        with server.session(NEW) as http:
            candidates = http.get(server.url("/api/v1/candidates"), timeout=30).json()
            deliveries = http.get(server.url("/api/v1/deliveries"), timeout=30).json()
            http.post(server.url("/api/v1/operation-log"), timeout=30,
                      json={"records": [{"seq": 1, "action": "login"}]})
        real = {"candidate_no": [c["candidate_no"] for c in candidates["candidates"]],
                "name": [d["name"] for d in deliveries["deliveries"]]}
        assert real["candidate_no"] and real["name"]
        yield server, real


def _path_is_valid(case: Case) -> bool:
    meta = case._meta
    if meta is None:
        return True
    info = meta.components.get(ParameterLocation.PATH)
    return info is None or info.mode is not GenerationMode.NEGATIVE


def sent_by(case: Case) -> list[str]:
    """The values a case sends (path, query, headers, body), for the no-echo check."""
    return list(sent_strings(case.path_parameters, case.query, case.headers, case.body))


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_invalid_requests_on_real_objects_are_refused_in_japanese(
    seeded: tuple[SimServer, dict[str, list[str]]], operation: APIOperation,
) -> None:
    server, real = seeded
    federation = "federation" in (operation.tags or [])
    session = server.session(None if federation else NEW, staff=None)
    names = re.findall(r"\{(\w+)\}", operation.path)
    real_params = st.fixed_dictionaries({n: st.sampled_from(real[n]) for n in names})
    seen_real = []

    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                         derandomize=True, print_blob=False,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
                      params=real_params)
    def check(case: Case, params: dict[str, str]) -> None:
        if names and _path_is_valid(case):
            case.path_parameters = dict(params)
            seen_real.append(True)
        response = case.call_and_validate(base_url=server.base_url, session=session,
                                          timeout=30, verify=session.verify)
        check_answer(response, sent_by(case))

    try:
        check()
    finally:
        session.close()
    if names:
        assert seen_real, "no invalid request reached a real object"


def test_the_server_logged_no_5xx_and_no_traceback(
    seeded: tuple[SimServer, dict[str, list[str]]],
) -> None:
    server, _ = seeded
    conn = sqlite3.connect(f"file:{server.data_dir / 'access-log.sqlite3'}?mode=ro", uri=True)
    try:
        worst, total = conn.execute("SELECT max(status), count(*) FROM access_log").fetchone()
    finally:
        conn.close()
    assert total >= len(OPERATIONS) * 10
    assert worst < 500
    assert "Traceback" not in server.log_text()
