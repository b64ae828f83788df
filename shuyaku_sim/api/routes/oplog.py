"""The operation log forwarded by the PCs, and its review by the federation."""

from __future__ import annotations

import re

from aiohttp import web

from kokuho_pc.domain.oplog_chain import Tip
from shuyaku_sim.api.context import caller, runner
from shuyaku_sim.api.errors import bad_request, json_response
from shuyaku_sim.api.operation import Operation
from shuyaku_sim.api.params import int_query, is_int_in, json_body, only, query_one
from shuyaku_sim.api.routes.common import V1
from shuyaku_sim.engine import Engine

MAX_RECORDS = 5000
MAX_SEQ = 2**53  # openapi.json: OperationLogRecordIn.seq maximum (exact in every JSON reader)


async def post_operation_log(request: web.Request) -> web.Response:
    """Accept operation-log records forwarded by a PC (idempotent by terminal + seq)."""
    data = await json_body(request)
    only(data, "records")
    records = data.get("records")
    if (not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS
            or not all(isinstance(r, dict) and is_int_in(r.get("seq"), 0, MAX_SEQ)
                       for r in records)):
        raise bad_request("records には seq(0以上の整数)を持つ記録の一覧を指定してください。")
    # (the batch is taken before the staff check: its account records feed the registry)
    who = caller(request)
    seqs = await runner(request).write(Engine.accept_operation_log, who.municipality(),
                                       who.terminal.terminal_id, records)
    return json_response(200, {"acknowledged": seqs})


async def list_operation_log(request: web.Request) -> web.Response:
    """Forwarded records for the federation's administrator."""
    code = query_one(request, "municipality_code")
    if code is not None and not re.fullmatch(r"\d{6}", code):
        raise bad_request("municipality_code には6桁の市町村コードを指定してください。")
    terminal = query_one(request, "terminal_id")
    if terminal is not None and not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", terminal):
        raise bad_request("terminal_id が正しくありません。")
    after_id = int_query(request, "after_id", 0, 0, 2**53)
    limit = int_query(request, "limit", 1000, 1, 10000)
    rows = await runner(request).read(Engine.list_operation_log, code, terminal, after_id,
                                      limit)
    return json_response(200, {"records": rows})


async def get_operation_log_tip(request: web.Request) -> web.Response:
    """This terminal's acknowledged tip: what its PC compares its log with."""
    who = caller(request)
    tip = await runner(request).write(Engine.operation_log_tip, who.municipality(),
                                      who.terminal.terminal_id)
    return json_response(200, tip)


async def post_rollback_report(request: web.Request) -> web.Response:
    """The PC found its log behind or diverging from the tip it knew: a rollback alert."""
    data = await json_body(request)
    only(data, "local", "expected", "reference", "kind")
    local, expected = Tip.from_json(data.get("local")), Tip.from_json(data.get("expected"))
    reference = data.get("reference")
    if local is None or expected is None or reference not in ("server", "local"):
        raise bad_request("local, expected ({seq, hash}) と reference (server/local) を指定し"
                          "てください。")
    who = caller(request)
    await runner(request).write(Engine.report_rollback, who.municipality(),
                                who.terminal.terminal_id, local, expected, str(reference))
    return json_response(202, {"recorded": True})


OPERATIONS = [
    Operation("POST", f"{V1}/operation-log", post_operation_log, staff_registry=False),
    Operation("GET", f"{V1}/operation-log", list_operation_log, who="federation"),
    Operation("GET", f"{V1}/operation-log/tip", get_operation_log_tip, staff_required=False,
              staff_registry=False),
    Operation("POST", f"{V1}/operation-log/rollback", post_rollback_report,
              staff_required=False, staff_registry=False),
]
