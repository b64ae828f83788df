"""The window process's test hook (``KOKUHO_PC_TEST_DRIVER``) is inert unless asked for."""

from __future__ import annotations

import sys

import pytest

from kokuho_pc.ui.test_driver import ENV_TEST_DRIVER, attach_test_driver


def test_without_the_variable_nothing_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_TEST_DRIVER, raising=False)
    monkeypatch.delitem(sys.modules, "tests.e2e.gui_driver", raising=False)
    assert attach_test_driver(object()) is None
    assert "tests.e2e.gui_driver" not in sys.modules


@pytest.mark.parametrize("name", ["kokuho_pc.ui.app", "os", "testsuite.x", "tests"])
def test_only_a_tests_module_may_drive(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(ENV_TEST_DRIVER, name)
    imported = set(sys.modules)
    assert attach_test_driver(object()) is None
    assert set(sys.modules) - imported == set()  # refused before any import


def test_the_bundle_never_takes_a_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the PyInstaller bundle (``sys.frozen``) even a tests.* name is refused before any
    import: a ``tests`` package planted on its path must not run in the window process."""
    monkeypatch.setenv(ENV_TEST_DRIVER, "tests.ui.test_test_driver")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    imported = set(sys.modules)
    assert attach_test_driver(object()) is None
    assert set(sys.modules) - imported == set()


def test_a_tests_module_is_attached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TEST_DRIVER, "tests.ui.test_test_driver")
    controller = object()
    assert attach_test_driver(controller) == ("attached", controller)


def attach(controller: object) -> tuple[str, object]:  # the driver of the test above
    return "attached", controller
