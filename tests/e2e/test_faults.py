"""Faults across send, export and confirmation, against a real simulator process.

- The client SIGKILLed at the points of ``transfer.faultpoints.POINTS`` (send ×3 and
  export ×4 through the ``kokuho-pc`` command line, confirmation ×3 through
  ``tests.e2e.confirm_child``; the window process: tests/e2e/test_gui_kills.py), then
  run again;
- the simulator SIGKILLing itself at ``ingest_before_commit`` / ``ingest_after_commit``
  (``shuyaku_sim.faultpoints``), then the client's resend;
- the medium's file layer failing mid-file: EIO (pulled out; with ``pulled_medium``
  every later operation on it fails too), ENOSPC (full); the whole
  export under RLIMIT_FSIZE (EFBIG, no privilege needed); a really full 20 KiB tmpfs
  (mounted in an unprivileged user namespace, ``unshare -Urm``: never skipped);
- clock jumps, each on a profile made with the clock it moves: 13 hours forward
  (session expired), March 31 → April 1 (fiscal-year grants lapse, media approvals
  expire) and back again.

Each ends with: nothing lost or duplicated on the server, no partial file on the
medium, no plaintext in staging (sentinels, telltales, entropy), a Japanese
message for the user, and an operation log that verifies.
"""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.messages import describe_error
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import SendingService
from kokuho_pc.store.clock import ManualClock
from kokuho_pc.transfer.faultpoints import ENV_PAUSE_AT, ENV_PAUSE_FILE, POINTS
from kokuho_pc.transfer.filesets import file_set_digest
from kokuho_pc.transfer.media import TOKEN_NAME
from kokuho_pc.transfer.medium_io import TMP_MARK
from kokuho_pc.transfer.staging import StagingArea
from shuyaku_sim.faultpoints import ENV_KILL_AT as SIM_KILL_AT
from shuyaku_sim.faultpoints import POINTS as SIM_KILL_POINTS
from tests.e2e.artefacts import staging_residue, store_hits, tree_hits
from tests.e2e.pulled_medium import PulledMedium
from tests.e2e.scenario import MITO, TSUKUBA, medium_files, moved_in_pair
from tests.simfiles import household_pair, submission_body
from tests.simhelpers import SimServer, make_pki
from tests.transfer.harness import (
    ADMIN,
    STAFF,
    STAFF_PW,
    approved_medium,
    login,
    make_profile,
    sim_query,
    tree_hash,
    write_files,
)
from tests.transfer.test_faults import _cli, _finish, _kill_at

ROOT = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
TELLTALES = ("ｼﾐｭ".encode("cp932"), "試湯".encode("cp932"), b"082201", b"082015")
# send.between_sets needs two file sets on the medium: tests/e2e/test_gui_kills.py
SEND_POINTS = [p for p in POINTS if p.startswith("send.") and p != "send.between_sets"]
EXPORT_POINTS = [p for p in POINTS if p.startswith("export.")]
SIM_POINTS = list(SIM_KILL_POINTS)
CONFIRM_POINTS = [p for p in POINTS if p.startswith("confirm.")]


def test_eleven_defined_kill_points() -> None:
    assert len(SEND_POINTS) == 3 and len(EXPORT_POINTS) == 4 and len(CONFIRM_POINTS) == 3
    assert len(POINTS) == 11 and "send.between_sets" in POINTS


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimServer]:
    pki = make_pki(tmp_path / "pki", (TSUKUBA, MITO))
    with SimServer(tmp_path / "sim" / "data", pki) as server:
        yield server


@pytest.fixture
def profile(tmp_path: Path, sim: SimServer) -> Iterator[Profile]:
    p = make_profile(tmp_path / "profile", sim, sim.sim_pki)
    yield p
    p.close()


def assert_clean_end(profile: Profile, *media: Path) -> None:
    """No staging residue, no partial file on any medium, the operation log verifies,
    and no number in the decrypted store or the operation log."""
    assert staging_residue(profile.staging_dir, TELLTALES) == []
    assert store_hits(profile) == []
    assert StagingArea(profile.staging_dir).leftover_files() == []
    for medium in media:
        hidden = [p.name for p in medium.iterdir() if p.name.startswith(".")
                  and p.name != TOKEN_NAME]
        assert hidden == [], hidden  # no temporary (partial) file left behind
    report = profile.audit.verify()  # what ``kokuho-pc audit verify`` runs
    assert report.ok, report.first_bad_seq


