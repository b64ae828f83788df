"""Drive the real application (controller, login window, main window, pages) offscreen.

:class:`GuiRun` starts an :class:`~kokuho_pc.ui.controller.AppController` on a
profile directory, logs in through the real login window and exposes the main
window's pages. Work for which no page exists yet runs through the same job
runner the pages use (``run_job``), so it still leaves the GUI thread free.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.services.profile import Profile, open_profile
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.main_window import MainWindow, PlaceholderPage
from kokuho_pc.ui.widgets.qt import QWidget

TIMEOUT = 60_000
HASHER = PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)


class GuiRun:
    """One run of the application on a profile: start, log in, use pages, shut down."""

    def __init__(self, qtbot: QtBot, profile_dir: Path) -> None:
        self.qtbot = qtbot
        self.jobs = JobRunner(max_threads=2)
        self.controller = AppController(
            self.jobs, lambda: open_profile(profile_dir, hasher=HASHER),
            login_sleep=lambda _s: None, idle_timeout_ms=900_000)
        self.fallbacks: list[str] = []

    def login(self, user_id: str, password: str) -> MainWindow:
        """Start, wait for the profile, type the credentials, click ログイン."""
        controller = self.controller
        controller.start()
        self.qtbot.waitUntil(lambda: controller.profile is not None, timeout=TIMEOUT)
        window = controller.login_window
        window.user_id.setText(user_id)
        window.password.setText(password)
        window.login_button.click()
        self.qtbot.waitUntil(lambda: controller.main_window is not None, timeout=TIMEOUT)
        main = controller.main_window
        assert main is not None
        main.resize(1280, 800)
        return main

    @property
    def main(self) -> MainWindow:
        """The main window (logged in)."""
        assert self.controller.main_window is not None
        return self.controller.main_window

    @property
    def profile(self) -> Profile:
        """The profile the controller opened."""
        assert self.controller.profile is not None
        return self.controller.profile

    def page(self, key: str) -> QWidget | None:
        """Navigate to ``key``; the page, or None while only a placeholder exists."""
        self.main.show_page(key)
        widget = self.main.page(key)
        return None if isinstance(widget, PlaceholderPage) else widget

    def run_job(self, what: str, work: Callable[[], Any]) -> Any:
        """Run ``work`` through the job runner (a page's way) and return its result."""
        self.fallbacks.append(what)
        outcome: dict[str, Any] = {}
        self.jobs.run(lambda _p, _c: work(), lambda r: outcome.setdefault("ok", r),
                      lambda e: outcome.setdefault("error", e), store=True)
        self.qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["ok"]

    def wait_idle(self) -> None:
        """Until no job runs."""
        self.qtbot.waitUntil(lambda: not self.jobs.active_jobs(), timeout=TIMEOUT)

    def shutdown(self) -> None:
        """Log out and stop (closes the profile)."""
        self.wait_idle()
        self.controller.logout()
        self.wait_idle()
        self.controller.shutdown()
        self.controller.login_window.close()
        self.jobs.deleteLater()
