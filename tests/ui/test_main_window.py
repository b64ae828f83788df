"""The main window shell: navigation, injected pages, admin page, status bar, DEMO banner."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kokuho_pc.ui.main_window import MainWindow, PlaceholderPage
from kokuho_pc.ui.widgets.demo_banner import DemoBanner
from kokuho_pc.ui.widgets.qt import QApplication, QLabel, QMessageBox, QWidget


def _window(qtbot: QtBot, *, admin: bool, demo: bool, created: list[str]) -> MainWindow:
    def home() -> QWidget:
        created.append("home")
        return QLabel("ホーム画面")

    def candidates() -> QWidget:
        created.append("candidates")
        return QLabel("継続候補世帯の一覧")

    window = MainWindow(
        user_id="staff01",
        role_label="事務取扱担当者" if not admin else "情報システム管理者",
        is_admin=admin,
        demo=demo,
        pages={"home": home, "candidates": candidates},
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_staff_navigation_without_admin_page(qtbot: QtBot) -> None:
    created: list[str] = []
    window = _window(qtbot, admin=False, demo=False, created=created)
    assert window.page_keys() == ["home", "send", "receive", "candidates", "results"]
    assert created == ["home"]  # pages are created when first shown
    assert window.windowTitle() == "国保総合PC — ホーム"
    assert window.user_label.text() == "ユーザID: staff01（事務取扱担当者）"
    assert window.demo_banner is None
    window.navigation.setCurrentRow(3)
    assert window.current_page_key() == "candidates"
    assert created == ["home", "candidates"]
    assert window.windowTitle() == "国保総合PC — 継続候補世帯"
    window.show_page("admin")  # not available to staff: nothing happens
    assert window.current_page_key() == "candidates"
    window.show_page("send")
    assert isinstance(window.stack.currentWidget(), PlaceholderPage)


def test_admin_demo_window_has_admin_page_and_banner(qtbot: QtBot) -> None:
    window = _window(qtbot, admin=True, demo=True, created=[])
    assert window.page_keys()[-1] == "admin"
    assert isinstance(window.demo_banner, DemoBanner)
    assert window.demo_banner.isVisible()
    assert window.windowTitle().endswith("【デモ】")
    window.grab().save("/tmp/ui-main-window.png")


def test_logout_and_help_placeholder(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, admin=False, demo=False, created=[])
    with qtbot.waitSignal(window.logout_requested, timeout=1000):
        window.logout_action.trigger()
    window.help_action.trigger()
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert [b.text() for b in boxes] == ["操作説明はまだ用意されていません。"]
    boxes[0].button(QMessageBox.StandardButton.Ok).click()
    with qtbot.waitSignal(window.closed, timeout=1000):
        window.close()
