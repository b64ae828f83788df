"""Is the local operation log behind, or diverging from, a tip known elsewhere?

A reference tip is the consolidation system's acknowledged tip, or the highest
tip this PC remembered outside the store (:mod:`kokuho_pc.store.anchor`). The
local log must hold that record with that hash: shorter means records were
removed (an older store file, a deleted write-ahead log), another hash means the
chain was rewritten (even with the store key and a recomputed MAC chain).
"""

from __future__ import annotations

from dataclasses import dataclass

from kokuho_pc.audit.log import AuditLog
from kokuho_pc.domain.oplog_chain import Tip


@dataclass(frozen=True)
class RollbackFinding:
    """A detected rollback: the local tip, the reference it fails and which one."""

    local: Tip
    expected: Tip
    reference: str  # "server" or "local" (the tip kept outside the store)
    kind: str  # "behind", "diverged" or "unsent_marked_sent"


def compare(log: AuditLog, reference: Tip, source: str) -> RollbackFinding | None:
    """The finding when ``log`` does not contain ``reference``; None when it does (or when
    the reference record was pruned long ago and cannot be compared)."""
    if reference.seq == 0:
        return None
    local = log.tip()
    if local.seq < reference.seq:
        return RollbackFinding(local, reference, source, "behind")
    held = log.hash_at(reference.seq)
    if held is None or held == reference.hash:
        return None
    return RollbackFinding(local, reference, source, "diverged")


def compare_acknowledged(log: AuditLog, server: Tip, base: int, source: str
                         ) -> RollbackFinding | None:
    """Records marked acknowledged beyond what the consolidation system acknowledged
    (``server``; ``base``: acknowledged before a re-enrolment) were never forwarded: their
    ``forwarded_ack`` was set by hand, so they would be pruned unseen."""
    marked = log.acknowledged_up_to()
    if marked <= max(server.seq, base):
        return None
    return RollbackFinding(Tip(marked, log.hash_at(marked) or ""), server, source,
                           "unsent_marked_sent")