def _submissions(sim: SimServer, files: dict[str, bytes]) -> int:
    rows = sim_query(sim, "SELECT count(*) FROM submissions WHERE sha256 = ?",
                     (file_set_digest(files),))
    return int(rows[0][0])


# --- the client killed at the ten points -----------------------------------------------


@pytest.mark.parametrize("point", SEND_POINTS)
def test_send_killed(profile: Profile, sim: SimServer, tmp_path: Path, point: str) -> None:
    medium = approved_medium(profile, tmp_path / "usb")
    files = moved_in_pair(dt.datetime(2026, 10, 7, 10, SEND_POINTS.index(point)))
    write_files(medium, files)
    before = tree_hash(medium)
    args = ("send", "--as", STAFF, "--medium", str(medium))
    _kill_at(profile.path, tmp_path / "paused", point, *args)
    assert staging_residue(profile.staging_dir, TELLTALES) == []
    text = _finish(profile.path, *args)
    assert "送信しました" in text
    assert _submissions(sim, files) == 1
    assert tree_hash(medium) == before
    assert_clean_end(profile, medium)


@pytest.mark.parametrize("point", EXPORT_POINTS)
def test_export_killed(profile: Profile, tmp_path: Path, point: str) -> None:
    medium = approved_medium(profile, tmp_path / "usb")
    write_files(medium, moved_in_pair(dt.datetime(2026, 10, 8, 10, EXPORT_POINTS.index(point))))
    staff = login(profile, STAFF)
    SendingService(profile).send(staff, medium)
    pending = {d["name"]: d["sha256"] for d in ExportingService(profile).list_deliveries(staff)}
    staff.logout()
    out = approved_medium(profile, tmp_path / "out")
    args = ("export", "--as", STAFF, "--medium", str(out))
    _kill_at(profile.path, tmp_path / "paused", point, *args)
    assert staging_residue(profile.staging_dir, TELLTALES) == []
    for name, digest in tree_hash(out).items():
        if not name.startswith("."):
            assert pending[name] == digest  # anything under a final name is complete
    text = _finish(profile.path, *args)
    assert "書き出しました" in text or "ありませんでした" in text
    final = {n: h for n, h in tree_hash(out).items() if not n.startswith(".")}
    assert final == pending  # each delivery once, whole
    staff = login(profile, STAFF)
    assert ExportingService(profile).list_deliveries(staff) == []
    staff.logout()
    assert tree_hits(out) == []
    assert_clean_end(profile, out)


def _seed_candidates(sim: SimServer) -> list[str]:
    """Both media of the scenario submitted; つくば市's candidate numbers."""
    for code in (MITO, TSUKUBA):
        files = medium_files(code)
        stamps = sorted({name[-18:] for name in files})  # one set per creation time
        for stamp in stamps:
            part = {n: d for n, d in files.items() if n.endswith(stamp)}
            with sim.session(code, STAFF) as http:
                r = http.post(sim.url("/api/v1/submissions"), json=submission_body(part),
                              headers={"Idempotency-Key": f"e2e-seed-{code}-{stamp[:14]}"},
                              timeout=120)
                assert r.status_code == 201, r.text
    with sim.session(TSUKUBA, STAFF) as http:
        rows = http.get(sim.url("/api/v1/candidates"), timeout=60).json()["candidates"]
    return [str(r["candidate_no"]) for r in rows]


