"""Operation-log records forwarded by the PCs: the chain anchored here, and the staff registry.

Each terminal's records form a hash chain (:mod:`kokuho_pc.domain.oplog_chain`) that
anyone can verify without a key. The simulator keeps, per terminal, the last
acknowledged sequence number and hash (the tip) and accepts a batch only when it
extends that tip; a record already held is acknowledged again only when its hash is
the same. Anything else is refused (:class:`~shuyaku_sim.errors.ChainRefused`) and the
engine stores an alert for the federation administrator's review:

- a record that differs from the one acknowledged under the same number: ``rollback``
  (the PC's log was restored or rewritten; state ``rolled_back``);
- a chain that starts again from the beginning (store reset, shadow profile), a gap,
  a wrong ``prev_hash`` or a wrong ``hash``: ``chain_broken`` (state ``broken``).

A terminal is accepted again only as an extension of its tip, or after the
federation administrator's approval (``shuyaku-sim terminal re-enrol``), which opens
a new chain epoch whose first batch sets the start.

Account records (``account.create/revoke/change``) of accepted batches feed the
municipality's staff registry (:func:`check_staff`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from kokuho_pc.domain.leakscan import contains_my_number, hide_logged_hashes
from kokuho_pc.domain.oplog_chain import (
    ACCOUNT_ACTIONS,
    GENESIS_HASH,
    HASH_PATTERN,
    Tip,
    payload_hash,
)
from shuyaku_sim import model
from shuyaku_sim.errors import ChainRefused, InvalidRequest, StaffRefused
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.trust import ChainRow, StaffRow

MAX_BATCH = 10_000
MAX_RECORD_BYTES = 65_536
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _validated(record: object) -> tuple[int, str, str, str]:
    """(seq, canonical JSON text, its SHA-256, chain hash) of one record, or InvalidRequest."""
    seq = record.get("seq") if isinstance(record, Mapping) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise InvalidRequest("操作ログの通番(seq)が正しくありません。")
    assert isinstance(record, Mapping)
    try:
        text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise InvalidRequest("操作ログの形式が正しくありません。") from exc
    if len(text.encode("utf-8")) > MAX_RECORD_BYTES:
        raise InvalidRequest("操作ログの1件が大きすぎます。")
    if contains_my_number(hide_logged_hashes(text)):
        raise InvalidRequest("個人番号を含む操作ログは受け付けられません。")
    prev, digest = record.get("prev_hash"), record.get("hash")
    if (not isinstance(prev, str) or not HASH_PATTERN.fullmatch(prev)
            or not isinstance(digest, str) or not HASH_PATTERN.fullmatch(digest)):
        raise InvalidRequest("操作ログに連鎖ハッシュ(prev_hash, hash)がありません。")
    return seq, text, hashlib.sha256(text.encode("utf-8")).hexdigest(), digest


def accept_records(
    tx: Tx, municipality: str, terminal_id: str, records: Sequence[Mapping[str, object]],
    now: str,
) -> list[int]:
    """Store the records if they extend the terminal's tip; return the acknowledged seqs.

    Raises InvalidRequest (malformed) or ChainRefused (does not extend the tip: the
    caller stores the alert). Nothing is stored unless the whole batch is accepted.
    """
    if not terminal_id.strip():
        raise InvalidRequest("端末IDが必要です。")
    if len(records) > MAX_BATCH:
        raise InvalidRequest("一度に送信できる操作ログの件数を超えています。")
    checked = [(_validated(r), r) for r in records]
    chain = tx.chain_of(terminal_id) or ChainRow(terminal_id, municipality, 0, 0, GENESIS_HASH,
                                                  "ok", 0, None, None)
    acked: list[int] = []
    for (seq, text, sha, digest), record in checked:
        prev = str(record["prev_hash"])
        if payload_hash(record) != digest:
            raise ChainRefused("chain_broken", "chain_broken",
                               f"通番 {seq} のハッシュが内容と一致しません", "broken")
        if seq <= chain.tip_seq:
            held = tx.chained_record_hash(terminal_id, chain.epoch, seq)
            if held == digest:
                acked.append(seq)  # already acknowledged: a retry
                continue
            if seq == 1 and prev == GENESIS_HASH:
                raise ChainRefused(
                    "chain_restart", "chain_broken",
                    f"操作ログが最初から始め直されています(受領済み: 通番 {chain.tip_seq} まで)。"
                    "再登録の承認が必要です", "broken")
            raise ChainRefused(
                "chain_rollback", "rollback",
                f"受領済みの通番 {seq} と異なる記録が送られました(巻き戻し・書き換え)",
                "rolled_back")
        opening = chain.tip_hash is None and chain.tip_seq == 0  # re-enrolled: new start
        if not opening:
            if seq != chain.tip_seq + 1:
                raise ChainRefused("chain_broken", "chain_broken",
                                   f"通番 {chain.tip_seq + 1} から {seq - 1} が欠けています",
                                   "broken")
            if chain.tip_hash is not None and prev != chain.tip_hash:
                raise ChainRefused("chain_broken", "chain_broken",
                                   f"通番 {seq} の前の記録のハッシュが一致しません", "broken")
        tx.insert_chained_record(municipality, terminal_id, chain.epoch, seq, text, sha, digest,
                                 now)
        _feed_registry(tx, municipality, terminal_id, seq, record, now)
        time = record.get("time")
        chain = replace(chain, tip_seq=seq, tip_hash=digest, records=chain.records + 1,
                        last_record_time=time if isinstance(time, str) else chain.last_record_time)
        acked.append(seq)
    tx.save_chain(replace(chain, state="ok", last_contact=now))
    return acked


def refuse(tx: Tx, municipality: str, terminal_id: str, error: ChainRefused, now: str) -> None:
    """Store a refusal: the alert and the terminal's chain state (own transaction)."""
    chain = tx.chain_of(terminal_id) or ChainRow(terminal_id, municipality, 0, 0, GENESIS_HASH,
                                                  "ok", 0, None, None)
    tx.save_chain(replace(chain, state=error.state, last_contact=now))
    tx.raise_alert(municipality, terminal_id, error.alert, error.detail, now)


