"""Every operation of ``/api/v1``, one module per area (each exports ``OPERATIONS``)."""

from __future__ import annotations

from shuyaku_sim.api.operation import Operation
from shuyaku_sim.api.routes import candidates, deliveries, oplog, service, submissions

MODULES = (service, submissions, deliveries, candidates, oplog)


def all_operations() -> list[Operation]:
    """The operations of every area, in document order."""
    return [op for module in MODULES for op in module.OPERATIONS]
