"""The second staff member's login on the 確定指示 dialog (two-person policy)."""

from __future__ import annotations

from kokuho_pc.ui.widgets.qt import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

EXPLANATION = ("この端末では、確定指示に2人目の職員(確認者)のログインが必要です。"
               "候補を判断した職員・ログイン中の職員以外の職員が、ユーザIDとパスワードを"
               "入力してください。")


class SecondStaffBox(QGroupBox):
    """User ID, password (and one-time password), 「確認者としてログイン」 and the result.

    ``login_requested(user_id, password, otp)`` asks the page to check the login in
    a job; the page answers with :meth:`verified` or :meth:`refused`.
    """

    login_requested = Signal(str, str, str)

    def __init__(self, second_factor: bool, parent: QWidget | None = None) -> None:
        super().__init__("確認者(2人目の職員)のログイン", parent)
        self.setObjectName("second_staff")
        self.user_id = QLineEdit()
        self.user_id.setObjectName("second_user_id")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setObjectName("second_password")
        self.otp = QLineEdit()
        self.otp.setMaxLength(6)
        self.otp.setVisible(second_factor)
        self.login_button = QPushButton("確認者としてログイン")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("second_status")
        self.verified_id: str | None = None
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow("ユーザID", self.user_id)
        form.addRow("パスワード", self.password)
        if second_factor:
            form.addRow("ワンタイムパスワード", self.otp)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.login_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.login_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        user, password = self.user_id.text().strip(), self.password.text()
        if not user or not password:
            self.refused("ユーザIDとパスワードを入力してください。")
            return
        self.login_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("確認しています…")
        self.login_requested.emit(user, password, self.otp.text().strip())

    def verified(self, user_id: str, name: str) -> None:
        """The second staff member logged in: show who; the fields are locked."""
        self.verified_id = user_id
        self.password.clear()
        self.otp.clear()
        for widget in (self.user_id, self.password, self.otp, self.login_button):
            widget.setEnabled(False)
        self.status.setStyleSheet("color: #14532d;")
        self.status.setText(f"確認者: {name}({user_id})がログインしました。")

    def refused(self, message: str) -> None:
        """The login was refused: say why (Japanese) and let them try again."""
        self.verified_id = None
        self.password.clear()
        self.otp.clear()
        self.login_button.setEnabled(True)
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(message)
