"""The operations of the JSON API ``/api/v1`` (described in ``shuyaku_sim/openapi.json``).

Each handler validates its input strictly (a malformed request is a 4xx, never a
5xx), calls one engine method with the caller's municipality, terminal and staff
ID, and answers JSON. No response ever holds a 個人番号.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import re
from pathlib import Path

from shuyaku_sim.api_app import ApiContext, Route
from shuyaku_sim.api_types import ApiError, Request, Response, bad_request, not_found
from shuyaku_sim.engine import file_set_digest

OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.json"
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{8,128}")
HEX64 = re.compile(r"[0-9a-f]{64}")
FILE_NAME = re.compile(r"(KSK01|KSK02|KKG01)_\d{6}_\d{14}\.dat")
DELIVERY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
CANDIDATE_NO = re.compile(r"[A-Za-z0-9_-]{1,40}")
MAX_FILES = 2
MAX_TEXT = 400


def _municipality(request: Request) -> str:
    code = request.terminal.municipality
    if code is None:  # routes for municipalities are closed to the federation terminal
        raise ApiError(403, "forbidden", "この端末からは行えない操作です。")
    return code


def _bool_query(request: Request, name: str) -> bool:
    value = request.query_one(name)
    if value is None or value == "false":
        return False
    if value == "true":
        return True
    raise bad_request(f"{name} には true または false を指定してください。")


def _int_query(request: Request, name: str, default: int, low: int, high: int) -> int:
    value = request.query_one(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise bad_request(f"{name} には {low} から {high} までの整数を指定してください。")
    return int(value)


def _path_param(request: Request, name: str, pattern: re.Pattern[str]) -> str:
    value = request.path_params[name]
    if not pattern.fullmatch(value):
        raise not_found()
    return value


def _only(data: dict[str, object], *allowed: str) -> None:
    if set(data) - set(allowed):  # the names are not echoed: they are the caller's text
        raise bad_request("本文に不明な項目があります。")


def _optional_text(data: dict[str, object], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise bad_request(f"{name} は {MAX_TEXT} 文字以内の文字列で指定してください。")
    return value.strip() or None


@functools.cache
def openapi_bytes() -> bytes:
    """The committed OpenAPI document (``shuyaku_sim/openapi.json``)."""
    return OPENAPI_PATH.read_bytes()


# --- service -------------------------------------------------------------------------


def get_openapi(ctx: ApiContext, request: Request) -> Response:
    """The OpenAPI document of this API."""
    return Response(200, openapi_bytes(), "application/json")


def get_status(ctx: ApiContext, request: Request) -> Response:
    """Who is calling, the server time and (for a municipality) its dashboard counts."""
    t = request.terminal
    summary = ctx.engine.status(t.municipality) if t.municipality else None
    return Response.json(200, {
        "service": "shuyaku-sim",
        "api_version": "1",
        "server_time": dt.datetime.now().isoformat(timespec="seconds"),
        "terminal": {"terminal_id": t.terminal_id, "municipality_code": t.municipality,
                     "role": t.role},
        "staff_id": request.staff_id,
        "summary": summary,
    })


# --- submissions ---------------------------------------------------------------------


def post_submission(ctx: ApiContext, request: Request) -> Response:
    """Submit a file set with an Idempotency-Key and the set's SHA-256."""
    key = request.header("idempotency-key")
    if key is None or not IDEMPOTENCY_KEY.fullmatch(key):
        raise bad_request("Idempotency-Key(8〜128文字の英数字と ._:-)を指定してください。",
                          "idempotency_key_required")
    data = request.json_body()
    _only(data, "files", "sha256")
    digest, raw_files = data.get("sha256"), data.get("files")
    if not isinstance(digest, str) or not HEX64.fullmatch(digest):
        raise bad_request("sha256 には64桁の16進数(小文字)を指定してください。")
    if not isinstance(raw_files, list) or not 1 <= len(raw_files) <= MAX_FILES:
        raise bad_request("files には1件または2件のファイルを指定してください。")
    files: dict[str, bytes] = {}
    for item in raw_files:
        name, content = _decode_file(item)
        if name in files:
            raise bad_request("同じ名前のファイルが複数指定されています。")
        files[name] = content
    if file_set_digest(files) != digest:
        raise ApiError(422, "digest_mismatch",
                       "送信内容のハッシュ値が一致しません。送信し直してください。")
    result = ctx.engine.submit_file_set(_municipality(request), files, key, digest,
                                        request.terminal.terminal_id, request.staff_id)
    return Response.json(200 if result["replayed"] else 201, result,
                         {"Idempotency-Replayed": "true" if result["replayed"] else "false"})


