"""Item 7 across the whole application: the idle lock, no copy, no context menu, no 個人番号.

The real controller, the real pages and a real seeded simulator: a staff member
logs in and visits every page (the candidate list holds real households), then
the idle lock (a short interval injected) must cover every window, empty every
data model, show the neutral title and open again only for the same user;
another user has to log the session out. Ctrl+C on every table leaves the
clipboard unchanged, no table offers a context menu, and no widget, tooltip,
accessible name or model role shows a valid 12-digit number. The administrator's
pages (管理) get the same checks.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QContextMenuEvent  # a test-only event type
from pytestqt.qtbot import QtBot

from kokuho_pc.domain.errors import LoginFailed, PermissionDenied
from kokuho_pc.services.profile import open_profile
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.idle_lock import LOCKED_TITLE
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.widgets.error_dialog import ErrorDialog
from kokuho_pc.ui.widgets.models import LazyTableModel
from kokuho_pc.ui.widgets.qt import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QLabel,
    QMenu,
    Qt,
)
from tests.services.cand_env import CandidateEnv
from tests.transfer.harness import ADMIN, ADMIN_PW, STAFF, STAFF_PW
from tests.ui.candidates.test_candidates_page import shot
from tests.ui.widget_scan import all_texts, my_numbers_on_screen

TIMEOUT = 20_000
_STARTED: list[AppController] = []


@pytest.fixture(autouse=True)
def _keep_hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield
    while _STARTED:
        _STARTED.pop().shutdown()


@pytest.fixture
def controller(qtbot: QtBot, cand_env: CandidateEnv, jobs: JobRunner) -> AppController:
    """The application's controller on a second connection to the seeded demo profile."""
    path, hasher = cand_env.profile.path, cand_env.profile.hasher
    app = AppController(jobs, lambda: open_profile(path, hasher=hasher),
                        idle_timeout_ms=600_000, login_sleep=lambda _s: None)
    _STARTED.append(app)
    with qtbot.waitSignal(app.ready, timeout=TIMEOUT):
        app.start()
    return app


def _login(qtbot: QtBot, app: AppController, user: str, password: str) -> MainWindow:
    window = app.login_window
    window.user_id.setText(user)
    window.password.setText(password)
    with qtbot.waitSignal(window.logged_in, timeout=TIMEOUT):
        window.login_button.click()
    qtbot.waitUntil(lambda: app.main_window is not None, timeout=TIMEOUT)
    assert app.main_window is not None
    return app.main_window


def _settle(qtbot: QtBot, jobs: JobRunner) -> None:
    def quiet() -> bool:
        pages = [w for w in QApplication.allWidgets() if hasattr(w, "loading")]
        return not jobs.active_jobs() and not any(p.loading for p in pages)

    qtbot.waitUntil(quiet, timeout=TIMEOUT)


def _views() -> list[QAbstractItemView]:
    """Every item view of every top-level widget, combo box pop-ups excluded."""
    found: list[QAbstractItemView] = []
    for top in QApplication.topLevelWidgets():
        for view in [top, *top.findChildren(QAbstractItemView)]:
            if isinstance(view, QAbstractItemView) and "ComboBox" not in type(
                    view.parent()).__name__ and view.model() is not None:
                found.append(view)
    return found


def _data_models() -> list[LazyTableModel]:
    return [v.model() for v in _views() if isinstance(v.model(), LazyTableModel)]  # type: ignore[misc]


def _visit_every_page(qtbot: QtBot, window: MainWindow, jobs: JobRunner) -> None:
    for key in window.page_keys():
        window.show_page(key)
        assert window.current_page_key() == key
        _settle(qtbot, jobs)
        errors = [w.windowTitle() for w in QApplication.topLevelWidgets()
                  if isinstance(w, ErrorDialog) and w.isVisible()]
        assert errors == [], key
        assert my_numbers_on_screen() == [], key


def _copy_and_menus_are_dead(qtbot: QtBot) -> int:
    """Ctrl+C / Ctrl+Insert on every table with rows; a context-menu request on each."""
    clipboard = QApplication.clipboard()
    checked = 0
    for view in _views():
        try:
            if view.model().rowCount() == 0 or not view.isVisible():
                continue
        except RuntimeError:  # a pop-up view Qt deleted meanwhile
            continue
        view.setFocus()
        view.selectAll()
        clipboard.setText("sentinel")
        qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(view, Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier)
        assert clipboard.text() == "sentinel", type(view).__name__
        centre = view.viewport().rect().center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=centre)
        for target in (view, view.viewport()):
            QApplication.sendEvent(target, QContextMenuEvent(
                QContextMenuEvent.Reason.Keyboard, centre, target.mapToGlobal(centre)))
        QApplication.processEvents()
        assert not [m for m in QApplication.topLevelWidgets()
                    if isinstance(m, QMenu) and m.isVisible()]
        assert view.dragEnabled() is False
        checked += 1
    return checked


