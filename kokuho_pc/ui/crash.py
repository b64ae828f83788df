"""The crash hook, installed before the first window.

An exception nobody caught (in a slot, an event handler, or start-up code after
the application object exists) is logged as support details without personal
data and shown in the Japanese error dialog, and the application keeps running.
Exceptions in plain threads are logged only. While one crash dialog is open,
further crashes are logged without opening more dialogs.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import TracebackType

from kokuho_pc.ui import log
from kokuho_pc.ui.widgets.qt import QApplication, QWidget, qVersion

CRASH_TITLE = "予期しないエラー"

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class CrashHook:
    """Callable installed as ``sys.excepthook``; see the module docstring."""

    def __init__(self, parent: Callable[[], QWidget | None] = QApplication.activeWindow) -> None:
        self._parent = parent
        self._dialog_open = False
        self.previous: ExceptHook = sys.excepthook

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """Log and show one uncaught exception."""
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous(exc_type, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        from kokuho_pc.ui.widgets.error_details import exception_details  # warmed up

        log.crash.critical("uncaught exception:\n%s", exception_details(exc, qt_version=qVersion()))
        if QApplication.instance() is None or self._dialog_open:
            return
        try:
            from kokuho_pc.ui.widgets.error_dialog import show_error

            self._dialog_open = True
            show_error(self._parent(), exc, on_closed=self._closed, title=CRASH_TITLE)
        except Exception:  # the dialog itself failed: the log line must do
            self._dialog_open = False
            log.crash.critical("the error dialog could not be shown")

    def _closed(self) -> None:
        self._dialog_open = False


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    from kokuho_pc.ui.widgets.error_details import exception_details  # warmed up

    log.crash.critical(
        "uncaught exception in thread %s:\n%s",
        args.thread.name if args.thread else "?",
        exception_details(args.exc_value),
    )


def install_crash_hook(
    parent: Callable[[], QWidget | None] = QApplication.activeWindow,
) -> CrashHook:
    """Install the hook for the GUI thread and a logging hook for other threads."""
    hook = CrashHook(parent)
    sys.excepthook = hook
    threading.excepthook = _thread_hook
    return hook