def _decode_file(item: object) -> tuple[str, bytes]:
    if not isinstance(item, dict):
        raise bad_request("files の要素はオブジェクトで指定してください。")
    _only(item, "name", "content_base64", "sha256")
    name, b64, sha = item.get("name"), item.get("content_base64"), item.get("sha256")
    if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
        raise bad_request("ファイル名が正しくありません(KSK01/KSK02/KKG01 の .dat)。")
    if not isinstance(b64, str):
        raise bad_request("content_base64 を指定してください。")
    try:
        content = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise bad_request("content_base64 が正しい Base64 ではありません。") from None
    if sha is not None:
        if not isinstance(sha, str) or hashlib.sha256(content).hexdigest() != sha:
            raise ApiError(422, "digest_mismatch",
                           "ファイルのハッシュ値が一致しません。送信し直してください。")
    return name, content


# --- deliveries ----------------------------------------------------------------------


def list_deliveries(ctx: ApiContext, request: Request) -> Response:
    """Deliveries not yet acknowledged (or all, with include_acknowledged=true)."""
    rows = ctx.engine.list_deliveries(_municipality(request),
                                      _bool_query(request, "include_acknowledged"))
    return Response.json(200, {"deliveries": rows})


def get_delivery(ctx: ApiContext, request: Request) -> Response:
    """One delivery's metadata."""
    name = _path_param(request, "name", DELIVERY_NAME)
    for row in ctx.engine.list_deliveries(_municipality(request), True):
        if row["name"] == name:
            return Response.json(200, row)
    raise not_found()


def get_delivery_content(ctx: ApiContext, request: Request) -> Response:
    """The delivered CSV bytes (CP932) with their SHA-256 in ``X-Content-SHA256``."""
    name = _path_param(request, "name", DELIVERY_NAME)
    content = ctx.engine.read_delivery(_municipality(request), name)
    return Response(200, content, "text/csv; charset=Windows-31J",
                    {"X-Content-SHA256": hashlib.sha256(content).hexdigest(),
                     "Content-Disposition": f'attachment; filename="{name}"'})


def acknowledge_delivery(ctx: ApiContext, request: Request) -> Response:
    """Mark a delivery as received (idempotent)."""
    name = _path_param(request, "name", DELIVERY_NAME)
    row = ctx.engine.acknowledge_delivery(_municipality(request), name,
                                          request.terminal.terminal_id, request.staff_id)
    return Response.json(200, row)


# --- candidates, decisions, confirmation, results ------------------------------------


def list_candidates(ctx: ApiContext, request: Request) -> Response:
    """The 継続候補世帯リスト, optionally filtered by state and category."""
    state = request.query_one("state")
    if state is not None and state not in ("undecided", "decided", "confirmed"):
        raise bad_request("state には undecided, decided, confirmed のいずれかを指定してください。")
    category = request.query_one("category")
    if category is not None and category not in ("1", "2", "3", "4", "5", "6", "9"):
        raise bad_request("category には 1〜6 または 9 を指定してください。")
    rows = ctx.engine.list_candidates(_municipality(request), state,  # type: ignore[arg-type]
                                      int(category) if category else None)
    return Response.json(200, {"candidates": rows})


def get_candidate(ctx: ApiContext, request: Request) -> Response:
    """One candidate with both households side by side."""
    no = _path_param(request, "candidate_no", CANDIDATE_NO)
    return Response.json(200, ctx.engine.get_candidate(_municipality(request), no))


