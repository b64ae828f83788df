"""Changing one's password (required at the first login with an initial password).

``change(current, new)`` (``AccountService.change_password`` bound to the
session) runs through the job helper; the policy's refusals (too short, too
common, same as before, wrong current password) are shown in the dialog.
Opened with ``show()``; the outcome arrives through :attr:`changed` or
:attr:`rejected`.
"""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.messages import describe_error
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.msgbox import confirm
from kokuho_pc.ui.widgets.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

ChangePassword = Callable[[str, str], None]


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(1024)
    field.setMinimumWidth(300)
    return field


class PasswordChangeDialog(QDialog):
    """Current password, new password twice; 「変更する」."""

    changed = Signal()

    def __init__(
        self,
        jobs: JobRunner,
        change: ChangePassword,
        *,
        forced: bool = False,
        min_length: int = 13,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._change = change
        self.setWindowTitle("パスワードの変更")
        self.setMinimumWidth(560)
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )
        intro = QLabel(
            ("初期パスワードのため、使用を始める前にパスワードを変更してください。\n"
             if forced else "")
            + f"新しいパスワードは{min_length}文字以上で、推測されにくいものにしてください。"
            "長い文(パスフレーズ)も使えます。"
        )
        intro.setWordWrap(True)
        self.current = _password_field()
        self.new = _password_field()
        self.confirm = _password_field()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("変更する(&C)",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(
            "ログアウト(&L)" if forced else "キャンセル", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.forced = forced
        self.logout_question: QMessageBox | None = None
        # Enter in a field always means 「変更する」: the other button never becomes the
        # default (not even after a refusal moved the focus past the disabled buttons).
        self.ok_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        self.current.setAccessibleName("現在のパスワード")
        self.new.setAccessibleName("新しいパスワード")
        self.confirm.setAccessibleName("新しいパスワード(確認)")
        self._wire()

        form = QFormLayout()
        form.addRow("現在のパスワード", self.current)
        form.addRow("新しいパスワード", self.new)
        form.addRow("新しいパスワード(確認)", self.confirm)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows with the message
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _wire(self) -> None:
        """Every signal of the dialog, in one place."""
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

    def reject(self) -> None:
        """Escape or 「ログアウト」: on the forced change, ask before logging out."""
        if not self.forced:
            super().reject()
            return
        if self.logout_question is not None and self.logout_question.isVisible():
            return
        self.logout_question = confirm(
            self, "ログアウトの確認",
            "パスワードを変更せずにログアウトしますか?",
            lambda: QDialog.reject(self),
            informative="パスワードを変更するまで、この端末は使えません。")

    def submit(self) -> None:
        """Check the fields and change the password in the background."""
        if not self.ok_button.isEnabled():
            return
        current, new = self.current.text(), self.new.text()
        if not current or not new:
            self._say("現在のパスワードと新しいパスワードを入力してください。")
            return
        if new != self.confirm.text():
            self._say("新しいパスワードと確認用の入力が一致しません。")
            self.confirm.clear()
            self.confirm.setFocus()
            return
        self._set_busy(True)
        change = self._change
        self._jobs.run(
            lambda _progress, _cancel: change(current, new),
            self._succeeded,
            self._failed,
            progress_label="パスワードを変更しています…",
            cancellable=False,
            parent=self,
            store=True,
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.current, self.new, self.confirm, self.ok_button, self.cancel_button):
            widget.setEnabled(not busy)
        self.ok_button.setDefault(True)
        self._say("変更しています…" if busy else "")

    def _say(self, text: str) -> None:
        """Show ``text`` under the fields; the dialog grows so nothing overlaps."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.adjustSize()

    def _succeeded(self, _result: object) -> None:
        self._set_busy(False)
        self.changed.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, KokuhoError):
            described = describe_error(exc)
            self._say(f"{described.message}\n{described.hint}")
            self.new.clear()
            self.confirm.clear()
            self.new.setFocus()
            return
        show_error(self, exc)
