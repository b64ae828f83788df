"""Forward the operation log to the consolidation system over the same client.

Records not yet acknowledged are sent in batches (identifiers only, as they
are stored; never personal data) with their chain hashes (``prev_hash``,
``hash``), each batch with an idempotency key stored before the first attempt;
the server's acknowledgement marks them locally and its tip is remembered outside
the store. A batch that does not extend the tip the server acknowledged is refused
(409, ``chain_*``): that is :class:`LogForwardRefused`, which callers turn into an
alarm, never a log line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.domain.errors import LogForwardRefused, ServerRefused
from kokuho_pc.domain.oplog_chain import Tip
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.records import TransferRecords

CHAIN_REFUSALS = frozenset({"chain_rollback", "chain_restart", "chain_broken", "chain_refused"})


class ForwardableLog(Protocol):
    """The part of :class:`kokuho_pc.audit.log.AuditLog` used for forwarding."""

    def records(self, *, after_seq: int = 0, limit: int = 1000,
                unacknowledged_only: bool = False) -> list[Any]: ...
    def acknowledge(self, up_to_seq: int) -> int: ...
    def server_acknowledged(self, tip: Tip) -> None: ...
    def record(self, action: AuditAction, staff_id: str, targets: Any = None,
               result: AuditResult = AuditResult.SUCCESS) -> int: ...

    @property
    def terminal(self) -> str: ...


def _payload(record: Any) -> dict[str, Any]:
    return {"seq": record.seq, "time": record.time, "terminal": record.terminal,
            "staff_id": record.staff_id, "action": record.action,
            "targets": record.targets, "result": record.result,
            "prev_hash": record.prev_hash, "hash": record.hash}


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
    only_forward_records = True
    while True:
        rows = log.records(after_seq=after, limit=batch, unacknowledged_only=True)
        if not rows:
            break
        first, last = rows[0].seq, rows[-1].seq
        job = records.open_job("log_forward", f"log:{log.terminal}:{first}-{last}", [])
        try:
            acked = set(client.forward_operation_log([_payload(r) for r in rows],
                                                     job.idempotency_key))
        except ServerRefused as exc:
            if getattr(exc, "server_code", "") in CHAIN_REFUSALS:
                refused = LogForwardRefused(hint=exc.hint)
                refused.server_code = exc.server_code  # type: ignore[attr-defined]
                refused.server_message = exc.user_message  # type: ignore[attr-defined]
                raise refused from exc
            raise
        contiguous = [r.seq for r in rows if r.seq in acked]
        if len(contiguous) != len(rows):
            break  # acknowledge only what the server confirmed, in order
        with records.batch():
            log.acknowledge(last)
            records.set_job_state(job.job_id, "done")
        log.server_acknowledged(Tip(last, rows[-1].hash))
        total += len(rows)
        after = last
        only_forward_records = only_forward_records and all(
            r.action == AuditAction.AUDIT_FORWARD.value for r in rows)
        if len(rows) < batch:
            break
    if not (total and only_forward_records):
        # (forwarding only the previous forwarding's own record is not recorded again:
        # else every periodic forwarding would leave one more record to forward)
        log.record(AuditAction.AUDIT_FORWARD, staff_id, {"count": total, "up_to_seq": after})
    return total
