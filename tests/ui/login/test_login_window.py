"""The login window and the first-login password change, against the real services."""

from __future__ import annotations

import threading

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import LoginFailed
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.login_window import LoginWindow
from kokuho_pc.ui.login.password_change_dialog import PasswordChangeDialog
from kokuho_pc.ui.widgets.qt import QApplication, QMessageBox, Qt
from tests.ui.security_fixtures import (
    ADMIN_ID,
    ADMIN_PW,
    STAFF_ID,
    STAFF_INITIAL_PW,
    STAFF_PW,
)


def _window(qtbot: QtBot, jobs: JobRunner, login: LoginService, **kw: bool) -> LoginWindow:
    window = LoginWindow(jobs, login.login, **kw)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _attempt(qtbot: QtBot, window: LoginWindow, user: str, password: str) -> None:
    window.user_id.setText(user)
    window.password.setText(password)
    qtbot.keyClick(window.password, "\r")
    qtbot.waitUntil(lambda: window.login_button.isEnabled(), timeout=5000)


def test_login_runs_off_the_gui_thread_and_emits_the_session(
    qtbot: QtBot, jobs: JobRunner, login_service: LoginService
) -> None:
    threads: list[int] = []

    def authenticate(user: str, password: str, otp: str | None) -> Session:
        threads.append(threading.get_ident())
        return login_service.login(user, password, otp)

    window = LoginWindow(jobs, authenticate)
    qtbot.addWidget(window)
    window.show()
    window.grab().save("/tmp/ui-login.png")
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)
    with qtbot.waitSignal(window.logged_in, timeout=5000) as blocker:
        window.login_button.click()
    session = blocker.args[0]
    assert isinstance(session, Session)
    assert session.user_id == ADMIN_ID and session.is_admin
    assert threads and threads[0] != threading.get_ident()
    assert window.password.text() == ""


def test_unknown_user_and_wrong_password_read_the_same(
    qtbot: QtBot, jobs: JobRunner, login_service: LoginService
) -> None:
    window = _window(qtbot, jobs, login_service)
    _attempt(qtbot, window, "nobody.here", "whatever-password-1")
    unknown = window.message.text()
    _attempt(qtbot, window, ADMIN_ID, "wrong-password-entirely")
    wrong = window.message.text()
    assert unknown == wrong
    assert LoginFailed.default_message in wrong
    assert window.password.text() == ""


def test_locked_and_revoked_accounts_get_the_one_message(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService
) -> None:
    for _ in range(10):
        try:
            login_service.login(STAFF_ID, "not-the-password-at-all")
        except LoginFailed:
            pass
    window = _window(qtbot, jobs, login_service)
    _attempt(qtbot, window, STAFF_ID, STAFF_INITIAL_PW)
    # The right password of a locked account: the same answer as any failure (issue 14).
    assert LoginFailed.default_message in window.message.text()
    admin = login_service.login(ADMIN_ID, ADMIN_PW)
    AccountService(profile).unlock(admin, STAFF_ID)
    AccountService(profile).revoke(admin, STAFF_ID)
    _attempt(qtbot, window, STAFF_ID, STAFF_INITIAL_PW)
    assert LoginFailed.default_message in window.message.text()


def test_second_factor_field_when_the_policy_requires_it(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService
) -> None:
    admin = login_service.login(ADMIN_ID, ADMIN_PW)
    PolicyService(profile).change(admin, "second_factor_required", True)
    window = _window(qtbot, jobs, login_service,
                     second_factor=PolicyService(profile).current().second_factor_required)
    assert window.otp.isVisible()
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)
    window.otp.setText("12a")
    window.login_button.click()
    assert "ワンタイムパスワード(6桁)" in window.message.text()
    window.otp.clear()  # not enrolled yet: login without a code leads to the enrolment
    with qtbot.waitSignal(window.logged_in, timeout=5000) as blocker:
        window.login_button.click()
    assert blocker.args[0].must_enrol_second_factor
    plain = _window(qtbot, jobs, login_service)
    assert not plain.otp.isVisible()


