"""The API against its OpenAPI document, with schemathesis generating the requests.

Every operation of ``shuyaku_sim/openapi.json`` is called with generated requests, a
bounded number per operation, schema-valid ones and schema-invalid ones, on a server
seeded with a move; every response must be documented, match its schema and never be a
5xx, and an invalid request must never be accepted.
"""

from __future__ import annotations

import json
import sqlite3
import typing
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation

import shuyaku_sim
from shuyaku_sim import model
from shuyaku_sim.api.routes import all_operations
from tests.oplogchain import chained
from tests.simfiles import NEW, seed_move
from tests.simhelpers import DEFAULT_STAFF, SimServer, make_pki

SCHEMA_PATH = Path(shuyaku_sim.__file__).parent / "openapi.json"
SCHEMA = schemathesis.openapi.from_path(str(SCHEMA_PATH))
OPERATIONS: list[APIOperation] = [result.ok() for result in SCHEMA.get_all_operations()]
MAX_EXAMPLES = 12
NEGATIVE_EXAMPLES = 6  # schema-invalid requests: each must be refused with a documented 4xx
# "Schema-valid request rejected": the API checks what no JSON schema can say (the
# files' SHA-256 and content, a candidate's state, a reason when overruling), so a
# schema-valid request may rightly be answered 400/422.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]


def test_document_lists_exactly_the_served_routes() -> None:
    document = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    documented = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    assert documented == {(op.method, op.path) for op in all_operations()}


def test_served_document_is_the_committed_one(shared_sim_server: SimServer) -> None:
    with shared_sim_server.session(NEW, staff=None) as http:
        r = http.get(shared_sim_server.url("/openapi.json"), timeout=10)
    assert r.status_code == 200
    assert r.json() == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeded_server(shared_sim_server: SimServer) -> Iterator[SimServer]:
    """The shared server with one move taken in (its objects in :data:`REAL`)."""
    REAL.update(seed_move(shared_sim_server))
    yield shared_sim_server


REAL: dict[str, list[str]] = {}  # the seeded move's candidate numbers and delivery names


