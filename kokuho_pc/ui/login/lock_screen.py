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


class LockScreen(QWidget):
    """Password field, 「ロック解除」 and 「ログアウト」; shows no data at all.

    Unlocking asks for the password only (the session passed the second factor
    at login) and the screen says so; it says too why it locked (idle or the
    「画面ロック」 command).
    """

    unlock_requested = Signal(str)  # password
    logout_requested = Signal()

    def __init__(
        self,
        user_id: str,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
        idle: bool = False,
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
        who = QLabel(f"{why}ユーザID「{user_id}」で使用中です。\n{UNLOCK_HINT}")
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
        if busy:
            self.message.setText("確認しています…")

    def show_message(self, text: str) -> None:
        """Show why unlocking failed and let the user try again."""
        self.set_busy(False)
        self.password.clear()
        self.message.setText(text)
        self.password.setFocus()
