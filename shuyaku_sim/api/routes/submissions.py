"""Submitting a file set (idempotent by ``Idempotency-Key``)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from aiohttp import web

from shuyaku_sim.api.context import caller, runner
from shuyaku_sim.api.errors import ApiError, bad_request, json_response
from shuyaku_sim.api.operation import Operation
from shuyaku_sim.api.params import json_body, only, single_header
from shuyaku_sim.api.routes.common import V1
from shuyaku_sim.engine import Engine, file_set_digest

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{8,128}")
HEX64 = re.compile(r"[0-9a-f]{64}")
FILE_NAME = re.compile(r"(KSK01|KSK02|KKG01)_\d{6}_\d{14}\.dat")
MAX_FILES = 2


async def post_submission(request: web.Request) -> web.Response:
    """Submit a file set with an Idempotency-Key and the set's SHA-256."""
    key = single_header(request, "Idempotency-Key")
    if key is None or not IDEMPOTENCY_KEY.fullmatch(key):
        raise bad_request("Idempotency-Key(8〜128文字の英数字と ._:-)を指定してください。",
                          "idempotency_key_required")
    data = await json_body(request)
    files, digest = await runner(request).decode(decode_file_set, data)
    resend = data.get("resend", False)
    if not isinstance(resend, bool):
        raise bad_request("resend には true または false を指定してください。")
    who = caller(request)
    result = await runner(request).write(Engine.submit_file_set, who.municipality(), files,
                                         key, digest, who.terminal.terminal_id, who.staff_id,
                                         resend)
    replayed = result["replayed"]
    return json_response(200 if replayed else 201, result,
                         {"Idempotency-Replayed": "true" if replayed else "false"})


def decode_file_set(data: dict[str, object]) -> tuple[dict[str, bytes], str]:
    """The files (name → bytes) and the set's digest, checked (CPU work: on the pool)."""
    only(data, "files", "sha256", "resend")
    digest, raw_files = data.get("sha256"), data.get("files")
    if not isinstance(digest, str) or not HEX64.fullmatch(digest):
        raise bad_request("sha256 には64桁の16進数(小文字)を指定してください。")
    if not isinstance(raw_files, list) or not 1 <= len(raw_files) <= MAX_FILES:
        raise bad_request("files には1件または2件のファイルを指定してください。")
    files: dict[str, bytes] = {}
    for item in raw_files:
        name, content = _decode_file(item)
        if name in files:
            raise bad_request("同じ名前のファイルが複数指定されています。")
        files[name] = content
    if file_set_digest(files) != digest:
        raise ApiError(422, "digest_mismatch",
                       "送信内容のハッシュ値が一致しません。送信し直してください。")
    return files, digest


def _decode_file(item: object) -> tuple[str, bytes]:
    if not isinstance(item, dict):
        raise bad_request("files の要素はオブジェクトで指定してください。")
    only(item, "name", "content_base64", "sha256")
    name, b64, sha = item.get("name"), item.get("content_base64"), item.get("sha256")
    if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
        raise bad_request("ファイル名が正しくありません(KSK01/KSK02/KKG01 の .dat)。")
    if not isinstance(b64, str):
        raise bad_request("content_base64 を指定してください。")
    try:
        content = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise bad_request("content_base64 が正しい Base64 ではありません。") from None
    if sha is not None:
        if not isinstance(sha, str) or hashlib.sha256(content).hexdigest() != sha:
            raise ApiError(422, "digest_mismatch",
                           "ファイルのハッシュ値が一致しません。送信し直してください。")
    return name, content


async def get_result_problems(request: web.Request) -> web.Response:
    """The 処理結果・エラーリスト (persons whose result is not 正常; no 個人番号)."""
    text = request.query.get("submission_id")
    if text is not None and not text.isdigit():
        raise bad_request("submission_id には受付番号(数字)を指定してください。")
    rows = await runner(request).read(Engine.result_problems, caller(request).municipality(),
                                      int(text) if text is not None else None)
    return json_response(200, {"rows": rows})


OPERATIONS = [
    Operation("POST", f"{V1}/submissions", post_submission),
    Operation("GET", f"{V1}/result-problems", get_result_problems),
]
