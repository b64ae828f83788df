"""The simulator's HTTPS server process (``shuyaku-sim serve``).

A threading HTTP/1.1 server (stdlib) behind mutual TLS. The TLS handshake runs in
the connection's own thread, so a slow or hostile client never blocks accepting.
After the handshake the client certificate must belong to a registered terminal
(:class:`~shuyaku_sim.server_tls.TerminalRegistry`); otherwise the request is
answered 403 and the connection closed. Everything else is the API application's
business (:mod:`shuyaku_sim.api_app`).

On SIGTERM/SIGINT the server stops accepting, lets requests in progress finish
(at most ``DRAIN_SECONDS``), closes the database and exits 0.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from shuyaku_sim.api_types import ApiError, Request, Response
from shuyaku_sim.errors import SimError
from shuyaku_sim.pki import write_private
from shuyaku_sim.server_tls import (
    Terminal,
    TerminalRegistry,
    make_server_context,
    peer_serial,
)

PORT_FILE = "server.port"
MAX_BODY = 256 * 1024 * 1024
IDLE_TIMEOUT = 30.0
DRAIN_SECONDS = 30.0
MAX_CONNECTIONS = 64  # open connections at once; more are closed unanswered


class Application(Protocol):
    """What the server needs from the API application."""

    def handle(self, request: Request) -> Response:
        """Answer one authenticated request (never raises)."""
        ...

    def record_refusal(self, cert_serial: str | None, method: str) -> None:
        """Record a request refused because its certificate is not a registered terminal."""
        ...

    def close(self) -> None:
        """Release the database."""
        ...


_PROTOCOL_MESSAGES = {
    400: "要求の形式が正しくありません。",
    414: "要求の URL が長すぎます。",
    431: "要求のヘッダが大きすぎます。",
    501: "この操作は許可されていません。",
    505: "この HTTP のバージョンには対応していません。",
}


class _Handler(BaseHTTPRequestHandler):
    """Turns one HTTP exchange into a :class:`Request` for the application."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes
    server_version = "shuyaku-sim"
    sys_version = ""
    server: ApiServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; the application records requests."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Protocol-level errors (bad request line, unknown method, ...) as JSON too."""
        self.close_connection = True
        text = _PROTOCOL_MESSAGES.get(code, "要求を処理できません。")
        self._send(ApiError(code, "http_error", text).to_response())

    def _dispatch(self) -> None:
        srv = self.server
        srv.enter()
        try:
            response = self._respond()
            if srv.stopping.is_set():
                self.close_connection = True
            self._send(response)
        finally:
            srv.leave()  # only once the answer is out: shutdown waits for it

    def _respond(self) -> Response:
        terminal = self._terminal()
        if terminal is None:
            self.close_connection = True
            self.server.app.record_refusal(self._peer_serial(), self.command)
            return ApiError(
                403, "unknown_terminal", "登録されていない端末からの接続は受け付けません。"
            ).to_response()
        try:
            body = self._read_body()
        except ApiError as exc:
            self.close_connection = True
            return exc.to_response()
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            terminal=terminal,
        )
        return self.server.app.handle(request)

    def _peer_serial(self) -> str | None:
        sock = self.connection
        der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
        return peer_serial(der)

    def _terminal(self) -> Terminal | None:
        sock = self.connection
        if not isinstance(sock, ssl.SSLSocket):
            return None
        return self.server.registry.lookup(sock.getpeercert(binary_form=True))

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(411, "length_required", "Content-Length を指定してください。")
        raw = self.headers.get("Content-Length")
        if raw is None:
            if self.command in ("POST", "PUT", "PATCH"):
                raise ApiError(411, "length_required", "Content-Length を指定してください。")
            return b""
        if not raw.isdigit():
            raise ApiError(400, "bad_request", "Content-Length が正しくありません。")
        length = int(raw)
        if length > MAX_BODY:
            raise ApiError(413, "too_large", "送信データが大きすぎます。")
        return self.rfile.read(length)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()

    do_GET = _dispatch
    do_POST = _dispatch
    do_PUT = _dispatch
    do_DELETE = _dispatch
    do_PATCH = _dispatch
    do_HEAD = _dispatch
    do_OPTIONS = _dispatch


class ApiServer(ThreadingHTTPServer):
    """HTTPS server: TLS handshake per connection thread, registered terminals only."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        app: Application,
        ssl_context: ssl.SSLContext,
        registry: TerminalRegistry,
    ) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.ssl_context = ssl_context
        self.registry = registry
        self.stopping = threading.Event()
        self._busy = 0
        self._busy_cond = threading.Condition()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Start a connection thread, unless too many connections are open."""
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve one connection, then free its slot."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Handshake in this connection's thread, then serve its requests."""
        request.settimeout(IDLE_TIMEOUT)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except ssl.SSLError as exc:
            # Refused handshake (old protocol, no or foreign certificate): noted, no answer.
            print(f"shuyaku-sim: TLS 接続を拒否しました ({client_address[0]}: "
                  f"{exc.reason or type(exc).__name__})", file=sys.stderr)
            return
        except OSError:
            return
        try:
            _Handler(tls, client_address, self)
        except (ssl.SSLError, OSError):
            pass  # the client went away
        finally:
            try:
                tls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            tls.close()

    def enter(self) -> None:
        """Count a request in progress."""
        with self._busy_cond:
            self._busy += 1

    def leave(self) -> None:
        """A request finished."""
        with self._busy_cond:
            self._busy -= 1
            self._busy_cond.notify_all()

    def drain(self, timeout: float) -> bool:
        """Wait until no request is in progress; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._busy_cond:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._busy_cond.wait(left)
        return True


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


def run_server(app: Application, data_dir: Path, pki_dir: Path, host: str, port: int) -> int:
    """Serve ``app`` until SIGTERM/SIGINT; return the exit code."""
    (data_dir / PORT_FILE).unlink(missing_ok=True)
    try:
        context = make_server_context(pki_dir)
        registry = TerminalRegistry(pki_dir)
        server = ApiServer((host, port), app, context, registry)
    except OSError as exc:
        print(f"shuyaku-sim: サーバを開始できません。{_start_failure(exc, port)}",
              file=sys.stderr)
        app.close()
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2})
    loop.start()
    bound_port = server.server_address[1]
    write_port_file(data_dir, bound_port)
    print(f"shuyaku-sim: https://{host}:{bound_port}/ で待ち受けています", flush=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        server.stopping.set()
        server.shutdown()
        loop.join()
        server.server_close()
        drained = server.drain(DRAIN_SECONDS)
        app.close()
        (data_dir / PORT_FILE).unlink(missing_ok=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("shuyaku-sim: 停止しました", flush=True)
    return 0 if drained else 1


def serve(data_dir: Path, pki_dir: Path, host: str = "127.0.0.1", port: int = 0) -> int:
    """The ``shuyaku-sim serve`` command: open the data directory and serve the API."""
    from shuyaku_sim.api_app import open_application

    os.umask(0o077)  # the database holds names and dates of insured persons: owner only
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (pki_dir / "ca.pem").exists():
        print("shuyaku-sim: 証明書ディレクトリに ca.pem がありません。", file=sys.stderr)
        return 2
    try:
        app = open_application(data_dir)
    except OSError as exc:
        print(f"shuyaku-sim: データディレクトリを開けません: {exc.strerror}", file=sys.stderr)
        return 2
    except SimError as exc:
        print(f"shuyaku-sim: {exc.user_message}", file=sys.stderr)
        return 2
    return run_server(app, data_dir, pki_dir, host, port)
