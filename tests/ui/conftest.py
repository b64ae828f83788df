"""Fixtures of the UI tests: real widgets on the offscreen platform."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kokuho_pc.ui.app import load_app_font
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.keyboard import install_keyboard
from kokuho_pc.ui.widgets.lockdown import install_lockdown
from kokuho_pc.ui.widgets.qt import QApplication
from tests.ui.security_fixtures import login_service, profile

__all__ = ["login_service", "profile"]  # fixtures shared by the UI tests


@pytest.fixture(autouse=True)
def _as_in_production(qapp: QApplication) -> None:
    """The product's font, copy lock-down and keyboard handling (Enter on buttons, visible
    focus), as ``create_application`` sets them up."""
    if "IPAex" not in qapp.font().family():
        load_app_font(qapp)
    install_lockdown(qapp)
    install_keyboard(qapp)


@pytest.fixture
def jobs(qapp: QApplication) -> Iterator[JobRunner]:
    """A job runner whose workers are stopped after the test."""
    runner = JobRunner(max_threads=2)
    yield runner
    assert runner.shutdown(5000)
    runner.deleteLater()


@pytest.fixture(autouse=True)
def _close_windows(qapp: QApplication) -> Iterator[None]:
    """Close every top-level window a test left open."""
    yield
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.processEvents()
