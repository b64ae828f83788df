"""The widget-tree scan finds a 個人番号 anywhere on screen, and a session shows none."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.domain.mynumber import my_number_check_digit
from kokuho_pc.ui.widgets.models import Column, LazyTableModel
from kokuho_pc.ui.widgets.qt import QLabel, QVBoxLayout, QWidget
from kokuho_pc.ui.widgets.views import NoCopyTableView
from tests.ui.widget_scan import my_numbers_on_screen

ELEVEN = "31415926535"
NUMBER = ELEVEN + str(my_number_check_digit(ELEVEN))


def test_scan_finds_numbers_in_labels_tooltips_and_model_roles(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    label = QLabel("ホーム")
    label.setObjectName("plain")
    hidden_tip = QLabel("詳細")
    hidden_tip.setObjectName("tip")
    hidden_tip.setToolTip(f"番号 {NUMBER}")
    rows = {0: {"name": NUMBER}}
    model = LazyTableModel([Column("name", "氏名")], lambda q: [0], lambda ids: rows)
    model.refresh()
    view = NoCopyTableView()
    view.setObjectName("table")
    view.setModel(model)
    model.setParent(view)
    layout = QVBoxLayout(root)
    for widget in (label, hidden_tip, view):
        layout.addWidget(widget)
    found = my_numbers_on_screen([root])
    assert "QLabel#tip" in found
    assert "NoCopyTableView#table model" in found
    assert "QLabel#plain" not in found
    assert all(NUMBER not in place for place in found)
    hidden_tip.setToolTip("")
    model.clear()
    assert my_numbers_on_screen([root]) == []