def tip_of(tx: Tx, terminal_id: str) -> dict[str, object]:
    """What the terminal's PC compares its log with: tip, epoch and chain state."""
    chain = tx.chain_of(terminal_id)
    if chain is None:
        return {"seq": 0, "hash": GENESIS_HASH, "epoch": 0, "state": "ok", "known": False}
    return {"seq": chain.tip_seq, "hash": chain.tip_hash, "epoch": chain.epoch,
            "state": chain.state, "known": True}


def touch(tx: Tx, municipality: str, terminal_id: str, now: str) -> None:
    """Note a contact from the terminal (for the review's ``silent`` alert)."""
    chain = tx.chain_of(terminal_id) or ChainRow(terminal_id, municipality, 0, 0, GENESIS_HASH,
                                                  "ok", 0, None, None)
    tx.save_chain(replace(chain, last_contact=now))


def report_rollback(
    tx: Tx, municipality: str, terminal_id: str, local: Tip, expected: Tip, reference: str,
    now: str,
) -> None:
    """The PC found its own log behind or diverging from the tip it knew: a ``rollback``."""
    where = "国保情報集約システムの受領記録" if reference == "server" else "端末外に保管した記録"
    detail = (f"端末が操作ログの巻き戻しを検出しました(端末の記録: 通番 {local.seq} まで、"
              f"{where}: 通番 {expected.seq})")
    chain = tx.chain_of(terminal_id) or ChainRow(terminal_id, municipality, 0, 0, GENESIS_HASH,
                                                  "ok", 0, None, None)
    tx.save_chain(replace(chain, state="rolled_back", last_contact=now))
    tx.raise_alert(municipality, terminal_id, "rollback", detail, now)


