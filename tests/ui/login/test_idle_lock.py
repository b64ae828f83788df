"""The idle lock: activity resets it; on timeout everything is hidden and emptied."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.domain.errors import AuthError
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.idle_lock import LOCKED_TITLE, IdleLock, mark_fixed_labels
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.widgets.models import Column, LazyTableModel
from kokuho_pc.ui.widgets.qt import (
    QComboBox,
    QDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

PASSWORD = "correct horse 2026"


class DetailPane(QLabel):
    """A widget showing data that knows how to forget it."""

    def __init__(self) -> None:
        super().__init__("山田太郎")
        self.restored = 0

    def clear_for_lock(self) -> None:
        self.setText("")

    def restore_after_unlock(self) -> None:
        self.restored += 1
        self.setText("山田太郎")


def _verify(password: str, otp: str | None) -> None:
    if password != PASSWORD:
        raise AuthError("パスワードが正しくありません。")


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    rows = {i: {"name": f"世帯{i}"} for i in range(10)}
    model = LazyTableModel(
        [Column("name", "世帯")], lambda q: list(rows),
        lambda ids: {i: rows[int(str(i))] for i in ids},
    )
    model.refresh()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setWindowTitle("国保総合PC — 継続候補世帯")
    window.menuBar().addMenu("ファイル")
    window.statusBar().showMessage("ユーザID: staff01")
    view = NoCopyTableView()
    view.setModel(model)
    model.setParent(view)
    central = DetailPane()
    view.setParent(central)
    window.setCentralWidget(central)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def idle(qtbot: QtBot, jobs: JobRunner, window: QMainWindow) -> Iterator[IdleLock]:
    lock = IdleLock(jobs, _verify, "staff01", timeout_ms=150)
    lock.start(window)
    yield lock
    lock.discard()


def test_activity_keeps_it_unlocked(qtbot: QtBot, idle: IdleLock, window: QMainWindow) -> None:
    idle.set_timeout_ms(600)
    for _ in range(12):
        qtbot.keyClick(window, Qt.Key.Key_Shift)
        qtbot.wait(60)
    assert not idle.is_locked
    with qtbot.waitSignal(idle.locked, timeout=3000):
        pass  # and without activity it locks


def test_timeout_locks_hides_and_empties(
    qtbot: QtBot, idle: IdleLock, window: QMainWindow
) -> None:
    pane = window.centralWidget()
    assert isinstance(pane, DetailPane)
    view = pane.findChild(NoCopyTableView)
    assert view is not None
    dialog = QDialog(window)
    dialog.setWindowTitle("詳細")
    dialog.show()
    with qtbot.waitSignal(idle.locked, timeout=2000):
        pass
    assert isinstance(window.centralWidget(), LockScreen)
    assert window.windowTitle() == LOCKED_TITLE
    assert not window.menuBar().isVisible()
    assert not window.statusBar().isVisible()
    assert not dialog.isVisible()
    assert view.model().rowCount() == 0
    assert pane.text() == ""
    late = QDialog(window)
    late.show()  # a job's result box opening while locked stays hidden
    qtbot.waitUntil(lambda: not late.isVisible(), timeout=1000)
    window.grab().save("/tmp/ui-lock-screen.png")


def test_wrong_password_then_unlock(qtbot: QtBot, idle: IdleLock, window: QMainWindow) -> None:
    pane = window.centralWidget()
    idle.lock()
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    qtbot.keyClicks(screen.password, "wrong")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.message.text() == "パスワードが正しくありません。", timeout=2000)
    assert screen.password.text() == ""
    qtbot.keyClicks(screen.password, PASSWORD)
    with qtbot.waitSignal(idle.unlocked, timeout=2000):
        screen.unlock_button.click()
    assert window.centralWidget() is pane
    assert isinstance(pane, DetailPane)
    assert pane.restored == 1 and pane.text() == "山田太郎"
    assert window.windowTitle() == "国保総合PC — 継続候補世帯"
    assert window.menuBar().isVisible()


def test_logout_from_the_lock_screen(qtbot: QtBot, idle: IdleLock, window: QMainWindow) -> None:
    idle.lock()
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    with qtbot.waitSignal(idle.logout_requested, timeout=1000):
        screen.logout_button.click()


def test_session_lock_or_expiry_reported_on_activity(
    qtbot: QtBot, jobs: JobRunner, window: QMainWindow
) -> None:
    from kokuho_pc.domain.errors import SessionExpired, SessionLocked

    outcome: list[type[Exception]] = [SessionLocked]

    def touch() -> None:
        raise outcome[0]()

    lock = IdleLock(jobs, _verify, "staff01", timeout_ms=60_000, on_activity=touch)
    lock.start(window)
    try:
        with qtbot.waitSignal(lock.locked, timeout=2000):
            qtbot.keyClick(window, Qt.Key.Key_Shift)
        assert isinstance(window.centralWidget(), LockScreen)
    finally:
        lock.discard()
    outcome[0] = SessionExpired
    second = IdleLock(jobs, _verify, "staff01", timeout_ms=60_000, on_activity=touch)
    second.start(window)
    try:
        with qtbot.waitSignal(second.logout_requested, timeout=2000):
            qtbot.keyClick(window, Qt.Key.Key_Shift)
    finally:
        second.discard()


def test_window_closed_while_locked_stays_closed(
    qtbot: QtBot, idle: IdleLock, window: QMainWindow
) -> None:
    kept = QDialog(window)
    kept.setWindowTitle("保持")
    kept.show()
    done = QDialog(window)
    done.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    done.show()
    idle.lock()
    assert not kept.isVisible() and not done.isVisible()
    done.close()  # e.g. a job's progress dialog finishing while locked
    qtbot.wait(10)
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    screen.password.setText(PASSWORD)
    with qtbot.waitSignal(idle.unlocked, timeout=3000):
        screen.unlock_button.click()
    assert kept.isVisible()


def test_fixed_labels_are_kept_quietly_and_unknown_models_reported(
    qtbot: QtBot, jobs: JobRunner, caplog: pytest.LogCaptureFixture
) -> None:
    """Combo-box choices and views marked as fixed labels are left alone without a
    warning; any other model the lock cannot empty is reported."""
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    layout = QVBoxLayout(central)
    combo = QComboBox()
    combo.addItems(["すべて", "未判断", "判断済"])
    navigation = QListWidget()
    navigation.addItems(["ホーム", "移入・送信"])
    mark_fixed_labels(navigation)
    unknown = QListWidget()  # not marked: the lock cannot know what it holds
    unknown.addItems(["?"])
    for widget in (combo, navigation, unknown):
        layout.addWidget(widget)
    window.setCentralWidget(central)
    window.show()
    lock = IdleLock(jobs, _verify, "staff01", timeout_ms=100)
    lock.start(window)
    try:
        with caplog.at_level(logging.WARNING, logger="kokuho_pc.ui.lock"), \
                qtbot.waitSignal(lock.locked, timeout=2000):
            pass
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert warnings == ["model QAbstractListModel has no clear_for_lock()"]
        assert combo.count() == 3 and navigation.count() == 2
    finally:
        lock.discard()
