"""Start-up and the whole session flow through the controller, with a real profile."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.domain.errors import LoginFailed, ProfileError
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.app import create_application, load_app_font, smoke_test
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.idle_lock import LOCKED_TITLE
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.login.password_change_dialog import PasswordChangeDialog
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.widgets.qt import QApplication, QLabel, QMessageBox, QWidget
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW, STAFF_ID, STAFF_INITIAL_PW, STAFF_PW
from tests.ui.widget_scan import my_numbers_on_screen


@pytest.fixture(autouse=True)
def _keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


_STARTED: list[AppController] = []


@pytest.fixture(autouse=True)
def _shutdown_controllers() -> Iterator[None]:
    """Shut every controller down (this also removes its application-wide filters)."""
    yield
    while _STARTED:
        _STARTED.pop().shutdown()


def _controller(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, **kw: object
) -> AppController:
    controller = AppController(jobs, lambda: profile, login_sleep=lambda _s: None, **kw)  # type: ignore[arg-type]
    _STARTED.append(controller)
    with qtbot.waitSignal(controller.ready, timeout=5000):
        controller.start()
    return controller


def _login(qtbot: QtBot, controller: AppController, user: str, password: str) -> None:
    window = controller.login_window
    window.user_id.setText(user)
    window.password.setText(password)
    with qtbot.waitSignal(window.logged_in, timeout=5000):
        window.login_button.click()


def test_application_font_is_ipaexgothic(qapp: QApplication) -> None:
    family = load_app_font(qapp)
    assert family is not None and "IPAex" in family
    assert qapp.font().family() == family


def test_admin_logs_in_sees_admin_page_and_logs_out(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    built: list[str] = []

    def pages(context: object) -> dict[str, object]:
        built.append("pages")
        return {"home": lambda: QLabel("ホーム")}

    controller = _controller(qtbot, jobs, profile, page_builder=pages)
    assert controller.login_window.demo_banner is not None  # demo profile
    _login(qtbot, controller, ADMIN_ID, ADMIN_PW)
    window = controller.main_window
    assert isinstance(window, MainWindow)
    assert built == ["pages"]
    assert "admin" in window.page_keys()
    assert window.user_label.text() == f"ユーザID: {ADMIN_ID}（情報システム管理者）"
    assert window.windowTitle().endswith("【デモ】")
    for key in window.page_keys():
        window.show_page(key)
        assert my_numbers_on_screen() == []
    window.about_action.trigger()
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert boxes and boxes[0].windowTitle() == "バージョン情報 【デモ】"
    boxes[0].close()
    assert not controller.login_window.isVisible()
    window.logout_action.trigger()
    assert controller.main_window is None
    assert controller.login_window.isVisible()
    assert controller.login_window.user_id.text() == ""
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=3000)


def test_initial_password_must_be_changed_first(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    controller = _controller(qtbot, jobs, profile)
    _login(qtbot, controller, STAFF_ID, STAFF_INITIAL_PW)
    assert controller.main_window is None
    dialogs = controller.login_window.findChildren(PasswordChangeDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    dialog.current.setText(STAFF_INITIAL_PW)
    dialog.new.setText(STAFF_PW)
    dialog.confirm.setText(STAFF_PW)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=5000)
    window = controller.main_window
    assert isinstance(window, MainWindow)
    assert "admin" not in window.page_keys()


def test_idle_lock_with_the_real_session(qtbot: QtBot, jobs: JobRunner, profile: Profile) -> None:
    controller = _controller(qtbot, jobs, profile, idle_timeout_ms=200)
    _login(qtbot, controller, ADMIN_ID, ADMIN_PW)
    window = controller.main_window
    lock = controller.idle_lock
    assert window is not None and lock is not None
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    assert window.windowTitle().startswith(LOCKED_TITLE)
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    screen.password.setText("wrong-password-entirely")
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: LoginFailed.default_message in screen.message.text(), timeout=5000)
    screen.password.setText(ADMIN_PW)
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        screen.unlock_button.click()
    assert isinstance(window.centralWidget(), QWidget)
    assert not isinstance(window.centralWidget(), LockScreen)
    lock.stop()


def test_start_up_sweeps_the_staging_area(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    profile.staging_dir.mkdir(parents=True, exist_ok=True)
    leftover = profile.staging_dir / "left-by-a-crash.part"
    leftover.write_bytes(b"\x00" * 64)
    _controller(qtbot, jobs, profile)
    assert not leftover.exists()


def test_missing_profile_is_explained(qtbot: QtBot, jobs: JobRunner) -> None:
    def missing() -> Profile:
        raise ProfileError()

    controller = AppController(jobs, missing)
    with qtbot.waitSignal(controller.ready, timeout=5000):
        controller.start()
    assert ProfileError.default_message in controller.login_window.message.text()
    assert not controller.login_window.login_button.isEnabled()


def test_smoke_test_without_profile(qapp: QApplication, tmp_path: Path) -> None:
    args = argparse.Namespace(profile=str(tmp_path / "none"))
    assert smoke_test(args) == 0


def test_create_application_reuses_the_instance(qapp: QApplication) -> None:
    assert create_application() is qapp


def test_second_factor_enrolment_before_the_main_window(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    from kokuho_pc.auth import totp
    from kokuho_pc.services.login import LoginService
    from kokuho_pc.services.policy import PolicyService
    from kokuho_pc.ui.login.totp_enrol_dialog import TotpEnrolDialog

    admin = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
    PolicyService(profile).change(admin, "second_factor_required", True)
    admin.logout()
    controller = _controller(qtbot, jobs, profile)
    assert controller.login_window.otp.isVisible()
    window = controller.login_window
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)
    with qtbot.waitSignal(window.logged_in, timeout=5000):
        window.login_button.click()
    dialogs = window.findChildren(TotpEnrolDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=5000)
    dialog.grab().save("/tmp/ui-totp-enrol.png")
    secret_text = dialog.key_label.text().replace(" ", "")
    dialog.code.setText("12345")
    dialog.ok_button.click()
    assert "6桁" in dialog.message.text()
    import base64

    secret = base64.b32decode(secret_text + "=" * (-len(secret_text) % 8))
    dialog.code.setText(totp.code_at(secret, profile.clock()))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=5000)


def test_initial_password_change_then_second_factor_enrolment(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    import base64

    from kokuho_pc.auth import totp
    from kokuho_pc.services.login import LoginService
    from kokuho_pc.services.policy import PolicyService
    from kokuho_pc.ui.login.totp_enrol_dialog import TotpEnrolDialog

    admin = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
    PolicyService(profile).change(admin, "second_factor_required", True)
    admin.logout()
    controller = _controller(qtbot, jobs, profile)
    _login(qtbot, controller, STAFF_ID, STAFF_INITIAL_PW)  # not enrolled: no code yet
    window = controller.login_window
    dialogs = window.findChildren(PasswordChangeDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    dialog.current.setText(STAFF_INITIAL_PW)
    dialog.new.setText(STAFF_PW)
    dialog.confirm.setText(STAFF_PW)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: bool(window.findChildren(TotpEnrolDialog)), timeout=5000)
    assert controller.main_window is None  # enrolment comes before the main window
    enrol = window.findChildren(TotpEnrolDialog)[0]
    qtbot.waitUntil(lambda: enrol.ok_button.isEnabled(), timeout=5000)
    secret_text = enrol.key_label.text().replace(" ", "")
    secret = base64.b32decode(secret_text + "=" * (-len(secret_text) % 8))
    enrol.code.setText(totp.code_at(secret, profile.clock()))
    enrol.ok_button.click()
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=5000)
    main = controller.main_window
    assert isinstance(main, MainWindow) and "admin" not in main.page_keys()


def test_session_expiry_logs_out_with_a_message(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    from kokuho_pc.store.clock import ManualClock

    controller = _controller(qtbot, jobs, profile)
    _login(qtbot, controller, ADMIN_ID, ADMIN_PW)
    assert controller.main_window is not None
    clock = profile.clock
    assert isinstance(clock, ManualClock)
    clock.advance(hours=13)
    controller._check_session()  # what the one-minute timer does
    qtbot.waitUntil(lambda: controller.main_window is None, timeout=5000)
    assert controller.login_window.isVisible()
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "有効時間" in boxes[0].text()


def test_policy_change_reaches_the_idle_lock(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    from kokuho_pc.services.policy import PolicyService

    contexts: list[object] = []

    def pages(context: object) -> dict[str, object]:
        contexts.append(context)
        return {}

    controller = _controller(qtbot, jobs, profile, page_builder=pages)
    _login(qtbot, controller, ADMIN_ID, ADMIN_PW)
    lock = controller.idle_lock
    assert lock is not None and lock.timeout_ms == 60_000
    assert controller.session is not None
    PolicyService(profile).change(controller.session, "idle_timeout_seconds", 300)
    context = contexts[0]
    callback = getattr(context, "policy_changed", None)
    assert callable(callback)
    callback()
    qtbot.waitUntil(lambda: lock.timeout_ms == 300_000, timeout=3000)
