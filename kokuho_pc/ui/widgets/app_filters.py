"""Application-wide event filters installed once per application object.

``QObject.findChild`` would find an installed filter again, but PySide6 wraps every
child of the application on the way (its QStyle too) and builds their Python
enums: tens of milliseconds before the first window. The application object keeps
its filters in a Python attribute instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kokuho_pc.ui.widgets.qt import QObject, qt_object_alive

F = TypeVar("F", bound=QObject)
_ATTRIBUTE = "_kokuho_event_filters"


def installed_filter(app: QObject, kind: type[F], make: Callable[[QObject], F]) -> F:
    """The filter of type ``kind`` on ``app``, made with ``make(app)`` and installed
    the first time; installing it again is harmless (Qt keeps one entry per filter)."""
    filters: dict[type[QObject], QObject] = app.__dict__.setdefault(_ATTRIBUTE, {})
    existing = filters.get(kind)
    if isinstance(existing, kind) and qt_object_alive(existing) and existing.parent() is app:
        made = existing
    else:
        made = make(app)
        filters[kind] = made
    app.installEventFilter(made)
    return made
