"""The HTTPS client of the consolidation system (``requests``, mutual TLS, pinned keys).

Only requests that carry an ``Idempotency-Key`` are retried: at most
``max_retries`` times (5), with exponential backoff and full jitter, honouring
``Retry-After``. The caller persists the key before the first attempt (see
:mod:`kokuho_pc.transfer.records`), so a restarted process retries with the
same key and the server answers with the stored result. Every failure is a
typed error with a Japanese message: :class:`ConnectionFailed` (not reached,
not trusted) or :class:`ServerRefused` (answered with an error).
"""

from __future__ import annotations

import base64
import json
import random
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from kokuho_pc.transfer.errors import ConnectionFailed, ServerRefused
from kokuho_pc.transfer.tls import PinMismatchError, PinningAdapter, make_client_context

API = "/api/v1"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to reach the consolidation system."""

    base_url: str
    ca_file: Path
    client_cert: Path
    client_key: Path
    pins: tuple[str, ...]
    staff_id: str
    connect_timeout: float = 5.0
    read_timeout: float = 120.0
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    # the password of an encrypted terminal key (production; from the OS keyring)
    client_key_password: bytes | None = field(default=None, repr=False, compare=False)


def _tls_failure_message(exc: BaseException) -> str:
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 10:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    text = " ".join(str(e) for e in chain) + " ".join(repr(a) for e in chain for a in e.args)
    if any(isinstance(e, PinMismatchError) for e in chain) or "not pinned" in text:
        return "接続先サーバの公開鍵が登録されたものと一致しないため、接続を中止しました。"
    if "expired" in text:
        return "接続先サーバの証明書の有効期限が切れているため、接続を中止しました。"
    if "hostname" in text.lower() or "IP address mismatch" in text:
        return "接続先サーバの証明書が接続先の名前と一致しないため、接続を中止しました。"
    if "certificate verify failed" in text or "CERTIFICATE_VERIFY_FAILED" in text:
        return "接続先サーバの証明書を信頼できないため、接続を中止しました。"
    return "接続先サーバとの安全な通信を確立できませんでした。"


class ConsolidationClient:
    """Typed calls of the consolidation system's API. Close it (or use ``with``)."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        try:
            context = make_client_context(config.ca_file, config.client_cert, config.client_key,
                                          config.client_key_password)
        except (ssl.SSLError, OSError) as exc:
            raise ConnectionFailed(
                "端末証明書または認証局証明書を読み込めないため、接続できません。",
                "端末証明書の秘密鍵は、この端末のOSのキーリングに保管された鍵でのみ利用できます。"
                "情報システム管理者に連絡してください。") from exc
        session = requests.Session()
        session.trust_env = False
        session.proxies = {}
        if config.staff_id and config.staff_id != "-":  # "-": before anyone logged in
            session.headers["X-Staff-Id"] = config.staff_id
        session.headers["User-Agent"] = "kokuho-pc"
        adapter = PinningAdapter(context, config.pins, max_retries=0)
        for old in session.adapters.values():
            old.close()
        session.adapters.clear()
        session.mount("https://", adapter)
        self._session = session
        self._base = config.base_url.rstrip("/")
        if not self._base.startswith("https://"):
            raise ValueError("the consolidation system is reached over https only")

    def close(self) -> None:
        """Close every pooled connection."""
        self._session.close()

    def __enter__(self) -> ConsolidationClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the request loop -----------------------------------------------------------
    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), MAX_RETRY_AFTER)
            except ValueError:
                pass
        cap = min(self.config.backoff_max, self.config.backoff_base * (2**attempt))
        return random.uniform(0, cap)  # noqa: S311 - jitter, not a secret

    def request(
        self, method: str, path: str, *, idempotency_key: str | None = None,
        json_body: Any = None, data: bytes | None = None, stream: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one request; retry only when it carries an Idempotency-Key."""
        send_headers = dict(headers or {})
        body = data
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            send_headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            send_headers["Idempotency-Key"] = idempotency_key
        attempts = 1 + (self.config.max_retries if idempotency_key is not None else 0)
        timeout = (self.config.connect_timeout, self.config.read_timeout)
        last_error: Exception | None = None
        for attempt in range(attempts):
            retry_after: str | None = None
            try:
                response = self._session.request(
                    method, self._base + path, data=body, headers=send_headers,
                    timeout=timeout, stream=stream, allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise ConnectionFailed(_tls_failure_message(exc),
                                       "情報システム管理者に連絡してください。") from exc
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                last_error = exc
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRYABLE_STATUS or attempt + 1 >= attempts:
                    raise self._refused(response)
                retry_after = response.headers.get("Retry-After")
                response.close()
                last_error = None
            if attempt + 1 < attempts:
                self.config.sleep(self._backoff(attempt, retry_after))
        raise ConnectionFailed() from last_error

    @staticmethod
    def _refused(response: requests.Response) -> ServerRefused:
        message, code, details = None, "", None
        try:
            err = response.json().get("error", {})
            message, code, details = err.get("message"), str(err.get("code", "")), \
                err.get("details")
        except (ValueError, AttributeError):
            pass
        finally:
            response.close()
        if response.status_code in RETRYABLE_STATUS:
            error = ServerRefused(
                message or "国保情報集約システムが一時的に利用できません。",
                "しばらく待ってから再度実行してください。データは失われていません。",
            )
        else:
            error = ServerRefused(message if isinstance(message, str) else None)
        error.status = response.status_code  # type: ignore[attr-defined]
        error.server_code = code  # type: ignore[attr-defined]
        error.details = details  # type: ignore[attr-defined]
        return error

    # --- API calls ------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """``GET /status``: who the server thinks we are, and the dashboard counts."""
        result: dict[str, Any] = self.request("GET", f"{API}/status").json()
        return result

    def submit(
        self, files: Mapping[str, bytes], set_sha256: str, idempotency_key: str,
        file_sha256: Mapping[str, str] | None = None, *, resend: bool = False,
    ) -> tuple[dict[str, Any], bool]:
        """Submit a file set; return (result, replayed). ``resend``: a confirmed deliberate
        resend of content the consolidation system already processed."""
        items = []
        for name in sorted(files):
            item = {"name": name, "content_base64": base64.b64encode(files[name]).decode("ascii")}
            if file_sha256 and name in file_sha256:
                item["sha256"] = file_sha256[name]
            items.append(item)
        body: dict[str, Any] = {"files": items, "sha256": set_sha256}
        if resend:
            body["resend"] = True
        response = self.request("POST", f"{API}/submissions", idempotency_key=idempotency_key,
                                json_body=body)
        result: dict[str, Any] = response.json()
        return result, response.headers.get("Idempotency-Replayed") == "true"

    def list_deliveries(self, include_acknowledged: bool = False) -> list[dict[str, Any]]:
        """Deliveries not yet acknowledged (oldest first)."""
        path = f"{API}/deliveries" + ("?include_acknowledged=true" if include_acknowledged else "")
        rows: list[dict[str, Any]] = self.request("GET", path).json()["deliveries"]
        return rows

    def download_delivery(
        self, name: str
    ) -> tuple[Iterator[bytes], str | None, Callable[[], None]]:
        """Stream a delivery: (chunks, server's X-Content-SHA256, close)."""
        response = self.request("GET", f"{API}/deliveries/{name}/content", stream=True)

        def chunks() -> Iterator[bytes]:
            try:
                yield from response.iter_content(chunk_size=256 * 1024)
            except requests.exceptions.RequestException as exc:
                raise ConnectionFailed() from exc

        return chunks(), response.headers.get("X-Content-SHA256"), response.close

    def acknowledge(self, name: str, idempotency_key: str) -> dict[str, Any]:
        """Mark a delivery received (idempotent)."""
        row: dict[str, Any] = self.request(
            "POST", f"{API}/deliveries/{name}/acknowledge", idempotency_key=idempotency_key
        ).json()
        return row

    def forward_operation_log(
        self, records: list[dict[str, Any]], idempotency_key: str
    ) -> list[int]:
        """Forward operation-log records; return the acknowledged sequence numbers."""
        acked: list[int] = self.request(
            "POST", f"{API}/operation-log", idempotency_key=idempotency_key,
            json_body={"records": records},
        ).json()["acknowledged"]
        return acked

    def operation_log_tip(self) -> dict[str, Any]:
        """``GET /operation-log/tip``: this terminal's acknowledged tip (``seq``, ``hash``,
        ``epoch``, ``state``)."""
        tip: dict[str, Any] = self.request("GET", f"{API}/operation-log/tip").json()
        return tip

    def report_rollback(self, report: dict[str, Any]) -> None:
        """``POST /operation-log/rollback``: the PC found its log rolled back."""
        self.request("POST", f"{API}/operation-log/rollback", json_body=report).close()
