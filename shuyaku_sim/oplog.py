"""Operation-log records forwarded by the PCs, kept for the federation's administrator."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from kokuho_pc.domain.leakscan import contains_my_number, hide_logged_hashes
from shuyaku_sim import model
from shuyaku_sim.errors import IdempotencyConflict, InvalidRequest
from shuyaku_sim.storage import Tx

MAX_BATCH = 10_000
MAX_RECORD_BYTES = 65_536


def accept_records(
    tx: Tx, municipality: str, terminal_id: str, records: Sequence[Mapping[str, object]],
    now: str,
) -> list[int]:
    """Store records (idempotent on seq); return the acknowledged seqs in the given order."""
    if not terminal_id.strip():
        raise InvalidRequest("端末IDが必要です。")
    if len(records) > MAX_BATCH:
        raise InvalidRequest("一度に送信できる操作ログの件数を超えています。")
    acked: list[int] = []
    for record in records:
        seq = record.get("seq") if isinstance(record, Mapping) else None
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise InvalidRequest("操作ログの通番(seq)が正しくありません。")
        try:
            text = json.dumps(record, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise InvalidRequest("操作ログの形式が正しくありません。") from exc
        if len(text.encode("utf-8")) > MAX_RECORD_BYTES:
            raise InvalidRequest("操作ログの1件が大きすぎます。")
        if contains_my_number(hide_logged_hashes(text)):
            raise InvalidRequest("個人番号を含む操作ログは受け付けられません。")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        stored = tx.operation_log_entry(municipality, terminal_id, seq)
        if stored is None:
            tx.insert_operation_log(municipality, terminal_id, seq, text, digest, now)
        elif stored != digest:
            raise IdempotencyConflict("同じ通番で異なる操作ログが送信されました。")
        acked.append(seq)
    return acked


def list_records(
    tx: Tx, municipality: str | None, terminal_id: str | None, after_id: int, limit: int
) -> list[model.OperationLogRecord]:
    """Stored records after ``after_id`` (at most ``limit``, capped at 10,000)."""
    rows = tx.operation_log_rows(municipality, terminal_id, max(after_id, 0),
                                 max(1, min(limit, MAX_BATCH)))
    return [{"id": rid, "municipality_code": muni, "terminal_id": term, "seq": seq,
             "record": json.loads(text), "received_at": received}
            for rid, muni, term, seq, text, received in rows]