def test_first_login_password_change(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService
) -> None:
    session = login_service.login(STAFF_ID, STAFF_INITIAL_PW)
    assert session.must_change_password
    accounts = AccountService(profile)
    dialog = PasswordChangeDialog(
        jobs, lambda cur, new: accounts.change_password(session, cur, new), forced=True
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.cancel_button.text() == "ログアウト(&L)"
    dialog.current.setText(STAFF_INITIAL_PW)
    dialog.new.setText(STAFF_PW)
    dialog.confirm.setText(STAFF_PW + "x")
    dialog.ok_button.click()
    assert "一致しません" in dialog.message.text()
    dialog.new.setText("password")
    dialog.confirm.setText("password")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled() and dialog.message.text() != "",
                    timeout=5000)
    assert dialog.message.text().startswith(("パスワード", "新しいパスワード", "この"))
    dialog.grab().save("/tmp/ui-password-change.png")
    dialog.new.setText(STAFF_PW)
    dialog.confirm.setText(STAFF_PW)
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.ok_button.click()
    assert not session.must_change_password


def _refused_once(qtbot: QtBot, jobs: JobRunner, profile: Profile,
                  login_service: LoginService) -> tuple[PasswordChangeDialog, list[str]]:
    """The forced dialog after one refused new password, typed with the keyboard only."""
    session = login_service.login(STAFF_ID, STAFF_INITIAL_PW)
    accounts = AccountService(profile)
    dialog = PasswordChangeDialog(
        jobs, lambda cur, new: accounts.change_password(session, cur, new), forced=True
    )
    outcome: list[str] = []
    dialog.changed.connect(lambda: outcome.append("changed"))
    dialog.rejected.connect(lambda: outcome.append("logged out"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.current.hasFocus() or dialog.isActiveWindow(), timeout=3000)
    dialog.current.setFocus()
    QTest.keyClicks(dialog.current, STAFF_INITIAL_PW)
    QTest.keyClick(dialog.current, Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "password")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "password")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled() and dialog.message.text() != ""
                    and "変更しています" not in dialog.message.text(), timeout=5000)
    return dialog, outcome


def test_after_a_refusal_enter_still_changes_the_password(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService
) -> None:
    """Issue 17: after a refused password the default became ログアウト; Enter logged out."""
    dialog, outcome = _refused_once(qtbot, jobs, profile, login_service)
    assert dialog.ok_button.isDefault() and not dialog.cancel_button.isDefault()
    focused = QApplication.focusWidget()
    assert focused in (dialog.new, dialog.current, dialog.confirm)
    dialog.new.setFocus()
    QTest.keyClicks(dialog.new, STAFF_PW)
    QTest.keyClick(dialog.new, Qt.Key.Key_Tab)
    assert dialog.confirm.hasFocus()
    QTest.keyClicks(dialog.confirm, STAFF_PW)
    QTest.keyClick(dialog.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert outcome == ["changed"]


def test_the_refusal_message_does_not_overlap_the_fields(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService
) -> None:
    dialog, _outcome = _refused_once(qtbot, jobs, profile, login_service)
    QApplication.processEvents()
    message = dialog.message.geometry()
    fields = dialog.confirm.geometry().translated(dialog.confirm.parentWidget().mapTo(
        dialog, dialog.confirm.parentWidget().rect().topLeft()))
    assert message.top() >= fields.bottom()
    assert message.height() >= dialog.message.heightForWidth(message.width())
    assert dialog.buttons.geometry().top() >= message.bottom()
    assert dialog.height() >= dialog.buttons.geometry().bottom()
    dialog.grab().save("/tmp/ui-password-refused.png")


def test_logging_out_of_the_forced_change_is_asked_first(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService
) -> None:
    dialog, outcome = _refused_once(qtbot, jobs, profile, login_service)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.logout_question is not None
                    and dialog.logout_question.isVisible(), timeout=3000)
    box = dialog.logout_question
    assert box is not None and outcome == []
    QTest.keyClick(box, Qt.Key.Key_Escape)  # 「いいえ」: stay
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)
    assert outcome == [] and dialog.isVisible()
    dialog.cancel_button.setFocus()
    QTest.keyClick(dialog.cancel_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.logout_question is not None
                    and dialog.logout_question.isVisible(), timeout=3000)
    box = dialog.logout_question
    yes = box.button(QMessageBox.StandardButton.Yes)
    box.activateWindow()  # the window manager activates a new window
    qtbot.waitUntil(box.isActiveWindow, timeout=3000)
    for _ in range(4):  # from 「いいえ」 (the default) back to 「はい」 with Shift+Tab
        if yes.hasFocus():
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab,
                       Qt.KeyboardModifier.ShiftModifier)
    assert yes.hasFocus()
    QTest.keyClick(yes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: outcome == ["logged out"], timeout=3000)
