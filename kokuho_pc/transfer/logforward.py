"""Forward the operation log to the consolidation system over the same client.

Records not yet acknowledged are sent in batches (identifiers only, as they
are stored; never personal data), each batch with an idempotency key stored
before the first attempt; the server's acknowledgement marks them locally.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.records import TransferRecords


class ForwardableLog(Protocol):
    """The part of :class:`kokuho_pc.audit.log.AuditLog` used for forwarding."""

    def records(self, *, after_seq: int = 0, limit: int = 1000,
                unacknowledged_only: bool = False) -> list[Any]: ...
    def acknowledge(self, up_to_seq: int) -> int: ...
    def record(self, action: AuditAction, staff_id: str, targets: Any = None,
               result: AuditResult = AuditResult.SUCCESS) -> int: ...

    @property
    def terminal(self) -> str: ...


def _payload(record: Any) -> dict[str, Any]:
    return {"seq": record.seq, "time": record.time, "terminal": record.terminal,
            "staff_id": record.staff_id, "action": record.action,
            "targets": record.targets, "result": record.result}


def forward_operation_log(
    log: ForwardableLog, client_factory: Callable[[], ConsolidationClient],
    records: TransferRecords, staff_id: str, batch: int = 500,
) -> int:
    """Send every unacknowledged record over a new client; return how many were acknowledged."""
    if not log.records(unacknowledged_only=True, limit=1):
        return 0
    with client_factory() as client:
        return _send_pending(client, log, records, staff_id, batch)


def forward_over(
    client: ConsolidationClient, log: ForwardableLog, records: TransferRecords, staff_id: str,
    batch: int = 500,
) -> int:
    """Send every unacknowledged record over ``client`` (e.g. the one a transfer just
    used); return how many were acknowledged."""
    if not log.records(unacknowledged_only=True, limit=1):
        return 0
    return _send_pending(client, log, records, staff_id, batch)


def _send_pending(
    client: ConsolidationClient, log: ForwardableLog, records: TransferRecords, staff_id: str,
    batch: int,
) -> int:
    """Send the unacknowledged records in batches (the caller found at least one)."""
    total = 0
    after = 0
    while True:
        rows = log.records(after_seq=after, limit=batch, unacknowledged_only=True)
        if not rows:
            break
        first, last = rows[0].seq, rows[-1].seq
        job = records.open_job("log_forward", f"log:{log.terminal}:{first}-{last}", [])
        acked = set(client.forward_operation_log([_payload(r) for r in rows],
                                                 job.idempotency_key))
        contiguous = [r.seq for r in rows if r.seq in acked]
        if len(contiguous) != len(rows):
            break  # acknowledge only what the server confirmed, in order
        with records.batch():
            log.acknowledge(last)
            records.set_job_state(job.job_id, "done")
        total += len(rows)
        after = last
        if len(rows) < batch:
            break
    log.record(AuditAction.AUDIT_FORWARD, staff_id, {"count": total, "up_to_seq": after})
    return total
