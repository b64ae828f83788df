"""A real ``kokuho-pc`` process SIGKILLed around the COMMIT of an operation-log record, then
its write-ahead log deleted (issue 13 item 5b; docs/security-core.md, "What an OS user of
the PC can still do", first point).

The child is ``python -m kokuho_pc ... admin revoke --as ADMIN --user STAFF``; it pauses at
an operation-log point (``kokuho_pc.audit.log.OPLOG_POINTS``, through
``KOKUHO_PC_TEST_PAUSE_AT``) and is SIGKILLed there. The store is closed with a checkpoint
after every command, so that process's WAL holds exactly its own records: its login record
(whose tip was already kept outside the store) and the revocation. Then the attacker (an OS
user of the PC) deletes ``store.db-wal`` and ``store.db-shm`` and the next command runs.

What holds, on demo and production (keyring) profiles alike:

- DETECTED: killed just before or just after the revocation's COMMIT, WAL deleted: the
  login record of the same process is gone too and the kept tip names it, so ``audit
  verify`` exits 1 with 「操作ログが巻き戻されています」 and staff commands are refused.
- NOT DETECTED (the documented blind spot): killed after the COMMIT of the first record
  since the last checkpoint (here the login record) and before its tip was kept, WAL
  deleted: the record is gone without trace and ``audit verify`` exits 0. The server
  never saw it either (it was not forwarded).
- Without deleting the WAL nothing committed is lost (``synchronous=FULL``): the killed
  revocation stays done, and one killed before its COMMIT is simply not done.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest

from kokuho_pc.audit.log import OPLOG_POINTS
from kokuho_pc.cli.main import main
from kokuho_pc.store.anchor import ANCHOR_FILE, AnchorState
from kokuho_pc.store.faultpoints import ENV_PAUSE_AT, ENV_PAUSE_FILE
from tests.security.conftest import MUNICIPALITY
from tests.security.file_keyring import BACKEND, ENV_FILE, FileKeyring

ROOT = Path(__file__).resolve().parents[2]
ADMIN, ADMIN_PW = "yamada.taro", "shiroi-kumo-to-aoi-sora"
STAFF, STAFF_INITIAL, STAFF_PW = "sato.hanako", "saisho-no-kotoba-desu", "midori-no-oka-wo-aruku"
ROLLED_BACK = "操作ログが巻き戻されています"
INTACT = "操作ログに改ざん・欠落はありません"
BEFORE, COMMITTED = OPLOG_POINTS


@dataclass
class Done:
    code: int
    text: str


class Pc:
    """One profile and the ``kokuho-pc`` command line run on it in a child process."""

    def __init__(self, tmp_path: Path, kind: str) -> None:
        self.dir = tmp_path / "p"
        self.kind = kind
        self._tmp = tmp_path

    def run(self, *args: str, stdin: str = "",
            pause_at: str | None = None) -> subprocess.Popen[bytes]:
        """Start ``python -m kokuho_pc --profile DIR ARGS`` (output to a file)."""
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop(ENV_PAUSE_AT, None)
        if pause_at is not None:
            env[ENV_PAUSE_AT], env[ENV_PAUSE_FILE] = pause_at, str(self._tmp / "paused")
        self._out = self._tmp / f"cli-{time.monotonic_ns()}.log"
        with self._out.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "kokuho_pc", "--profile", str(self.dir), *args],
                stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        assert proc.stdin is not None
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
        return proc

    def finish(self, *args: str, stdin: str = "") -> Done:
        """Run a command to its end."""
        proc = self.run(*args, stdin=stdin)
        code = proc.wait(timeout=120)
        return Done(code, self._out.read_text("utf-8"))

    def kill_at(self, point: str, *args: str, stdin: str = "") -> str:
        """Run a command until it pauses at ``point``, SIGKILL it; return where it stopped."""
        marker = self._tmp / "paused"
        marker.unlink(missing_ok=True)
        proc = self.run(*args, stdin=stdin, pause_at=point)
        deadline = time.monotonic() + 60
        try:
            while not marker.exists():
                assert proc.poll() is None, f"finished before {point}: {self._out.read_text()}"
                assert time.monotonic() < deadline, f"never reached {point}"
                time.sleep(0.02)
        finally:
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
        return marker.read_text("ascii")

    def kept_tip(self) -> int:
        """The seq of the highest tip kept outside the store (file or keyring)."""
        if self.kind == "demo":
            text: str | None = (self.dir / ANCHOR_FILE).read_text("utf-8")
        else:
            profile_id = _profile_id(self.dir)
            text = FileKeyring().get_password("kokuho-pc", f"oplog-tip/{profile_id}")
        return AnchorState.from_text(text).local.seq


def _profile_id(profile_dir: Path) -> str:
    return str(json.loads((profile_dir / "profile.json").read_text("utf-8"))["profile_id"])


@pytest.fixture(params=["demo", "production"])
def pc(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
       capsys: pytest.CaptureFixture[str]) -> Iterator[Pc]:
    """A profile with an administrator, a second one and a staff member, set up in process;
    production keeps its entries in a keyring file the children share."""
    previous = keyring.get_keyring()
    if request.param == "production":
        monkeypatch.setenv(ENV_FILE, str(tmp_path / "keyring.json"))
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", BACKEND)
        keyring.set_keyring(FileKeyring())
    try:
        made = Pc(tmp_path, request.param)

        def setup(*args: str, stdin: str = "") -> None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
            code = main(["--profile", str(made.dir), *args])
            assert code == 0, capsys.readouterr()

        setup("init", "--kind", request.param, "--municipality", MUNICIPALITY)
        setup("admin", "init", "--user", ADMIN, "--name", "山田 太郎", stdin=ADMIN_PW + "\n")
        setup("admin", "add-user", "--as", ADMIN, "--user", "kimura.jiro", "--name", "木村 次郎",
              "--role", "admin", stdin=f"{ADMIN_PW}\ndai-ni-no-kanrisha-desu\n")
        setup("admin", "add-user", "--as", ADMIN, "--user", STAFF, "--name", "佐藤 花子",
              "--role", "staff", stdin=f"{ADMIN_PW}\n{STAFF_INITIAL}\n")
        setup("passwd", "--as", STAFF, stdin=f"{STAFF_INITIAL}\n{STAFF_PW}\n")
        if request.param == "production":
            assert not (made.dir / ANCHOR_FILE).exists()
        yield made
    finally:
        keyring.set_keyring(previous)


def _revoke_killed_at(pc: Pc, point: str, *, delete_wal: bool) -> tuple[int, str]:
    """The revoking command killed at ``point``; return the kept tip before it and where it
    stopped. Then the WAL (and its index) deleted, when asked."""
    before = pc.kept_tip()
    assert not (pc.dir / "store.db-wal").exists()  # the last command checkpointed on close
    stopped = pc.kill_at(point, "admin", "revoke", "--as", ADMIN, "--user", STAFF,
                         stdin=ADMIN_PW + "\n")
    assert (pc.dir / "store.db-wal").stat().st_size > 0  # the killed process's commits
    if delete_wal:
        for name in ("store.db-wal", "store.db-shm"):
            (pc.dir / name).unlink(missing_ok=True)
    return before, stopped


def _staff_command(pc: Pc) -> Done:
    """A staff command (``passwd --as``), with a new password."""
    return pc.finish("passwd", "--as", STAFF, stdin=f"{STAFF_PW}\n{STAFF_PW}-2\n")


@pytest.mark.parametrize("point", [f"{BEFORE}:account.revoke", f"{COMMITTED}:account.revoke"])
def test_wal_deleted_after_a_kill_at_the_revocation_is_detected(pc: Pc, point: str) -> None:
    """DETECTED: the WAL held the process's login record too, whose tip was kept."""
    before, stopped = _revoke_killed_at(pc, point, delete_wal=True)
    assert stopped == point
    assert pc.kept_tip() == before + 1  # the login record's tip, not the revocation's
    verify = pc.finish("audit", "verify")
    assert verify.code == 1 and ROLLED_BACK in verify.text, verify.text
    assert f"この端末の記録: 通番 {before} まで、端末外に保管した記録: 通番 {before + 1}" \
        in verify.text
    staff = _staff_command(pc)
    assert staff.code == 1 and ROLLED_BACK in staff.text, staff.text
    admin = pc.finish("admin", "list-users", "--as", ADMIN, stdin=ADMIN_PW + "\n")
    assert admin.code == 0, admin.text  # the administrator may still log in to deal with it


