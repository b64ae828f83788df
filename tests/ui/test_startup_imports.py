"""The login window does not wait for modules only the screens after login need."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kokuho_pc.cli.main import _gui_arguments, build_parser

ROOT = Path(__file__).resolve().parents[2]

# Imported only by sub-commands or by the screens after login (or, for keyring, by a
# production profile while it opens off the GUI thread).
LATER = ("reportlab", "requests", "keyring", "kokuho_pc.synth", "kokuho_pc.formats.checker",
         "kokuho_pc.cli.common", "kokuho_pc.ui.pages", "kokuho_pc.transfer.client")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), HOME=str(home),
               XDG_DATA_HOME=str(home / "share"), XDG_CONFIG_HOME=str(home / "config"))
    env.pop("KOKUHO_PC_TEST_PAUSE_AT", None)
    return env


def test_the_smoke_test_start_imports_only_what_the_login_window_needs(tmp_path: Path) -> None:
    env = _env(tmp_path / "home")
    profile = tmp_path / "profile"
    subprocess.run([sys.executable, "-m", "kokuho_pc", "--profile", str(profile), "init",
                    "--kind", "demo", "--municipality", "082201"],
                   cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kokuho_pc", "--profile", str(profile),
         "--smoke-test"],
        cwd=ROOT, env=env, capture_output=True, check=True, timeout=120,
    )
    imported = {line.split("|")[-1].strip() for line in done.stderr.decode().splitlines()
                if line.startswith("import time:")}
    assert "kokuho_pc.ui.login.login_window" in imported
    assert sorted(m for m in LATER if m in imported) == []


# Imported on the profile's worker thread or later, never before the login window shows:
# the store and everything behind it, the services, the main window, printing's Qt modules.
AFTER_THE_WINDOW = (
    "kokuho_pc.services.profile", "kokuho_pc.services.login", "kokuho_pc.services.accounts",
    "kokuho_pc.services.media_admin", "kokuho_pc.services.trust", "kokuho_pc.store.database",
    "kokuho_pc.audit.log", "kokuho_pc.auth.passwords", "sqlcipher3", "cryptography", "argon2",
    "kokuho_pc.ui.main_window", "kokuho_pc.ui.context", "kokuho_pc.ui.login.idle_lock",
    "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtPrintSupport",
    "kokuho_pc.ui.widgets.error_dialog", "kokuho_pc.ui.widgets.msgbox",
    "kokuho_pc.ui.widgets.progress_dialog",
    # the error texts and support details: needed only when something fails (the worker
    # thread warms them up after the window shows); ctypes only on Windows
    "kokuho_pc.services.messages", "kokuho_pc.ui.widgets.error_details",
    "kokuho_pc.domain.leakscan", "platform", "ctypes",
    # argparse's gettext loads locale: the desktop start reads its two options by hand
    "locale",
    # PySide6 builds the Qt namespace's 94 Python enums (~14 ms) on the first Qt.* use
    # or the first flags value read: see kokuho_pc/ui/widgets/qt_values.py
    "<the Qt namespace>",
    *LATER,
)
SNAPSHOT = """
import runpy, sys
from pathlib import Path
from kokuho_pc.ui.login import login_window
show = login_window.LoginWindow.show
out = Path(sys.argv[1])
def snapshot(self):
    if out.exists():
        show(self)
        return
    modules = sorted(sys.modules)  # before: the profile's worker thread runs meanwhile
    show(self)
    import PySide6.QtCore
    PySide6.QtCore.QCoreApplication.processEvents()  # the window's Polish, Show, paint
    built = ["<the Qt namespace>"] if "Qt" in vars(PySide6.QtCore) else []
    out.write_text("\\n".join(modules + built), "utf-8")
login_window.LoginWindow.show = snapshot
sys.argv = ["kokuho_pc", "--profile", sys.argv[2], "--smoke-test"]
runpy.run_module("kokuho_pc", run_name="__main__")
"""


def test_the_login_window_shows_before_the_store_and_services_load(tmp_path: Path) -> None:
    env = _env(tmp_path / "home")
    profile = tmp_path / "profile"
    subprocess.run([sys.executable, "-m", "kokuho_pc", "--profile", str(profile), "init",
                    "--kind", "demo", "--municipality", "082201"],
                   cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)
    seen = tmp_path / "modules.txt"
    done = subprocess.run([sys.executable, "-c", SNAPSHOT, str(seen), str(profile)],
                          cwd=ROOT, env=env, capture_output=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    before = set(seen.read_text("utf-8").split("\n"))
    assert "kokuho_pc.ui.controller" in before and "PySide6.QtWidgets" in before
    early = sorted(m for m in before
                   if any(m == d or m.startswith(d + ".") for d in AFTER_THE_WINDOW))
    assert early == []


def test_sub_commands_and_help_still_use_the_full_parser(tmp_path: Path) -> None:
    env = _env(tmp_path / "home")
    shown = subprocess.run([sys.executable, "-m", "kokuho_pc", "--help"], cwd=ROOT, env=env,
                           capture_output=True, check=True, timeout=120).stdout.decode()
    for command in ("check", "synth", "send", "export", "media"):
        assert command in shown
    wrong = subprocess.run([sys.executable, "-m", "kokuho_pc", "no-such-command"], cwd=ROOT,
                           env=env, capture_output=True, check=False, timeout=120)
    assert wrong.returncode == 2 and "引数が正しくありません" in wrong.stderr.decode()


@pytest.mark.parametrize("argv", [
    [], ["--smoke-test"], ["--profile", "/p"], ["--profile=/p"], ["--profile", ""],
    ["--profile", "/p", "--smoke-test"], ["--smoke-test", "--profile=/p", "--profile", "/q"],
    ["--profile", "/p", "--smoke-test", "--smoke-test"],
])
def test_the_desktop_options_read_by_hand_are_what_argparse_reads(argv: list[str]) -> None:
    by_hand = _gui_arguments(argv)
    full = build_parser().parse_args(argv)
    assert by_hand is not None and full.command is None
    assert (by_hand.profile, by_hand.smoke_test) == (full.profile, full.smoke_test)


@pytest.mark.parametrize("argv", [
    ["check"], ["--help"], ["--profile"], ["--profile="], ["--profile", "-x"], ["--prof", "/p"],
    ["--smoke"], ["--", "--smoke-test"], ["--profile", "/p", "init"], ["-h"],
])
def test_everything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert _gui_arguments(argv) is None
