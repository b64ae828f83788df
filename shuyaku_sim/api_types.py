"""Transport-neutral request, response and error types of the simulator's HTTP API."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from shuyaku_sim.server_tls import Terminal


class ApiError(Exception):
    """An error answered as ``{"error": {"code": ..., "message": <Japanese>}}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        retry_after: int | None = None,
        details: list[dict[str, object]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.details = details

    def to_response(self) -> Response:
        """The JSON error response for this error."""
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return Response.json(self.status, {"error": body}, headers=headers)


def not_found() -> ApiError:
    """The one answer for a resource that does not exist or is not the caller's."""
    return ApiError(404, "not_found", "指定されたデータは存在しません。")


def bad_request(message: str, code: str = "bad_request") -> ApiError:
    """A malformed request."""
    return ApiError(400, code, message)


@dataclass
class Request:
    """One HTTP request after TLS authentication of the terminal."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    terminal: Terminal
    staff_id: str = ""
    path_params: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """A request header (case-insensitive), or None."""
        return self.headers.get(name.lower())

    def query_one(self, name: str) -> str | None:
        """The single value of a query parameter, or None."""
        values = self.query.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise bad_request(f"問い合わせパラメータ {name} が複数指定されています。")
        return values[0]

    def json_body(self) -> dict[str, object]:
        """The body parsed as a JSON object, else a 400 error."""
        ctype = (self.header("content-type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise ApiError(
                415, "unsupported_media_type", "本文は application/json で送信してください。"
            )
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise bad_request("本文が正しい JSON ではありません。") from None
        if not isinstance(data, dict):
            raise bad_request("本文は JSON オブジェクトで送信してください。")
        return data


@dataclass
class Response:
    """An HTTP response: status, headers and body bytes."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def json(status: int, data: object, headers: Mapping[str, str] | None = None) -> Response:
        """A JSON response (UTF-8, Japanese kept readable)."""
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return Response(status, body, "application/json", dict(headers or {}))
