"""Exclude every top-level window from screen capture on Windows.

``SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE)`` (Windows 10 2004
and later) makes screenshots, screen recording and remote screen sharing show
the window as black. Elsewhere this is a no-op. :class:`CaptureGuard` applies
it to each top-level window the first time it is shown.
"""

from __future__ import annotations

import sys
from typing import Any

from kokuho_pc.ui import log
from kokuho_pc.ui.widgets.qt import QEvent, QObject, QWidget

WDA_EXCLUDEFROMCAPTURE = 0x00000011
_DONE_PROPERTY = "kokuhoCaptureExcluded"


def _user32() -> Any:
    import ctypes  # on Windows only, when a window shows: not on the start path

    return getattr(ctypes, "windll").user32  # noqa: B009 - windll exists on Windows only


def exclude_from_capture(
    widget: QWidget, *, platform: str | None = None, user32: Any = None
) -> bool:
    """Exclude ``widget``'s native window from capture; False (nothing done) off Windows."""
    if (platform or sys.platform) != "win32":
        return False
    api = user32 if user32 is not None else _user32()
    hwnd = int(widget.winId())
    done = bool(api.SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE))
    if not done:
        log.windows.warning("SetWindowDisplayAffinity failed for a top-level window")
    return done


class CaptureGuard(QObject):
    """Application-wide filter applying :func:`exclude_from_capture` to shown windows."""

    def __init__(self, parent: QObject | None = None, *, platform: str | None = None,
                 user32: Any = None) -> None:
        super().__init__(parent)
        self._platform = platform or sys.platform
        self._user32 = user32

    @property
    def active(self) -> bool:
        """True on Windows, where windows are actually excluded."""
        return self._platform == "win32"

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the first show of each native top-level window, exclude it from capture."""
        if (
            self.active
            and event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            if watched.property(_DONE_PROPERTY) is not True:
                watched.setProperty(_DONE_PROPERTY, True)
                exclude_from_capture(watched, platform=self._platform, user32=self._user32)
        return False
