"""Fixtures of the end-to-end tests: the UI tests' production font and copy lock-down."""

from __future__ import annotations

from tests.ui.conftest import _as_in_production, _close_windows

__all__ = ["_as_in_production", "_close_windows"]  # autouse fixtures shared with tests/ui
