"""Benchmark: start-up to the login window against a bare PySide6 window.

Three kinds of fresh process (offscreen), spawned in turn (bare, demo, production)
so that machine load falls on all alike, at least 5 times each:

- **bare**: imports PySide6, creates a QApplication, shows one QWidget, processes
  events, prints the wall clock, exits;
- **demo**: ``python -m kokuho_pc --profile DIR --smoke-test`` on a demo profile
  (key file), with ``LoginWindow.show`` wrapped to print the wall clock once the
  window is shown and its events processed;
- **production**: the same on a production profile, whose store key is read
  through the keyring path. BENCHMARK ONLY: the keyring backend is
  :mod:`benchmarks.memkeyring` (in memory; this machine has no OS keyring).

"shown" rows: spawn to the printed clock (the login window on screen); the
ratio is ours / bare, the issue's target ≤ 1.5. "ready" rows: spawn to process
exit (the smoke test waits until the profile is open and staging swept).

Run: ``.venv/bin/python -m benchmarks.startup_bench [--quick]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import MIN_RUNS, command_line, spread_row
from benchmarks.memkeyring import BACKEND, ENV_FILE

ROOT = Path(__file__).resolve().parent.parent
MARK = "shown at "
BARE = ("import time; from PySide6.QtWidgets import QApplication, QWidget; "
        "app = QApplication([]); w = QWidget(); w.setWindowTitle('bare'); w.show(); "
        f"app.processEvents(); print('{MARK}%.6f' % time.time(), flush=True); w.close()")
# Wraps LoginWindow.show (the login window module is imported before show in any case).
OURS = f"""
import runpy, sys, time
from kokuho_pc.ui.login import login_window
from kokuho_pc.ui.widgets.qt import QApplication
show = login_window.LoginWindow.show
def shown(self):
    show(self)
    if not getattr(shown, "done", False):
        shown.done = True
        QApplication.processEvents()
        print("{MARK}%.6f" % time.time(), flush=True)
login_window.LoginWindow.show = shown
sys.argv = ["kokuho_pc", "--profile", sys.argv[1], "--smoke-test"]
runpy.run_module("kokuho_pc", run_name="__main__")
"""


def _env(home: Path, keyring_file: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), HOME=str(home),
               XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CONFIG_HOME=str(home / ".config"),
               PYTHON_KEYRING_BACKEND=BACKEND)
    env[ENV_FILE] = str(keyring_file)
    env.pop("KOKUHO_PC_TEST_PAUSE_AT", None)
    # As installed: pip and the PyInstaller bundle ship bytecode, so the warm-up run
    # writes the caches a developer's shell may have switched off.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(spawn → window shown, spawn → exit) in seconds."""
    spawned = time.time()
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=False,
                          timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace")[-800:])
    marks = [line for line in done.stdout.decode().splitlines() if line.startswith(MARK)]
    if not marks:
        raise RuntimeError(f"no window-shown mark: {done.stdout.decode()[-300:]}")
    return float(marks[0][len(MARK):]) - spawned, elapsed


def _init(directory: Path, kind: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "kokuho_pc", "--profile", str(directory), "init",
                    "--kind", kind, "--municipality", "082201"],
                   cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)


def run(quick: bool) -> list[dict[str, object]]:
    """Median and spread of every kind; rows for the benchmark runner."""
    runs = MIN_RUNS if quick else 11
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = _env(home, Path(tmp) / "keyring.json")
        demo, production = Path(tmp) / "demo", Path(tmp) / "production"
        _init(demo, "demo", env)
        _init(production, "production", env)
        kinds = {"bare": [sys.executable, "-c", BARE],
                 "demo": [sys.executable, "-c", OURS, str(demo)],
                 "production": [sys.executable, "-c", OURS, str(production)]}
        for args in kinds.values():  # warm the file cache once
            _timed(args, env)
        shown: dict[str, list[float]] = {k: [] for k in kinds}
        ended: dict[str, list[float]] = {k: [] for k in kinds}
        for _ in range(runs):  # interleaved: bare, demo, production, bare, ...
            for kind, args in kinds.items():
                window, exited = _timed(args, env)
                shown[kind].append(window)
                ended[kind].append(exited)
    note = (f"{runs} runs per kind, interleaved; baseline: bare PySide6 QApplication + "
            "one QWidget shown")
    return [
        spread_row("login window shown, demo profile (spawn to window)", shown["demo"],
                   shown["bare"], "s", f"{note}; target ratio ≤ 1.5"),
        spread_row("login window shown, production profile (keyring; BENCHMARK in-memory "
                   "backend)", shown["production"], shown["bare"], "s", note),
        spread_row("smoke test to exit, demo profile (profile open, staging swept)",
                   ended["demo"], ended["bare"], "s", f"{note}; baseline to its exit"),
        spread_row("smoke test to exit, production profile (keyring: BENCHMARK in-memory "
                   "backend)", ended["production"], ended["bare"], "s",
                   f"{note}; baseline to its exit"),
    ]


def main() -> None:
    """Print the rows."""
    command_line(run, __doc__, f"{MIN_RUNS} runs per kind instead of 11")


if __name__ == "__main__":
    main()
