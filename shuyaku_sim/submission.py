"""Submitting a file set: digest, idempotency, whole-set check, one-transaction ingest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping

from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.formats.filenames import InvalidFileName, parse_file_name
from kokuho_pc.formats.reader import parse_fixed
from shuyaku_sim import model
from shuyaku_sim.errors import FileSetInvalid, Forbidden, IdempotencyConflict, InvalidRequest
from shuyaku_sim.faultpoints import kill_point
from shuyaku_sim.ingest import Outcome, ingest_kkg01, ingest_pair
from shuyaku_sim.settings import Settings
from shuyaku_sim.storage import Database

MAX_KEY_LENGTH = 200


def file_set_digest(files: Mapping[str, bytes]) -> str:
    """The SHA-256 (hex, lower case) that identifies a submitted file set.

    For every file in ascending order of name: the UTF-8 name, LF, the size in
    decimal ASCII, LF, then the content. A set of one file is digested the same way.
    """
    h = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        h.update(name.encode("utf-8") + b"\n" + str(len(content)).encode("ascii") + b"\n")
        h.update(content)
    return h.hexdigest()


def _issue(file: str, message: str) -> dict[str, object]:
    return {"file": file, "record": None, "item": None, "code": "file_set", "message": message}


def composition_issues(municipality: str, files: Mapping[str, bytes]) -> list[dict[str, object]]:
    """Problems of the set as a whole: a KSK01+KSK02 pair (same timestamp) or one KKG01.

    Raises Forbidden when a well-formed name carries another municipality's code.
    """
    kinds: dict[str, list[str]] = {}
    stamps = set()
    for name in sorted(files):
        try:
            parsed = parse_file_name(name)
        except InvalidFileName:
            continue  # the checker reports it
        if parsed.municipality_code != municipality:
            raise Forbidden("他の市町村のファイルは送信できません。")
        kinds.setdefault(parsed.if_id, []).append(name)
        stamps.add(parsed.created)
    names = sorted(files)
    if set(kinds) == {"KSK01", "KSK02"} and len(files) == 2:
        if len(stamps) != 1:
            return [_issue(names[0], "KSK01とKSK02の作成日時が一致しません。")]
        return []
    if set(kinds) == {"KKG01"} and len(files) == 1:
        return []
    if len(kinds) == 0:
        return []
    return [_issue(names[0], "KSK01とKSK02の組、またはKKG01を1ファイルだけ送信してください。")]


def _result(
    sid: int, municipality: str, key: str, digest: str, received: str,
    files: Mapping[str, bytes], out: Outcome | None, errors: list[dict[str, object]],
) -> model.SubmissionResult:
    listed: list[model.SubmittedFile] = []
    for name in sorted(files):
        try:
            if_id = parse_file_name(name).if_id
        except InvalidFileName:
            if_id = ""
        listed.append({"name": name, "if_id": if_id, "size": len(files[name]),
                       "sha256": hashlib.sha256(files[name]).hexdigest()})
    out = out or Outcome()
    return {
        "submission_id": sid, "municipality_code": municipality, "idempotency_key": key,
        "sha256": digest, "status": "rejected" if errors else "accepted",
        "received_at": received, "files": listed, "persons": out.persons,
        "households": out.households, "high_cost_months": out.high_cost_months,
        "result_counts": dict(sorted(out.result_counts.items())),
        "rechecked_counts": dict(sorted(out.rechecked_counts.items())),
        "deliveries": out.deliveries, "candidates_changed": out.candidates_changed,
        "errors": errors, "replayed": False,
    }


def _replay(found: tuple[int, str, str, str], digest: str) -> model.SubmissionResult:
    _, stored_digest, status, result_json = found
    if stored_digest != digest:
        raise IdempotencyConflict()
    result: model.SubmissionResult = json.loads(result_json)
    if status == "rejected":
        raise FileSetInvalid(result["errors"])
    result["replayed"] = True
    result.setdefault("rechecked_counts", {})  # stored before the field existed
    return result


def already_processed_warning(result: model.SubmissionResult) -> str:
    """The warning a repeated file set gets (names the earlier receipt)."""
    return (f"このファイルの組は受付番号 {result['submission_id']}"
            f"({result['received_at'][:16].replace('T', ' ')})で処理済みです。"
            "再処理はせず、そのときの受付結果を返しました。意図して再送する場合は"
            "再送の確認をしてから送信してください。")


def _earlier_receipt(found: str) -> model.SubmissionResult:
    result: model.SubmissionResult = json.loads(found)
    result["replayed"] = True
    result.setdefault("rechecked_counts", {})
    result["already_processed"] = True
    result["warning"] = already_processed_warning(result)
    return result


def submit(
    db: Database, settings: Settings, clock: Callable[[], dt.datetime], municipality: str,
    files: Mapping[str, bytes], key: str, sha256: str, terminal_id: str, staff_id: str,
    resend: bool = False,
) -> model.SubmissionResult:
    """See :meth:`shuyaku_sim.engine.Engine.submit_file_set` (which passes its database,
    settings and clock: this module does not import the engine).

    A file set already ACCEPTED under another idempotency key is not processed again
    unless ``resend`` (the operator confirmed a deliberate resend): the earlier receipt
    comes back with ``replayed``, ``already_processed`` and a ``warning``."""
    if not key or len(key) > MAX_KEY_LENGTH or not files:
        raise InvalidRequest("要求キーまたは送信ファイルが指定されていません。")
    digest = file_set_digest(files)
    if sha256.strip().lower() != digest:
        raise InvalidRequest("送信内容のハッシュ値が一致しません。")
    with db.reading() as tx:
        found = tx.find_submission(municipality, key)
    if found is not None:
        return _replay(found, digest)
    if not resend:
        with db.reading() as tx:
            earlier = tx.find_accepted_by_content(municipality, digest)
        if earlier is not None:
            return _earlier_receipt(earlier)
    now = clock().replace(microsecond=0)
    errors = composition_issues(municipality, files)
    if not errors:
        report = check_file_set(files, today=now.date())
        errors = [e.to_json_dict() for e in report.errors]
    parsed = {} if errors else {parse_file_name(n).if_id: parse_fixed(n, files[n]) for n in files}
    with db.transaction() as tx:
        found = tx.find_submission(municipality, key)
        if found is None:
            sid = tx.insert_submission(municipality, key, digest, terminal_id, staff_id,
                                       now.isoformat())
            out: Outcome | None = None
            if not errors and "KKG01" in parsed:
                out = ingest_kkg01(tx, parsed["KKG01"], sid)
            elif not errors:
                out = ingest_pair(tx, parsed["KSK01"], parsed["KSK02"], sid, settings,
                                  now)
            result = _result(sid, municipality, key, digest, now.isoformat(), files, out, errors)
            tx.finish_submission(sid, result["status"],
                                 json.dumps(result, ensure_ascii=False))
            kill_point("ingest_before_commit")
    if found is None:
        kill_point("ingest_after_commit")
    if found is not None:
        return _replay(found, digest)
    if errors:
        raise FileSetInvalid(errors)
    return result
