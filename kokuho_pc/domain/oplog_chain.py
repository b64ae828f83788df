"""The operation log's public hash chain: what the PC and the consolidation system share.

Each record carries ``prev_hash`` (the hash of the record before it; 64 zeros
before the first record of a chain) and ``hash = SHA-256(canonical bytes)``
where the canonical bytes are the compact JSON array
``[prev_hash, seq, time, terminal, staff_id, action, targets, result]`` with
``targets`` as its canonical JSON text (sorted keys, no spaces). Hashes are written
as 64 lowercase hex digits in groups of 8 (``aa4e0686-eec9...``), the form the
operation log uses for every digest: no 12-digit run that could pass for a
個人番号 can form in it, and the leak scans know to skip it. Anyone can
verify the chain without a key: that is the point. The PC's keyed MAC chain
(:mod:`kokuho_pc.audit.chain`) stays as well; it proves nothing to the
federation, which relies on this chain and on the tip it acknowledged.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def grouped(hex_digest: str) -> str:
    """A 64-hex-digit digest in groups of 8."""
    return "-".join(hex_digest[i : i + 8] for i in range(0, len(hex_digest), 8))


HASH_PATTERN = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{8}){7}")
GENESIS_HASH = grouped("0" * 64)

# Actions whose records feed the consolidation system's staff registry.
ACCOUNT_ACTIONS: frozenset[str] = frozenset({
    "account.create", "account.revoke", "account.change", "account.regrant",
})


def canonical_targets(targets: Mapping[str, Any]) -> str:
    """The canonical JSON text of a record's targets (sorted keys, no spaces)."""
    return json.dumps(dict(targets), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def record_hash(
    prev_hash: str, seq: int, time: str, terminal: str, staff_id: str, action: str,
    targets_text: str, result: str,
) -> str:
    """The SHA-256 (hex) of one record chained to ``prev_hash``."""
    canonical = json.dumps(
        [prev_hash, seq, time, terminal, staff_id, action, targets_text, result],
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")
    return grouped(hashlib.sha256(canonical).hexdigest())


@dataclass(frozen=True)
class Tip:
    """The end of a chain: the last record's sequence number and hash (seq 0: empty)."""

    seq: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        """``{"seq": int, "hash": str}``."""
        return {"seq": self.seq, "hash": self.hash}

    @classmethod
    def from_json(cls, data: object) -> Tip | None:
        """A tip from ``{"seq", "hash"}``, or None when malformed."""
        if not isinstance(data, Mapping):
            return None
        seq, digest = data.get("seq"), data.get("hash")
        if (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0
                or not isinstance(digest, str) or not HASH_PATTERN.fullmatch(digest)):
            return None
        return cls(seq, digest)


EMPTY_TIP = Tip(0, GENESIS_HASH)


def payload_hash(record: Mapping[str, Any]) -> str | None:
    """The hash a forwarded record should carry, recomputed from its fields (None: malformed)."""
    try:
        targets = record["targets"]
        if not isinstance(targets, Mapping):
            return None
        fields = (record["prev_hash"], record["time"], record["terminal"], record["staff_id"],
                  record["action"], record["result"])
        if not all(isinstance(f, str) for f in fields):
            return None
        seq = record["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            return None
        return record_hash(str(record["prev_hash"]), seq, str(record["time"]),
                           str(record["terminal"]), str(record["staff_id"]),
                           str(record["action"]), canonical_targets(targets),
                           str(record["result"]))
    except (KeyError, TypeError, ValueError):
        return None
