"""Which keyboard-reachable controls have no accessible name (issue 17).

A screen reader says a control by its accessible name: the explicit
``accessibleName`` or what Qt derives (a button's text, a field's buddy label of
a form). :func:`unnamed_controls` walks a widget tree and lists every control
that Tab reaches (TabFocus policy, enabled or not, visible or hidden) whose
accessible interface has no name. Containers that only pass the focus on
(scroll areas' viewports, the tab bar's scroll buttons) are left out.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible

from kokuho_pc.ui.widgets.qt import Qt, QWidget

_PASS_ON = ("QScrollArea", "QAbstractScrollArea", "QStackedWidget", "QSplitterHandle",
            "QToolButton#qt_scrollarea_")


def accessible_name(widget: QWidget) -> str:
    """The name assistive technology reads for ``widget``."""
    if widget.accessibleName():
        return widget.accessibleName()
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    name = interface.text(QAccessible.Text.Name) or ""
    current = getattr(widget, "currentText", None)
    if callable(current) and name == current():
        return ""  # Qt falls back to a combo box's current item: that names no purpose
    return name


def _reachable(widget: QWidget) -> bool:
    return bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def _skipped(widget: QWidget) -> bool:
    name = type(widget).__name__
    if widget.objectName().startswith("qt_") or name in _PASS_ON:
        return True
    ancestor = widget.parentWidget()
    while ancestor is not None:  # a combo box's popup list is named by the combo box
        if type(ancestor).__name__ == "QComboBox":
            return True
        ancestor = ancestor.parentWidget()
    parent = widget.parentWidget()
    # Qt's own parts: the spin box's line edit, the combo's view, the tab bar's arrows.
    return parent is not None and type(parent).__name__ in (
        "QSpinBox", "QDateEdit", "QComboBox", "QTabBar", "QCalendarWidget",
        "QComboBoxPrivateContainer")


def unnamed_controls(root: QWidget) -> list[str]:
    """``Class(objectName, text)`` of each reachable control without a name under ``root``."""
    missing: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _reachable(widget) or _skipped(widget):
            continue
        if accessible_name(widget).strip():
            continue
        text = getattr(widget, "text", None)
        label = text() if callable(text) else ""
        missing.append(f"{type(widget).__name__}({widget.objectName()!r}, {label!r}) in "
                       f"{type(root).__name__}")
    return missing
