"""What every answer of the API fuzz runs must be (tests/fuzz/test_api.py, test_api_negative.py).

tests/fuzz/test_api_checks_fail.py feeds :func:`check_answer` canned wrong answers
and expects each to fail it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import requests

import shuyaku_sim
from kokuho_pc.domain.leakscan import contains_my_number, find_my_numbers

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _documented_words(node: Any) -> Iterator[str]:
    """Every field name and enum value of the API document: a message may name them."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            if key == "enum" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            yield from _documented_words(value)
    elif isinstance(node, list):
        for value in node:
            yield from _documented_words(value)


DOCUMENTED = frozenset(_documented_words(json.loads(
    (Path(shuyaku_sim.__file__).parent / "openapi.json").read_text(encoding="utf-8"))))


def sent_strings(*values: Any) -> Iterator[str]:
    """Every string inside ``values`` (dict values, list items; not dict keys: a message
    may name a field)."""
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from sent_strings(*value.values())
        elif isinstance(value, (list, tuple)):
            yield from sent_strings(*value)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _content_type(response: requests.Response) -> str:
    """The media type (a schemathesis response lists each header's values)."""
    for name, value in response.headers.items():
        if name.lower() == "content-type":
            value = value[0] if isinstance(value, list) else value
            return str(value).split(";")[0].strip()
    return ""


def check_answer(response: requests.Response, sent: Iterable[str] = (), *,
                 refused: bool = False) -> None:
    """Below 500 and no 個人番号 anywhere (also inside JSON escapes); ``refused``: a 4xx.
    An error is ``application/json`` ``{"error": {"code": str, "message": <Japanese>}}``
    whose message echoes nothing that was sent (but the document's own names)."""
    status = response.status_code
    assert status < 500, (status, response.text[:300])
    body = _json(response)
    decoded = "\n".join(sent_strings(body)) if body is not None else ""
    assert find_my_numbers(response.text) == [] and find_my_numbers(decoded) == [], status
    if refused:
        assert 400 <= status < 500, (f"accepted with {status}", response.text[:300])
    if status < 400:
        return
    assert _content_type(response) == "application/json", (status, response.headers)
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), (status, response.text[:300])
    code, message = error.get("code"), error.get("message")
    assert isinstance(code, str) and isinstance(message, str), error
    assert JAPANESE.search(message), error
    assert not contains_my_number(message), code
    echoed = [s for s in sent
              if len(s) >= 4 and s.strip() and s in message and s not in DOCUMENTED]
    assert echoed == [], (code, message)

