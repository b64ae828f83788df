"""The simulator's HTTPS server process (``shuyaku-sim serve``), on aiohttp.

Why aiohttp: it is a maintained HTTP/1.1 server used in production by many projects
(its parser is llhttp, the one of Node.js), it runs on asyncio, whose
``connect_accepted_socket`` takes a total TLS handshake deadline, and the TLS
transport of each request gives the application the verified client certificate
(``ssl_object.getpeercert(binary_form=True)``), which is what the terminal registry
needs. The synchronous SQLite engine runs on a thread pool (:mod:`shuyaku_sim.api.context`).

Hostile connections (:class:`ConnectionLimits`):

- a TLS handshake must finish within ``HANDSHAKE_TIMEOUT`` seconds in total;
- at most ``PENDING_PER_ADDRESS`` handshakes per client address (``PENDING_TOTAL`` in all;
  ``SHUYAKU_SIM_MAX_PENDING_PER_ADDRESS`` overrides the first) are waited for: a new
  connection beyond that drops the OLDEST pending one, so idle or stalled connections
  cannot keep a real terminal out (a handshake takes milliseconds: a real client is
  through long before 16 newer connections from its address arrive);
- at most ``OPEN_PER_ADDRESS`` established connections per client address
  (``SHUYAKU_SIM_MAX_PER_ADDRESS`` overrides it) and ``OPEN_TOTAL`` in all: a request
  on a connection beyond that is answered 503 with ``Retry-After`` and the connection
  closed (the answer needs TLS, so the handshake is still made, with a shorter deadline);
- malformed HTTP (framing, header sizes) is answered 4xx with a Japanese JSON error by
  :class:`SimProtocol`; everything after parsing is the application's (:mod:`shuyaku_sim.api.app`).

On SIGTERM/SIGINT the server stops accepting, lets requests in progress finish (at
most ``DRAIN_SECONDS``), closes the database and exits 0 (1 if a request had to be cut).
"""

from __future__ import annotations

import asyncio
import collections
import errno
import functools
import logging
import os
import resource
import signal
import socket
import ssl
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from shuyaku_sim.api.app import GATE, build_app
from shuyaku_sim.api.context import EngineRunner
from shuyaku_sim.api.errors import ApiError, protocol_error
from shuyaku_sim.errors import SimError
from shuyaku_sim.pki import write_private
from shuyaku_sim.server_tls import TerminalRegistry, make_server_context

PORT_FILE = "server.port"
HANDSHAKE_TIMEOUT = 10.0
OVERFLOW_HANDSHAKE_TIMEOUT = 3.0
KEEPALIVE_TIMEOUT = 30.0
DRAIN_SECONDS = 30.0
PENDING_PER_ADDRESS = 16
PENDING_TOTAL = 512
OPEN_PER_ADDRESS = 64
OPEN_TOTAL = 2048
BACKLOG = 512
SWITCH_INTERVAL = 0.001

_quiet = logging.getLogger("shuyaku_sim.http")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


class Slot:
    """One accepted connection's place in :class:`ConnectionLimits`."""

    def __init__(self, limits: ConnectionLimits, address: str) -> None:
        self.limits = limits
        self.address = address
        self.overflow = False
        self.task: asyncio.Task[Any] | None = None
        self.started = False
        self._open = False
        self._done = False

    def established(self) -> None:
        """The handshake finished: count the connection as open (or mark it overflow)."""
        self.limits.established(self)

    def release(self) -> None:
        """The connection ended (idempotent)."""
        if not self._done:
            self._done = True
            self.limits.release(self)


