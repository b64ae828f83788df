"""Build forwarded operation-log records chained exactly as the PC chains them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kokuho_pc.domain.oplog_chain import GENESIS_HASH, canonical_targets, record_hash

Entry = tuple[str, str, Mapping[str, Any]] | tuple[str, str, Mapping[str, Any], str]


def chained(
    entries: Sequence[Entry], *, start: int = 1, prev: str = GENESIS_HASH,
    terminal: str = "pc-1", time: str = "2026-11-02T10:00:00.000+09:00",
) -> list[dict[str, Any]]:
    """Records ``(action, staff_id, targets[, result])`` numbered from ``start`` after ``prev``."""
    out: list[dict[str, Any]] = []
    for offset, entry in enumerate(entries):
        action, staff, targets = entry[0], entry[1], dict(entry[2])
        result = entry[3] if len(entry) > 3 else "success"  # type: ignore[misc]
        seq = start + offset
        digest = record_hash(prev, seq, time, terminal, staff, action,
                             canonical_targets(targets), result)
        out.append({"seq": seq, "time": time, "terminal": terminal, "staff_id": staff,
                    "action": action, "targets": targets, "result": result,
                    "prev_hash": prev, "hash": digest})
        prev = digest
    return out


def account_created(staff: str, role: str = "staff", valid_from: str = "2026-04-01",
                    valid_to: str | None = None) -> Entry:
    """The ``account.create`` record of a new account."""
    return ("account.create", "admin01", {"account": staff, "role": role,
                                          "valid_from": valid_from, "valid_to": valid_to})
