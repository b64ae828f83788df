"""Candidates, decisions, the 確定指示 and the 確定結果."""

from __future__ import annotations

import datetime as dt
import re

from aiohttp import web

from shuyaku_sim.api.context import caller, runner
from shuyaku_sim.api.errors import bad_request, json_response
from shuyaku_sim.api.operation import Operation
from shuyaku_sim.api.params import json_body, only, optional_text, path_param, query_one
from shuyaku_sim.api.routes.common import V1
from shuyaku_sim.engine import Engine

CANDIDATE_NO = re.compile(r"[A-Za-z0-9_-]{1,40}")
MAX_CONFIRM = 10000


async def list_candidates(request: web.Request) -> web.Response:
    """The 継続候補世帯リスト, optionally filtered by state and category."""
    state = query_one(request, "state")
    if state is not None and state not in ("undecided", "decided", "confirmed"):
        raise bad_request("state には undecided, decided, confirmed のいずれかを指定してください。")
    category = query_one(request, "category")
    if category is not None and category not in ("1", "2", "3", "4", "5", "6", "9"):
        raise bad_request("category には 1〜6 または 9 を指定してください。")
    rows = await runner(request).read(Engine.list_candidates, caller(request).municipality(),
                                      state, int(category) if category else None)
    return json_response(200, {"candidates": rows})


AS_OF = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


async def list_candidates_as_of(request: web.Request) -> web.Response:
    """The 継続候補世帯リスト as it stood at ``as_of`` (for a reprint): decisions as recorded
    by then."""
    as_of = query_one(request, "as_of")
    try:
        valid = as_of is not None and AS_OF.fullmatch(as_of) is not None and bool(
            dt.datetime.fromisoformat(as_of))
    except ValueError:
        valid = False
    if not valid:
        raise bad_request("as_of には日時を YYYY-MM-DDTHH:MM:SS の形で指定してください。")
    listing = await runner(request).read(Engine.list_candidates_as_of,
                                         caller(request).municipality(), str(as_of))
    return json_response(200, listing)


async def list_moments(request: web.Request) -> web.Response:
    """When the candidate list changed (decisions, 確定指示, file sets), newest first."""
    moments = await runner(request).read(Engine.list_moments, caller(request).municipality())
    return json_response(200, {"moments": moments})


async def get_candidate(request: web.Request) -> web.Response:
    """One candidate with both households side by side."""
    no = path_param(request, "candidate_no", CANDIDATE_NO)
    detail = await runner(request).read(Engine.get_candidate, caller(request).municipality(),
                                        no)
    return json_response(200, detail)


async def put_decision(request: web.Request) -> web.Response:
    """Record or change the decision of a candidate (until it is confirmed)."""
    no = path_param(request, "candidate_no", CANDIDATE_NO)
    data = await json_body(request)
    only(data, "decision", "reason", "remarks")
    decision = data.get("decision")
    if decision not in ("continue", "discontinue"):
        raise bad_request("decision には continue または discontinue を指定してください。")
    reason, remarks = optional_text(data, "reason"), optional_text(data, "remarks")
    who = caller(request)
    detail = await runner(request).write(Engine.record_decision, who.municipality(), no,
                                         str(decision), reason, remarks,
                                         who.terminal.terminal_id, who.staff_id)
    return json_response(200, detail)


async def post_confirmation(request: web.Request) -> web.Response:
    """The 確定指示 for a set of decided candidates."""
    data = await json_body(request)
    only(data, "candidate_nos")
    nos = data.get("candidate_nos")
    if (not isinstance(nos, list) or not 1 <= len(nos) <= MAX_CONFIRM
            or not all(isinstance(n, str) and CANDIDATE_NO.fullmatch(n) for n in nos)):
        raise bad_request("candidate_nos には候補番号の一覧を指定してください。")
    who = caller(request)
    summary = await runner(request).write(Engine.confirm, who.municipality(),
                                          [str(n) for n in nos], who.terminal.terminal_id,
                                          who.staff_id)
    return json_response(200, summary)


async def list_results(request: web.Request) -> web.Response:
    """The 継続世帯確定結果."""
    rows = await runner(request).read(Engine.list_results, caller(request).municipality())
    return json_response(200, {"results": rows})


OPERATIONS = [
    Operation("GET", f"{V1}/candidates", list_candidates),
    Operation("GET", f"{V1}/candidate-list-as-of", list_candidates_as_of),
    Operation("GET", f"{V1}/candidate-list-moments", list_moments),
    Operation("GET", f"{V1}/candidates/{{candidate_no}}", get_candidate),
    Operation("PUT", f"{V1}/candidates/{{candidate_no}}/decision", put_decision),
    Operation("POST", f"{V1}/confirmations", post_confirmation),
    Operation("GET", f"{V1}/results", list_results),
]
