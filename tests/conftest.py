"""Test-wide configuration: offscreen Qt, in-memory keyring, app dirs under tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import hypothesis_plugin

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] != "offscreen":
    raise RuntimeError("tests must run with QT_QPA_PLATFORM=offscreen")

ROOT = Path(__file__).resolve().parent.parent


def _share_faked_clock_with_children() -> None:
    """Under libfaketime, give every process the tests start the same (moved) clock.

    ``faketime -f '@2027-04-01 08:59:30' ...`` restarts the clock at that moment in
    *each* process: a simulator or ``kokuho-pc`` started ten minutes into the run
    would be ten minutes behind the test process (certificates not yet valid,
    accounts created "tomorrow" at a day change). A machine whose clock is moved
    has one clock, so the children get the test process's offset from the real
    clock instead (``FAKETIME=+<seconds>``, same for all of them).

    Known limits of libfaketime 0.9.10 with CPython 3.11 (not of the product): the
    monotonic clock is faked too, and ``sem_clockwait`` (behind
    ``Lock.acquire(timeout=...)``, ``Event.wait(timeout)``) is not intercepted, so a
    timed wait lasts until its event instead of timing out; with
    ``FAKETIME_DONT_FAKE_MONOTONIC=1`` (``faketime --exclude-monotonic``) every
    ``time.sleep`` fails with EINVAL instead, so that setting cannot be used at all.
    """
    if "faketime" not in os.environ.get("LD_PRELOAD", ""):
        return
    if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":
        raise RuntimeError(
            "libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC=1 (faketime "
            "--exclude-monotonic) makes every time.sleep fail with EINVAL: run plain "
            "`faketime -f '@2027-04-01 08:59:30' python3 dev.py test`.")
    import subprocess
    import time

    real_env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    before = time.time()
    real = float(subprocess.run(["date", "+%s.%N"], env=real_env, capture_output=True,
                                text=True, check=True).stdout)
    faked = (before + time.time()) / 2
    os.environ["FAKETIME"] = f"{faked - real:+.3f}"
    os.environ.pop("FAKETIME_SHARED", None)


_share_faked_clock_with_children()
# The spec's example file set, committed as a fixture so a fresh clone tests on its
# own; tests/test_spec_examples.py checks the copy against ../shared when it is there.
SPEC_DIR = ROOT.parent / "shared" / "spec"
EXAMPLES_DIR = ROOT / "tests" / "fixtures" / "spec_examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run tests marked slow")
    parser.addoption(
        "--run-bundle", action="store_true", help="build the PyInstaller bundle (CI always does)"
    )
    parser.addoption(
        "--fuzz-examples", type=int, default=None, metavar="N",
        help="examples of the tests/fuzz campaign in total (default 10000; or FUZZ_EXAMPLES)",
    )


def pytest_configure(config: pytest.Config) -> None:
    fuzz = config.getoption("--fuzz-examples", default=None)
    if fuzz:  # read by tests/fuzz/budget.py when the fuzz modules are imported
        os.environ["FUZZ_EXAMPLES"] = str(fuzz)
    hypothesis_plugin.configure(config)


def pytest_report_header(config: pytest.Config) -> str:
    return hypothesis_plugin.header_line()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    hypothesis_plugin.write_summary(terminalreporter)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run_slow = config.getoption("--run-slow")
    run_bundle = config.getoption("--run-bundle") or os.environ.get("CI") == "true"
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(pytest.mark.skip(reason="slow: use --run-slow"))
        if "bundle" in item.keywords and not run_bundle:
            item.add_marker(pytest.mark.skip(reason="bundle: use --run-bundle (CI runs it)"))
    hypothesis_plugin.seed_items(items)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own profile location and home; nothing touches the real machine."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("KOKUHO_PC_PROFILE", str(tmp_path / "profile"))
    yield


@pytest.fixture
def examples_dir() -> Path:
    """The spec's example file set (read-only)."""
    return EXAMPLES_DIR


# --- in-memory OS keyring (a true system boundary) -------------------------

import keyring  # noqa: E402
import keyring.backend  # noqa: E402


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory stand-in for the OS credential store (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install an in-memory keyring for the test; restore the previous backend afterwards."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


# --- a seeded simulator and a つくば市 demo profile (candidate screens) -------
from tests.services.cand_env import cand_env, seeded_template  # noqa: E402,F401
