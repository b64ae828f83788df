"""Crash hook and error dialog: Japanese text, data-free details, a log line."""

from __future__ import annotations

import logging
import sys
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.domain.errors import ConnectionFailed
from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.domain.mynumber import my_number_check_digit
from kokuho_pc.services.messages import describe_error
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.clock import ManualClock
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.crash import CRASH_TITLE, CrashHook, install_crash_hook
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.error_dialog import ErrorDialog, show_error
from kokuho_pc.ui.widgets.qt import QApplication, QGuiApplication
from tests.ui.security_fixtures import JST


def _dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, ErrorDialog) and w.isVisible()]


def _raise_with_personal_data() -> None:
    eleven = "98765432101"
    number = eleven + str(my_number_check_digit(eleven))
    name = "山田太郎"  # a local value that must not reach the details
    raise ValueError(f"{name} {number}")


def test_crash_hook_shows_japanese_dialog_without_personal_data(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    hook = CrashHook(parent=lambda: None)
    try:
        _raise_with_personal_data()
    except ValueError as exc:
        with caplog.at_level(logging.CRITICAL, logger="kokuho_pc.ui.crash"):
            hook(type(exc), exc, exc.__traceback__)
    dialogs = _dialogs()
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.windowTitle() == CRASH_TITLE
    assert dialog.message_label.text() == describe_error(ValueError()).message
    assert "builtins.ValueError" in dialog.details
    assert "_raise_with_personal_data" in dialog.details
    assert "test_crash.py:" in dialog.details
    for text in (dialog.details, caplog.text):
        assert "山田" not in text
        assert find_my_numbers(text) == []
    assert "builtins.ValueError" in caplog.text
    # a second crash while the dialog is open only logs
    hook(ValueError, ValueError("x"), None)
    assert len(_dialogs()) == 1
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.details
    assert dialog.status_label.text() == "詳細をコピーしました。"
    dialog.close_button.click()
    qtbot.waitUntil(lambda: _dialogs() == [], timeout=1000)


def test_typed_error_shows_its_message_and_hint(qtbot: QtBot) -> None:
    dialog = show_error(None, ConnectionFailed())
    assert dialog.message_label.text() == ConnectionFailed.default_message
    assert dialog.hint_label.text() == ConnectionFailed.default_hint
    assert dialog.windowTitle() == "接続エラー"
    assert "[connection]" in dialog.details
    dialog.resize(520, dialog.sizeHint().height())
    dialog.grab().save("/tmp/ui-error-dialog.png")
    dialog.close()


def test_install_sets_sys_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    hook = install_crash_hook()
    assert sys.excepthook is hook


def test_details_are_dated_by_the_open_profiles_clock(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, caplog: pytest.LogCaptureFixture
) -> None:
    """The copied details and the crash log carry the profile's (injected) time, not the
    machine's; once the profile is closed, the machine's clock again."""
    assert isinstance(profile.clock, ManualClock)
    profile.clock.now = datetime(2027, 3, 31, 23, 59, tzinfo=JST)
    stamp = "日時: 2027-03-31T23:59:00+09:00"
    controller = AppController(jobs, lambda: profile, login_sleep=lambda _s: None)
    try:
        with qtbot.waitSignal(controller.ready, timeout=5000):
            controller.start()
        dialog = show_error(None, ConnectionFailed())
        assert stamp in dialog.details.splitlines()
        dialog.close()
        with caplog.at_level(logging.CRITICAL, logger="kokuho_pc.ui.crash"):
            CrashHook(parent=lambda: None).__call__(ValueError, ValueError("x"), None)
        assert stamp in caplog.text
        for shown in _dialogs():
            shown.close()
    finally:
        controller.shutdown()
    after = show_error(None, ConnectionFailed())
    assert stamp not in after.details.splitlines()  # the machine's clock again
    after.close()