class ConnectionLimits:
    """Pending handshakes and open connections, per client address and in all."""

    def __init__(self, open_per_address: int = OPEN_PER_ADDRESS,
                 open_total: int = OPEN_TOTAL,
                 pending_per_address: int = PENDING_PER_ADDRESS) -> None:
        self.open_per_address = open_per_address
        self.open_total = open_total
        self.pending_per_address = pending_per_address
        self._pending: dict[str, collections.OrderedDict[Slot, None]] = {}
        self._all_pending: collections.OrderedDict[Slot, None] = collections.OrderedDict()
        self._open: collections.Counter[str] = collections.Counter()
        self.open_count = 0

    def admit(self, address: str) -> Slot:
        """A new connection from ``address``; drops the oldest pending ones beyond the caps."""
        slot = Slot(self, address)
        mine = self._pending.setdefault(address, collections.OrderedDict())
        mine[slot] = None
        self._all_pending[slot] = None
        while len(mine) > self.pending_per_address:
            self._drop(next(iter(mine)))
        while len(self._all_pending) > PENDING_TOTAL:
            self._drop(next(iter(self._all_pending)))
        return slot

    def pending_for(self, address: str) -> int:
        """Handshakes waited for from ``address``."""
        return len(self._pending.get(address, ()))

    def _unpend(self, slot: Slot) -> None:
        mine = self._pending.get(slot.address)
        if mine is not None:
            mine.pop(slot, None)
            if not mine:
                del self._pending[slot.address]
        self._all_pending.pop(slot, None)

    def _drop(self, slot: Slot) -> None:
        self._unpend(slot)
        if slot.task is not None:
            slot.task.cancel()

    def established(self, slot: Slot) -> None:
        self._unpend(slot)
        if (self._open[slot.address] >= self.open_per_address
                or self.open_count >= self.open_total):
            slot.overflow = True
            return
        slot._open = True
        self._open[slot.address] += 1
        self.open_count += 1

    def release(self, slot: Slot) -> None:
        self._unpend(slot)
        if slot._open:
            slot._open = False
            self._open[slot.address] -= 1
            if not self._open[slot.address]:
                del self._open[slot.address]
            self.open_count -= 1

    def is_overflow_likely(self, address: str) -> bool:
        """True when a new connection from ``address`` would be answered 503."""
        return (self._open[address] >= self.open_per_address
                or self.open_count >= self.open_total)


