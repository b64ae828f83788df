"""FIDO2 on the real screens (issue 21): enrolment dialog, sign-in, quick unlock.

The authenticator is the software CTAP2-level one injected as the profile's
authenticator; the dialogs, the lock screen and the controller are the product's.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from fido2.webauthn import AuthenticationResponse, PublicKeyCredentialRequestOptions
from pytestqt.qtbot import QtBot

from kokuho_pc.demo.soft_authenticator import SoftAuthenticator
from kokuho_pc.domain.errors import AuthenticatorUnavailable, LoginFailed
from kokuho_pc.services.fido import FidoService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.admin.admin_page import AdminPage
from kokuho_pc.ui.admin.fido_dialog import FidoDialog
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.widgets.qt import QApplication, QPushButton
from tests.ui.accessibility import unnamed_controls
from tests.ui.admin.helpers import TIMEOUT, admin_page, admin_session, answer, idle, shot
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW, STAFF_ID, STAFF_INITIAL_PW

__all__ = ["admin_page", "admin_session"]


@pytest.fixture(autouse=True)
def _keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


@pytest.fixture
def key(profile: Profile) -> SoftAuthenticator:
    soft = SoftAuthenticator()
    profile.authenticator = soft
    return soft


class SlowKey(SoftAuthenticator):
    """Waits for the 'finger' (an event) before answering, like a real authenticator."""

    def __init__(self) -> None:
        super().__init__()
        self.touched = threading.Event()
        self.waiting = threading.Event()

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        self.waiting.set()
        assert self.touched.wait(10)
        return super().get_assertion(options)


_STARTED: list[AppController] = []


@pytest.fixture(autouse=True)
def _shutdown_controllers() -> Iterator[None]:
    yield
    while _STARTED:
        _STARTED.pop().shutdown()


def _fido_dialog(qtbot: QtBot, page: AdminPage, user_id: str) -> FidoDialog:
    tab = page.accounts
    assert tab is not None
    tab.select(user_id)
    assert tab.fido_button.isEnabled()
    tab.fido_button.click()
    dialog = tab.fido_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not page.context.jobs.active_jobs(), timeout=TIMEOUT)
    return dialog


def test_enrolment_dialog_with_the_administrator_present_then_revoke(
        qtbot: QtBot, admin_page: AdminPage, profile: Profile, key: SoftAuthenticator) -> None:
    dialog = _fido_dialog(qtbot, admin_page, STAFF_ID)
    assert dialog.model.total_count() == 0
    assert unnamed_controls(dialog) == []
    assert dialog.admin_id.text() == ADMIN_ID  # the administrator signs in again below
    dialog.staff_password.setText(STAFF_INITIAL_PW)
    dialog.admin_password.setText("not-the-admin-password")
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TIMEOUT)
    assert "正しくありません" in dialog.message.text() or "ログイン" in dialog.message.text()
    assert key.calls == 0
    dialog.staff_password.setText(STAFF_INITIAL_PW)
    dialog.admin_password.setText(ADMIN_PW)
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.model.total_count() == 1 and not dialog.busy,
                    timeout=TIMEOUT)
    assert "登録しました" in dialog.message.text()
    registered = str(dialog.model.data(dialog.model.index(0, 1)))
    assert registered.startswith("R8.11.26 10:00"), registered  # wareki, the profile's clock
    assert dialog.staff_password.text() == "" and dialog.admin_password.text() == ""
    shot(dialog, "fido-enrol-dialog")
    enrolled = [r for r in profile.audit.records() if r.action == "fido.enrol"]
    assert enrolled[0].targets["account"] == STAFF_ID
    dialog.table.selectRow(0)
    assert dialog.revoke_button.isEnabled()
    dialog.revoke_button.click()
    text = answer(qtbot, yes=True)
    assert "失効" in text
    qtbot.waitUntil(lambda: "失効させました" in dialog.message.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not page_jobs(admin_page), timeout=TIMEOUT)
    view = FidoService(profile).credentials(admin_page.context.session, STAFF_ID)[0]
    assert view.revoked_at is not None
    qtbot.waitUntil(lambda: idle(admin_page, admin_page.context.jobs), timeout=TIMEOUT)


def page_jobs(page: AdminPage) -> bool:
    return bool(page.context.jobs.active_jobs())


def _controller(qtbot: QtBot, jobs: JobRunner, profile: Profile, **kw: object) -> AppController:
    controller = AppController(jobs, lambda: profile, login_sleep=lambda _s: None, **kw)  # type: ignore[arg-type]
    _STARTED.append(controller)
    with qtbot.waitSignal(controller.ready, timeout=5000):
        controller.start()
    return controller


def _enrol_admin(profile: Profile, login_service: LoginService) -> None:
    session = login_service.login(ADMIN_ID, ADMIN_PW)
    FidoService(profile).enrol(session, ADMIN_ID, ADMIN_PW, ADMIN_ID, ADMIN_PW)
    PolicyService(profile).change(session, "fido_required_roles", ["admin"])
    session.logout()


def _lock_screen(qtbot: QtBot, controller: AppController) -> LockScreen:
    lock = controller.idle_lock
    window = controller.main_window
    assert lock is not None and window is not None
    if not isinstance(window.centralWidget(), LockScreen):
        with qtbot.waitSignal(lock.locked, timeout=3000):
            pass
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    return screen


def test_sign_in_and_quick_unlock_never_block_the_window(
        qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService) -> None:
    slow = SlowKey()
    profile.authenticator = slow
    slow.touched.set()  # enrolment answers at once
    _enrol_admin(profile, login_service)
    controller = _controller(qtbot, jobs, profile, idle_timeout_ms=300)
    window = controller.login_window
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)
    slow.touched.clear()
    slow.waiting.clear()
    window.login_button.click()
    assert slow.waiting.wait(5)
    qtbot.wait(100)  # the GUI thread keeps running while the authenticator waits
    assert "認証器" in window.message.text() and not window.login_button.isEnabled()
    with qtbot.waitSignal(window.logged_in, timeout=5000):
        slow.touched.set()
    screen = _lock_screen(qtbot, controller)
    button = screen.findChild(QPushButton, "quickUnlockButton")
    assert button is not None
    qtbot.waitUntil(button.isVisible, timeout=3000)
    assert "生体認証で解除" in button.text() and "パスワードでも" in screen.hint.text()
    assert unnamed_controls(screen) == []
    slow.touched.clear()
    slow.waiting.clear()
    lock = controller.idle_lock
    assert lock is not None
    button.click()
    assert slow.waiting.wait(5)
    qtbot.wait(50)
    assert "本人確認" in screen.message.text() and not screen.unlock_button.isEnabled()
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        slow.touched.set()
    assert not isinstance(controller.main_window.centralWidget(), LockScreen)  # type: ignore[union-attr]
    unlocks = [r for r in profile.audit.records(staff_id=ADMIN_ID)
               if r.action == "session.unlock"]
    assert unlocks[-1].targets == {"reason": "fido"}
    lock.stop()


def _sign_in(qtbot: QtBot, controller: AppController) -> None:
    window = controller.login_window
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)
    with qtbot.waitSignal(window.logged_in, timeout=5000):
        window.login_button.click()


def _failed_count(profile: Profile) -> int:
    row = profile.db.query_one("SELECT failed_count FROM accounts WHERE user_id = ?",
                               (ADMIN_ID,))
    assert row is not None
    return int(row[0])


def test_without_an_answering_authenticator_the_password_still_unlocks(
        qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService,
        key: SoftAuthenticator) -> None:
    _enrol_admin(profile, login_service)
    controller = _controller(qtbot, jobs, profile, idle_timeout_ms=300)
    _sign_in(qtbot, controller)
    screen = _lock_screen(qtbot, controller)
    key.fail_with = AuthenticatorUnavailable()  # no key connected, or cancelled
    button = screen.findChild(QPushButton, "quickUnlockButton")
    assert button is not None
    button.click()
    qtbot.waitUntil(lambda: AuthenticatorUnavailable.default_message in screen.message.text(),
                    timeout=5000)
    assert isinstance(controller.main_window.centralWidget(), LockScreen)  # type: ignore[union-attr]
    assert _failed_count(profile) == 0  # nothing presented: not counted
    lock = controller.idle_lock
    assert lock is not None
    screen.password.setText(ADMIN_PW)
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        screen.unlock_button.click()
    lock.stop()


def test_refused_quick_unlocks_count_across_lock_screen_and_login_window(
        qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService,
        key: SoftAuthenticator) -> None:
    _enrol_admin(profile, login_service)
    controller = _controller(qtbot, jobs, profile, idle_timeout_ms=300)
    _sign_in(qtbot, controller)
    screen = _lock_screen(qtbot, controller)
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=5000)  # the lock is recorded
    for i in range(8):  # another window (the command line) guesses meanwhile
        with pytest.raises(LoginFailed):
            login_service.login(ADMIN_ID, f"guessing-{i:02d}-again")
    key.user_verified = False  # the fingerprint step was skipped: refused
    button = screen.findChild(QPushButton, "quickUnlockButton")
    assert button is not None
    button.click()
    window = controller.login_window
    # The session is over: back at the login window, with the one login-failure message.
    qtbot.waitUntil(lambda: LoginFailed.default_message in window.message.text(),
                    timeout=5000)
    assert controller.session is None and controller.main_window is None
    assert window.isVisible() and _failed_count(profile) == 9
    key.user_verified = True
    window.user_id.setText(ADMIN_ID)
    window.password.setText("one-more-wrong-guess")  # the 10th: locked
    window.login_button.click()
    qtbot.waitUntil(lambda: _failed_count(profile) == 10, timeout=5000)
    qtbot.waitUntil(lambda: window.login_button.isEnabled(), timeout=5000)
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)  # right password and right key: still locked
    window.login_button.click()
    qtbot.waitUntil(lambda: _failed_count(profile) == 11, timeout=5000)
    qtbot.waitUntil(lambda: window.login_button.isEnabled(), timeout=5000)
    assert LoginFailed.default_message in window.message.text()
    assert controller.session is None
    reasons = [r.targets.get("reason") for r in profile.audit.records(staff_id=ADMIN_ID)
               if r.action == "login.failure"]
    assert reasons[-3:] == ["fido_no_user_verification", "wrong_password", "locked"]


def test_no_quick_unlock_button_without_an_authenticator(
        qtbot: QtBot, jobs: JobRunner, profile: Profile) -> None:
    controller = _controller(qtbot, jobs, profile, idle_timeout_ms=300)
    window = controller.login_window
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)
    with qtbot.waitSignal(window.logged_in, timeout=5000):
        window.login_button.click()
    screen = _lock_screen(qtbot, controller)
    assert screen.findChild(QPushButton, "quickUnlockButton") is None
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, FidoDialog)] == []
    lock = controller.idle_lock
    assert lock is not None
    lock.stop()
