"""The one background-job helper (Anki ``QueryOp`` style).

The GUI thread never waits on disk, network, key derivation or PDF work::

    jobs.run(
        lambda progress, cancel: service.send(files, progress, cancel),
        on_success=self._show_result,
        on_failure=self._show_failure,      # optional: default is the error dialog
        progress_label="送信しています…",     # optional: no dialog without a label
        parent=self,
    )

``work(progress, cancel)`` runs on a worker thread; it reports progress with
``progress(done, total, label)`` and calls ``cancel.raise_if_cancelled()`` at
safe points. ``on_success(result)`` or ``on_failure(exc)`` then runs on the GUI
thread. A progress dialog appears only when the work is still running after
about half a second. Work passed with ``store=True`` (anything touching the
local database) runs on one dedicated thread, so store access is serialised.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from kokuho_pc.domain.errors import Cancelled, KokuhoError
from kokuho_pc.services.jobs_protocol import CancelToken, ProgressReporter
from kokuho_pc.ui import log
from kokuho_pc.ui.widgets.qt import (
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    QWidget,
    Signal,
    Slot,
    qt_object_alive,
)

if TYPE_CHECKING:  # the dialogs load with the first slow job or error, not at start-up
    from kokuho_pc.ui.widgets.progress_dialog import ProgressDialog

T = TypeVar("T")
Work = Callable[[ProgressReporter, CancelToken], T]

PROGRESS_DELAY_MS = 500
_PROGRESS_MIN_INTERVAL = 0.05  # seconds between two progress signals from one job


class Job(QObject, Generic[T]):
    """One running piece of work; lives on the GUI thread, its work on a worker."""

    # Emitted from the worker thread; delivered queued on the GUI thread.
    _succeeded = Signal(object)
    _failed = Signal(object)
    _progressed = Signal(int, object, object)
    finished = Signal()

    def __init__(
        self,
        work: Work[T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
        progress_label: str | None,
        cancellable: bool,
        parent_widget: QWidget | None,
        progress_delay_ms: int,
    ) -> None:
        super().__init__()
        self.token = CancelToken()
        self.done = False
        self.dialog: ProgressDialog | None = None
        self._work = work
        self._on_success = on_success
        self._on_failure = on_failure
        self._label = progress_label
        self._cancellable = cancellable
        self._parent_widget = parent_widget
        self._last_progress = (0, None, None)
        self._last_emit = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(progress_delay_ms)
        self._wire()

    def _wire(self) -> None:
        self._succeeded.connect(self._deliver_success)
        self._failed.connect(self._deliver_failure)
        self._progressed.connect(self._show_progress)
        self._timer.timeout.connect(self._show_dialog)

    def cancel(self) -> None:
        """Ask the work to stop (it raises ``Cancelled`` at its next check)."""
        if self._cancellable:
            self.token.cancel()

    # --- worker thread ---------------------------------------------------------------

    def execute(self) -> None:
        """Run the work (called on the worker thread)."""
        try:
            result = self._work(self._report, self.token)
        except Exception as exc:  # every failure goes back to the GUI thread
            self._failed.emit(exc)
        else:
            self._succeeded.emit(result)

    def _report(self, done: int, total: int | None = None, label: str | None = None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if final or now - self._last_emit >= _PROGRESS_MIN_INTERVAL:
            self._last_emit = now
            self._progressed.emit(done, total, label)

    # --- GUI thread ------------------------------------------------------------------

    def start_timer(self) -> None:
        """Arm the delayed progress dialog (only when a label was given)."""
        if self._label is not None:
            self._timer.start()

    @Slot()
    def _show_dialog(self) -> None:
        if self.done or self._label is None:
            return
        from kokuho_pc.ui.widgets.progress_dialog import ProgressDialog

        self.dialog = ProgressDialog(self._label, self._cancellable, self._parent_widget)
        self.dialog.cancel_requested.connect(self.cancel)
        self.dialog.set_progress(*self._last_progress)
        self.dialog.show()

    @Slot(int, object, object)
    def _show_progress(self, done: int, total: object, label: object) -> None:
        self._last_progress = (done, total, label)  # type: ignore[assignment]
        if self.dialog is not None:
            self.dialog.set_progress(done, total, label)  # type: ignore[arg-type]

    def _end(self) -> bool:
        """Close the progress dialog; False when the parent widget is gone (no callbacks)."""
        self.done = True
        self._timer.stop()
        if self.dialog is not None:
            if qt_object_alive(self.dialog):
                self.dialog.finish()
            self.dialog = None
        parent = self._parent_widget
        if parent is not None and not qt_object_alive(parent):
            log.jobs.info("a job finished after its window closed; result dropped")
            return False
        return True

    @Slot(object)
    def _deliver_success(self, result: Any) -> None:
        try:
            if self._end():
                self._on_success(result)
        finally:
            self.finished.emit()

    @Slot(object)
    def _deliver_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, KokuhoError):
            from kokuho_pc.ui.widgets.error_details import exception_details  # warmed up

            log.jobs.error("background job failed unexpectedly:\n%s", exception_details(exc))
        try:
            if self._end():
                self._on_failure(exc)
        finally:
            self.finished.emit()


class _Runnable(QRunnable):
    """Adapter running one job's work in a thread pool."""

    def __init__(self, job: Job[Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._job = job

    def run(self) -> None:
        """Execute the job's work."""
        self._job.execute()


class JobRunner(QObject):
    """Starts background jobs; pass one instance to every window that needs it."""

    def __init__(self, max_threads: int = 4, progress_delay_ms: int = PROGRESS_DELAY_MS) -> None:
        super().__init__()
        self.progress_delay_ms = progress_delay_ms
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        self._store_pool = QThreadPool()
        self._store_pool.setMaxThreadCount(1)
        self._store_pool.setExpiryTimeout(-1)  # the one store thread lives until shutdown
        self._active: dict[Job[Any], _Runnable] = {}

    def run(
        self,
        work: Work[T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        progress_label: str | None = None,
        cancellable: bool = True,
        parent: QWidget | None = None,
        store: bool = False,
    ) -> Job[T]:
        """Run ``work`` off the GUI thread; see the module docstring."""
        failure = on_failure if on_failure is not None else _default_failure(parent)
        job: Job[T] = Job(
            work, on_success, failure, progress_label, cancellable, parent,
            self.progress_delay_ms,
        )
        runnable = _Runnable(job)
        self._active[job] = runnable
        job.finished.connect(lambda: self._active.pop(job, None))
        job.start_timer()
        (self._store_pool if store else self._pool).start(runnable)
        return job

    def active_jobs(self) -> list[Job[Any]]:
        """Jobs whose callbacks have not run yet."""
        return list(self._active)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every job and wait for the workers; True when all stopped in time."""
        for job in self._active:
            job.cancel()
        stopped = bool(self._pool.waitForDone(timeout_ms))
        stopped = bool(self._store_pool.waitForDone(timeout_ms)) and stopped
        self._active.clear()
        return stopped


def _default_failure(parent: QWidget | None) -> Callable[[BaseException], None]:
    def show(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        from kokuho_pc.ui.widgets.error_dialog import show_error

        show_error(parent, exc)

    return show
