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
    Qt,
    QTextEdit,
    QWidget,
)

ALLOW_COPY_PROPERTY = "kokuhoAllowCopy"

_COPY_SEQUENCES = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut)
_EXTRA_COPY_KEYS = {
    (Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier),
    (Qt.Key.Key_Copy, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Cut, Qt.KeyboardModifier.NoModifier),
}
_MODIFIER_MASK = (
    Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
_SELECTION_FLAGS = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)
_MOUSE_SELECTION_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.MouseButtonRelease,
}


def is_copy_key(event: QKeyEvent) -> bool:
    """True for any key combination that copies or cuts on some platform."""
    if any(event.matches(sequence) for sequence in _COPY_SEQUENCES):
        return True
    modifiers = event.modifiers() & _MODIFIER_MASK
    return (Qt.Key(event.key()), modifiers) in _EXTRA_COPY_KEYS


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
            flags = watched.textInteractionFlags()
            if flags & _SELECTION_FLAGS:
                watched.setTextInteractionFlags(flags & ~_SELECTION_FLAGS)
        elif isinstance(watched, QTextEdit | QPlainTextEdit):
            if watched.isReadOnly():
                watched.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        elif isinstance(watched, QAbstractItemView):
            watched.setDragEnabled(False)
            watched.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)


def install_lockdown(app: QObject) -> LockdownFilter:
    """Install the filter on the application before the first window (idempotent)."""
    return installed_filter(app, LockdownFilter, LockdownFilter)
