"""Registering an authenticator app when the policy requires a second factor.

``begin()`` (``AccountService.begin_totp_enrolment`` bound to the session)
returns the pending enrolment whose key the staff member types into the
authenticator app; ``confirm(enrolment, code)`` checks the first six-digit
code and stores the key. Both run through the job helper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.messages import describe_error
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

Begin = Callable[[], Any]
Confirm = Callable[[Any, str], None]


def group_key(secret: str) -> str:
    """The base32 key in groups of four for reading aloud and typing."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TotpEnrolDialog(QDialog):
    """Shows the key, asks for the first code; emits :attr:`enrolled`."""

    enrolled = Signal()

    def __init__(
        self, jobs: JobRunner, begin: Begin, confirm: Confirm, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._begin = begin
        self._confirm = confirm
        self._enrolment: Any = None
        self.setWindowTitle("ワンタイムパスワードの登録")
        self.setMinimumWidth(560)
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )
        intro = QLabel(
            "この端末ではワンタイムパスワードが必要です。認証アプリ(スマートフォン等)で"
            "「キーを入力」を選び、次のキーを登録してください。"
            "登録後、アプリに表示された6桁の数字を入力してください。"
        )
        intro.setWordWrap(True)
        self.key_label = QLabel("キーを作成しています…")
        key_font = QFont("monospace")
        key_font.setStyleHint(QFont.StyleHint.Monospace)
        key_font.setPointSizeF(self.font().pointSizeF() * 1.3)
        key_font.setBold(True)
        self.key_label.setFont(key_font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code = QLineEdit()
        self.code.setMaxLength(6)
        self.code.setPlaceholderText("6桁の数字")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("登録する", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(
            "ログアウト", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.ok_button.setEnabled(False)
        self._wire()
        form = QFormLayout()
        form.addRow("確認コード", self.code)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.key_label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _wire(self) -> None:
        """Every signal of the dialog, in one place."""
        self.ok_button.clicked.connect(self.submit)
        self.code.returnPressed.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

    def start(self) -> None:
        """Show the dialog and create the key in the background."""
        self.show()
        self._jobs.run(
            lambda _p, _c: self._begin(), self._key_ready, self._key_failed, parent=self
        )

    def _key_ready(self, enrolment: Any) -> None:
        self._enrolment = enrolment
        self.key_label.setText(group_key(str(enrolment.secret_base32)))
        self.ok_button.setEnabled(True)
        self.code.setFocus()

    def _key_failed(self, exc: BaseException) -> None:
        self.key_label.setText("")
        show_error(self, exc, on_closed=self.reject)

    def submit(self) -> None:
        """Check the first code in the background."""
        code = self.code.text().strip()
        if self._enrolment is None or not self.ok_button.isEnabled():
            return
        if len(code) != 6 or not code.isdigit():
            self.message.setText("6桁の数字を入力してください。")
            return
        self.ok_button.setEnabled(False)
        enrolment = self._enrolment
        self._jobs.run(
            lambda _p, _c: self._confirm(enrolment, code), self._confirmed, self._failed,
            parent=self, store=True,
        )

    def _confirmed(self, _result: object) -> None:
        self.enrolled.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.code.clear()
        if isinstance(exc, KokuhoError):
            described = describe_error(exc)
            self.message.setText(f"{described.message}\n{described.hint}")
            return
        show_error(self, exc)
