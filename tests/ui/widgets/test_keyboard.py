"""Keyboard-first basics (issue 17): Enter on buttons, Ctrl+1…6, F1, Escape, Tab in 備考."""

from __future__ import annotations

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kokuho_pc.services.resources import resource_path
from kokuho_pc.ui.candidates.decision_panel import DecisionPanel
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.widgets.help_window import HelpWindow
from kokuho_pc.ui.widgets.keyboard import FOCUS_STYLE_MARK
from kokuho_pc.ui.widgets.qt import (
    QApplication,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)

HELP = resource_path("help")


def _page(name: str) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(QLineEdit(objectName=f"{name}_field"))
    layout.addWidget(QPushButton(f"{name}ボタン"))
    return page


def _window(qtbot: QtBot) -> MainWindow:
    keys = ("home", "send", "receive", "candidates", "results", "admin")
    window = MainWindow(user_id="sato.kanri", role_label="情報システム管理者", is_admin=True,
                        demo=False, pages={k: (lambda k=k: _page(k)) for k in keys},
                        help_path=HELP / "index.html")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    return window


def test_enter_on_a_focused_button_clicks_it(qtbot: QtBot) -> None:
    widget = QWidget()
    button = QPushButton("送信(&S)", widget)
    clicks: list[int] = []
    button.clicked.connect(lambda: clicks.append(1))
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)
    button.setFocus()
    QTest.keyClick(button, Qt.Key.Key_Return)
    QTest.keyClick(button, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert clicks == [1, 1]
    button.setEnabled(False)
    QTest.keyClick(button, Qt.Key.Key_Return)
    assert clicks == [1, 1]
    assert FOCUS_STYLE_MARK in QApplication.instance().styleSheet()  # type: ignore[union-attr]


def test_ctrl_and_a_number_goes_to_the_page_and_focuses_it(qtbot: QtBot) -> None:
    window = _window(qtbot)
    for number, key in enumerate(window.page_keys(), start=1):
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key(Qt.Key.Key_0.value + number),
                       Qt.KeyboardModifier.ControlModifier)
        assert window.current_page_key() == key
        focused = QApplication.focusWidget()
        assert focused is not None and focused.objectName() == f"{key}_field"
    window.navigation.setFocus()
    assert window.navigation.accessibleName() == "画面の切替"
    assert window.navigation.hasFocus()


def test_f1_opens_the_current_screens_section_and_escape_closes_it(qtbot: QtBot) -> None:
    window = _window(qtbot)
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_4,
                   Qt.KeyboardModifier.ControlModifier)  # 継続候補世帯
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    help_window = window.help_window
    assert isinstance(help_window, HelpWindow) and help_window.isVisible()
    assert help_window.current_document() == "staff.html"
    assert help_window.browser.source().fragment() == "page-candidates"
    help_window.activateWindow()  # the window manager's part
    qtbot.waitUntil(help_window.isActiveWindow, timeout=3000)
    QTest.keyClick(QApplication.focusWidget() or help_window, Qt.Key.Key_Escape)
    assert not help_window.isVisible()
    window.activateWindow()  # back to the main window (the window manager's part)
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_6,
                   Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    assert help_window.current_document() == "admin.html"


def test_tab_in_the_remarks_moves_on(qtbot: QtBot) -> None:
    panel = DecisionPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=3000)
    panel.setEnabled(True)  # as when a candidate is shown
    panel.remarks.setEnabled(True)
    panel.remarks.setReadOnly(False)
    panel.remarks.setFocus()
    QTest.keyClicks(panel.remarks, "memo")  # QTest types ASCII only
    QTest.keyClick(panel.remarks, Qt.Key.Key_Tab)
    assert "\t" not in panel.remarks.toPlainText()
    assert not panel.remarks.hasFocus()
