"""Copy lock-down: Ctrl+C on data leaves the clipboard unchanged; no drag, no menus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.ui.widgets.lockdown import LockdownFilter, install_lockdown
from kokuho_pc.ui.widgets.models import Column, LazyTableModel
from kokuho_pc.ui.widgets.qt import (
    QAction,
    QApplication,
    QEvent,
    QGuiApplication,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

SENTINEL = "クリップボードの元の内容"


@pytest.fixture
def lockdown(qapp: QApplication) -> Iterator[LockdownFilter]:
    installed = install_lockdown(qapp)  # conftest installs it for every UI test already
    yield installed
    install_lockdown(qapp)


def _window(qtbot: QtBot) -> tuple[QMainWindow, NoCopyTableView, list[bool]]:
    rows = {i: {"name": f"山田{i}", "no": str(i)} for i in range(5)}
    model = LazyTableModel(
        [Column("no", "番号"), Column("name", "氏名")],
        lambda q: list(rows),
        lambda ids: {i: rows[int(str(i))] for i in ids},
    )
    model.refresh()
    window = QMainWindow()
    qtbot.addWidget(window)
    view = NoCopyTableView()
    view.setModel(model)
    model.setParent(view)
    window.setCentralWidget(view)
    triggered: list[bool] = []
    copy_action = QAction("コピー", window)
    copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    copy_action.triggered.connect(lambda: triggered.append(True))
    copy_action.triggered.connect(lambda: QGuiApplication.clipboard().setText("山田0"))
    window.addAction(copy_action)
    window.show()
    qtbot.waitExposed(window)
    view.setFocus()
    return window, view, triggered


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier),
    ],
)
def test_copy_keys_on_selected_rows_leave_clipboard_unchanged(
    qtbot: QtBot, lockdown: LockdownFilter, key: Qt.Key, modifier: Qt.KeyboardModifier
) -> None:
    QGuiApplication.clipboard().setText(SENTINEL)
    _win, view, triggered = _window(qtbot)
    view.setCurrentIndex(view.model().index(0, 1))
    view.selectAll()
    assert view.selected_rows() == [0, 1, 2, 3, 4]
    qtbot.keyClick(view, key, modifier)
    assert QGuiApplication.clipboard().text() == SENTINEL
    assert triggered == []


def test_view_swallows_copy_even_without_the_app_filter(
    qtbot: QtBot, lockdown: LockdownFilter, qapp: QApplication
) -> None:
    qapp.removeEventFilter(lockdown)
    QGuiApplication.clipboard().setText(SENTINEL)
    window, view, _triggered = _window(qtbot)
    window.removeAction(window.actions()[0])
    view.selectRow(2)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == SENTINEL


def test_view_has_no_drag_no_context_menu_whole_row_selection(qtbot: QtBot) -> None:
    _win, view, _t = _window(qtbot)
    assert not view.dragEnabled()
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
    assert view.selectionBehavior() == view.SelectionBehavior.SelectRows
    view.selectRow(1)
    assert view.selected_rows() == [1]


def test_read_only_labels_and_fields_cannot_be_copied(
    qtbot: QtBot, lockdown: LockdownFilter
) -> None:
    QGuiApplication.clipboard().setText(SENTINEL)
    widget = QWidget()
    qtbot.addWidget(widget)
    label = QLabel("山田太郎")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    field = QLineEdit("ヤマダタロウ")
    field.setReadOnly(True)
    layout = QVBoxLayout(widget)
    layout.addWidget(label)
    layout.addWidget(field)
    widget.show()
    qtbot.waitExposed(widget)
    assert not label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == SENTINEL
    qtbot.mouseDClick(field, Qt.MouseButton.LeftButton)
    field.deselect()
    qtbot.mouseDClick(field, Qt.MouseButton.LeftButton)
    assert field.selectedText() == ""


@pytest.mark.qt_log_ignore(r"^This plugin does not support raise\(\)$")  # offscreen tooltips
def test_tooltips_only_over_allowed_columns(qtbot: QtBot) -> None:
    from kokuho_pc.ui.widgets.qt import QHelpEvent, QToolTip

    rows = {0: {"no": "1", "name": "山田一郎"}}
    model = LazyTableModel(
        [Column("no", "番号", tooltip=True), Column("name", "氏名", tooltip=True)],
        lambda q: list(rows), lambda ids: {i: rows[int(str(i))] for i in ids},
    )
    model.refresh()
    view = NoCopyTableView(tooltip_columns=[0])
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)

    def hover(column: int) -> bool:
        rect = view.visualRect(model.index(0, column))
        pos = rect.center()
        event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
        QApplication.sendEvent(view.viewport(), event)
        return QToolTip.isVisible() and QToolTip.text() != ""

    assert not hover(1)  # first: a shown tooltip hides only after a short delay
    assert hover(0)
    QToolTip.hideText()
