"""The Japanese error dialog with 「詳細をコピー」 for support.

What staff read comes from :func:`user_message`: the ``user_message`` and
``hint`` of a :class:`~kokuho_pc.domain.errors.KokuhoError`, or a generic
sentence for anything unexpected (whose own message may hold data and is
never shown). The copied details are :func:`~kokuho_pc.ui.error_details.exception_details`:
types, codes and file:line frames, never values.
"""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.ui.error_details import exception_details
from kokuho_pc.ui.msgbox import keep_alive
from kokuho_pc.ui.qt import (
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

UNEXPECTED_MESSAGE = "予期しないエラーが発生しました。"
UNEXPECTED_HINT = (
    "作業中の内容を確認し、必要であればもう一度操作してください。"
    "繰り返し発生する場合は「詳細をコピー」を押し、情報システム管理者に連絡してください。"
)


def user_message(exc: BaseException) -> tuple[str, str]:
    """Return (message, hint) in Japanese for any exception, free of personal data."""
    if isinstance(exc, KokuhoError):
        return exc.user_message, exc.hint
    return UNEXPECTED_MESSAGE, UNEXPECTED_HINT


class ErrorDialog(QDialog):
    """Shows one error: what happened, what to do, and a support-details button."""

    def __init__(
        self, exc: BaseException, parent: QWidget | None = None, title: str = "エラー"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )
        self.setMinimumWidth(460)
        message, hint = user_message(exc)
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
    title: str = "エラー",
) -> ErrorDialog:
    """Open an :class:`ErrorDialog` with ``show()``; ``on_closed`` runs when it closes."""
    dialog = ErrorDialog(exc, parent, title)
    if on_closed is not None:
        callback = on_closed
        dialog.finished.connect(lambda _code: callback())
    keep_alive(dialog)
    dialog.show()
    return dialog
