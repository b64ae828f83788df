"""The Japanese error dialog with 「詳細をコピー」 for support.

What staff read comes from ``kokuho_pc.services.messages.describe_error``, the
one place that turns errors into Japanese (an unexpected error's own message
may hold data and is never shown). The copied details are
:func:`~kokuho_pc.ui.widgets.error_details.exception_details`: types, codes and
file:line frames, never values.
"""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.services.messages import describe_error
from kokuho_pc.ui.widgets.error_details import exception_details
from kokuho_pc.ui.widgets.msgbox import keep_alive
from kokuho_pc.ui.widgets.qt import (
    QDialog,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    Qt,
    QVBoxLayout,
    QWidget,
    qVersion,
)


def user_message(exc: BaseException) -> tuple[str, str]:
    """Return (message, hint) in Japanese for any exception, free of personal data."""
    described = describe_error(exc)
    return described.message, described.hint


class ErrorDialog(QDialog):
    """Shows one error: what happened, what to do, and a support-details button."""

    def __init__(
        self, exc: BaseException, parent: QWidget | None = None, title: str | None = None
    ) -> None:
        super().__init__(parent)
        described = describe_error(exc)
        self.setWindowTitle(title or described.title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )
        self.setMinimumWidth(460)
        message, hint = described.message, described.hint
        self.details = exception_details(exc, qt_version=qVersion())
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(message)
        self.message_label.setWordWrap(True)
        font = self.message_label.font()
        font.setBold(True)
        self.message_label.setFont(font)
        self.hint_label = QLabel(hint)
        self.hint_label.setWordWrap(True)
        self.status_label = QLabel("")
        self.copy_button = QPushButton("詳細をコピー")
        self.copy_button.setAutoDefault(False)
        self.close_button = QPushButton("閉じる")
        self.close_button.setDefault(True)
        self._wire()

        texts = QVBoxLayout()
        texts.addWidget(self.message_label)
        texts.addWidget(self.hint_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(texts, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addLayout(buttons)

    def _wire(self) -> None:
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button.clicked.connect(self.accept)

    def copy_details(self) -> None:
        """Put the support details on the clipboard."""
        QGuiApplication.clipboard().setText(self.details)
        self.status_label.setText("詳細をコピーしました。")


def show_error(
    parent: QWidget | None,
    exc: BaseException,
    on_closed: Callable[[], None] | None = None,
    title: str | None = None,
) -> ErrorDialog:
    """Open an :class:`ErrorDialog` with ``show()``; ``on_closed`` runs when it closes."""
    dialog = ErrorDialog(exc, parent, title)
    if on_closed is not None:
        callback = on_closed
        dialog.finished.connect(lambda _code: callback())
    keep_alive(dialog)
    dialog.show()
    return dialog
