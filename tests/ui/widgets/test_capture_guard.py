"""Screen-capture exclusion: applied on Windows, a no-op elsewhere."""

from __future__ import annotations

import sys

from pytestqt.qtbot import QtBot

from kokuho_pc.ui.widgets.capture_guard import (
    WDA_EXCLUDEFROMCAPTURE,
    CaptureGuard,
    exclude_from_capture,
)
from kokuho_pc.ui.widgets.qt import QApplication, QDialog, QWidget


class FakeUser32:
    """Stands in for the Windows user32 DLL (a true system boundary)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def SetWindowDisplayAffinity(self, hwnd: int, affinity: int) -> int:
        self.calls.append((hwnd, affinity))
        return 1


def test_no_op_off_windows(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    user32 = FakeUser32()
    assert exclude_from_capture(widget, platform="linux", user32=user32) is False
    assert user32.calls == []
    if sys.platform != "win32":
        assert exclude_from_capture(widget) is False


def test_windows_calls_set_window_display_affinity(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    user32 = FakeUser32()
    assert exclude_from_capture(widget, platform="win32", user32=user32) is True
    assert user32.calls == [(int(widget.winId()), WDA_EXCLUDEFROMCAPTURE)]


def test_guard_applies_once_per_top_level_window(qtbot: QtBot, qapp: QApplication) -> None:
    user32 = FakeUser32()
    guard = CaptureGuard(platform="win32", user32=user32)
    qapp.installEventFilter(guard)
    try:
        window = QWidget()
        qtbot.addWidget(window)
        child = QWidget(window)
        dialog = QDialog(window)
        window.show()
        dialog.show()
        dialog.hide()
        dialog.show()
        child.show()
    finally:
        qapp.removeEventFilter(guard)
    expected = [(int(w.winId()), WDA_EXCLUDEFROMCAPTURE) for w in (window, dialog)]
    assert sorted(user32.calls) == sorted(expected)
    off = CaptureGuard(platform="linux")
    assert not off.active
