"""The real desktop window process (``kokuho-pc``, offscreen) SIGKILLed at named points.

The killed process is the installed ``kokuho-pc --profile DIR`` console script (or, where
it is not installed, ``python -m kokuho_pc --profile DIR``): the product's own argument
parsing, ``run_application`` and windows, nothing monkeypatched. The product's test hook
``KOKUHO_PC_TEST_DRIVER=tests.e2e.gui_driver`` (kokuho_pc/ui/test_driver.py, inert
without the variable) lets tests/e2e/gui_driver.py click through the real pages; the one
step not done through a widget is the folder dialog (the medium is added with
``picker.add_folder``, what the dialog does with the chosen folder). The job pauses at
a fault point (``transfer.faultpoints``) and the test kills the whole process there —
during a send (the server answered, the PC not yet told), between the two file sets of
one medium, and in the middle of writing an export. A second start of the window
process does the same work to its end. Afterwards: staging swept at that start and
never holding plaintext, nothing under a final name on the medium that is not whole, no
temporary file left on it, and every file set exactly once on the server.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import SendingService
from kokuho_pc.transfer.faultpoints import ENV_PAUSE_AT, ENV_PAUSE_FILE
from kokuho_pc.transfer.medium_io import TMP_MARK
from kokuho_pc.transfer.staging import StagingArea
from kokuho_pc.ui.test_driver import ENV_TEST_DRIVER
from tests.e2e.artefacts import staging_residue
from tests.e2e.gui_driver import ENV_ACTION, ENV_MEDIUM, ENV_USER
from tests.e2e.scenario import moved_in_pair
from tests.e2e.test_faults import TELLTALES, _submissions, assert_clean_end, profile, sim
from tests.simhelpers import SimServer
from tests.transfer.harness import STAFF, STAFF_PW, approved_medium, login, tree_hash, write_files

__all__ = ["profile", "sim"]  # fixtures shared with test_faults

ROOT = Path(__file__).resolve().parents[2]
# The console script installed next to this interpreter (pip install -e .), as a user runs it.
_SCRIPT = shutil.which("kokuho-pc", path=str(Path(sys.executable).parent))
KOKUHO_PC = [_SCRIPT] if _SCRIPT else [sys.executable, "-m", "kokuho_pc"]


def _window(profile: Profile, tmp_path: Path, action: str, medium: Path,
            pause_at: str | None = None) -> tuple[subprocess.Popen[bytes], Path]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env.update({ENV_TEST_DRIVER: "tests.e2e.gui_driver", ENV_USER: STAFF, ENV_ACTION: action,
                ENV_MEDIUM: str(medium)})
    env.pop(ENV_PAUSE_AT, None)
    if pause_at is not None:
        env[ENV_PAUSE_AT], env[ENV_PAUSE_FILE] = pause_at, str(tmp_path / "paused")
    secret = tmp_path / "stdin.txt"
    secret.write_text(STAFF_PW + "\n", encoding="utf-8")
    log = tmp_path / f"window-{time.monotonic_ns()}.log"
    with secret.open("rb") as stdin, log.open("wb") as out:
        proc = subprocess.Popen(
            [*KOKUHO_PC, "--profile", str(profile.path)], stdin=stdin, stdout=out,
            stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    return proc, log


def _kill_window_at(profile: Profile, tmp_path: Path, action: str, medium: Path,
                    point: str) -> None:
    proc, log = _window(profile, tmp_path, action, medium, pause_at=point)
    marker = tmp_path / "paused"
    deadline = time.monotonic() + 90
    try:
        while not marker.exists():
            if proc.poll() is not None:
                raise AssertionError(f"ended before {point}: {log.read_text('utf-8')}")
            assert time.monotonic() < deadline, f"never reached {point}: {log.read_text('utf-8')}"
            time.sleep(0.05)
        argv = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")[:-1]
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # What was killed: the kokuho-pc command itself with only the desktop's own option.
    assert [os.fsdecode(a) for a in argv[-3:]] == [KOKUHO_PC[-1], "--profile",
                                                  str(profile.path)], argv
    marker.unlink()


def _window_to_the_end(profile: Profile, tmp_path: Path, action: str, medium: Path) -> str:
    proc, log = _window(profile, tmp_path, action, medium)
    try:
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text("utf-8")
    assert code == 0, text
    return text


def _swept_at_start(profile: Profile) -> int:
    swept = [int(r.targets.get("swept") or 0)
             for r in profile.audit.records(limit=10_000) if r.action == "temp.sweep"]
    return max(swept, default=0)


def test_window_killed_during_send(profile: Profile, sim: SimServer, tmp_path: Path) -> None:
    medium = approved_medium(profile, tmp_path / "usb")
    files = moved_in_pair(dt.datetime(2026, 10, 14, 9, 0))
    write_files(medium, files)
    before = tree_hash(medium)
    _kill_window_at(profile, tmp_path, "send", medium, "send.submitted")
    assert _submissions(sim, files) == 1  # answered; the window died before recording it
    assert StagingArea(profile.staging_dir).leftover_files()  # the crash left staged files
    assert staging_residue(profile.staging_dir, TELLTALES) == []  # ... none readable
    text = _window_to_the_end(profile, tmp_path, "send", medium)
    assert "done: ok: 送信が完了しました" in text, text
    assert _submissions(sim, files) == 1  # the resend was answered from the first, not twice
    assert _swept_at_start(profile) > 0  # the window's start-up sweep removed them
    assert tree_hash(medium) == before
    assert_clean_end(profile, medium)


def test_window_killed_between_two_file_sets(profile: Profile, sim: SimServer,
                                             tmp_path: Path) -> None:
    medium = approved_medium(profile, tmp_path / "usb")
    first = moved_in_pair(dt.datetime(2026, 10, 15, 9, 0))
    second = moved_in_pair(dt.datetime(2026, 10, 15, 10, 0))
    write_files(medium, {**first, **second})
    _kill_window_at(profile, tmp_path, "send", medium, "send.between_sets")
    counts = (_submissions(sim, first), _submissions(sim, second))
    assert sorted(counts) == [0, 1], counts  # one set sent, the other not begun
    assert staging_residue(profile.staging_dir, TELLTALES) == []
    text = _window_to_the_end(profile, tmp_path, "send", medium)
    # The set sent before the kill is recorded as processed: the page says so and only
    # offers a deliberate resend (not accepted here); the other set is sent now.
    assert "done: warn: 送信済み(処理済み)の内容のため、再処理していません。" in text, text
    assert (_submissions(sim, first), _submissions(sim, second)) == (1, 1)
    assert_clean_end(profile, medium)


def test_window_killed_during_export(profile: Profile, sim: SimServer, tmp_path: Path) -> None:
    source = approved_medium(profile, tmp_path / "usb")
    write_files(source, moved_in_pair(dt.datetime(2026, 10, 16, 9, 0)))
    staff = login(profile, STAFF)
    SendingService(profile).send(staff, source)
    pending = {d["name"]: d["sha256"] for d in ExportingService(profile).list_deliveries(staff)}
    staff.logout()
    out = approved_medium(profile, tmp_path / "out")
    _kill_window_at(profile, tmp_path, "export", out, "export.mid_write")
    on_medium = tree_hash(out)
    assert [n for n in on_medium if n.endswith(TMP_MARK)]  # killed with a file half-written
    for name, digest in on_medium.items():
        if not name.startswith("."):
            assert pending[name] == digest  # nothing half-written under a final name
    assert staging_residue(profile.staging_dir, TELLTALES) == []
    text = _window_to_the_end(profile, tmp_path, "export", out)
    assert "done: ok:" in text, text
    final = {n: h for n, h in tree_hash(out).items() if not n.startswith(".")}
    assert final == pending  # each delivery once, whole
    staff = login(profile, STAFF)
    assert ExportingService(profile).list_deliveries(staff) == []
    staff.logout()
    assert_clean_end(profile, out)  # the half-written temporary was swept
