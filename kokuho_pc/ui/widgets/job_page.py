"""What the 移入・送信 and 受信・移出 pages share: one cancellable job with a progress strip.

A page runs one job at a time (``busy``, ``job``). While it runs, the
progress bar, its label and the 「中止」 button show; the worker's progress
reaches the GUI thread through ``progressed``. When it ends the page shows its
hint again. Errors go to the page's status banner (and, for an unexpected
error, the error dialog).
"""

from __future__ import annotations

from typing import Any

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.ui.jobs import Job
from kokuho_pc.ui.widgets.error_dialog import show_error, user_message
from kokuho_pc.ui.widgets.keyboard import focus_first
from kokuho_pc.ui.widgets.qt import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTimer,
    QWidget,
    Signal,
)
from kokuho_pc.ui.widgets.status_banner import StatusBanner


def bold_label(text: str) -> QLabel:
    """A label in bold (a section title of a page)."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class JobPage(QWidget):
    """Base of a page running one job at a time with progress and cancel.

    Subclasses create ``self.banner`` (a :class:`StatusBanner`) and implement
    ``_update_buttons``; ``hint`` is what the progress label says when idle.
    """

    progressed = Signal(int, int, str)  # emitted from the worker; delivered on the GUI thread

    banner: StatusBanner

    def __init__(self, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hint = hint
        self.busy = False
        self.job: Job[Any] | None = None
        self.cancel_button = QPushButton("中止(&C)")
        self._focus_before: QWidget | None = None
        self.progress = QProgressBar()
        self.progress_label = QLabel(hint)
        self.progress.setVisible(False)
        self.progress.setMinimumWidth(240)
        self.cancel_button.setVisible(False)
        self.progressed.connect(self._show_progress)

    def _update_buttons(self) -> None:
        """Enable what may be used now (subclasses)."""
        raise NotImplementedError

    def _action_row(self, *buttons: QPushButton) -> QHBoxLayout:
        """The row of the page's buttons, then the progress bar, its label and 「中止」."""
        actions = QHBoxLayout()
        for button in buttons:
            actions.addWidget(button)
        actions.addSpacing(16)
        actions.addWidget(self.progress)
        actions.addWidget(self.progress_label, 1)
        actions.addWidget(self.cancel_button)
        return actions

    def _start(self, label: str) -> None:
        focused = QApplication.focusWidget()
        self._focus_before = focused if focused is not None and self.isAncestorOf(
            focused) else None
        self.busy = True
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.progress_label.setText(label)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self._update_buttons()

    def _finish(self) -> None:
        self.busy = False
        self.job = None
        self.progress.setVisible(False)
        self.progress_label.setText(self._hint)
        self.cancel_button.setVisible(False)
        self._update_buttons()
        QTimer.singleShot(0, self._restore_focus)  # after the page handled the outcome

    def next_focus(self) -> tuple[QWidget | None, ...]:
        """Where the focus goes when a job ended, first usable one wins (subclasses)."""
        return (self._focus_before,)

    def _restore_focus(self) -> None:
        """The focus went with the disabled buttons while the job ran: put it on the next
        logical control (not when the user moved elsewhere meanwhile)."""
        if not self.isVisible():
            return
        focused = QApplication.focusWidget()
        if focused is not None and (focused.window() is not self.window() or (
                not self.isAncestorOf(focused) and self._focus_before is None)):
            return
        focus_first(self, *self.next_focus())

    def _show_progress(self, done: int, total: int, label: str) -> None:
        if not self.busy:
            return
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"{min(done, total)} / {total} 件")
        if label:
            self.progress_label.setText(label)

    def _report(self, progress: Any) -> Any:
        """A progress callback for the worker: to the job, and to the page's progress strip."""
        def report(done: int, total: int, label: str) -> None:
            progress(done, total, label)
            self.progressed.emit(done, total or 0, label or "")
        return report

    def cancel(self) -> None:
        """「中止」: ask the running job to stop at its next safe point."""
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("中止しています…")

    def _show_error(self, exc: BaseException, suffix: str = "") -> None:
        message, hint = user_message(exc)
        if not isinstance(exc, KokuhoError):
            show_error(self, exc)
        self.banner.set_message(f"{message}{suffix}", "error", hint)
