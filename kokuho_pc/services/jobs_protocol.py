"""What a long-running service call receives from the UI's background-job helper.

A service method that may take long (key derivation, checks, network, PDF)
accepts a :class:`ProgressReporter` and a :class:`CancelToken`. It reports
progress now and then and calls :meth:`CancelToken.raise_if_cancelled` at safe
points; the UI's ``kokuho_pc.ui.jobs`` runs it off the GUI thread. Nothing here
imports Qt, so the services and the command line use the same types
(the command line passes :data:`NO_PROGRESS` and a token nobody cancels).
"""

from __future__ import annotations

import threading
from typing import Protocol

from kokuho_pc.domain.errors import Cancelled


class ProgressReporter(Protocol):
    """Receives progress of one job; callable from any thread."""

    def __call__(self, done: int, total: int | None = None, label: str | None = None) -> None:
        """Report ``done`` of ``total`` steps (``total`` None: unknown); ``label`` is Japanese."""


class CancelToken:
    """Set by the UI when the user cancels; checked by the work at safe points."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop (it stops at its next check)."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`~kokuho_pc.domain.errors.Cancelled` when cancelled."""
        if self._event.is_set():
            raise Cancelled()


def _no_progress(done: int, total: int | None = None, label: str | None = None) -> None:
    """Discard progress (command line, tests)."""


NO_PROGRESS: ProgressReporter = _no_progress
