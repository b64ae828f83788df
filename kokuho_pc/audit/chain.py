"""The operation log's hash chain: a forward-evolving HMAC key per record.

Record *i* is authenticated by ``mac_i = HMAC(K_i, mac_{i-1} || canonical(record_i))``
where ``K_1`` is derived from the store key and ``K_{i+1} = SHA-256(tag || K_i)``.
The sequence number is part of the canonical bytes and selects the key, so a
changed, deleted, re-ordered or inserted record breaks the chain. The chain
ends (first kept record, last written record) are sealed with a separate key,
so truncation at either end is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

ZERO_MAC = "00" * 32
_CHAIN_TAG = b"kokuho-pc/audit/chain/v1"
_SEAL_TAG = b"kokuho-pc/audit/seal/v1"
_EVOLVE_TAG = b"kokuho-pc/audit/evolve/v1"


def root_key(store_key: bytes) -> bytes:
    """``K_1``, the key of the first record."""
    return hmac.new(store_key, _CHAIN_TAG, hashlib.sha256).digest()


def seal_key(store_key: bytes) -> bytes:
    """The key sealing the chain's ends."""
    return hmac.new(store_key, _SEAL_TAG, hashlib.sha256).digest()


def evolve(key: bytes) -> bytes:
    """``K_{i+1}`` from ``K_i`` (one-way)."""
    return hashlib.sha256(_EVOLVE_TAG + key).digest()


def key_for(store_key: bytes, seq: int) -> bytes:
    """``K_seq`` computed from the root."""
    key = root_key(store_key)
    for _ in range(seq - 1):
        key = evolve(key)
    return key


def canonical_targets(targets: Mapping[str, Any]) -> str:
    """The stored JSON text of a record's targets (sorted keys, no spaces)."""
    return json.dumps(dict(targets), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_record(
    seq: int, time: str, terminal: str, staff_id: str, action: str, targets: str, result: str
) -> bytes:
    """The authenticated bytes of one record."""
    return json.dumps(
        [seq, time, terminal, staff_id, action, targets, result],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def record_mac(key: bytes, prev_mac: str, canonical: bytes) -> str:
    """``mac_i`` as hex."""
    return hmac.new(key, bytes.fromhex(prev_mac) + canonical, hashlib.sha256).hexdigest()


def seal(key: bytes, part: str, seq: int, mac: str) -> str:
    """Seal one end of the chain (``part`` is "base" or "tip")."""
    return hmac.new(key, f"{part}|{seq}|{mac}".encode("ascii"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two hex strings."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
