"""Fixtures of the end-to-end tests: the UI tests' production font and copy lock-down,
and the leak sweep that ends every end-to-end test.

``leak_sweep`` (tests/leak_sweep.py) is autouse here: per-test HOME and TMPDIR for
the process and its children, then a sweep of everything the test wrote.
"""

from __future__ import annotations

import pytest

from tests.leak_sweep import finish_sweep, leak_sweep, pytest_runtest_makereport
from tests.leaks import Sweep
from tests.ui.conftest import _as_in_production, _close_windows

__all__ = ["_as_in_production", "_close_windows", "_swept", "finish_sweep", "leak_sweep",
           "pytest_runtest_makereport"]  # fixtures and the hook the sweep needs


@pytest.fixture(autouse=True)
def _swept(leak_sweep: Sweep) -> Sweep:
    """Every end-to-end test ends with the leak sweep (tests/leak_sweep.py)."""
    return leak_sweep

