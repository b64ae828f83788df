"""Qt flag values as integers (qt_values.py) agree with PySide6's enums and do their job."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.ui.widgets import qt_values
from kokuho_pc.ui.widgets.lockdown import ALLOW_COPY_PROPERTY, LockdownFilter, install_lockdown
from kokuho_pc.ui.widgets.qt import (
    QApplication,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    Qt,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

SELECTABLE = (Qt.TextInteractionFlag.TextSelectableByMouse
              | Qt.TextInteractionFlag.TextSelectableByKeyboard)


@pytest.mark.parametrize(("value", "member"), [
    (qt_values.ALIGN_CENTER, Qt.AlignmentFlag.AlignCenter),
    (qt_values.NO_TEXT_INTERACTION, Qt.TextInteractionFlag.NoTextInteraction),
    (qt_values.TEXT_SELECTABLE_BY_MOUSE, Qt.TextInteractionFlag.TextSelectableByMouse),
    (qt_values.TEXT_SELECTABLE_BY_KEYBOARD, Qt.TextInteractionFlag.TextSelectableByKeyboard),
    (qt_values.LINKS_ACCESSIBLE_BY_MOUSE, Qt.TextInteractionFlag.LinksAccessibleByMouse),
    (qt_values.LINKS_ACCESSIBLE_BY_KEYBOARD, Qt.TextInteractionFlag.LinksAccessibleByKeyboard),
])
def test_each_integer_is_the_qt_value(value: int, member: Qt.AlignmentFlag) -> None:
    assert value == member.value


def test_centre_text_centres_both_ways(qapp: QApplication) -> None:
    label = QLabel("国保総合PC")
    qt_values.centre_text(label)
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter


def test_make_unselectable_leaves_mouse_links_only(qapp: QApplication) -> None:
    label = QLabel("山田太郎")
    label.setTextInteractionFlags(SELECTABLE | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    assert label.focusPolicy() == Qt.FocusPolicy.StrongFocus
    qt_values.make_unselectable(label)
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.LinksAccessibleByMouse
    assert label.focusPolicy() == Qt.FocusPolicy.NoFocus


def _shown(qtbot: QtBot, *widgets: QWidget) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    for widget in widgets:
        layout.addWidget(widget)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_lockdown_hardens_labels_and_read_only_text_when_shown(
    qtbot: QtBot, qapp: QApplication
) -> None:
    lockdown: LockdownFilter = install_lockdown(qapp)
    assert lockdown is install_lockdown(qapp)
    by_keyboard = QLabel("ヤマダタロウ")
    by_keyboard.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    both = QLabel("山田太郎")
    both.setTextInteractionFlags(SELECTABLE)
    allowed = QLabel("受付番号 R-0001")
    allowed.setTextInteractionFlags(SELECTABLE)
    allowed.setProperty(ALLOW_COPY_PROPERTY, True)
    rich = QTextEdit("<b>山田</b>")
    rich.setReadOnly(True)
    plain = QPlainTextEdit("山田")
    plain.setReadOnly(True)
    editable = QPlainTextEdit("備考")
    window = _shown(qtbot, by_keyboard, both, allowed, rich, plain, editable)
    assert window.isVisible()
    for label in (by_keyboard, both):
        assert not label.textInteractionFlags() & SELECTABLE
    assert allowed.textInteractionFlags() & SELECTABLE == SELECTABLE
    for text in (rich, plain):
        assert text.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
    assert editable.textInteractionFlags() & Qt.TextInteractionFlag.TextEditable


def test_lockdown_hardens_a_message_box_label(qtbot: QtBot, qapp: QApplication) -> None:
    install_lockdown(qapp)
    box = QMessageBox(QMessageBox.Icon.Information, "確認", "山田太郎さんの判断を保存しました")
    qtbot.addWidget(box)
    box.setTextInteractionFlags(SELECTABLE)  # what some styles make a message box do
    box.show()
    qtbot.waitExposed(box)
    labels = [label for label in box.findChildren(QLabel) if label.text()]
    assert labels
    for label in labels:
        assert not label.textInteractionFlags() & SELECTABLE
    box.close()
