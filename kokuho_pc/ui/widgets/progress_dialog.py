"""The progress dialog of a background job (shown only after about 0.5 s)."""

from __future__ import annotations

from kokuho_pc.ui.widgets.qt import (
    QCloseEvent,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)


class ProgressDialog(QDialog):
    """A window-modal dialog with a label, a progress bar and 「中止」.

    Closing the dialog or pressing Escape counts as 「中止」 when the job is
    cancellable and is ignored otherwise; the job closes the dialog itself.
    """

    cancel_requested = Signal()

    def __init__(self, label: str, cancellable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cancellable = cancellable
        self._finished = False
        self.setWindowTitle("処理中")
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, cancellable)
        self.setMinimumWidth(420)
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the work reports a total
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("中止(&C)")
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.clicked.connect(self._request_cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)

    def set_progress(self, done: int, total: int | None, label: str | None) -> None:
        """Show ``done`` of ``total`` (busy indicator when ``total`` is unknown)."""
        if label:
            self.label.setText(label)
        if total is None or total <= 0:
            self.bar.setRange(0, 0)
            self.bar.setTextVisible(False)
        else:
            self.bar.setRange(0, total)
            self.bar.setValue(max(0, min(done, total)))
            self.bar.setTextVisible(True)
            self.bar.setFormat(f"{min(done, total)} / {total} 件")  # with its unit (issue 17)

    def finish(self) -> None:
        """Close for good (the job is over)."""
        self._finished = True
        self.close()
        self.deleteLater()

    def _request_cancel(self) -> None:
        if not self._cancellable or not self.cancel_button.isEnabled():
            return
        self.cancel_button.setEnabled(False)
        self.label.setText("中止しています…")
        self.cancel_requested.emit()

    def reject(self) -> None:
        """Escape: cancel the job instead of hiding the dialog."""
        if self._finished:
            super().reject()
        else:
            self._request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Window close button: cancel the job; the dialog stays until the job ends."""
        if self._finished:
            event.accept()
            return
        event.ignore()
        self._request_cancel()