def _lock(qtbot: QtBot, app: AppController) -> LockScreen:
    lock, window = app.idle_lock, app.main_window
    assert lock is not None and window is not None
    with qtbot.waitSignal(lock.locked, timeout=TIMEOUT):
        lock.set_timeout_ms(150)  # the short interval, injected
    lock.set_timeout_ms(600_000)
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    return screen


def _assert_locked_down(window: MainWindow, secrets: set[str]) -> None:
    assert window.windowTitle().startswith(LOCKED_TITLE)
    assert "継続候補" not in window.windowTitle() and "管理" not in window.windowTitle()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [window]  # every other window is hidden
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    models = _data_models()
    assert models and all(m.rowCount() == 0 and m.total_count() == 0 for m in models)
    shown = [text for _where, text in all_texts()]
    assert not [s for s in secrets if any(s in text for text in shown)]
    assert my_numbers_on_screen() == []


def test_staff_session_locked_down_everywhere(
    qtbot: QtBot, controller: AppController, cand_env: CandidateEnv, jobs: JobRunner
) -> None:
    window = _login(qtbot, controller, STAFF, STAFF_PW)
    assert "admin" not in window.page_keys()
    window.show_page("admin")  # not reachable for staff
    assert window.current_page_key() != "admin"
    _visit_every_page(qtbot, window, jobs)
    window.show_page("candidates")
    _settle(qtbot, jobs)
    page = window.page("candidates")
    model = page.model  # type: ignore[attr-defined]
    assert model.total_count() > 0
    heads = {str(model.data(model.index(r, 3))) for r in range(model.rowCount())} - {""}
    assert heads
    assert my_numbers_on_screen() == []
    assert _copy_and_menus_are_dead(qtbot) >= 1
    dialog = QDialog(window)  # any other window (a detail, a result box) is covered too
    dialog.setWindowTitle("詳細")
    QLabel("詳細を表示しています", dialog)
    dialog.show()

    screen = _lock(qtbot, controller)
    _assert_locked_down(window, heads)
    assert not dialog.isVisible()

    screen.password.setText(ADMIN_PW)  # another user's password does not open it
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: LoginFailed.default_message in screen.message.text(), timeout=TIMEOUT)
    assert isinstance(window.centralWidget(), LockScreen)
    session = controller.session
    assert session is not None
    with pytest.raises(PermissionDenied, match="本人のみ"):
        session.unlock(ADMIN_PW, user_id=ADMIN)

    screen.password.setText(STAFF_PW)
    lock = controller.idle_lock
    assert lock is not None
    with qtbot.waitSignal(lock.unlocked, timeout=TIMEOUT):
        screen.unlock_button.click()
    assert not window.windowTitle().startswith(LOCKED_TITLE)
    assert dialog.isVisible()
    dialog.close()
    qtbot.waitUntil(lambda: model.total_count() > 0, timeout=TIMEOUT)  # reloaded for its user
    _settle(qtbot, jobs)

    screen = _lock(qtbot, controller)  # another user: log the session out first
    screen.logout_button.click()
    qtbot.waitUntil(lambda: controller.main_window is None, timeout=TIMEOUT)
    assert controller.login_window.isVisible()
    _settle(qtbot, jobs)


def test_admin_pages_locked_down(
    qtbot: QtBot, controller: AppController, cand_env: CandidateEnv, jobs: JobRunner
) -> None:
    window = _login(qtbot, controller, ADMIN, ADMIN_PW)
    assert "admin" in window.page_keys()
    _visit_every_page(qtbot, window, jobs)
    window.show_page("admin")
    admin = window.page("admin")
    tabs = admin.tabs  # type: ignore[attr-defined]
    checked = 0
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        _settle(qtbot, jobs)
        checked += _copy_and_menus_are_dead(qtbot)
    assert checked >= 2  # accounts and the operation log have rows
    assert my_numbers_on_screen() == []
    accounts = admin.accounts  # type: ignore[attr-defined]
    users = {STAFF, ADMIN}
    assert accounts.model.total_count() >= 2
    tabs.setCurrentIndex(0)
    _lock(qtbot, controller)
    window.resize(1280, 800)
    shot(window, "lockdown_admin_locked")
    _assert_locked_down(window, users - {ADMIN})
    assert accounts.model.total_count() == 0
    assert admin.media.staff.count() == 0  # type: ignore[attr-defined]