class SimProtocol(web.RequestHandler):
    """aiohttp's request handler with a connection slot and Japanese protocol errors."""

    def __init__(self, manager: web.Server, slot: Slot, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self.slot = slot

    @property
    def overflow(self) -> bool:
        """True when this connection is beyond the limits (every request: 503)."""
        return self.slot.overflow

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.slot.established()
        super().connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        self.slot.release()
        super().connection_lost(exc)

    def handle_error(self, request: web.BaseRequest, status: int = 500,
                     exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        """A malformed request (bad framing, oversized header, ...): JSON, Japanese, no trace."""
        if request.writer.output_size > 0:
            raise ConnectionError("response already started")
        if status >= 500:
            print(f"shuyaku-sim: 内部エラー {type(exc).__name__}", file=sys.stderr)
            error = ApiError(500, "internal_error", "国保情報集約システムの内部エラーです。")
        else:
            error = protocol_error(status)
        response = web.Response(status=error.status, body=error.body(),
                                content_type="application/json", headers=error.headers())
        response.force_close()
        return response


def write_port_file(data_dir: Path, port: int) -> Path:
    """Write the bound port atomically to ``DATA/server.port``."""
    path = data_dir / PORT_FILE
    write_private(path, f"{port}\n".encode("ascii"), mode=0o644)
    return path


def _start_failure(exc: OSError, port: int) -> str:
    if isinstance(exc, ssl.SSLError):
        return "証明書または鍵を読み込めません。"
    if exc.errno == errno.EADDRINUSE:
        return f"ポート {port} は既に使用されています。"
    if exc.errno == errno.EACCES:
        return f"ポート {port} を使用する権限がありません。"
    return f"({exc.strerror or type(exc).__name__})"


def _raise_file_limit() -> int:
    """Raise the open-files limit to its hard maximum; return the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if 0.0001 <= value <= 0.1 else default


def _env_count(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**6 else default


class _Service:
    """The listening socket, the accept loop and the aiohttp machinery of one run."""

    def __init__(self, runner: web.AppRunner, context: ssl.SSLContext,
                 listener: socket.socket) -> None:
        self.runner = runner
        self.context = context
        self.listener = listener
        files = _raise_file_limit()
        self.limits = ConnectionLimits(
            _env_count("SHUYAKU_SIM_MAX_PER_ADDRESS", OPEN_PER_ADDRESS),
            max(16, min(OPEN_TOTAL, files - PENDING_TOTAL - 64)),
            _env_count("SHUYAKU_SIM_MAX_PENDING_PER_ADDRESS", PENDING_PER_ADDRESS))
        self.handshakes: set[asyncio.Task[Any]] = set()

    def _protocol(self, slot: Slot) -> SimProtocol:
        server = self.runner.server
        assert server is not None
        return SimProtocol(server, slot, loop=asyncio.get_running_loop(),
                           keepalive_timeout=KEEPALIVE_TIMEOUT, access_log=None,
                           logger=_quiet, max_field_size=8190, max_headers=64)

    async def accept_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, address = await loop.sock_accept(self.listener)
            except OSError:  # out of files for a moment, or a connection reset in the queue
                await asyncio.sleep(0.05)
                continue
            slot = self.limits.admit(str(address[0]))
            task = loop.create_task(self._handshake(conn, address, slot))
            slot.task = task
            self.handshakes.add(task)
            task.add_done_callback(functools.partial(self._ended, conn=conn, slot=slot))

    def _ended(self, task: asyncio.Task[Any], conn: socket.socket, slot: Slot) -> None:
        self.handshakes.discard(task)
        if not slot.started:  # dropped before its handshake began: the socket is still ours
            conn.close()
            slot.release()

    async def _handshake(self, conn: socket.socket, address: Any, slot: Slot) -> None:
        slot.started = True
        loop = asyncio.get_running_loop()
        deadline = (OVERFLOW_HANDSHAKE_TIMEOUT if self.limits.is_overflow_likely(slot.address)
                    else HANDSHAKE_TIMEOUT)
        try:  # on failure the transport closes the socket itself
            await loop.connect_accepted_socket(lambda: self._protocol(slot), conn,
                                               ssl=self.context, ssl_handshake_timeout=deadline)
        except ssl.SSLError as exc:
            slot.release()
            print(f"shuyaku-sim: TLS 接続を拒否しました ({address[0]}: "
                  f"{exc.reason or type(exc).__name__})", file=sys.stderr)
        except (OSError, asyncio.CancelledError, TimeoutError):
            slot.release()  # went away, too slow, or dropped for a newer connection


def _loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's unexpected errors as one line (no traceback on the console)."""
    exc = context.get("exception")
    print(f"shuyaku-sim: 接続処理のエラー ({type(exc).__name__ if exc else '-'})",
          file=sys.stderr)


async def _serve_async(runner_engine: EngineRunner, data_dir: Path, pki_dir: Path,
                       host: str, port: int) -> int:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_loop_exception)
    context = make_server_context(pki_dir)
    registry = TerminalRegistry(pki_dir)
    listener = socket.create_server((host, port), backlog=BACKLOG, reuse_port=False)
    listener.setblocking(False)
    app = build_app(runner_engine, registry)
    runner = web.AppRunner(app, handle_signals=False, access_log=None,
                           shutdown_timeout=DRAIN_SECONDS)
    await runner.setup()
    service = _Service(runner, context, listener)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    accepting = loop.create_task(service.accept_forever())
    bound_port = listener.getsockname()[1]
    write_port_file(data_dir, bound_port)
    print(f"shuyaku-sim: https://{host}:{bound_port}/ で待ち受けています", flush=True)
    try:
        await stop.wait()
    finally:
        accepting.cancel()
        listener.close()
        for task in list(service.handshakes):
            task.cancel()
        await runner.cleanup()  # idle connections closed, requests in progress awaited
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await loop.run_in_executor(None, runner_engine.close)
        app[GATE].log.close()
    print("shuyaku-sim: 停止しました", flush=True)
    return 1 if app[GATE].cut else 0


def run_server(runner_engine: EngineRunner, data_dir: Path, pki_dir: Path, host: str,
               port: int) -> int:
    """Serve until SIGTERM/SIGINT; return the exit code."""
    (data_dir / PORT_FILE).unlink(missing_ok=True)
    try:
        return asyncio.run(_serve_async(runner_engine, data_dir, pki_dir, host, port))
    except OSError as exc:
        print(f"shuyaku-sim: サーバを開始できません。{_start_failure(exc, port)}",
              file=sys.stderr)
        runner_engine.close()
        return 2
    finally:
        (data_dir / PORT_FILE).unlink(missing_ok=True)


def serve(data_dir: Path, pki_dir: Path, host: str = "127.0.0.1", port: int = 0) -> int:
    """The ``shuyaku-sim serve`` command: open the data directory and serve the API."""
    from shuyaku_sim.engine import Engine

    os.umask(0o077)  # the database holds names and dates of insured persons: owner only
    # One process serves reads while it decodes, checks and ingests uploads: hand the GIL
    # over more often (default 5 ms) so a read's many short steps do not each wait for
    # an ingest's full slice (reads' p99 during a 100,000-person ingest: see benchmarks).
    sys.setswitchinterval(_env_seconds("SHUYAKU_SIM_SWITCH_INTERVAL", SWITCH_INTERVAL))
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (pki_dir / "ca.pem").exists():
        print("shuyaku-sim: 証明書ディレクトリに ca.pem がありません。", file=sys.stderr)
        return 2
    try:
        engine = Engine.open(data_dir)
    except OSError as exc:
        print(f"shuyaku-sim: データディレクトリを開けません: {exc.strerror}", file=sys.stderr)
        return 2
    except SimError as exc:
        print(f"shuyaku-sim: {exc.user_message}", file=sys.stderr)
        return 2
    return run_server(EngineRunner(engine, data_dir), data_dir, pki_dir, host, port)
