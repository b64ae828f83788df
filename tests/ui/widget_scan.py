"""Scan every widget and every model role for a 個人番号 (tests.leaks: sentinels, any valid one).

For the screen tests: after a scripted session, ``my_numbers_on_screen()``
must be empty. It reads window titles, texts, placeholders, tooltips, status
tips, What's This, accessible names and descriptions, combo box items, and
every role (0–63 and UserRole–UserRole+63) of every index and header of every
item view's model (only the rows a lazy model has exposed).

PySide 6.12 drops a reference to ``None`` each time a C++-implemented method
(``QListWidget``'s model, ``QComboBox.itemData``, ...) returns an invalid
QVariant; scanning 128 roles soon deallocates ``None`` and aborts the process.
Calls into C++ go through :func:`_cxx`, which gives the lost references back;
cells of C++ models are read with ``itemData`` (valid roles only).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable, Iterator

from kokuho_pc.ui.widgets.qt import (
    QAbstractItemModel,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QModelIndex,
    QPlainTextEdit,
    Qt,
    QTextEdit,
    QWidget,
)
from tests.e2e.scenario import SENTINELS
from tests.leaks import generic_text, scanner_for

_ROLES = [*range(64), *range(int(Qt.ItemDataRole.UserRole), int(Qt.ItemDataRole.UserRole) + 64)]
_TEXT_GETTERS = (
    "windowTitle", "text", "placeholderText", "toolTip", "statusTip", "whatsThis",
    "accessibleName", "accessibleDescription", "title", "windowIconText",
)


def _cxx(call: Callable[..., object], *args: object) -> object:
    """``call(*args)`` on a C++ method, restoring references to None it dropped."""
    before = sys.getrefcount(None)
    value = call(*args)
    expected = before + (1 if value is None else 0)
    lost = expected - sys.getrefcount(None)
    for _ in range(lost + 1 if lost > 0 else 0):  # one spare: other threads may race us
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))  # never released, like the loss
    return value


def _is_python_model(model: QAbstractItemModel) -> bool:
    return not type(model).__module__.startswith("PySide6")


def _widget_texts(widget: QWidget) -> Iterator[str]:
    for name in _TEXT_GETTERS:
        getter = getattr(widget, name, None)
        if callable(getter):
            try:
                value = getter()
            except TypeError:
                continue
            if isinstance(value, str) and value:
                yield value
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        yield widget.toPlainText()
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield widget.itemText(i)
            for role in _ROLES:
                value = _cxx(widget.itemData, i, role)
                if value is not None:
                    yield str(value)


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return int(model.columnCount(parent))
    except TypeError:  # list models keep columnCount private in the bindings
        return 1 if not parent.isValid() else 0


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    """Every non-empty value of every role of every exposed index and header."""
    root = parent if parent is not None else QModelIndex()
    python = _is_python_model(model)
    if root == QModelIndex():
        for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
            count = (_columns(model, root) if orientation == Qt.Orientation.Horizontal
                     else min(model.rowCount(root), 1000))
            for section in range(count):
                for role in _ROLES:
                    value = (model.headerData(section, orientation, role) if python
                             else _cxx(model.headerData, section, orientation, role))
                    if value is not None:
                        yield str(value)
    for row in range(model.rowCount(root)):
        for column in range(_columns(model, root)):
            index = model.index(row, column, root)
            if not python:
                yield from (str(v) for v in model.itemData(index).values() if v is not None)
                continue
            for role in _ROLES:
                value = model.data(index, role)
                if value is not None:
                    yield str(value)
            if column == 0 and model.rowCount(index) > 0:
                yield from model_texts(model, index)


def all_texts(roots: list[QWidget] | None = None) -> Iterator[tuple[str, str]]:
    """(where, text) for every widget under ``roots`` (default: all top-level widgets)."""
    for root in roots if roots is not None else QApplication.topLevelWidgets():
        for widget in [root, *root.findChildren(QWidget)]:
            where = f"{type(widget).__name__}#{widget.objectName()}"
            for text in _widget_texts(widget):
                yield where, text
            if isinstance(widget, QAbstractItemView) and widget.model() is not None:
                for text in model_texts(widget.model()):
                    yield f"{where} model", text


def my_numbers_on_screen(roots: list[QWidget] | None = None) -> list[str]:
    """Where a sentinel (any form) or a valid 12-digit number was found (never the numbers)."""
    sentinels = scanner_for(SENTINELS)
    return [where for where, text in all_texts(roots)
            if generic_text(text) or sentinels.text_forms(text)]
