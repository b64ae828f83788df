"""``kokuho-pc demo``: real simulator, real profile, real medium; no orphan process, no leftovers.

The demo environment is built for real (simulator subprocess with a fresh PKI,
seeded synthetic prefecture, SQLCipher demo profile, accounts, approved
emulated medium); the command itself runs as a subprocess, offscreen.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.demo.environment import DemoEnvironment, new_demo_environment, open_demo_profile
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.fido import FidoService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.media_admin import MediaAdminService
from kokuho_pc.services.profile import open_profile
from kokuho_pc.synth import generate_prefecture
from tests.simhelpers import ROOT

PERSONS = "300"
READY = "ログイン画面を開きます"


def _generate(out: Path) -> list[str]:
    return list(generate_prefecture(out, 11, int(PERSONS)).demo_medium_set)


@pytest.fixture
def demo_env(tmp_path: Path) -> Iterator[DemoEnvironment]:
    env = new_demo_environment(tmp_path)
    hasher = PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)
    try:
        yield env.prepare(_generate, hasher=hasher)
    finally:
        env.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def test_environment_is_ready_and_removed_at_close(demo_env: DemoEnvironment) -> None:
    env = demo_env
    assert env.server_url.startswith("https://127.0.0.1:")
    assert env.process is not None and env.process.poll() is None
    assert sorted(env.medium_files) == sorted(p.name for p in env.medium_dir.iterdir()
                                              if not p.name.startswith("."))
    assert [a.role.value for a in env.accounts] == ["admin", "staff", "staff"]
    assert len({a.password for a in env.accounts}) == 3
    hasher = PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)
    with open_profile(env.profile_dir, hasher=hasher) as profile:
        assert profile.is_demo and profile.municipality_code == "082201"
        policy = profile.policy()
        assert policy.server_url == env.server_url and policy.emulated_media_allowed
        assert policy.emulated_media_dirs == (str(env.medium_dir),)
        admin = LoginService(profile).login(env.admin.user_id, env.admin.password)
        users = {v.user_id: v for v in AccountService(profile).list_users(admin)}
        assert all(users[s.user_id].must_change_password for s in env.staff)
        admin.logout()
        first = env.staff[0]
        staff = LoginService(profile).login(first.user_id, first.password)
        AccountService(profile).change_password(staff, first.password, "Atarashii-pasuwado-2026!")
        status = MediaAdminService(profile).status(staff, env.medium_dir)
        assert status.approved and status.emulated, status.message
        staff.logout()
    # One account has the software FIDO2 authenticator, enrolled with the administrator
    # present; a later process (the window) holds its key and unlocks with it alone.
    with open_demo_profile(env.profile_dir) as profile:
        profile.hasher = hasher
        admin = LoginService(profile).login(env.admin.user_id, env.admin.password)
        views = FidoService(profile).credentials(admin, first.user_id)
        assert [(v.created_by, v.revoked_at) for v in views] == [(env.admin.user_id, None)]
        admin.logout()
        staff = LoginService(profile).login(first.user_id, "Atarashii-pasuwado-2026!")
        assert staff.can_quick_unlock
        staff.lock()
        staff.unlock_with_authenticator()
        assert not staff.is_locked
        staff.logout()
    root, process = env.root, env.process
    env.close()
    assert process.poll() is not None
    assert not root.exists()


@pytest.fixture
def demo_processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Every demo started by a test is killed at the end, even when the test failed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _start_demo(tmp_path: Path,
                started: list[subprocess.Popen[str]]) -> tuple[subprocess.Popen[str], Path, int]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "kokuho_pc", "demo", "--persons", PERSONS],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    started.append(proc)
    assert proc.stdout is not None
    root = None
    deadline = time.monotonic() + 120
    ready = False
    for line in proc.stdout:
        ready = ready or READY in line
        if "一時ディレクトリ" in line:
            root = Path(line.split(": ", 1)[1].strip())
        if ready and root is not None:
            break
        assert time.monotonic() < deadline
    assert root is not None and root.is_dir()
    server = int((root / "sim-data" / "server.port").exists())
    assert server
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert len(children) == 1
    return proc, root, int(children[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_the_simulator_and_removes_everything(
        tmp_path: Path, demo_processes: list[subprocess.Popen[str]]) -> None:
    proc, root, sim = _start_demo(tmp_path, demo_processes)
    time.sleep(1.0)  # the login window opens
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0
    deadline = time.monotonic() + 30
    while _alive(sim) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(sim)
    assert not root.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_a_killed_client_leaves_no_orphan_simulator(
        tmp_path: Path, demo_processes: list[subprocess.Popen[str]]) -> None:
    proc, _root, sim = _start_demo(tmp_path, demo_processes)
    proc.kill()
    proc.wait(30)
    deadline = time.monotonic() + 30
    while _alive(sim) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(sim)


EXPECTED_SCREENS = (
    "login", "login-refused", "password-change", "page-home", "page-send",
    "send-medium-chosen", "send-checked", "send-done", "page-candidates", "candidates-detail",
    "candidates-reason-required", "candidates-decided", "print-candidate-list",
    "confirm-dialog", "confirm-done", "page-results", "results-confirmed",
    "print-confirmed-list", "page-receive", "receive-exported", "help-staff", "help-admin",
    "about", "error-dialog", "progress-dialog", "lock-warning", "lock-screen", "page-admin",
    "admin-tab1", "candidates-compare", "candidates-unsaved", "send-history", "result-list",
    "confirm-two-person",
    "admin-new-account", "admin-tab4", "logged-out",
    "fido-enrol", "fido-enrol-done", "fido-unlock", "fido-unlock-done",
)


def test_tour_saves_every_screen_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "tour"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "kokuho_pc", "demo", "--tour", str(out), "--persons", PERSONS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=280, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    names = {p.name.split("-", 1)[1].removesuffix(".png") for p in out.glob("*.png")}
    missing = [n for n in EXPECTED_SCREENS if n not in names]
    assert not missing, missing
    assert all(p.stat().st_size > 1500 for p in out.glob("*.png"))
    assert not list(tmp_path.glob("kokuho-demo-*")), "the demo's temporary directory remains"


def test_a_failed_step_is_reported_in_japanese_and_leaves_nothing(tmp_path: Path) -> None:
    from kokuho_pc.demo.environment import DemoSetupFailed
    from kokuho_pc.services.messages import describe_error

    env = new_demo_environment(tmp_path)
    env.python = sys.executable + "-missing"  # the simulator cannot start
    with pytest.raises(DemoSetupFailed) as info:
        env.prepare(_generate)
    env.close()
    assert not env.root.exists() and env.process is None
    assert describe_error(info.value).message.startswith("証明書の作成に失敗しました。")


def test_what_the_user_is_told(demo_env: DemoEnvironment) -> None:
    from kokuho_pc.cli.demo_cmd import explain

    text = explain(demo_env)
    for account in demo_env.accounts:
        assert account.user_id in text and account.password in text
    assert demo_env.server_url in text and str(demo_env.medium_dir) in text
    assert "KSK01_082201_" in text and "継続候補世帯" in text and "確定指示" in text
