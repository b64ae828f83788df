"""Benchmark: start-up to the login window against a bare PySide6 window.

Both are timed as fresh processes (offscreen), from spawn to exit, several runs,
median: ``python -m kokuho_pc --profile DIR --smoke-test`` (imports, crash hook,
font, lock-down, the login window shown, the demo profile opened and the staging
swept in the background, then closed) against a process that imports PySide6,
creates a QApplication, shows one QWidget and exits.

Run: ``.venv/bin/python -m benchmarks.startup_bench [--quick]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import command_line, row

ROOT = Path(__file__).resolve().parent.parent
BARE = ("from PySide6.QtWidgets import QApplication, QWidget; app = QApplication([]); "
        "w = QWidget(); w.setWindowTitle('bare'); w.show(); app.processEvents(); w.close()")


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("KOKUHO_PC_TEST_PAUSE_AT", None)
    return env


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=False,
                          timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace")[-500:])
    return elapsed


def _demo_profile(directory: Path, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "kokuho_pc", "--profile", str(directory), "init",
                    "--kind", "demo", "--municipality", "082201"],
                   cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)


def run(quick: bool) -> list[dict[str, object]]:
    """Median start-up times; rows for the benchmark runner."""
    runs = 2 if quick else 9
    env = _env()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
                   XDG_CONFIG_HOME=str(home / ".config"))
        profile = Path(tmp) / "profile"
        _demo_profile(profile, env)
        ours_args = [sys.executable, "-m", "kokuho_pc", "--profile", str(profile),
                     "--smoke-test"]
        bare_args = [sys.executable, "-c", BARE]
        _timed(bare_args, env)  # warm the file cache (the full run warms ours too)
        if not quick:
            _timed(ours_args, env)
        ours, bare = [], []
        for _ in range(runs):  # interleaved, so machine load hits both alike
            bare.append(_timed(bare_args, env))
            ours.append(_timed(ours_args, env))
    ours.sort()
    bare.sort()
    return [row("start-up to the login window (process, median)", ours[len(ours) // 2],
                bare[len(bare) // 2], "s",
                f"{runs} runs each; baseline: bare PySide6 QApplication + one QWidget shown; "
                "ours: --smoke-test (login window, demo profile opened, staging swept)")]


def main() -> None:
    """Print the rows."""
    command_line(run, __doc__, "2 runs instead of 9")


if __name__ == "__main__":
    main()
