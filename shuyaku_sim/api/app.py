"""The aiohttp application: every operation behind one middleware.

Every request arrives over mutual TLS (the server's handshake checked that the
client certificate chains to the simulator's CA). The middleware then requires the
certificate to be a registered terminal (:class:`~shuyaku_sim.server_tls.TerminalRegistry`,
re-read when ``terminals.json`` changes), answers unknown paths and methods, maps every
error to ``{"error": {"code", "message" (Japanese)}}`` (a busy or unavailable database,
which the storage reports as :class:`~shuyaku_sim.errors.StorageBusy` / ``StorageFailure``:
503 with ``Retry-After``; nothing the caller sends can cause a 5xx) and records the
request (:mod:`shuyaku_sim.access_log`). Each operation's wrapper checks the staff ID
(``X-Staff-Id``) and who may call it: municipality terminals reach only their own
municipality's data (the engine enforces it per call); the federation administrator's
terminal reaches only the status and the forwarded operation log.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
from dataclasses import dataclass

from aiohttp import web

from shuyaku_sim import access_log
from shuyaku_sim.api.context import CALLER, RUNNER, Caller, EngineRunner, runner
from shuyaku_sim.api.errors import RETRY_AFTER, ApiError, protocol_error
from shuyaku_sim.api.operation import Handler, Operation
from shuyaku_sim.api.params import single_header
from shuyaku_sim.api.routes import all_operations
from shuyaku_sim.engine import Engine
from shuyaku_sim.errors import FileSetInvalid, SimError
from shuyaku_sim.server_tls import Terminal, TerminalRegistry, peer_serial

STAFF_HEADER = "X-Staff-Id"
STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MAX_BODY = 256 * 1024 * 1024
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})


@dataclass
class Gate:
    """Who may reach the application: the terminal registry, and the request record."""

    registry: TerminalRegistry
    log: access_log.AccessLog
    cut: bool = False  # a request was cancelled (shutdown deadline): not drained cleanly


GATE = web.AppKey("gate", Gate)


def build_app(runner: EngineRunner, registry: TerminalRegistry,
              operations: list[Operation] | None = None) -> web.Application:
    """The application serving ``operations`` (default: every operation of the API)."""
    app = web.Application(middlewares=[_middleware], client_max_size=MAX_BODY,
                          handler_args={"access_log": None})
    app[RUNNER] = runner
    app[GATE] = Gate(registry, access_log.AccessLog(runner.data_dir, runner.engine.clock))
    for op in operations if operations is not None else all_operations():
        app.router.add_route(op.method, op.path, _guarded(op))
    return app


def peer_certificate(request: web.BaseRequest) -> bytes | None:
    """The verified client certificate (DER) of the request's TLS connection."""
    transport = request.transport
    ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    return bytes(der) if der else None


def _guarded(op: Operation) -> Handler:
    """The operation's handler behind its staff and role checks."""

    async def handler(request: web.Request) -> web.StreamResponse:
        who = request[CALLER]
        if (op.staff_required and not who.staff_id) or (
                not who.staff_id and request.headers.get(STAFF_HEADER) is not None):
            raise ApiError(400, "staff_id_required",
                           "事務取扱担当者のユーザIDを X-Staff-Id で指定してください。")
        if op.who != "anyone" and (op.who == "federation") != who.terminal.is_federation:
            raise ApiError(403, "forbidden", "この端末からは行えない操作です。")
        if op.staff_registry and not who.terminal.is_federation and who.staff_id:
            # unknown, revoked or out-of-validity staff: 403 and an alert (issue 15); also
            # for operations open to "anyone" (the status holds the municipality's counts)
            # the common case is a read; only a refusal or alert takes the single writer
            engine = runner(request)
            if not await engine.read(Engine.staff_may_act, who.municipality(), who.staff_id):
                await engine.write(Engine.check_staff, who.municipality(),
                                   who.terminal.terminal_id, who.staff_id)
        return await op.handler(request)

    handler.__name__ = handler.__qualname__ = op.handler.__name__
    return handler


@web.middleware
async def _middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    gate = request.app[GATE]
    if getattr(request.protocol, "overflow", False):
        return _overflow_answer()
    der = peer_certificate(request)
    terminal = gate.registry.lookup(der)
    if terminal is None:
        _record(gate, f"unregistered:{peer_serial(der) or '-'}", None, None, request.method,
                "-", 403)
        refusal = ApiError(403, "unknown_terminal",
                           "登録されていない端末からの接続は受け付けません。").to_response()
        refusal.force_close()
        return refusal
    staff = single_header(request, STAFF_HEADER)
    request[CALLER] = Caller(terminal, staff if staff and STAFF_ID.fullmatch(staff) else "")
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else "-"
    try:
        response = await _answer(request, handler)
    except asyncio.CancelledError:
        gate.cut = True
        _record_call(gate, terminal, request, route, 499)
        raise
    _record_call(gate, terminal, request, route, response.status)
    return response


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run the handler; every error becomes a JSON answer."""
    try:
        if request.method not in KNOWN_METHODS:
            raise protocol_error(501)
        if request.version.major != 1:  # only HTTP/1.x framing is spoken here
            raise protocol_error(505)
        http_exception = request.match_info.http_exception
        if http_exception is not None:
            raise protocol_error(http_exception.status)
        return await handler(request)
    except ApiError as exc:
        return exc.to_response()
    except FileSetInvalid as exc:
        return ApiError(exc.http_status, exc.code, exc.user_message,
                        details=exc.issues).to_response()
    except SimError as exc:
        retry = RETRY_AFTER if exc.http_status == 503 else None
        return ApiError(exc.http_status, exc.code, exc.user_message,
                        retry_after=retry).to_response()
    except web.HTTPException as exc:  # raised by aiohttp itself (e.g. body too large)
        return protocol_error(exc.status).to_response()
    except (ConnectionError, asyncio.CancelledError):
        raise
    except Exception as exc:  # the one place that must never let an error escape
        print(f"shuyaku-sim: 内部エラー {type(exc).__name__} ({request.method})",
              file=sys.stderr)
        return ApiError(500, "internal_error",
                        "国保情報集約システムの内部エラーです。").to_response()


def _overflow_answer() -> web.Response:
    response = ApiError(503, "too_many_connections",
                        "接続数が上限に達しています。しばらく待ってから再度実行してください。",
                        retry_after=RETRY_AFTER).to_response()
    response.force_close()
    return response


def _record_call(gate: Gate, terminal: Terminal, request: web.Request, route: str,
                 status: int) -> None:
    staff = request[CALLER].staff_id or None
    _record(gate, terminal.terminal_id, terminal.municipality, staff, request.method, route,
            status)


def _record(gate: Gate, terminal_id: str, municipality: str | None, staff: str | None,
            method: str, route: str, status: int) -> None:
    try:
        gate.log.record(terminal_id=terminal_id, municipality_code=municipality,
                        staff_id=staff, method=method[:10], route=route, status=status)
    except (OSError, sqlite3.Error) as exc:
        print(f"shuyaku-sim: アクセス記録を書き込めません ({type(exc).__name__})",
              file=sys.stderr)
