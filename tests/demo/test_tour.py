"""The screen tour saves a readable PNG of every foundation screen."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.demo.tour import run_tour
from kokuho_pc.demo.tour_base import Tour
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.widgets.qt import QLabel, QPixmap
from tests.ui.conftest import _as_in_production, _close_windows
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW

# The UI tests' autouse fixtures (product font and lock-down; windows closed afterwards).
__all__ = ["_as_in_production", "_close_windows"]


def test_tour_captures_every_screen(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    controller = AppController(
        jobs, lambda: profile, login_sleep=lambda _s: None,
        page_builder=lambda _c: {"home": lambda: QLabel("ホーム")},
    )
    extra: list[str] = []

    def step(tour: Tour, main: MainWindow) -> None:
        main.show_page("candidates")
        extra.append(tour.capture("extra-candidates", main).name)

    try:
        controller.start()
        saved = run_tour(controller, tmp_path / "tour", ADMIN_ID, ADMIN_PW, [step])
        for path in saved:  # for a human look: /tmp/ui-tour
            (Path("/tmp/ui-tour")).mkdir(exist_ok=True)
            (Path("/tmp/ui-tour") / path.name).write_bytes(path.read_bytes())
    finally:
        controller.shutdown()
    names = [p.name for p in saved]
    assert names[0] == "01-login.png"
    for part in ("login-refused", "page-home", "page-admin", "extra-candidates", "about",
                 "error-dialog", "progress-dialog", "lock-screen", "logged-out"):
        assert any(part in n for n in names), part
    for path in saved:
        pixmap = QPixmap(str(path))
        assert not pixmap.isNull() and pixmap.width() > 150, path.name


def test_tour_application_runs_the_whole_tour(
    profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kokuho_pc.demo.tour import tour_application

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    saved = tour_application(lambda: profile, tmp_path / "tour", ADMIN_ID, ADMIN_PW,
                             page_builder=lambda _c: {})
    assert len(saved) >= 12
    assert all(p.stat().st_size > 1000 for p in saved)
