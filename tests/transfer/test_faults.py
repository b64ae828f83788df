"""Fault tests against the real simulator process.

The client (the real ``kokuho-pc`` command line) is killed with SIGKILL at named
points of send and export, then run again: each file set reaches the server
exactly once, no partial file remains on the medium, staging never holds
plaintext and is empty after the start-up sweep, and neither the decrypted store
nor the operation log holds a number. Each test has its own simulator inside the
swept tree (``sim_env`` below).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import SendingService
from kokuho_pc.transfer.faultpoints import ENV_PAUSE_AT, ENV_PAUSE_FILE
from kokuho_pc.transfer.filesets import file_set_digest
from kokuho_pc.transfer.media import TOKEN_NAME
from kokuho_pc.transfer.staging import StagingArea
from tests.e2e.artefacts import staging_residue, store_hits
from tests.simfiles import household_pair
from tests.transfer.harness import (
    STAFF,
    STAFF_PW,
    approved_medium,
    login,
    sim_query,
    tree_hash,
    write_files,
)

# Every fault test ends with the leak sweep (tests/leak_sweep.py): the CLI logs, the
# simulator's files (a simulator per test under tmp_path: ``sim_env`` below), staging
# and the media, HOME and TMPDIR of the killed processes and of the simulator.
pytestmark = pytest.mark.usefixtures("leak_sweep")
ROOT = Path(__file__).resolve().parents[2]
KANA = "ｼﾐｭ".encode("cp932")


@pytest.fixture
def sim_env(swept_sim: tuple[Any, Any]) -> tuple[Any, Any]:
    """This module's simulator is the swept one (tests/transfer/conftest.py ``swept_sim``)."""
    return swept_sim


def _files(first: int) -> dict[str, bytes]:
    created = dt.datetime(2026, 10, 7, 10, first // 1000 % 60, first % 60)
    return household_pair("082201", created, 3, moved_in_from="082015", first=first)


def _cli(profile_dir: Path, *args: str, pause_at: str | None = None,
         marker: Path | None = None) -> tuple[subprocess.Popen[bytes], Path]:
    """Start ``kokuho-pc`` with the staff password on stdin; stderr goes to a file."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop(ENV_PAUSE_AT, None)
    if pause_at is not None and marker is not None:
        env[ENV_PAUSE_AT] = pause_at
        env[ENV_PAUSE_FILE] = str(marker)
    secret = profile_dir.parent / "stdin.txt"
    secret.write_text(STAFF_PW + "\n", encoding="utf-8")
    log = profile_dir.parent / f"cli-{time.monotonic_ns()}.log"
    with secret.open("rb") as stdin, log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kokuho_pc", "--profile", str(profile_dir), *args],
            stdin=stdin, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    return proc, log


def _kill_at(profile_dir: Path, marker: Path, point: str, *args: str) -> None:
    proc, log = _cli(profile_dir, *args, pause_at=point, marker=marker)
    deadline = time.monotonic() + 60
    try:
        while not marker.exists():
            if proc.poll() is not None:
                raise AssertionError(f"finished before {point}: {log.read_text('utf-8')}")
            assert time.monotonic() < deadline, f"never reached {point}"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    marker.unlink()


def _finish(profile_dir: Path, *args: str) -> str:
    proc, log = _cli(profile_dir, *args)
    code = proc.wait(timeout=120)
    text = log.read_text("utf-8")
    assert code == 0, text
    return text


def _assert_staging_holds_no_plaintext(staging: Path) -> None:
    """No sentinel (any form) or valid number, no telltale plaintext, no low entropy."""
    assert staging_residue(staging, (KANA, b"082201")) == []


@pytest.mark.parametrize("point", ["send.staged", "send.key_persisted", "send.submitted"])
def test_send_killed_then_restarted(profile: Profile, tmp_path: Path, point: str,
                                    sim_env: tuple[Any, Any]) -> None:
    sim, _ = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    files = _files(first=10000 + 100 * ["send.staged", "send.key_persisted",
                                        "send.submitted"].index(point))
    write_files(medium, files)
    before = tree_hash(medium)
    digest = file_set_digest(files)
    args = ("send", "--as", STAFF, "--medium", str(medium))
    _kill_at(profile.path, tmp_path / "paused", point, *args)
    assert StagingArea(profile.staging_dir).leftover_files()  # the crash left staged files
    _assert_staging_holds_no_plaintext(profile.staging_dir)
    expected_before = 1 if point == "send.submitted" else 0
    rows = sim_query(sim, "SELECT count(*) FROM submissions WHERE sha256 = ?", (digest,))
    assert rows[0][0] == expected_before
    _finish(profile.path, *args)
    rows = sim_query(sim, "SELECT count(*) FROM submissions WHERE sha256 = ?", (digest,))
    assert rows[0][0] == 1  # exactly one submission per file set
    assert tree_hash(medium) == before
    assert StagingArea(profile.staging_dir).leftover_files() == []
    swept = [r.targets.get("swept") for r in profile.audit.records(limit=10000)
             if r.action == "temp.sweep"]
    assert swept and max(int(s or 0) for s in swept) > 0  # the start-up sweep removed them
    assert store_hits(profile) == []  # the decrypted store and the operation log


EXPORT_POINTS = ["export.downloaded", "export.mid_write", "export.written",
                 "export.acknowledged"]


@pytest.mark.parametrize("point", EXPORT_POINTS)
def test_export_killed_then_restarted(profile: Profile, tmp_path: Path, point: str) -> None:
    medium = approved_medium(profile, tmp_path / "usb")
    write_files(medium, _files(first=20000 + 100 * EXPORT_POINTS.index(point)))
    staff = login(profile, STAFF)
    SendingService(profile).send(staff, medium)
    pending = {d["name"]: d["sha256"] for d in ExportingService(profile).list_deliveries(staff)}
    assert pending
    out = approved_medium(profile, tmp_path / "out")
    args = ("export", "--as", STAFF, "--medium", str(out))
    _kill_at(profile.path, tmp_path / "paused", point, *args)
    _assert_staging_holds_no_plaintext(profile.staging_dir)
    finals = {n: h for n, h in tree_hash(out).items()
              if not n.startswith(".")}
    for name, digest in finals.items():
        assert pending[name] == digest  # whatever is under a final name is complete
    _finish(profile.path, *args)
    assert ExportingService(profile).list_deliveries(staff) == []
    on_medium = tree_hash(out)
    assert {n for n in on_medium if not n.startswith(".")} >= set(pending)
    assert [n for n in on_medium if n.startswith(".") and n != TOKEN_NAME] == []
    for name, digest in pending.items():
        assert on_medium[name] == digest
    assert StagingArea(profile.staging_dir).leftover_files() == []
    staff.logout()
    assert store_hits(profile) == []  # the decrypted store and the operation log
