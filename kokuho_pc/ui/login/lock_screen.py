"""The lock screen shown in place of a window's content while the PC is locked."""

from __future__ import annotations

from kokuho_pc.ui.widgets.demo_banner import DemoBanner
from kokuho_pc.ui.widgets.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

UNLOCK_HINT = ("続けるには、パスワードだけを入力してください。\n"
               "(ワンタイムパスワードは不要です)")
QUICK_UNLOCK_HINT = ("続けるには「生体認証で解除」を押して、登録済みの認証器"
                     "(Windows Hello・セキュリティキー)で本人確認をしてください。\n"
                     "パスワードでも解除できます(ワンタイムパスワードは不要です)。")


class LockScreen(QWidget):
    """Password field, 「ロック解除」 and 「ログアウト」; shows no data at all.

    Unlocking asks for the password only (the session passed the second factor
    at login) and the screen says so; it says too why it locked (idle or the
    「画面ロック」 command).
    """

    unlock_requested = Signal(str)  # password
    quick_unlock_requested = Signal()  # FIDO2 authenticator (issue 21)
    logout_requested = Signal()

    def __init__(
        self,
        user_id: str,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
        idle: bool = False,
        quick_unlock: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        title = QLabel("画面をロックしました")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        why = "一定時間操作がなかったため、ロックしました。\n" if idle else ""
        hint = QUICK_UNLOCK_HINT if quick_unlock else UNLOCK_HINT
        who = QLabel(f"{why}ユーザID「{user_id}」で使用中です。\n{hint}")
        who.setObjectName("lockHint")
        who.setWordWrap(True)
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = who
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("パスワード")
        self.password.setAccessibleName("パスワード")
        self.password.setMinimumWidth(280)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3)
        self.unlock_button = QPushButton("ロック解除")
        self.unlock_button.setDefault(True)
        self.logout_button = QPushButton("ログアウト")
        # Quick unlock by the authenticator; None when the account has none enrolled.
        self.quick_unlock_button: QPushButton | None = None
        if quick_unlock:
            self.quick_unlock_button = QPushButton("生体認証で解除")
            self.quick_unlock_button.setObjectName("quickUnlockButton")
        other = QLabel("別のユーザが使用する場合は「ログアウト」を押してください。")
        other.setAlignment(Qt.AlignmentFlag.AlignCenter)
        other.setStyleSheet("color: #555555;")
        self._wire()

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.logout_button)
        buttons.addWidget(self.unlock_button)
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setMaximumWidth(520)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(32, 24, 32, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(who)
        if self.quick_unlock_button is not None:
            inner.addWidget(self.quick_unlock_button)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        inner.addLayout(buttons)
        inner.addWidget(other)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel, 2)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        if demo:
            outer.addWidget(DemoBanner())
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def _wire(self) -> None:
        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.logout_button.clicked.connect(self.logout_requested)
        if self.quick_unlock_button is not None:
            self.quick_unlock_button.clicked.connect(self._submit_quick)

    def _submit_quick(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        self.set_busy(True)
        self.message.setText("認証器で本人確認をしてください(指紋・顔・PINなど)…")
        self.quick_unlock_requested.emit()

    def _submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        password = self.password.text()
        if not password:
            self.show_message("パスワードを入力してください。")
            return
        self.set_busy(True)
        self.unlock_requested.emit(password)

    def set_busy(self, busy: bool) -> None:
        """Disable input while the password is being verified."""
        self.unlock_button.setEnabled(not busy)
        self.logout_button.setEnabled(not busy)
        self.password.setEnabled(not busy)
        if self.quick_unlock_button is not None:
            self.quick_unlock_button.setEnabled(not busy)
        if busy:
            self.message.setText("確認しています…")

    def show_message(self, text: str) -> None:
        """Show why unlocking failed and let the user try again."""
        self.set_busy(False)
        self.password.clear()
        self.message.setText(text)
        self.password.setFocus()