def put_decision(ctx: ApiContext, request: Request) -> Response:
    """Record or change the decision of a candidate (until it is confirmed)."""
    no = _path_param(request, "candidate_no", CANDIDATE_NO)
    data = request.json_body()
    _only(data, "decision", "reason", "remarks")
    decision = data.get("decision")
    if decision not in ("continue", "discontinue"):
        raise bad_request("decision には continue または discontinue を指定してください。")
    detail = ctx.engine.record_decision(
        _municipality(request), no, str(decision), _optional_text(data, "reason"),
        _optional_text(data, "remarks"), request.terminal.terminal_id, request.staff_id)
    return Response.json(200, detail)


def post_confirmation(ctx: ApiContext, request: Request) -> Response:
    """The 確定指示 for a set of decided candidates."""
    data = request.json_body()
    _only(data, "candidate_nos")
    nos = data.get("candidate_nos")
    if (not isinstance(nos, list) or not 1 <= len(nos) <= 10000
            or not all(isinstance(n, str) and CANDIDATE_NO.fullmatch(n) for n in nos)):
        raise bad_request("candidate_nos には候補番号の一覧を指定してください。")
    summary = ctx.engine.confirm(_municipality(request), [str(n) for n in nos],
                                 request.terminal.terminal_id, request.staff_id)
    return Response.json(200, summary)


def list_results(ctx: ApiContext, request: Request) -> Response:
    """The 継続世帯確定結果."""
    return Response.json(200, {"results": ctx.engine.list_results(_municipality(request))})


# --- operation log -------------------------------------------------------------------


def post_operation_log(ctx: ApiContext, request: Request) -> Response:
    """Accept operation-log records forwarded by a PC (idempotent by terminal + seq)."""
    data = request.json_body()
    _only(data, "records")
    records = data.get("records")
    if (not isinstance(records, list) or not 1 <= len(records) <= 5000
            or not all(isinstance(r, dict) and type(r.get("seq")) is int and r["seq"] >= 0
                       for r in records)):
        raise bad_request("records には seq(0以上の整数)を持つ記録の一覧を指定してください。")
    seqs = ctx.engine.accept_operation_log(_municipality(request), request.terminal.terminal_id,
                                           records)
    return Response.json(200, {"acknowledged": seqs})


def list_operation_log(ctx: ApiContext, request: Request) -> Response:
    """Forwarded records for the federation's administrator."""
    code = request.query_one("municipality_code")
    if code is not None and not re.fullmatch(r"\d{6}", code):
        raise bad_request("municipality_code には6桁の市町村コードを指定してください。")
    terminal = request.query_one("terminal_id")
    if terminal is not None and not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", terminal):
        raise bad_request("terminal_id が正しくありません。")
    rows = ctx.engine.list_operation_log(
        code, terminal, _int_query(request, "after_id", 0, 0, 2**53),
        _int_query(request, "limit", 1000, 1, 10000))
    return Response.json(200, {"records": rows})


V1 = "/api/v1"
ROUTES: list[Route] = [
    Route("GET", "/openapi.json", get_openapi, anyone=True, staff_required=False,
          uses_engine=False),
    Route("GET", f"{V1}/status", get_status, anyone=True),
    Route("POST", f"{V1}/submissions", post_submission),
    Route("GET", f"{V1}/deliveries", list_deliveries),
    Route("GET", f"{V1}/deliveries/{{name}}", get_delivery),
    Route("GET", f"{V1}/deliveries/{{name}}/content", get_delivery_content),
    Route("POST", f"{V1}/deliveries/{{name}}/acknowledge", acknowledge_delivery),
    Route("GET", f"{V1}/candidates", list_candidates),
    Route("GET", f"{V1}/candidates/{{candidate_no}}", get_candidate),
    Route("PUT", f"{V1}/candidates/{{candidate_no}}/decision", put_decision),
    Route("POST", f"{V1}/confirmations", post_confirmation),
    Route("GET", f"{V1}/results", list_results),
    Route("POST", f"{V1}/operation-log", post_operation_log),
    Route("GET", f"{V1}/operation-log", list_operation_log, federation=True),
]