def _confirm_child(profile: Profile, numbers: list[str], pause_at: str | None,
                   marker: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop(ENV_PAUSE_AT, None)
    if pause_at:
        env[ENV_PAUSE_AT], env[ENV_PAUSE_FILE] = pause_at, str(marker)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.confirm_child", str(profile.path), STAFF, *numbers],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)


@pytest.mark.parametrize("point", CONFIRM_POINTS)
def test_confirmation_killed(profile: Profile, sim: SimServer, tmp_path: Path,
                             point: str) -> None:
    numbers = _seed_candidates(sim)
    staff = login(profile, STAFF)
    service = CandidateService(profile, staff)
    for no in numbers:
        service.record_decision(no, "continue")
    staff.logout()
    marker = tmp_path / "paused"
    proc = _confirm_child(profile, numbers, point, marker)
    assert proc.stdin is not None
    proc.stdin.write(STAFF_PW.encode() + b"\n")
    proc.stdin.close()
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, f"never reached {point}"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    confirmed = sim_query(sim, "SELECT count(*) FROM candidates WHERE state = 'confirmed'")
    assert confirmed[0][0] == (0 if point == "confirm.requested" else len(numbers))
    again = _confirm_child(profile, numbers, None, marker)
    out, err = again.communicate(STAFF_PW.encode() + b"\n", timeout=120)
    assert again.returncode == 0, err.decode("utf-8", "replace")
    text = out.decode("utf-8")
    assert "確定" in text and JAPANESE.search(text)
    if point != "confirm.requested":
        assert f"既に確定済みだった候補: {len(numbers)}件" in text
    kkg11 = sim_query(sim, "SELECT count(*) FROM deliveries WHERE name LIKE 'KKG11%'")
    assert kkg11[0][0] == 1  # the carry-over delivered once, not once per attempt
    records = [r for r in profile.audit.records(limit=10_000, unacknowledged_only=False)
               if r.action == "candidate.confirmation" and r.result == "success"]
    assert len(records) == (2 if point == "confirm.logged" else 1)
    assert_clean_end(profile)


# --- the simulator killed, the medium removed, a full medium ---------------------------


@pytest.mark.parametrize("point", SIM_POINTS)
def test_simulator_killed_in_ingest(profile: Profile, sim: SimServer, tmp_path: Path,
                                    point: str) -> None:
    """The simulator SIGKILLs itself at a named point of the ingest transaction.

    Before COMMIT nothing of the submission survives; after COMMIT it survives
    once. Either way the client's resend (the same Idempotency-Key, kept in its
    store) ends with exactly one submission and one set of deliveries, never two.
    """
    medium = approved_medium(profile, tmp_path / "usb")
    files = moved_in_pair(dt.datetime(2026, 10, 9, 9, SIM_POINTS.index(point)))
    write_files(medium, files)
    _restart_sim(profile, sim, {SIM_KILL_AT: point})
    staff = login(profile, STAFF)
    with pytest.raises(KokuhoError) as caught:
        SendingService(profile).send(staff, medium)
    assert sim.wait_killed() == -signal.SIGKILL  # it died at the point, not by a race
    message = describe_error(caught.value)
    assert JAPANESE.search(message.message) and "接続" in message.message + message.title
    committed = point == "ingest_after_commit"
    assert _submissions(sim, files) == (1 if committed else 0)
    deliveries = _delivery_count(sim)
    assert (deliveries > 0) == committed
    _restart_sim(profile, sim, {})
    staff = login(profile, STAFF)
    result = SendingService(profile).send(staff, medium)
    assert result.all_accepted
    assert _submissions(sim, files) == 1  # never two
    if committed:
        assert _delivery_count(sim) == deliveries  # answered from the stored result
    else:
        assert _delivery_count(sim) > 0
    staff.logout()
    assert_clean_end(profile, medium)


def _delivery_count(sim: SimServer) -> int:
    return int(sim_query(sim, "SELECT count(*) FROM deliveries")[0][0])


def _restart_sim(profile: Profile, sim: SimServer, env: dict[str, str]) -> None:
    """Start the simulator (again) with ``env``; the administrator points the policy at it."""
    if sim.process is not None:
        sim.stop()
    sim.env = dict(env)
    sim.start()  # a new port
    admin = login(profile, ADMIN)
    PolicyService(profile).change(admin, "server_url", sim.base_url)
    admin.logout()


def _catch(work: Any, into: list[BaseException]) -> None:
    try:
        work()
    except BaseException as exc:  # handed to the test thread
        into.append(exc)


def _pending_deliveries(profile: Profile, tmp_path: Path, households: int) -> dict[str, str]:
    medium = approved_medium(profile, tmp_path / "usb")
    write_files(medium, household_pair(TSUKUBA, dt.datetime(2026, 10, 10, 9, 0), households))
    staff = login(profile, STAFF)
    SendingService(profile).send(staff, medium)
    pending = {d["name"]: d["sha256"] for d in ExportingService(profile).list_deliveries(staff)}
    staff.logout()
    assert pending
    return pending


class FailingMediumFile:
    """The medium's file layer (``medium_io._open_for_writing``) failing mid-write.

    The ``fail_in``-th file opened for writing on the medium accepts ``after`` bytes,
    then every write raises ``OSError(error)``: EIO as when the stick is pulled out
    in the middle of a file, ENOSPC as when it is full.
    """

    def __init__(self, error: int, fail_in: int, after: int,
                 on_fail: Callable[[], None] | None = None) -> None:
        self.error, self.fail_in, self.after = error, fail_in, after
        self.on_fail = on_fail  # e.g. PulledMedium.pull: from then on the medium is gone
        self.opened = 0
        self.failed = False

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from kokuho_pc.transfer import medium_io
        real = medium_io._open_for_writing

        def opener(fd: int) -> Any:
            self.opened += 1
            out = real(fd)
            return self._Writer(self, out) if self.opened == self.fail_in else out

        monkeypatch.setattr(medium_io, "_open_for_writing", opener)

    class _Writer:
        def __init__(self, shim: FailingMediumFile, out: Any) -> None:
            self.shim, self.out, self.left = shim, out, shim.after

        def write(self, data: bytes | memoryview) -> int:
            if len(data) > self.left:
                self.out.write(data[:self.left])
                self.out.flush()
                self.left = 0
                self.shim.failed = True
                if self.shim.on_fail is not None:
                    self.shim.on_fail()
                raise OSError(self.shim.error, os.strerror(self.shim.error))
            self.left -= len(data)
            return int(self.out.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.out, name)

        def __enter__(self) -> FailingMediumFile._Writer:
            return self

        def __exit__(self, *exc: object) -> None:
            self.out.close()


def _export_failing(profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    error: int) -> tuple[dict[str, str], Path, KokuhoError]:
    """Export with the medium failing 200 bytes into its second file."""
    pending = _pending_deliveries(profile, tmp_path, 3)
    assert len(pending) >= 2 and all(len(n) for n in pending)
    out = approved_medium(profile, tmp_path / "out")
    shim = FailingMediumFile(error, fail_in=2, after=200)
    with monkeypatch.context() as patch:
        shim.install(patch)
        staff = login(profile, STAFF)
        with pytest.raises(KokuhoError) as caught:
            ExportingService(profile).export(staff, out)
    assert shim.failed  # it failed in the middle of the second file
    written = {n: h for n, h in tree_hash(out).items() if n != TOKEN_NAME}
    assert len(written) == 1  # the first file whole, nothing of the second, no temporary
    [(name, digest)] = written.items()
    assert pending[name] == digest
    left = {d["name"] for d in ExportingService(profile).list_deliveries(staff)}
    assert left == set(pending) - {name}  # only the whole file was acknowledged
    staff.logout()
    return pending, out, caught.value


def _export_rest(profile: Profile, out: Path, pending: dict[str, str]) -> None:
    staff = login(profile, STAFF)
    ExportingService(profile).export(staff, out)
    assert ExportingService(profile).list_deliveries(staff) == []
    staff.logout()
    final = {n: h for n, h in tree_hash(out).items() if not n.startswith(".")}
    assert final == pending  # each delivery once, whole
    assert_clean_end(profile, out)


def test_medium_removed_mid_write(profile: Profile, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """EIO from the medium's file layer in the middle of a file (the stick pulled out)."""
    pending, out, error = _export_failing(profile, tmp_path, monkeypatch, errno.EIO)
    message = describe_error(error)
    assert JAPANESE.search(message.message) and "外部媒体" in message.message
    assert "書きかけのファイルを残していません" in message.message
    _export_rest(profile, out, pending)  # put back in: the rest is written once


def test_medium_pulled_out_mid_write(profile: Profile, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """EIO mid-file, and from then on every operation on the medium fails (it is gone).

    The product cannot remove its temporary file then: it must not claim it left
    nothing, must answer a second attempt on the missing medium with a clear Japanese
    message, and must sweep the partial temporary the next time the medium is used.
    The delivery being written stays unacknowledged; nothing under a final name is
    partial.
    """
    pending = _pending_deliveries(profile, tmp_path, 3)
    out = approved_medium(profile, tmp_path / "out")
    stick = PulledMedium(out)
    shim = FailingMediumFile(errno.EIO, fail_in=2, after=200, on_fail=stick.pull)
    with monkeypatch.context() as patch:
        stick.install(patch)
        shim.install(patch)
        staff = login(profile, STAFF)
        with pytest.raises(KokuhoError) as caught:
            ExportingService(profile).export(staff, out)
        assert shim.failed and "unlink" in stick.refused  # its temporary could not go
        message = describe_error(caught.value)
        assert JAPANESE.search(message.message) and "外部媒体" in message.message, message
        assert "書きかけのファイルを残していません" not in message.message, message
        assert "一時ファイル" in message.message and "削除" in message.hint, message
        with pytest.raises(KokuhoError) as again:  # tried again, the stick still out
            ExportingService(profile).export(staff, out)
        retry = describe_error(again.value)
        assert JAPANESE.search(retry.message) and "媒体" in retry.title + retry.message, retry
        assert "予期しない" not in retry.title + retry.message, retry
        left = {d["name"] for d in ExportingService(profile).list_deliveries(staff)}
        staff.logout()
    # Put back in: the partial temporary is there, nothing partial under a final name.
    temporaries = [p for p in out.iterdir() if p.name.endswith(TMP_MARK)]
    assert [p.stat().st_size for p in temporaries] == [200]
    written = {n: h for n, h in tree_hash(out).items()
               if n != TOKEN_NAME and not n.endswith(TMP_MARK)}
    assert len(written) == 1 and all(pending[n] == h for n, h in written.items())
    assert left == set(pending) - set(written)  # the one being written: unacknowledged
    staff = login(profile, STAFF)
    result = ExportingService(profile).export(staff, out)
    assert result.stale_temporaries_removed == 1  # swept at the next use of the medium
    assert ExportingService(profile).list_deliveries(staff) == []
    staff.logout()
    final = {n: h for n, h in tree_hash(out).items() if n != TOKEN_NAME}
    assert final == pending  # each delivery once, whole; no temporary
    assert_clean_end(profile, out)


def test_medium_full_mid_write(profile: Profile, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC from the medium's file layer: the user is told the medium is full."""
    pending, out, error = _export_failing(profile, tmp_path, monkeypatch, errno.ENOSPC)
    message = describe_error(error)
    assert "空き容量が足りない" in message.message, message
    assert "未処理のまま" in message.hint
    _export_rest(profile, out, pending)  # a medium with room: the rest, once


def _limited_export(profile: Profile, out: Path, limit: int) -> tuple[int, str]:
    """``kokuho-pc export`` in a child whose files may not grow past ``limit`` bytes.

    RLIMIT_FSIZE needs no privilege, so this never skips. SIGXFSZ is ignored in the
    child (kept across exec), so a write past the limit fails with EFBIG.
    """
    import resource

    def limit_file_size() -> None:  # in the child, before exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop(ENV_PAUSE_AT, None)
    done = subprocess.run(
        [sys.executable, "-m", "kokuho_pc", "--profile", str(profile.path), "export",
         "--as", STAFF, "--medium", str(out)],
        input=(STAFF_PW + "\n").encode(), capture_output=True, cwd=ROOT, env=env,
        preexec_fn=limit_file_size, timeout=120, check=False)
    return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")


def test_export_under_a_file_size_limit(profile: Profile, sim: SimServer,
                                        tmp_path: Path) -> None:
    """The whole ``kokuho-pc export`` under RLIMIT_FSIZE = 4 KiB: every write that would
    grow a file past it fails with EFBIG, as on a full disk.

    Not a full *medium* only: the PC's own files cannot grow either, and the store's
    write-ahead log is past the limit before any delivery is written, so the store's
    first write is what fails (a delivery is staged in full before it is written, so no
    limit lets the medium fail first). What must happen: exit 1 with a Japanese message
    that names the disk space (before: exit 2, 予期しないエラー, the failed COMMIT's
    ROLLBACK raising over it), nothing acknowledged, nothing on the medium, and the
    export completes once there is room.
    """
    pending = _pending_deliveries(profile, tmp_path, 3)
    out = approved_medium(profile, tmp_path / "out")
    before = tree_hash(out)
    code, text = _limited_export(profile, out, 4096)
    assert code == 1, text
    assert JAPANESE.search(text) and "空き容量" in text, text
    assert "予期しない" not in text
    assert tree_hash(out) == before  # nothing written, nothing half-written
    with sim.session(TSUKUBA, STAFF) as http:
        listed = http.get(sim.url("/api/v1/deliveries"), timeout=30).json()["deliveries"]
    assert {d["name"] for d in listed} == set(pending)  # nothing acknowledged
    staff = login(profile, STAFF)
    ExportingService(profile).export(staff, out)  # room again
    assert ExportingService(profile).list_deliveries(staff) == []
    staff.logout()
    final = {n: h for n, h in tree_hash(out).items() if not n.startswith(".")}
    assert final == pending
    assert_clean_end(profile, out)


TINY = 20 * 1024  # the medium: the token and the first delivery fit, the second half does


def _hold_tiny_tmpfs(mount: Path) -> subprocess.Popen[bytes]:
    """A process in its own user and mount namespace holding a 20 KiB tmpfs on ``mount``.

    ``unshare -Urm`` needs no privilege (an unprivileged user namespace maps this user
    to root inside it, where mounting a tmpfs is allowed). The tmpfs exists only in
    that namespace; this process reaches it as ``/proc/<pid>/root/<mount>``.
    """
    script = 'mount -t tmpfs -o size="$2" tmpfs "$1" && echo mounted && exec sleep 3600'
    tried = []
    for args in (["unshare", "-Urm"], ["unshare", "-m"] if os.geteuid() == 0 else []):
        if not args or shutil.which(args[0]) is None:
            continue
        proc = subprocess.Popen([*args, "sh", "-c", script, "sh", str(mount), str(TINY)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        if proc.stdout.readline() == b"mounted\n":
            return proc
        proc.wait()
        tried.append(f"{' '.join(args)}: {proc.stderr.read().decode('utf-8', 'replace')}")
    raise AssertionError("no small tmpfs can be mounted here (unprivileged user namespaces "
                         "are off and this is not root): " + "; ".join(tried))


@pytest.fixture
def tiny_medium(tmp_path: Path) -> Iterator[Path]:
    """A real 20 KiB file system, never skipped: the kernel's ENOSPC, not a shim."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    holder = _hold_tiny_tmpfs(mount)
    inside = Path(f"/proc/{holder.pid}/root") / mount.relative_to("/")
    try:
        assert os.statvfs(inside).f_blocks * os.statvfs(inside).f_frsize == TINY
        yield inside
    finally:
        holder.kill()
        holder.wait()
        for stream in (holder.stdout, holder.stderr):
            if stream is not None:
                stream.close()
    assert list(mount.iterdir()) == []  # every write went to the tmpfs, none beside it


def test_full_medium(profile: Profile, tmp_path: Path, tiny_medium: Path) -> None:
    """A medium that is really full: the kernel answers ENOSPC in the middle of a file.

    Two deliveries (11,340 and 7,380 bytes) and a 20 KiB tmpfs: the first is written,
    the second hits the end of the medium part-way (one 4 KiB page is left for it).
    The store and staging are on the PC's disk and unaffected. The user is told in
    Japanese that the medium is full; the medium holds the first file whole and nothing
    of the second, not even a temporary; the second stays unacknowledged and is exported
    once room is made on the medium.
    """
    pending = _pending_deliveries(profile, tmp_path, 60)
    assert max(_sizes(profile)) < TINY  # each fits alone
    out = approved_medium(profile, tiny_medium / "medium")
    staff = login(profile, STAFF)
    with pytest.raises(KokuhoError) as caught:
        ExportingService(profile).export(staff, out)
    message = describe_error(caught.value)
    assert message.message == ("外部媒体の空き容量が足りないため、書き込めませんでした。"
                               "媒体には書きかけのファイルを残していません。"), message
    assert "未処理のまま" in message.hint
    failed = [r.targets for r in profile.audit.records(limit=10_000)
              if r.action == "media.write" and r.result == "failure"]
    assert [t["reason"] for t in failed] == ["medium_full"]  # the medium failed, nothing else
    written = {n: h for n, h in tree_hash(out).items() if n != TOKEN_NAME}
    assert len(written) == 1  # the first file whole; nothing of the second, no temporary
    [(name, digest)] = written.items()
    assert pending[name] == digest
    left = {d["name"] for d in ExportingService(profile).list_deliveries(staff)}
    assert left == set(pending) - {name}  # the second is still unacknowledged
    room = os.statvfs(out).f_bavail * os.statvfs(out).f_frsize
    assert 0 < room < min(_sizes(profile))  # so it failed part-way through the file
    assert profile.db.query("PRAGMA integrity_check")[0][0] == "ok"  # the store is intact
    staff.logout()
    assert_clean_end(profile, out)
    (out / name).unlink()  # the user makes room on the medium
    staff = login(profile, STAFF)
    ExportingService(profile).export(staff, out)
    assert ExportingService(profile).list_deliveries(staff) == []
    staff.logout()
    rest = {n: h for n, h in tree_hash(out).items() if n != TOKEN_NAME}
    assert rest == {n: h for n, h in pending.items() if n != name}  # exported once, whole
    assert_clean_end(profile, out)


def _sizes(profile: Profile) -> list[int]:
    staff = login(profile, STAFF)
    try:
        return [int(d["size"]) for d in ExportingService(profile).list_deliveries(staff)]
    finally:
        staff.logout()


# --- clock jumps -------------------------------------------------------------------------
# Each test makes its profile (accounts, grants, media approvals) with the same injected
# clock the code under test then reads, so no test depends on the machine's date.

JST = dt.timezone(dt.timedelta(hours=9))


def _clocked_profile(tmp_path: Path, sim: SimServer, start: dt.datetime) -> Profile:
    return make_profile(tmp_path / "clocked", sim, sim.sim_pki, clock=ManualClock(start))


def _clock(profile: Profile) -> ManualClock:
    assert isinstance(profile.clock, ManualClock)
    return profile.clock


def test_thirteen_hours_forward_expires_the_session(sim: SimServer, tmp_path: Path) -> None:
    with _clocked_profile(tmp_path, sim, dt.datetime(2026, 11, 26, 8, 30, tzinfo=JST)) as opened:
        medium = approved_medium(opened, tmp_path / "usb")
        files = moved_in_pair(dt.datetime(2026, 10, 11, 9, 0))
        write_files(medium, files)
        staff = login(opened, STAFF)
        _clock(opened).advance(hours=13)
        with pytest.raises(KokuhoError) as caught:
            SendingService(opened).send(staff, medium)
        message = describe_error(caught.value)
        assert JAPANESE.search(message.message) and "ログイン" in message.message + message.hint
        assert _submissions(sim, files) == 0
        assert_clean_end(opened, medium)


def _march_31_setup(opened: Profile, medium: Path) -> None:
    """A medium approved until March 31; the administrator granted for the next year."""
    from kokuho_pc.services.accounts import AccountService
    from kokuho_pc.services.media_admin import MediaAdminService
    medium.mkdir()
    admin = login(opened, ADMIN)
    MediaAdminService(opened).register(admin, medium, (STAFF, ADMIN), expires=dt.date(2027, 3, 31))
    AccountService(opened).regrant(admin, ADMIN, 2027)  # the March task, admins only
    admin.logout()


def test_across_march_31_grants_lapse_and_approvals_expire(
    sim: SimServer, tmp_path: Path
) -> None:
    from kokuho_pc.services.login import LoginService
    from kokuho_pc.services.media_admin import MediaAdminService
    medium = tmp_path / "usb"
    files = moved_in_pair(dt.datetime(2026, 10, 12, 9, 0))
    with _clocked_profile(tmp_path, sim, dt.datetime(2027, 3, 31, 23, 50, tzinfo=JST)) as opened:
        clock = _clock(opened)
        _march_31_setup(opened, medium)
        write_files(medium, files)
        staff = login(opened, STAFF)  # still fiscal year 2026
        assert MediaAdminService(opened).status(staff, medium).approved
        clock.now = dt.datetime(2027, 4, 1, 0, 5, tzinfo=JST)
        with pytest.raises(KokuhoError) as lapsed:  # the open session lapses with the grant
            SendingService(opened).send(staff, medium)
        assert JAPANESE.search(describe_error(lapsed.value).message)
        with pytest.raises(KokuhoError) as refused_login:
            LoginService(opened, sleep=lambda _s: None).login(STAFF, STAFF_PW)
        assert JAPANESE.search(describe_error(refused_login.value).message)
        admin = login(opened, ADMIN)  # granted for 2027 in March
        status = MediaAdminService(opened).status(admin, medium)
        assert not status.approved and status.reason == "expired"
        assert JAPANESE.search(status.message)
        with pytest.raises(KokuhoError) as refused:
            SendingService(opened).send(admin, medium)
        assert JAPANESE.search(describe_error(refused.value).message)
        admin.logout()
        assert _submissions(sim, files) == 0
        assert_clean_end(opened, medium)


def test_clock_set_back_across_march_31(sim: SimServer, tmp_path: Path) -> None:
    """April 1 00:05 → back to March 31 23:58 → forward to April 1 again.

    What must happen: validity is judged by the date the clock shows *now* (no later
    date is latched: the PC's clock is the administrator's, set by Windows time
    sync), so on March 31 the fiscal-2026 grant and the approval valid until March 31
    hold again, and on April 1 they lapse again; a session that ended when the grant
    lapsed stays ended when the clock goes back; the operation log keeps its order
    (``seq``) with the times as read, going back visibly, and verifies.
    """
    from kokuho_pc.domain.errors import SessionExpired
    from kokuho_pc.services.login import LoginService
    from kokuho_pc.services.media_admin import MediaAdminService
    medium = tmp_path / "usb"
    files = moved_in_pair(dt.datetime(2026, 10, 13, 9, 0))
    with _clocked_profile(tmp_path, sim, dt.datetime(2027, 3, 31, 23, 50, tzinfo=JST)) as opened:
        clock = _clock(opened)
        _march_31_setup(opened, medium)
        write_files(medium, files)
        staff = login(opened, STAFF)
        clock.now = dt.datetime(2027, 4, 1, 0, 5, tzinfo=JST)
        with pytest.raises(KokuhoError):
            SendingService(opened).send(staff, medium)  # the grant lapsed: session ended
        clock.now = dt.datetime(2027, 3, 31, 23, 58, tzinfo=JST)  # set back
        with pytest.raises(SessionExpired):
            staff.require()  # the ended session is not revived by the earlier date
        staff = login(opened, STAFF)  # fiscal 2026 again: the grant holds on March 31
        assert MediaAdminService(opened).status(staff, medium).approved
        result = SendingService(opened).send(staff, medium)
        assert result.all_accepted and _submissions(sim, files) == 1
        # stored times follow the injected clock (as UTC), not the machine's
        assert opened.db.query("SELECT registered_at FROM transfer_media") == [
            ("2027-03-31T14:50:00+00:00",)]
        assert opened.db.query("SELECT created_at FROM transfer_jobs WHERE kind = 'send'") == [
            ("2027-03-31T14:58:00+00:00",)]
        clock.now = dt.datetime(2027, 4, 1, 0, 1, tzinfo=JST)  # forward again
        with pytest.raises(KokuhoError):
            staff.require()
        with pytest.raises(KokuhoError):
            LoginService(opened, sleep=lambda _s: None).login(STAFF, STAFF_PW)
        records = opened.audit.records(limit=10_000, unacknowledged_only=False)
        seqs = [r.seq for r in records]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        times = [dt.datetime.fromisoformat(str(r.time)) for r in records]
        assert any(b < a for a, b in itertools.pairwise(times))  # went back, logged
        assert _submissions(sim, files) == 1
        assert_clean_end(opened, medium)


def test_cli_refusal_is_japanese(profile: Profile, tmp_path: Path) -> None:
    """An unapproved medium: exit 1 and a Japanese reason (the CLI face of the checks)."""
    medium = tmp_path / "stick"
    medium.mkdir()
    proc, log = _cli(profile.path, "send", "--as", STAFF, "--medium", str(medium))
    assert proc.wait(timeout=120) == 1
    assert JAPANESE.search(log.read_text("utf-8"))
