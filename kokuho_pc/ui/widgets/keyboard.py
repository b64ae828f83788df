"""Keyboard-first work, application-wide (issue 17).

- Enter (Return or the keypad's Enter) on a focused push button or tool button
  clicks it, as Space does: staff expect Enter to "press" what has the focus.
- A visible focus: a style sheet marking the focused control of every kind
  (buttons, fields, lists, tables, the left navigation).
- :func:`focus_first` puts the focus on the first control of a page or dialog
  that takes it from the keyboard (after Ctrl+1…6 or when a job ended).

Installed once on the application by :func:`install_keyboard` (from
``create_application``; the UI tests install it as production does).
"""

from __future__ import annotations

from kokuho_pc.ui.widgets import qt
from kokuho_pc.ui.widgets.app_filters import installed_filter
from kokuho_pc.ui.widgets.qt import QApplication, QEvent, QObject, QtWidgets, QWidget

FOCUS_STYLE_MARK = "/* kokuho-pc focus */"
FOCUS_COLOUR = "#e07b00"  # orange: visible on the blue selection and on white
FOCUS_STYLE = FOCUS_STYLE_MARK + f"""
QPushButton:focus, QToolButton:focus {{
    border: 2px solid {FOCUS_COLOUR}; border-radius: 4px; padding: 3px 10px;
    background: #fff4e0;
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateEdit:focus,
QPlainTextEdit:focus, QTextEdit:focus, QTextBrowser:focus {{
    border: 2px solid {FOCUS_COLOUR};
}}
QTableView:focus, QListView:focus, QListWidget:focus, QTreeView:focus {{
    border: 2px solid {FOCUS_COLOUR};
}}
QCheckBox:focus, QRadioButton:focus {{
    background: #fff4e0; border: 1px dashed {FOCUS_COLOUR};
}}
QTabBar::tab:focus {{ border: 2px solid {FOCUS_COLOUR}; }}
"""
# ``qt.Qt`` is looked up when used, never on the way to the first window (qt_values.py).


class EnterClicksFilter(QObject):
    """Enter on a focused, enabled button clicks it (see the module docstring)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()  # type: ignore[attr-defined]
        if key not in (qt.Qt.Key.Key_Return, qt.Qt.Key.Key_Enter):
            return False
        modifiers = event.modifiers()  # type: ignore[attr-defined]
        if modifiers & ~qt.Qt.KeyboardModifier.KeypadModifier:
            return False
        if not isinstance(watched, QtWidgets.QPushButton | QtWidgets.QToolButton):
            return False
        if not watched.isEnabled() or not watched.isVisible():  # a key goes to the focus
            return False
        watched.click()
        return True


def install_keyboard(app: QApplication) -> EnterClicksFilter:
    """Install the Enter filter and the focus style on the application (idempotent)."""
    sheet = app.styleSheet()
    if FOCUS_STYLE_MARK not in sheet:  # first: a filter would wrap the new style object
        app.setStyleSheet(sheet + FOCUS_STYLE)
    return installed_filter(app, EnterClicksFilter, EnterClicksFilter)


def takes_keyboard_focus(widget: QWidget) -> bool:
    """The widget can be reached with Tab now (visible, enabled, Tab focus)."""
    policy = widget.focusPolicy()
    return (bool(policy.value & qt.Qt.FocusPolicy.TabFocus.value) and widget.isVisible()
            and widget.isEnabled())


def focus_first(container: QWidget, *preferred: QWidget | None) -> QWidget | None:
    """Focus the first of ``preferred`` that takes the focus, else the first control of
    ``container`` in the Tab order; returns the focused widget (None: nothing takes it)."""
    for widget in preferred:
        if widget is not None and takes_keyboard_focus(widget):
            widget.setFocus(qt.Qt.FocusReason.OtherFocusReason)
            return widget
    widget = container.nextInFocusChain()
    seen = 0
    while widget is not None and widget is not container and seen < 2000:
        seen += 1
        if container.isAncestorOf(widget) and takes_keyboard_focus(widget):
            widget.setFocus(qt.Qt.FocusReason.TabFocusReason)
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_lost(container: QWidget) -> bool:
    """Nothing inside ``container``'s window has a usable focus (it went with a disabled
    button or a hidden widget)."""
    focused = QApplication.focusWidget()
    if focused is None:
        return True
    if focused.window() is not container.window():
        return False  # another window (a dialog) has it: leave it there
    return not takes_keyboard_focus(focused)
