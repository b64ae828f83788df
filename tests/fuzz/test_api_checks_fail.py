"""The API fuzz checks can fail: canned wrong answers fail them, right ones pass.

- :func:`tests.fuzz.answers.check_answer`, the check of tests/fuzz/test_api.py and
  test_api_negative.py: a 5xx, a 2xx where a 4xx is due, an error in English, without
  a message, not JSON or under another content type, a message echoing a sent value,
  a 12-digit number with a valid check digit (plain, full-width behind JSON escapes,
  grouped in a message).
- The three API fuzz properties themselves, run once against a server stub that
  answers 500 (the property calls the check on what it got).
- The schemathesis checks tests/sim/test_api_openapi.py and test_api_negative.py run
  (``validate_response`` with their exclusions): a 5xx (every status is documented:
  each operation has a ``default`` answer), a wrong content type, a body or an error
  off the schema, a schema-invalid request accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.case import Case
from urllib3 import HTTPResponse

from kokuho_pc.domain.mynumber import my_number_check_digit
from tests.fuzz import test_api
from tests.fuzz.answers import check_answer
from tests.sim.test_api_openapi import EXCLUDED_CHECKS, OPERATIONS

NUMBER = "12345678901" + str(my_number_check_digit("12345678901"))
WIDE = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
GROUPED = f"{NUMBER[:4]}-{NUMBER[4:8]}-{NUMBER[8:]}"
REFUSED = {"error": {"code": "bad_request", "message": "要求の形式が正しくありません。"}}


def canned(status: int, body: object, content_type: str = "application/json",
           url: str = "https://127.0.0.1:8443/api/v1/confirmations") -> requests.Response:
    """An answer as ``requests`` hands it over (headers on ``raw`` too, for schemathesis)."""
    response = requests.Response()
    response.status_code = status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response.encoding = "utf-8"
    response.url = url
    response.headers = requests.structures.CaseInsensitiveDict({"Content-Type": content_type})
    response.raw = HTTPResponse(body=b"", headers={"Content-Type": content_type},
                                status=status, version=11, preload_content=False)
    response.request = requests.Request("POST", url, data=b"{}",
                                        headers={"Content-Type": "application/json"}).prepare()
    return response


def _error(message: str, code: str = "invalid") -> dict[str, object]:
    return {"error": {"code": code, "message": message}}


# (answer, values sent, refused)
WRONG: dict[str, tuple[requests.Response, list[str], bool]] = {
    "server_error": (canned(500, _error("内部エラーが発生しました。", "internal")), [], False),
    "server_error_in_html": (canned(502, b"<html>Bad Gateway</html>", "text/html"), [], False),
    "accepted_where_refused": (canned(201, {"submission_id": 7}), [], True),
    "ok_where_refused": (canned(200, {}), [], True),
    "english_message": (canned(400, _error("Bad request")), [], False),
    "no_message": (canned(400, {"error": {"code": "bad_request"}}), [], False),
    "no_code": (canned(422, {"error": {"message": "入力が正しくありません。"}}), [], False),
    "no_error_object": (canned(404, {"detail": "見つかりません"}), [], False),
    "not_json": (canned(400, b"Bad Request", "text/plain"), [], False),
    "json_under_another_type": (canned(400, REFUSED, "text/plain"), [], False),
    "echoes_sent_value": (canned(400, _error("「田中太郎」は受け付けられません。")),
                          ["田中太郎"], False),
    "echoes_sent_header": (canned(403, _error("職員 staff-x9 は登録されていません。")),
                           ["staff-x9"], False),
    "number_in_ok_body": (canned(200, {"remarks": f"番号{NUMBER}"}), [], False),
    "wide_number_escaped": (canned(200, {"name": WIDE}), [], False),
    "number_in_error_body": (canned(400, _error(f"{NUMBER} は不正です。")), [], False),
    "grouped_number_in_message": (canned(400, _error(f"番号 {GROUPED} を確認してください。")),
                                  [], False),
}
RIGHT: dict[str, tuple[requests.Response, list[str], bool]] = {
    "refused_in_japanese": (canned(400, REFUSED), ["田中太郎", "staff-x9"], True),
    "names_a_documented_value": (canned(400, _error("reference (server/local) を指定して"
                                                    "ください。")), ["local"], True),
    "ok": (canned(200, {"candidate_no": "C0000001", "size": 123456789012}), [], False),
    "hash_like_text": (canned(200, {"sha256": "a" * 20 + NUMBER[:11] + "b" * 33}), [], False),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_check_answer_fails_on_a_wrong_answer(case: str) -> None:
    response, sent, refused = WRONG[case]
    with pytest.raises(AssertionError):
        check_answer(response, sent, refused=refused)


@pytest.mark.parametrize("case", sorted(RIGHT))
def test_check_answer_passes_a_right_answer(case: str) -> None:
    """The check is not reject-everything: documented answers pass."""
    response, sent, refused = RIGHT[case]
    check_answer(response, sent, refused=refused)


class _ServerAnswering500:
    """A stand-in for the simulator (the HTTP boundary) that answers every request 500."""

    def url(self, path: str) -> str:
        return "https://127.0.0.1:8443" + path

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        return canned(500, _error("内部エラーが発生しました。", "internal"), url=url)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", url)

    @contextmanager
    def session(self, *args: Any) -> Iterator[_ServerAnswering500]:
        yield self


@pytest.mark.parametrize(("prop", "drawn"), [
    (test_api.test_random_json_bodies, dict(endpoint=("POST", test_api.CONFIRM), body={},
                                             raw=False, pick=0, shaped=False, decision={})),
    (test_api.test_random_paths_and_queries, dict(method="GET", segments=["candidates"],
                                                  query={})),
    (test_api.test_random_headers, dict(staff="staff01", key="k", content_type="x/y")),
], ids=["json_bodies", "paths_and_queries", "headers"])
def test_api_properties_fail_against_a_server_answering_500(
    prop: Any, drawn: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(test_api.REAL, "candidate_no", ["C0000001"])
    monkeypatch.setitem(test_api.REAL, "name", ["KSK11_082201_20261110081500.csv"])
    stub = _ServerAnswering500()
    fixtures = {k: stub for k in ("http", "server") if k in prop.hypothesis.inner_test.__code__
                .co_varnames[:prop.hypothesis.inner_test.__code__.co_argcount]}
    with pytest.raises(AssertionError):
        prop.hypothesis.inner_test(**fixtures, **drawn)


def _operation(method: str, path: str) -> Any:
    return next(op for op in OPERATIONS if op.method.upper() == method and op.path == path)


def _drawn_case(method: str, path: str, mode: GenerationMode) -> Case:
    """One generated case of an operation (derandomized)."""
    found: list[Case] = []

    @settings(max_examples=1, database=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), deadline=None)
    @given(case=_operation(method, path).as_strategy(generation_mode=mode))
    def draw(case: Case) -> None:
        found.append(case)

    draw()
    return found[0]


SCHEMA_WRONG = {
    "server_error": canned(500, _error("内部エラーが発生しました。", "internal")),
    "error_off_the_schema": canned(409, {"error": "競合しています。"}),
    "wrong_content_type": canned(200, b"<html>ok</html>", "text/html"),
    "body_off_the_schema": canned(200, {"confirmed": "yes", "extra": 1}),
}


@pytest.mark.parametrize("answer", sorted(SCHEMA_WRONG))
def test_schema_checks_fail_on_a_wrong_answer(answer: str) -> None:
    """The checks of test_api_openapi.py (its exclusions applied)."""
    case = _drawn_case("POST", "/api/v1/confirmations", GenerationMode.POSITIVE)
    with pytest.raises(FailureGroup):
        case.validate_response(SCHEMA_WRONG[answer], excluded_checks=EXCLUDED_CHECKS)


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/api/v1/confirmations"), ("PUT", "/api/v1/candidates/{candidate_no}/decision")])
def test_schema_checks_fail_when_an_invalid_request_is_accepted(method: str, path: str) -> None:
    """Schema-invalid requests (test_api_negative.py, test_api_openapi.py) must be refused:
    a 2xx answer to one fails schemathesis' negative-data check."""
    case = _drawn_case(method, path, GenerationMode.NEGATIVE)
    accepted = canned(200, {"candidate_nos": ["C0000001"], "confirmed": 1})
    for excluded in (None, EXCLUDED_CHECKS):
        with pytest.raises(FailureGroup) as failed:
            case.validate_response(accepted, excluded_checks=excluded)
        titles = {getattr(f, "title", "") for f in failed.value.exceptions}
        assert "Schema-violating request accepted" in titles, titles
