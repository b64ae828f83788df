"""The login window: user ID, password and, when the policy requires it, a one-time password.

The credentials are checked by ``authenticate(user_id, password, otp)``
(``LoginService.login``) through the job helper: the password hash is slow on
purpose and the service delays repeated failures, so the GUI thread never
waits on it. The messages come from the error tree via ``describe_error``: one
message for an unknown user and a wrong password, clear ones for a locked,
revoked or expired account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kokuho_pc.domain.errors import AuthError, SecondFactorRequired
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.demo_banner import DemoBanner, demo_title
from kokuho_pc.ui.widgets.qt import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from kokuho_pc.ui.widgets.qt_values import centre_text

LOGIN_TITLE = "国保総合PC — ログイン"
CHECKING = "確認しています…"
# Shown while the login runs when the policy asks some roles for a FIDO2 authenticator.
CHECKING_AUTHENTICATOR = ("確認しています…\n認証器(Windows Hello・セキュリティキー)の確認が"
                          "表示されたら、指紋・顔・PINなどで本人確認をしてください。")
Authenticate = Callable[[str, str, str | None], Any]


class LoginWindow(QWidget):
    """Emits :attr:`logged_in` with whatever ``authenticate`` returned (the session)."""

    logged_in = Signal(object)

    def __init__(
        self,
        jobs: JobRunner,
        authenticate: Authenticate | None,
        *,
        second_factor: bool = False,
        demo: bool = False,
        unavailable_reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginWindow")
        self._jobs = jobs
        self._authenticate: Authenticate | None = None
        self._checking = CHECKING
        self.setMinimumWidth(660)

        heading = QLabel("国保総合PC")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        heading.setFont(font)
        centre_text(heading)
        sub = QLabel("ユーザIDとパスワードを入力してログインしてください。")
        centre_text(sub)
        self.user_id = QLineEdit()
        self.user_id.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(1024)
        self.otp = QLineEdit()
        self.otp.setMaxLength(6)
        self.otp.setPlaceholderText("認証アプリの6桁の数字(未登録の場合は空欄)")
        self.otp_label = QLabel("ワンタイムパスワード")
        self.user_id.setAccessibleName("ユーザID")
        self.password.setAccessibleName("パスワード")
        self.otp.setAccessibleName("ワンタイムパスワード")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        # room for a two-line message and its hint, so the layout never squeezes it
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 4)
        self.login_button = QPushButton("ログイン(&L)")
        self.login_button.setDefault(True)
        self.login_button.setAutoDefault(True)
        self._wire()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("ユーザID", self.user_id)
        form.addRow("パスワード", self.password)
        form.addRow(self.otp_label, self.otp)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        panel = QFrame()
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(36, 24, 36, 24)
        inner.setSpacing(12)
        inner.addWidget(heading)
        inner.addWidget(sub)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addLayout(buttons)
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self.demo_banner: DemoBanner | None = None
        self._outer.addWidget(panel, 1)
        self.configure(authenticate, second_factor=second_factor, demo=demo,
                       message=unavailable_reason)

    def configure(
        self,
        authenticate: Authenticate | None,
        *,
        second_factor: bool = False,
        demo: bool = False,
        message: str = "",
        authenticator: bool = False,
    ) -> None:
        """Set the login function once the profile is open (None: login unavailable).

        ``authenticator``: the policy requires a FIDO2 assertion for some role (issue 21);
        the login (in the background) then waits for it and the window says so."""
        self._authenticate = authenticate
        self._checking = CHECKING_AUTHENTICATOR if authenticator else CHECKING
        self.setWindowTitle(demo_title(LOGIN_TITLE, demo))
        if demo and self.demo_banner is None:
            self.demo_banner = DemoBanner()
            self._outer.insertWidget(0, self.demo_banner)
        self.set_second_factor_visible(second_factor)
        self.show_status(message)
        self._set_inputs_enabled(authenticate is not None)
        self.user_id.setFocus()

    def _wire(self) -> None:
        """Every signal of the window, in one place."""
        self.login_button.clicked.connect(self.submit)
        self.user_id.returnPressed.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.otp.returnPressed.connect(self.submit)

    def show_status(self, text: str) -> None:
        """A neutral status line (「起動しています…」, 「確認しています…」)."""
        self.message.setStyleSheet("color: #444444;")
        self.message.setText(text)

    def show_problem(self, text: str) -> None:
        """Why the login did not succeed, in red."""
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)

    def set_second_factor_visible(self, visible: bool) -> None:
        """Show or hide the one-time password field."""
        self.otp_label.setVisible(visible)
        self.otp.setVisible(visible)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (self.user_id, self.password, self.otp, self.login_button):
            widget.setEnabled(enabled)

    def submit(self) -> None:
        """Check the input and start the login in the background."""
        authenticate = self._authenticate
        if authenticate is None or not self.login_button.isEnabled():
            return
        user_id = self.user_id.text().strip()
        password = self.password.text()
        otp = self.otp.text().strip() if not self.otp.isHidden() else ""
        if not user_id or not password:
            self.show_problem("ユーザIDとパスワードを入力してください。")
            return
        if otp and (len(otp) != 6 or not otp.isdigit()):
            self.show_problem("ワンタイムパスワード(6桁)を入力してください。")
            self.otp.setFocus()
            return
        self._set_inputs_enabled(False)
        self.show_status(self._checking)
        self._jobs.run(
            lambda _progress, _cancel: authenticate(user_id, password, otp or None),
            self._succeeded,
            self._failed,
            progress_label="ログインしています…",
            cancellable=False,
            parent=self,
            store=True,
        )

    def _succeeded(self, session: object) -> None:
        self.password.clear()
        self.otp.clear()
        self.message.setText("")
        self._set_inputs_enabled(True)
        self.logged_in.emit(session)

    def _failed(self, exc: BaseException) -> None:
        self._set_inputs_enabled(True)
        self.password.clear()
        self.otp.clear()
        if isinstance(exc, SecondFactorRequired):
            self.set_second_factor_visible(True)
        if isinstance(exc, AuthError):
            from kokuho_pc.services.messages import describe_error  # warmed up after show

            described = describe_error(exc)
            self.show_problem(f"{described.message}\n{described.hint}")
            (self.otp if isinstance(exc, SecondFactorRequired) else self.password).setFocus()
            return
        self.message.setText("")
        from kokuho_pc.ui.widgets.error_dialog import show_error  # only when one happens

        show_error(self, exc)

    def reset(self) -> None:
        """Empty every field (after logout) and put the cursor in the user ID."""
        for field in (self.user_id, self.password, self.otp):
            field.clear()
        self.message.setText("")
        self.user_id.setFocus()