def with_real_objects(case: Case, pick: int) -> Case:
    """Every other generated case addresses the seeded move's real candidates/deliveries
    (path parameters and a confirmation's ``candidate_nos``), so acknowledge, decisions
    and confirmations are exercised on real objects, not only answered 404."""
    if pick % 2:
        return case
    # a staff ID the registry holds (a generated one is refused 403 unknown_staff, which
    # the other half of the cases exercises)
    case.headers = {**(case.headers or {}), "X-Staff-Id": DEFAULT_STAFF}
    for key, values in REAL.items():
        if case.path_parameters and key in case.path_parameters:
            case.path_parameters[key] = values[pick // 2 % len(values)]
    if isinstance(case.body, dict) and isinstance(case.body.get("candidate_nos"), list):
        case.body["candidate_nos"] = REAL["candidate_no"][:1 + pick // 2 % 2]
    return case


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_operation_conforms_to_the_document(seeded_server: SimServer,
                                            operation: APIOperation) -> None:
    federation = "federation" in (operation.tags or [])
    session = seeded_server.session(None if federation else NEW, staff=None)

    @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                         derandomize=True, print_blob=False,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(), pick=hypothesis.strategies.integers(0, 7))
    def check(case: Case, pick: int) -> None:
        with_real_objects(case, pick).call_and_validate(
            base_url=seeded_server.base_url, session=session, timeout=30,
            verify=session.verify, excluded_checks=EXCLUDED_CHECKS)

    @hypothesis.settings(max_examples=NEGATIVE_EXAMPLES, deadline=None, database=None,
                         derandomize=True, print_blob=False,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def check_negative(case: Case) -> None:
        case.call_and_validate(base_url=seeded_server.base_url, session=session, timeout=30,
                               verify=session.verify, excluded_checks=EXCLUDED_CHECKS)

    try:
        check()
        if operation.path != "/openapi.json":  # nothing in it can be made invalid
            check_negative()
    finally:
        session.close()


def test_no_response_of_the_run_held_a_5xx(seeded_server: SimServer) -> None:
    """The server's own record agrees: nothing answered 5xx during the schema run."""


    conn = sqlite3.connect(seeded_server.data_dir / "access-log.sqlite3")
    try:
        count = conn.execute("SELECT COUNT(*) FROM access_log WHERE status >= 500").fetchone()[0]
        total = conn.execute("SELECT COUNT(*) FROM access_log").fetchone()[0]
    finally:
        conn.close()
    assert total > len(OPERATIONS) * 5
    assert count == 0


def test_the_schema_run_reached_real_objects(seeded_server: SimServer) -> None:
    """Before the hand-written requests below: the generated ones alone acknowledged a
    real delivery, recorded a decision on a real candidate and confirmed real candidates."""
    conn = sqlite3.connect(seeded_server.data_dir / "access-log.sqlite3")
    try:
        ok = {(str(m), str(r)) for m, r in conn.execute(
            "SELECT method, route FROM access_log WHERE status < 300")}
    finally:
        conn.close()
    for method, route in (("PUT", "/api/v1/candidates/{candidate_no}/decision"),
                          ("POST", "/api/v1/confirmations"),
                          ("POST", "/api/v1/deliveries/{name}/acknowledge"),
                          ("GET", "/api/v1/deliveries/{name}/content")):
        assert (method, route) in ok, (method, route)




# The engine's result types (shuyaku_sim.model) and the document's schemas must agree.
MODEL_SCHEMAS = {
    "SubmittedFile": "SubmittedFile", "SubmissionResult": "SubmissionResult",
    "Delivery": "Delivery", "HeadView": "HeadView", "MemberRow": "MemberRow",
    "CandidateSummary": "CandidateSummary", "DecisionView": "DecisionView",
    "CandidateDetail": "CandidateDetail", "ConfirmSummary": "ConfirmSummary",
    "ResultRow": "ResultRow", "OperationLogRecord": "OperationLogRecord", "Status": "Summary",
    "CandidateListAsOf": "CandidateListAsOf", "ListMoment": "ListMoment",
}


@pytest.mark.parametrize(("type_name", "schema_name"), sorted(MODEL_SCHEMAS.items()))
def test_document_schemas_match_the_engine_result_types(type_name: str,
                                                        schema_name: str) -> None:
    schemas = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["components"]["schemas"]
    hints = typing.get_type_hints(getattr(model, type_name), include_extras=True)
    fields = set(hints)
    optional = {k for k, v in hints.items() if typing.get_origin(v) is typing.NotRequired}
    schema = schemas[schema_name]
    assert set(schema["properties"]) == fields
    assert set(schema["required"]) == fields - optional


def _operation(method: str, path: str) -> APIOperation:
    return next(op for op in OPERATIONS if op.method.upper() == method and op.path == path)


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[SimServer]:
    """A server of its own with one move (the schema run has confirmed the shared one's)."""
    with SimServer(tmp_path / "data", make_pki(tmp_path / "pki")) as server:
        seed_move(server)
        yield server


def test_real_resources_conform_to_the_document(fresh_server: SimServer) -> None:
    """Requests on the seeded move's real candidates and deliveries, validated by schemathesis."""
    seeded_server = fresh_server
    staff = {"X-Staff-Id": "staff01"}
    with seeded_server.session(NEW, staff=None) as http:

        def call(method: str, path: str, *, params: dict[str, str] | None = None,
                 body: object = None) -> object:
            op = _operation(method, path)
            case = op.Case(path_parameters=params or {}, headers=dict(staff),
                           **({} if body is None else {"body": body,
                                                       "media_type": "application/json"}))
            response = case.call_and_validate(base_url=seeded_server.base_url, session=http,
                                              timeout=30, verify=http.verify,
                                              excluded_checks=EXCLUDED_CHECKS)
            assert response.status_code < 300, response.text
            ctype = {k.lower(): v for k, v in response.headers.items()}["content-type"]
            return response.json() if "application/json" in str(ctype) else response.content

        candidates = call("GET", "/api/v1/candidates")["candidates"]  # type: ignore[index]
        assert candidates
        nos = [c["candidate_no"] for c in candidates]
        for no in nos:
            call("GET", "/api/v1/candidates/{candidate_no}", params={"candidate_no": no})
            call("PUT", "/api/v1/candidates/{candidate_no}/decision",
                 params={"candidate_no": no}, body={"decision": "continue", "reason": None,
                                                    "remarks": "確認済み"})
        call("POST", "/api/v1/confirmations", body={"candidate_nos": nos})
        call("GET", "/api/v1/results")
        deliveries = call("GET", "/api/v1/deliveries")["deliveries"]  # type: ignore[index]
        assert {d["if_id"] for d in deliveries} >= {"KSK11", "KSK12"}
        for d in deliveries:
            name = {"name": d["name"]}
            call("GET", "/api/v1/deliveries/{name}", params=name)
            call("GET", "/api/v1/deliveries/{name}/content", params=name)
            call("POST", "/api/v1/deliveries/{name}/acknowledge", params=name)
        records = chained([("x", "staff01", {})])
        call("POST", "/api/v1/operation-log", body={"records": records})
        tip = call("GET", "/api/v1/operation-log/tip")
        assert tip["seq"] == 1 and tip["hash"] == records[0]["hash"]  # type: ignore[index]
        call("POST", "/api/v1/operation-log/rollback",
             body={"local": {"seq": 0, "hash": records[0]["prev_hash"]},
                   "expected": {"seq": 1, "hash": records[0]["hash"]}, "reference": "server",
                   "kind": "behind"})
        call("GET", "/api/v1/status")
    with seeded_server.session(None, staff=None) as http:
        op = _operation("GET", "/api/v1/operation-log")
        response = op.Case(headers=dict(staff)).call_and_validate(
            base_url=seeded_server.base_url, session=http, timeout=30, verify=http.verify,
            excluded_checks=EXCLUDED_CHECKS)
        assert response.status_code == 200 and response.json()["records"]
