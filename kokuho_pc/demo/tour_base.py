"""What the tour steps share: the screenshot and waiting helper, its error, the demo accounts.

:mod:`kokuho_pc.demo.tour` runs the tour, :mod:`kokuho_pc.demo.tour_steps` drives each page;
both import these from here, so neither imports the other's caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kokuho_pc.ui.widgets.qt import QApplication, QWidget


class TourError(RuntimeError):
    """A screen did not appear or behave in time (the tour records it and goes on)."""


class Tour:
    """Numbered screenshots and waiting helpers for tour steps."""

    def __init__(self, out_dir: Path, timeout_s: float = 20.0) -> None:
        self.out_dir = out_dir
        self.timeout_s = timeout_s
        self.saved: list[Path] = []
        self.problems: list[str] = []
        out_dir.mkdir(parents=True, exist_ok=True)

    def capture(self, name: str, widget: QWidget) -> Path:
        """Save ``widget`` as ``NN-name.png`` and return the path."""
        self.settle()
        path = self.out_dir / f"{len(self.saved) + 1:02d}-{name}.png"
        if not widget.grab().save(str(path)):
            raise TourError(f"could not save {path.name}")
        self.saved.append(path)
        return path

    def settle(self, seconds: float = 0.05) -> None:
        """Let pending events (layouts, queued signals) run."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)

    def wait_until(self, predicate: Callable[[], bool], what: str) -> None:
        """Process events until ``predicate()`` holds; TourError after the timeout."""
        deadline = time.monotonic() + self.timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                raise TourError(f"timed out waiting for {what}")
            QApplication.processEvents()
            time.sleep(0.01)

    @staticmethod
    def top_level(kind: type[QWidget]) -> list[QWidget]:
        """Visible top-level widgets of ``kind``."""
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


@dataclass(frozen=True)
class DemoTourAccounts:
    """Who the demo tour logs in as, and the approved emulated medium it uses."""

    admin_id: str
    admin_password: str
    staff_id: str
    staff_password: str
    medium_dir: Path
    new_staff_password: str = "Demo-tour-atarashii-pasuwado-2026"  # noqa: S105 - demo only
