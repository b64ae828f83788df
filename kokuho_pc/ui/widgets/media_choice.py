"""The medium chosen on the transfer screens, shared by the home, send and receive pages.

One instance is made per session in :func:`kokuho_pc.ui.pages.build_pages` and
passed to the pages (never a global). It holds the chosen medium's path and the
folders added as emulated media during this session (when the policy allows).
"""

from __future__ import annotations

from pathlib import Path

from kokuho_pc.ui.widgets.qt import QObject, Signal


class MediaChoice(QObject):
    """The chosen medium and the folders added this session; emits ``changed``."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.extra_dirs: list[Path] = []

    def choose(self, path: Path | None) -> None:
        """Remember ``path`` as the chosen medium (None: none)."""
        if path != self.path:
            self.path = path
            self.changed.emit()

    def add_folder(self, path: Path) -> None:
        """Add a folder to be listed as an (emulated) medium and choose it."""
        if path not in self.extra_dirs:
            self.extra_dirs.append(path)
        self.path = path
        self.changed.emit()
