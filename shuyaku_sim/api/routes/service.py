"""Service operations: the OpenAPI document and the caller's status."""

from __future__ import annotations

import functools
from pathlib import Path

from aiohttp import web

from shuyaku_sim.api.context import caller, runner
from shuyaku_sim.api.errors import COMMON_HEADERS, json_response
from shuyaku_sim.api.operation import Operation
from shuyaku_sim.api.routes.common import V1
from shuyaku_sim.engine import Engine

OPENAPI_PATH = Path(__file__).resolve().parent.parent.parent / "openapi.json"


@functools.cache
def openapi_bytes() -> bytes:
    """The committed OpenAPI document (``shuyaku_sim/openapi.json``)."""
    return OPENAPI_PATH.read_bytes()


async def get_openapi(request: web.Request) -> web.Response:
    """The OpenAPI document of this API."""
    return web.Response(body=openapi_bytes(), content_type="application/json",
                        headers=COMMON_HEADERS)


async def get_status(request: web.Request) -> web.Response:
    """Who is calling, the server time and (for a municipality) its dashboard counts."""
    who = caller(request)
    t = who.terminal
    summary = (await runner(request).read(Engine.status, t.municipality)
               if t.municipality else None)
    return json_response(200, {
        "service": "shuyaku-sim",
        "api_version": "1",
        "server_time": runner(request).engine.now_iso(),  # the engine's clock
        "terminal": {"terminal_id": t.terminal_id, "municipality_code": t.municipality,
                     "role": t.role},
        "staff_id": who.staff_id,
        "summary": summary,
    })


OPERATIONS = [
    Operation("GET", "/openapi.json", get_openapi, who="anyone", staff_required=False,
              staff_registry=False),
    Operation("GET", f"{V1}/status", get_status, who="anyone"),
]
