"""Deliveries (KSK11, KSK12, KKG11): list, metadata, content, acknowledgement."""

from __future__ import annotations

import hashlib
import re

from aiohttp import web

from shuyaku_sim.api.context import caller, runner
from shuyaku_sim.api.errors import COMMON_HEADERS, json_response, not_found
from shuyaku_sim.api.operation import Operation
from shuyaku_sim.api.params import bool_query, path_param
from shuyaku_sim.api.routes.common import V1
from shuyaku_sim.engine import Engine

DELIVERY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


async def list_deliveries(request: web.Request) -> web.Response:
    """Deliveries not yet acknowledged (or all, with include_acknowledged=true)."""
    everything = bool_query(request, "include_acknowledged")
    rows = await runner(request).read(Engine.list_deliveries, caller(request).municipality(),
                                      everything)
    return json_response(200, {"deliveries": rows})


async def get_delivery(request: web.Request) -> web.Response:
    """One delivery's metadata."""
    name = path_param(request, "name", DELIVERY_NAME)
    rows = await runner(request).read(Engine.list_deliveries, caller(request).municipality(),
                                      True)
    for row in rows:
        if row["name"] == name:
            return json_response(200, row)
    raise not_found()


async def get_delivery_content(request: web.Request) -> web.Response:
    """The delivered CSV bytes (CP932) with their SHA-256 in ``X-Content-SHA256``."""
    name = path_param(request, "name", DELIVERY_NAME)
    content = await runner(request).read(Engine.read_delivery, caller(request).municipality(),
                                         name)
    return web.Response(body=content, content_type="text/csv", charset="Windows-31J", headers={
        **COMMON_HEADERS, "X-Content-SHA256": hashlib.sha256(content).hexdigest(),
        "Content-Disposition": f'attachment; filename="{name}"'})


async def acknowledge_delivery(request: web.Request) -> web.Response:
    """Mark a delivery as received (idempotent)."""
    name = path_param(request, "name", DELIVERY_NAME)
    who = caller(request)
    row = await runner(request).write(Engine.acknowledge_delivery, who.municipality(), name,
                                      who.terminal.terminal_id, who.staff_id)
    return json_response(200, row)


OPERATIONS = [
    Operation("GET", f"{V1}/deliveries", list_deliveries),
    Operation("GET", f"{V1}/deliveries/{{name}}", get_delivery),
    Operation("GET", f"{V1}/deliveries/{{name}}/content", get_delivery_content),
    Operation("POST", f"{V1}/deliveries/{{name}}/acknowledge", acknowledge_delivery),
]