def re_enrol(tx: Tx, terminal_id: str, now: str) -> dict[str, object]:
    """Approve a terminal whose chain starts again: a new epoch whose first batch sets the
    start. The approval is recorded (table and ``re_enrolled`` alert)."""
    chain = tx.chain_of(terminal_id)
    if chain is None:
        raise InvalidRequest("この端末の操作ログは受領していません。")
    new_epoch = chain.epoch + 1
    tx.record_re_enrolment(terminal_id, chain.municipality_code, now, chain.epoch, new_epoch,
                           chain.tip_seq)
    tx.save_chain(replace(chain, epoch=new_epoch, tip_seq=0, tip_hash=None, state="ok"))
    tx.raise_alert(chain.municipality_code, terminal_id, "re_enrolled",
                   f"再登録を承認しました(旧記録: 通番 {chain.tip_seq} まで、"
                   f"新しい連鎖 {new_epoch})",
                   now)
    return {"terminal_id": terminal_id, "municipality_code": chain.municipality_code,
            "epoch": new_epoch, "previous_tip_seq": chain.tip_seq}


def _feed_registry(
    tx: Tx, municipality: str, terminal_id: str, seq: int, record: Mapping[str, object],
    now: str,
) -> None:
    action = record.get("action")
    targets = record.get("targets")
    if (action not in ACCOUNT_ACTIONS or record.get("result") != "success"
            or not isinstance(targets, Mapping)):
        return
    staff_id = targets.get("account")
    if not isinstance(staff_id, str) or not staff_id:
        return
    current = tx.staff(municipality, staff_id)
    if action == "account.create":
        current = StaffRow(municipality, staff_id, None, None, None, None)
    elif current is None:
        return  # a change of an account the registry never saw created: ignored
    role = targets.get("role")
    if isinstance(role, str):
        current = replace(current, role=role)
    for key in ("valid_from", "valid_to"):
        value = targets.get(key)
        if key in targets and (value is None or (isinstance(value, str)
                                                 and _DATE.fullmatch(value))):
            if key == "valid_from":
                current = replace(current, valid_from=value)
            else:
                current = replace(current, valid_to=value)
    if action == "account.revoke":
        time = record.get("time")
        current = replace(current, revoked_at=str(time) if isinstance(time, str) else now)
    tx.save_staff(current, terminal_id, seq, now)


def check_staff(tx: Tx, municipality: str, staff_id: str, today: str) -> str | None:
    """Why ``staff_id`` may not act for the municipality (None: it may).

    A municipality whose PCs never forwarded an account record has no registry yet:
    every ID is ``unknown`` (the caller refuses it and alerts). Reasons: ``unknown``,
    ``revoked``, ``expired`` (``valid_to`` before the server's date). A start date in
    the future is not refused here: the PC refuses the login before it, and the PC's and
    the server's dates may differ by a day around midnight.
    """
    row = tx.staff(municipality, staff_id)
    if row is None:
        return "unknown"
    if row.revoked_at is not None:
        return "revoked"
    if row.valid_to is not None and today > row.valid_to:
        return "expired"
    return None


def staff_refusal(reason: str) -> StaffRefused:
    """The 403 for a staff ID the registry refuses."""
    return StaffRefused({
        "unknown": "この職員IDは国保情報集約システムに登録されていません。",
        "no_registry": ("この市町村の職員台帳がまだありません。国保総合PCで管理者がログインし、"
                        "操作ログが送信されてから操作してください。"),
        "revoked": "この職員IDは失効しています。",
        "not_yet_valid": "この職員IDはまだ利用期間が始まっていません。",
        "expired": "この職員IDは利用期間が終了しています。",
    }.get(reason))


def list_records(
    tx: Tx, municipality: str | None, terminal_id: str | None, after_id: int, limit: int
) -> list[model.OperationLogRecord]:
    """Stored records after ``after_id`` (at most ``limit``, capped at 10,000)."""
    rows = tx.operation_log_rows(municipality, terminal_id, max(after_id, 0),
                                 max(1, min(limit, MAX_BATCH)))
    return [{"id": rid, "municipality_code": muni, "terminal_id": term, "seq": seq,
             "record": json.loads(text), "received_at": received}
            for rid, muni, term, seq, text, received in rows]
