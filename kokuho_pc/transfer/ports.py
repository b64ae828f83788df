"""What the transfer area needs from its neighbours, as small protocols.

The product passes ``profile.audit`` (``kokuho_pc.audit.log.AuditLog``) as
the operation log; the protocol names only what transfer code calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from kokuho_pc.audit.actions import AuditAction, AuditResult, log_hash

__all__ = [
    "CancelCheck",
    "OperationLog",
    "ProgressCallback",
    "log_hash",
    "never_cancelled",
    "no_progress",
]

# ``log_hash`` (hex in groups of 8) is defined with the operation log, which also
# applies it to every digest under a hash key itself; passing a digest through it
# here is optional and keeps the call sites explicit.


class OperationLog(Protocol):
    """The operation log (:class:`kokuho_pc.audit.log.AuditLog`): who did what, with which files."""

    def record(
        self,
        action: AuditAction,
        staff_id: str,
        targets: Mapping[str, Any] | None = None,
        result: AuditResult = AuditResult.SUCCESS,
    ) -> int:
        """Append one record; raise ``AuditError`` if it cannot be written."""
        ...


# progress(done, total, label): total 0 when unknown; label is Japanese.
ProgressCallback = Callable[[int, int, str], None]
# is_cancelled(): True once the user asked to stop.
CancelCheck = Callable[[], bool]


def no_progress(done: int, total: int, label: str) -> None:
    """A progress callback that ignores reports."""


def never_cancelled() -> bool:
    """A cancel check that never cancels."""
    return False
