"""Strict parsing of what a request carries: query, path parameters, JSON body.

Anything malformed is a 400 with a Japanese message that never repeats the value it
was sent (a 5000-digit number, bad UTF-8 or a duplicate parameter included).
"""

from __future__ import annotations

import json
import re

from aiohttp import web

from shuyaku_sim.api.context import runner
from shuyaku_sim.api.errors import ApiError, bad_request, not_found

MAX_TEXT = 400
INLINE_JSON = 64 * 1024  # larger bodies are parsed on the thread pool
MAX_INT_DIGITS = 19  # every integer the API takes fits in a signed 64-bit column


def query_one(request: web.Request, name: str) -> str | None:
    """The single value of a query parameter, or None (given twice: 400)."""
    values = request.query.getall(name, [])
    if not values:
        return None
    if len(values) > 1:
        raise bad_request(f"問い合わせパラメータ {name} が複数指定されています。")
    return str(values[0])


def bool_query(request: web.Request, name: str) -> bool:
    """``true`` / ``false`` (absent: false)."""
    value = query_one(request, name)
    if value is None or value == "false":
        return False
    if value == "true":
        return True
    raise bad_request(f"{name} には true または false を指定してください。")


def int_query(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """A decimal integer within ``[low, high]`` (absent: ``default``)."""
    value = query_one(request, name)
    if value is None:
        return default
    if (not value.isascii() or not value.isdigit() or len(value) > MAX_INT_DIGITS
            or not low <= int(value) <= high):
        raise bad_request(f"{name} には {low} から {high} までの整数を指定してください。")
    return int(value)


def path_param(request: web.Request, name: str, pattern: re.Pattern[str]) -> str:
    """A path parameter that must match ``pattern`` (else: not found)."""
    value = request.match_info[name]
    if not pattern.fullmatch(value):
        raise not_found()
    return value


def only(data: dict[str, object], *allowed: str) -> None:
    """Refuse unknown members (their names are not echoed: they are the caller's text)."""
    if set(data) - set(allowed):
        raise bad_request("本文に不明な項目があります。")


def optional_text(data: dict[str, object], name: str) -> str | None:
    """An optional short string member (blank: None)."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise bad_request(f"{name} は {MAX_TEXT} 文字以内の文字列で指定してください。")
    return value.strip() or None


def is_int_in(value: object, low: int, high: int) -> bool:
    """True for a JSON integer (not a bool) within ``[low, high]``."""
    return type(value) is int and low <= value <= high


async def json_body(request: web.Request) -> dict[str, object]:
    """The body parsed as a JSON object, else 415 / 400."""
    ctype = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise ApiError(415, "unsupported_media_type",
                       "本文は application/json で送信してください。")
    raw = await request.read()
    if len(raw) > INLINE_JSON:
        return await runner(request).decode(parse_json_object, raw)
    return parse_json_object(raw)


def parse_json_object(raw: bytes) -> dict[str, object]:
    """Parse a JSON object from UTF-8 bytes (anything else: 400).

    Refused beside broken JSON: NaN and Infinity (not JSON; they could not be answered
    back as JSON), integers of more than 4300 digits, and lone surrogates (``"\\ud800"``:
    no UTF-8 text holds them, so they could not be stored).
    """
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise bad_request("本文が正しい JSON ではありません。") from None
    except ValueError:  # an integer of more than 4300 digits
        raise bad_request("本文に桁数の多すぎる数値があります。") from None
    if not isinstance(data, dict):
        raise bad_request("本文は JSON オブジェクトで送信してください。")
    if _ESCAPED_SURROGATE.search(raw) and _has_surrogate(data):
        raise bad_request("本文の文字列に使用できない文字があります。")
    return data


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_constant(name: str) -> object:
    raise json.JSONDecodeError("not JSON", name, 0)


def _has_surrogate(value: object) -> bool:
    """True when a string anywhere in ``value`` (keys too) holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def single_header(request: web.Request, name: str) -> str | None:
    """A header that must be sent at most once (twice: treated as malformed, None)."""
    values = request.headers.getall(name, [])
    return values[0] if len(values) == 1 else None
