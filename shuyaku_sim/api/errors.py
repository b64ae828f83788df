"""The API's error answers: ``{"error": {"code": str, "message": <Japanese>, "details"?}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

# Headers every answer carries (set on the protocol's own error answers too).
COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                  "Server": "shuyaku-sim"}
RETRY_AFTER = 2
BUSY_MESSAGE = "国保情報集約システムが混み合っています。しばらく待ってから再度実行してください。"

# Japanese messages for the statuses the HTTP layer itself answers.
PROTOCOL_MESSAGES = {
    400: ("bad_request", "要求の形式が正しくありません。"),
    404: ("not_found", "指定されたデータは存在しません。"),
    405: ("method_not_allowed", "この操作は許可されていません。"),
    408: ("timeout", "要求の受信が時間内に終わりませんでした。"),
    413: ("too_large", "送信データが大きすぎます。"),
    414: ("http_error", "要求の URL が長すぎます。"),
    417: ("http_error", "要求の形式が正しくありません。"),
    431: ("http_error", "要求のヘッダが大きすぎます。"),
    501: ("http_error", "この操作は許可されていません。"),
}
# A version we do not speak is the caller's malformed request: 400, never a 5xx.
UNSUPPORTED_VERSION = ("http_error", "この HTTP のバージョンには対応していません。")


class ApiError(Exception):
    """An error answered as JSON with a Japanese message (never echoing the caller's values)."""

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

    def body(self) -> bytes:
        """The JSON body of this error."""
        error: dict[str, object] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return json_bytes({"error": error})

    def headers(self) -> dict[str, str]:
        """Retry-After (when set) and the common headers."""
        headers = dict(COMMON_HEADERS)
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def to_response(self) -> web.Response:
        """The aiohttp response for this error."""
        return web.Response(status=self.status, body=self.body(),
                            content_type="application/json", headers=self.headers())


def protocol_error(status: int) -> ApiError:
    """The error for a status the HTTP layer answers (bad framing, unknown path, ...)."""
    if status == 505:
        code, message = UNSUPPORTED_VERSION
        return ApiError(400, code, message)
    if status >= 500 and status not in PROTOCOL_MESSAGES:
        status = 400  # never a 5xx for the caller's malformed request
    code, message = PROTOCOL_MESSAGES.get(status, ("http_error", "要求を処理できません。"))
    return ApiError(status, code, message)


def not_found() -> ApiError:
    """The one answer for a resource that does not exist or is not the caller's."""
    return ApiError(404, "not_found", "指定されたデータは存在しません。")


def bad_request(message: str, code: str = "bad_request") -> ApiError:
    """A malformed request."""
    return ApiError(400, code, message)


def busy() -> ApiError:
    """The engine stayed busy longer than the caller should wait."""
    return ApiError(503, "busy", BUSY_MESSAGE, retry_after=RETRY_AFTER)


def json_bytes(data: object) -> bytes:
    """Compact UTF-8 JSON, Japanese kept readable."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(status: int, data: object,
                  headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with the common headers."""
    return web.Response(status=status, body=json_bytes(data), content_type="application/json",
                        headers={**COMMON_HEADERS, **(headers or {})})
