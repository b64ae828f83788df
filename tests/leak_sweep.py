"""The leak sweep that ends every end-to-end and fault test (a pytest fixture and hook).

``leak_sweep`` points ``HOME`` and ``TMPDIR`` (the process's and, through the
environment, every child's: the CLI, the simulator, the confirmation child) at
directories inside the test's ``tmp_path``, records every log record at DEBUG, and
after the test (the simulator stopped, the profiles closed) sweeps with
:mod:`tests.leaks`: the whole ``tmp_path`` tree except the input files the test
wrote, unchanged (path and SHA-256: ``tests.leaks.register_input``) — profiles,
staging, exported media, CLI logs, the simulator's database, WAL, access log and
output, print spools and PDFs —, the captured stdout/stderr and log of the setup
and call phases, and the log records. The teardown phase's own output is swept by
the hook once its report exists (a hit turns it into an error at teardown). A
test adds places only it knows with ``leak_sweep.text(...)`` / ``.raw(...)``; any
hit fails the test at teardown.

Used by tests/e2e (autouse, its conftest) and tests/transfer/test_faults.py;
a conftest that uses it imports both ``leak_sweep`` and ``pytest_runtest_makereport``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.artefacts import LogCapture
from tests.e2e.scenario import SENTINELS
from tests.leaks import INPUT_FILES, Sweep

CAPTURED = pytest.StashKey[dict[str, str]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's captured output for the sweep; sweep the teardown's output itself.

    The sweep runs inside teardown, so what teardown prints (fixtures finalised
    after it, or the sweep's own output) is scanned here, when the teardown
    report exists; a hit fails the test (an error at teardown).
    """
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    text = "\n".join((report.capstdout, report.capstderr, report.caplog))
    item.stash.setdefault(CAPTURED, {})[report.when] = text
    if report.when != "teardown" or "leak_sweep" not in getattr(item, "fixturenames", ()):
        return
    hits = Sweep(SENTINELS).text("captured output (teardown)", text)
    if not hits:
        return
    message = f"leak sweep: {hits}"
    if report.passed:
        report.outcome = "failed"
        report.longrepr = message
    else:
        report.sections.append(("leak sweep (teardown output)", message))


@pytest.fixture
def leak_sweep(request: pytest.FixtureRequest, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Sweep]:
    """Per-test HOME and TMPDIR, then a sweep of everything the test wrote."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    INPUT_FILES.clear()  # this test's input files only (tests.transfer.harness.write_files)
    capture = LogCapture().install()
    sweep = Sweep(SENTINELS)
    try:
        yield sweep
    finally:
        capture.remove()
    finish_sweep(sweep, tmp_path, request.node.stash.get(CAPTURED, {}), capture.lines)
    assert sweep.hits == [], sweep.hits


def finish_sweep(sweep: Sweep, tmp_path: Path, captured: dict[str, str],
                 log_lines: list[str]) -> list[str]:
    """The end of every end-to-end test: log records, captured output, the whole tree."""
    sweep.text("log records", log_lines)
    for phase, text in captured.items():
        sweep.text(f"captured output ({phase})", text)
    sweep.tree(tmp_path)
    return sweep.hits
