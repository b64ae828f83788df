"""The idle lock that fits the work: a countdown before it, a password-only lock screen
that says so, the real reason in the operation log, and 「画面ロック」 (menu, Ctrl+L)."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.widgets.qt import QApplication, QLineEdit, Qt
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW
from tests.ui.test_app import _controller, _keep_excepthook, _login, _shutdown_controllers

__all__ = ["_keep_excepthook", "_shutdown_controllers"]

SHOTS = Path(os.environ.get("KOKUHO_SHOTS", "/tmp/shots"))


def lock_reasons(profile: Profile) -> list[object]:
    return [dict(r.targets or {}).get("reason") for r in profile.audit.records(limit=1000)
            if r.action == AuditAction.SESSION_LOCK.value]


def test_countdown_then_idle_lock_then_manual_lock(
    qtbot: QtBot, jobs: JobRunner, profile: Profile
) -> None:
    controller = _controller(qtbot, jobs, profile, idle_timeout_ms=2400)
    _login(qtbot, controller, ADMIN_ID, ADMIN_PW)
    window, lock = controller.main_window, controller.idle_lock
    assert window is not None and lock is not None
    window.resize(1280, 800)
    # The countdown appears before the lock (30 s; at most half the idle time) ...
    qtbot.waitUntil(lambda: lock.warning is not None and lock.warning.isVisible(), timeout=5000)
    warning = lock.warning
    assert warning is not None and not lock.is_locked
    assert "秒で画面をロックします" in warning.text.text()
    assert 0 < warning.seconds_left() <= 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    warning.grab().save(str(SHOTS / "lock-warning.png"))
    # ... and any activity ends it without locking.
    qtbot.keyClick(window, Qt.Key.Key_Shift)
    assert not warning.isVisible() and not lock.is_locked
    # Without activity: the countdown again, then the lock, logged as idle.
    with qtbot.waitSignal(lock.locked, timeout=6000):
        pass
    assert not warning.isVisible()
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    assert "パスワードだけ" in screen.hint.text() and "操作がなかった" in screen.hint.text()
    fields = [f for f in screen.findChildren(QLineEdit) if not f.isHidden()]
    assert fields == [screen.password]  # no one-time password field
    qtbot.waitUntil(lambda: lock_reasons(profile) == ["idle"], timeout=5000)
    screen.password.setText(ADMIN_PW)
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        screen.unlock_button.click()
    # 「画面ロック」 in the menu, with Ctrl+L; logged as manual.
    assert window.lock_action.text() == "画面ロック(&K)"
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    assert window.lock_action in window.menuBar().actions()[0].menu().actions()
    window.activateWindow()
    with qtbot.waitSignal(lock.locked, timeout=3000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen) and "操作がなかった" not in screen.hint.text()
    qtbot.waitUntil(lambda: lock_reasons(profile) == ["idle", "manual"], timeout=5000)
    QApplication.processEvents()
