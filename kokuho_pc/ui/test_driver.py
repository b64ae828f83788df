"""Test-only hook: a fault test drives the real window process (inert unless asked for).

With ``KOKUHO_PC_TEST_DRIVER=tests.<module>`` in the environment, the desktop start
(``kokuho-pc`` without a sub-command) imports that module once the controller has
started and calls its ``attach(controller)``; the module clicks through the real
windows on a timer (tests/e2e/gui_driver.py), so the GUI kill tests can SIGKILL the
real ``kokuho-pc`` process at a ``KOKUHO_PC_TEST_PAUSE_AT`` point. Only modules of the
``tests`` package are accepted, and never in the frozen bundle (which ships none: a
``tests`` package planted beside it must not run); any other case is refused with a
log line. Without the variable :func:`attach_test_driver` returns None at once
and imports nothing.
"""

from __future__ import annotations

import importlib
import os
import sys

from kokuho_pc.ui import log

ENV_TEST_DRIVER = "KOKUHO_PC_TEST_DRIVER"
_PACKAGE = "tests."


def attach_test_driver(controller: object) -> object | None:
    """The test driver named by :data:`ENV_TEST_DRIVER` attached to ``controller``, or None."""
    name = os.environ.get(ENV_TEST_DRIVER)
    if not name:
        return None
    if getattr(sys, "frozen", False):
        log.app.warning("%s ignored: the bundle has no test driver", ENV_TEST_DRIVER)
        return None
    if not name.startswith(_PACKAGE):
        log.app.warning("%s ignored: only a tests.* module may drive the window", ENV_TEST_DRIVER)
        return None
    driver: object = importlib.import_module(name).attach(controller)
    return driver