def test_wal_deleted_after_a_kill_at_the_first_record_is_not_detected(pc: Pc) -> None:
    """NOT DETECTED (docs/security-core.md, "What an OS user of the PC can still do"):
    killed after the COMMIT of the first record since the last checkpoint (the login of
    the revoking process) and before its tip was kept; WAL deleted: that record is gone
    and nothing on the PC notices. If this starts failing, the blind spot is closed:
    update the doc."""
    before, stopped = _revoke_killed_at(pc, COMMITTED, delete_wal=True)
    assert stopped == f"{COMMITTED}:login.success"
    assert pc.kept_tip() == before  # the committed login record's tip was never kept
    verify = pc.finish("audit", "verify")
    assert verify.code == 0 and f"{INTACT}({before}件)" in verify.text, verify.text
    assert _staff_command(pc).code == 0  # staff work on; the revocation never began
    # the next records take the lost one's place, and the log goes on verifying
    assert pc.kept_tip() > before and pc.finish("audit", "verify").code == 0


@pytest.mark.parametrize("point", [BEFORE, COMMITTED])
def test_kill_at_the_revocation_with_the_wal_kept_loses_nothing(pc: Pc, point: str) -> None:
    """The control: without deleting the WAL, a revocation killed after its COMMIT is done
    (``synchronous=FULL``), one killed before it is not; the log verifies either way and
    the kept tip catches up at the next record."""
    before, stopped = _revoke_killed_at(pc, f"{point}:account.revoke", delete_wal=False)
    assert stopped == f"{point}:account.revoke"
    verify = pc.finish("audit", "verify")
    committed = point == COMMITTED
    assert verify.code == 0 and f"{INTACT}({before + 1 + committed}件)" in verify.text, \
        verify.text
    staff = _staff_command(pc)
    assert staff.code == (1 if committed else 0), staff.text
    assert ROLLED_BACK not in staff.text
