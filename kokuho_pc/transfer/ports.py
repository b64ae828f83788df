"""What the transfer area needs from its neighbours, as small protocols.

The product passes ``profile.audit`` (``kokuho_pc.audit.log.AuditLog``) as
the operation log; the protocol names only what transfer code calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from kokuho_pc.audit.actions import AuditAction, AuditResult


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


def log_hash(hex_digest: str | None) -> str | None:
    """A SHA-256 as written to the operation log: hex in groups of 8 (``aa4e0686-eec9...``).

    Raw hex can hold a run of 12 digits that passes the 個人番号 check digit by
    chance, which the log (rightly) refuses; groups of 8 never form such a run.
    """
    if hex_digest is None:
        return None
    return "-".join(hex_digest[i : i + 8] for i in range(0, len(hex_digest), 8))
