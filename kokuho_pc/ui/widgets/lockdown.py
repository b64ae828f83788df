"""Application-wide copy lock-down: data shown on screen does not leave by the clipboard.

:class:`LockdownFilter` is installed once on the application. It

- swallows Copy, Cut, Ctrl+Insert and Shift+Delete everywhere (both the
  ``ShortcutOverride`` that would trigger an Edit action and the key press),
  so neither a widget's own copy nor a menu action with that shortcut runs;
- refuses context menus on item views and text widgets (their menus offer
  「コピー」);
- makes labels and read-only text widgets unselectable, and refuses mouse
  selection in read-only line edits (no X11 primary selection either);
- turns off drag on every item view.

A widget that must allow copying (none yet) sets the Qt property
``ALLOW_COPY_PROPERTY`` to True. Programmatic clipboard use, such as the error
dialog's 「詳細をコピー」 with its data-free details, is not affected.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from kokuho_pc.ui.widgets import qt
from kokuho_pc.ui.widgets.app_filters import installed_filter
from kokuho_pc.ui.widgets.qt import (
    QAbstractItemView,
    QEvent,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from kokuho_pc.ui.widgets.qt_values import NO_TEXT_INTERACTION, make_unselectable

ALLOW_COPY_PROPERTY = "kokuhoAllowCopy"

# ``qt.Qt`` is looked up when used, never on the way to the first window (see
# qt_values.py): the key tables are built on the first key press.


class _CopyKeys(NamedTuple):
    sequences: tuple[QKeySequence.StandardKey, ...]
    extra: frozenset[tuple[qt.Qt.Key, qt.Qt.KeyboardModifier]]
    modifier_mask: qt.Qt.KeyboardModifier


@cache
def _copy_keys() -> _CopyKeys:
    """The standard copy sequences, the extra copy keys, the modifiers that count."""
    Qt = qt.Qt
    return _CopyKeys(
        sequences=(QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut),
        extra=frozenset({
            (Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier),
            (Qt.Key.Key_Copy, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Cut, Qt.KeyboardModifier.NoModifier),
        }),
        modifier_mask=(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier),
    )


_MOUSE_SELECTION_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.MouseButtonRelease,
}


def is_copy_key(event: QKeyEvent) -> bool:
    """True for any key combination that copies or cuts on some platform."""
    keys = _copy_keys()
    if any(event.matches(sequence) for sequence in keys.sequences):
        return True
    modifiers = event.modifiers() & keys.modifier_mask
    return (qt.Qt.Key(event.key()), modifiers) in keys.extra


def copy_allowed(widget: QObject) -> bool:
    """True when ``widget`` (or an ancestor) explicitly allows copying."""
    current: QObject | None = widget
    while current is not None:
        if current.property(ALLOW_COPY_PROPERTY) is True:
            return True
        current = current.parent()
    return False


def _text_owner(obj: QObject) -> QWidget | None:
    """The item view or text widget ``obj`` belongs to (``obj`` may be a viewport)."""
    if isinstance(obj, QAbstractItemView | QLineEdit | QTextEdit | QPlainTextEdit | QLabel):
        return obj
    parent = obj.parent()
    if isinstance(parent, QAbstractItemView | QTextEdit | QPlainTextEdit):
        return parent
    return None


class LockdownFilter(QObject):
    """The application-wide event filter described in the module docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Swallow copy keys, data-view context menus and read-only text selection."""
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            if isinstance(event, QKeyEvent) and is_copy_key(event) and not copy_allowed(watched):
                event.accept()  # a ShortcutOverride accepted here keeps Edit actions from firing
                return True
            return False
        if kind == QEvent.Type.ContextMenu:
            owner = _text_owner(watched)
            return owner is not None and not copy_allowed(owner)
        if kind in (QEvent.Type.Polish, QEvent.Type.Show):
            self._harden(watched)
            return False
        if kind in _MOUSE_SELECTION_EVENTS and isinstance(watched, QLineEdit):
            return watched.isReadOnly() and not copy_allowed(watched)
        return False

    @staticmethod
    def _harden(watched: QObject) -> None:
        if copy_allowed(watched):
            return
        if isinstance(watched, QLabel):
            # Set, not read-and-mask: reading the flags would build the Qt namespace
            # before the first window (qt_values.py). No label of ours has links for
            # the keyboard; a label that must stay selectable allows copying.
            make_unselectable(watched)
        elif isinstance(watched, QTextEdit | QPlainTextEdit):
            if watched.isReadOnly():
                watched.setProperty("textInteractionFlags", NO_TEXT_INTERACTION)
        elif isinstance(watched, QAbstractItemView):
            watched.setDragEnabled(False)
            watched.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)


def install_lockdown(app: QObject) -> LockdownFilter:
    """Install the filter on the application before the first window (idempotent)."""
    return installed_filter(app, LockdownFilter, LockdownFilter)
