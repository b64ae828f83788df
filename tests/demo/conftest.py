"""Fixtures of the demo tests: the tour drives the real UI, so it borrows the UI tests' fixtures.

``tests/demo/test_tour.py`` imports the UI tests' autouse fixtures (product font, copy
lock-down, windows closed after the test) itself, so the subprocess tests of the demo
environment do not start a QApplication.
"""

from tests.ui.conftest import jobs, login_service, profile

__all__ = ["jobs", "login_service", "profile"]
