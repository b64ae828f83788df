"""What the transfer area needs from its neighbours, as small protocols.

The product wires the real operation log (``kokuho_pc.audit``) in
``kokuho_pc.services``; these protocols only keep the transfer code
independent of how that log is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol


class OperationLog(Protocol):
    """The operation log: who did what, with which files (never personal data)."""

    def record(
        self, action: str, *, actor: str | None, outcome: str, details: Mapping[str, object]
    ) -> None:
        """Append one record; raise ``AuditError`` if it cannot be written."""


# progress(done, total, label): total 0 when unknown; label is Japanese.
ProgressCallback = Callable[[int, int, str], None]
# is_cancelled(): True once the user asked to stop.
CancelCheck = Callable[[], bool]


def no_progress(done: int, total: int, label: str) -> None:
    """A progress callback that ignores reports."""


def never_cancelled() -> bool:
    """A cancel check that never cancels."""
    return False
