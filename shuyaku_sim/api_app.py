"""The API application: routing, staff identification, authorisation, errors, access log.

Every request arrives from a registered terminal (the server checked its client
certificate). Here it must also name the staff member (``X-Staff-Id``); the
terminal, the staff ID, the method, the path and the outcome of every request are
recorded (:mod:`shuyaku_sim.access_log`). Municipality terminals reach only their own
municipality's data (the engine enforces it per call); the federation
administrator's terminal reaches only the status and the forwarded operation log.

Errors are answered as ``{"error": {"code": str, "message": <Japanese>}}``; a busy
or unavailable database is answered 503 with ``Retry-After``.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shuyaku_sim import access_log
from shuyaku_sim.api_types import ApiError, Request, Response, not_found
from shuyaku_sim.engine import Engine
from shuyaku_sim.errors import FileSetInvalid, SimError

STAFF_HEADER = "x-staff-id"
STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
RETRY_AFTER = 2
# Seconds a request waits for the engine (busy with another request) before answering
# 503 with Retry-After; SHUYAKU_SIM_BUSY_WAIT overrides it (tests use a short wait).
ENGINE_WAIT = 15.0
_BUSY = "国保情報集約システムが混み合っています。しばらく待ってから再度実行してください。"
_PARAM = re.compile(r"\{(\w+)\}")

Handler = Callable[["ApiContext", Request], Response]


@dataclass(frozen=True)
class Route:
    """One API operation: method, path template, handler and who may call it."""

    method: str
    template: str
    handler: Handler
    federation: bool = False  # True: the federation admin only; False: municipalities only
    anyone: bool = False  # True: any registered terminal
    staff_required: bool = True
    uses_engine: bool = True

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled path pattern (parameters match one path segment)."""
        regex = _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", re.escape(self.template)
                           .replace(r"\{", "{").replace(r"\}", "}"))
        return re.compile(f"^{regex}$")


@dataclass
class ApiContext:
    """What handlers use: the engine and the data directory."""

    engine: Engine
    data_dir: Path


class ApiApplication:
    """Answers authenticated requests; implements ``server.Application``."""

    def __init__(self, engine: Engine, data_dir: Path, routes: list[Route]) -> None:
        self.context = ApiContext(engine, data_dir)
        self._routes = [(r, r.pattern) for r in routes]
        self._log = access_log.AccessLog(data_dir)
        self._closed = threading.Event()
        self._engine_lock = threading.Lock()
        self._engine_wait = _busy_wait()

    def handle(self, request: Request) -> Response:
        """Route, authorise, run, map errors, record. Never raises."""
        route_name = "-"
        try:
            route, params = self._match(request)
            route_name = route.template
            request.path_params = params
            self._authorise(route, request)
            response = self._run(route, request)
        except ApiError as exc:
            response = exc.to_response()
        except FileSetInvalid as exc:
            response = ApiError(exc.http_status, exc.code, exc.user_message,
                                details=exc.issues).to_response()
        except SimError as exc:
            retry = RETRY_AFTER if exc.http_status == 503 else None
            response = ApiError(exc.http_status, exc.code, exc.user_message,
                                retry_after=retry).to_response()
        except sqlite3.OperationalError as exc:
            response = _busy_or_internal(exc, route_name)
        except Exception as exc:  # the one place that must never let an error escape
            print(f"shuyaku-sim: 内部エラー {type(exc).__name__} ({route_name})", file=sys.stderr)
            response = ApiError(500, "internal_error",
                                "国保情報集約システムの内部エラーです。").to_response()
        self._record(request, route_name, response.status)
        return response

    def _match(self, request: Request) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        for route, pattern in self._routes:
            m = pattern.match(request.path)
            if m is None:
                continue
            if route.method == request.method:
                return route, m.groupdict()
            allowed.append(route.method)
        if allowed:
            raise ApiError(405, "method_not_allowed", "この操作は許可されていません。")
        raise not_found()

    def _run(self, route: Route, request: Request) -> Response:
        if not route.uses_engine:
            return route.handler(self.context, request)
        if not self._engine_lock.acquire(timeout=self._engine_wait):
            raise ApiError(503, "busy", _BUSY, retry_after=RETRY_AFTER)
        try:
            if self._closed.is_set():
                raise ApiError(503, "shutting_down", "国保情報集約システムは停止処理中です。",
                               retry_after=RETRY_AFTER)
            return route.handler(self.context, request)
        finally:
            self._engine_lock.release()

    @staticmethod
    def _authorise(route: Route, request: Request) -> None:
        staff = request.header(STAFF_HEADER)
        if staff is not None and STAFF_ID.fullmatch(staff):
            request.staff_id = staff
        elif route.staff_required:
            raise ApiError(400, "staff_id_required",
                           "事務取扱担当者のユーザIDを X-Staff-Id で指定してください。")
        if route.anyone:
            return
        if route.federation != request.terminal.is_federation:
            raise ApiError(403, "forbidden", "この端末からは行えない操作です。")

    def _record(self, request: Request, route: str, status: int) -> None:
        try:
            self._log.record(
                terminal_id=request.terminal.terminal_id,
                municipality_code=request.terminal.municipality,
                staff_id=request.staff_id or None,
                method=request.method[:10],
                route=route,
                status=status,
            )
        except (OSError, sqlite3.Error) as exc:
            print(f"shuyaku-sim: アクセス記録を書き込めません ({type(exc).__name__})",
                  file=sys.stderr)

    def record_refusal(self, cert_serial: str | None, method: str) -> None:
        """Record a request from a certificate that is not a registered terminal."""
        try:
            self._log.record(terminal_id=f"unregistered:{cert_serial or '-'}",
                             municipality_code=None, staff_id=None, method=method[:10],
                             route="-", status=403)
        except (OSError, sqlite3.Error) as exc:
            print(f"shuyaku-sim: アクセス記録を書き込めません ({type(exc).__name__})",
                  file=sys.stderr)

    def close(self) -> None:
        """Close the access log and the engine's database."""
        if self._closed.is_set():
            return
        self._closed.set()
        with self._engine_lock:
            self.context.engine.close()
        self._log.close()


def _busy_wait() -> float:
    raw = os.environ.get("SHUYAKU_SIM_BUSY_WAIT", "")
    try:
        return max(0.0, float(raw)) if raw else ENGINE_WAIT
    except ValueError:
        return ENGINE_WAIT


def _busy_or_internal(exc: sqlite3.OperationalError, route: str) -> Response:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return ApiError(503, "busy", _BUSY, retry_after=RETRY_AFTER).to_response()
    print(f"shuyaku-sim: データベースエラー ({route})", file=sys.stderr)
    return ApiError(503, "storage", "国保情報集約システムのデータベースを利用できません。",
                    retry_after=RETRY_AFTER).to_response()


def open_application(data_dir: Path) -> ApiApplication:
    """Open the engine on ``data_dir`` and build the application with every route."""
    from shuyaku_sim.api_routes import ROUTES

    engine = Engine.open(data_dir)
    return ApiApplication(engine, data_dir, ROUTES)
