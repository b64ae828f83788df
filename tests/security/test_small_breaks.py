"""Smaller breaks of issue 14 item 6 (each test failed on the code before the fix)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kokuho_pc.domain.errors import InvalidAccountData
from kokuho_pc.services.accounts import AccountService, Role
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import ProfileKind, create_profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import ADMIN_ID, ADMIN_NAME, ADMIN_PW, MUNICIPALITY


def test_production_needs_two_administrators_before_staff(
    tmp_path: Path, clock: ManualClock, fast_hasher: object, memory_keyring: object
) -> None:
    profile = create_profile(tmp_path / "p", kind=ProfileKind.PRODUCTION,
                             municipality_code=MUNICIPALITY, clock=clock,
                             hasher=fast_hasher)  # type: ignore[arg-type]
    try:
        accounts = AccountService(profile)
        accounts.create_first_admin(ADMIN_ID, ADMIN_NAME, ADMIN_PW)
        admin = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
        with pytest.raises(InvalidAccountData, match="2名以上"):
            accounts.add_user(admin, "sato.hanako", "佐藤 花子", Role.STAFF,
                              "shoki-pasuwado-desu-yo")
        accounts.add_user(admin, "kimura.jiro", "木村 次郎", Role.ADMIN,
                          "dai-ni-no-kanrisha-desu")
        accounts.add_user(admin, "sato.hanako", "佐藤 花子", Role.STAFF, "shoki-pasuwado-desu-yo")
        assert {v.user_id for v in accounts.list_users(admin)} == {
            ADMIN_ID, "kimura.jiro", "sato.hanako"}
    finally:
        profile.close()


def test_simulator_seed_keeps_its_data_owner_only(tmp_path: Path) -> None:
    """Before the fix ``shuyaku-sim seed`` left its database 0644 in a 0755 directory."""
    import os
    import stat
    import subprocess
    import sys

    examples = Path(__file__).resolve().parents[1] / "fixtures" / "spec_examples"
    data = tmp_path / "data"
    code = ("import os, sys; os.umask(0o022); from shuyaku_sim.cli import main; "
            "raise SystemExit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "seed", "--data", str(data),
                           str(examples)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(os.lstat(p).st_mode)
             for p in [data, *data.rglob("*")]}
    assert modes["data"] == 0o700
    assert all(m & 0o077 == 0 for m in modes.values()), modes


def test_passwords_typed_at_a_terminal_are_not_echoed(tmp_path: Path) -> None:
    """Before the fix the CLI read a terminal like a pipe: the password showed as typed."""
    import os
    import pty
    import select
    import sys
    import time

    from kokuho_pc.cli.main import main

    profile = tmp_path / "profile"
    assert main(["--profile", str(profile), "init", "--kind", "demo",
                 "--municipality", MUNICIPALITY]) == 0
    secret = "Shiroi-kumo-to-aoi-sora-2026"
    pid, master = pty.fork()
    if pid == 0:  # the child: a kokuho-pc command on the pseudo-terminal
        os.execv(sys.executable, [sys.executable, "-m", "kokuho_pc", "--profile", str(profile),  # noqa: S606
                                  "admin", "init", "--user", ADMIN_ID, "--name", ADMIN_NAME])
    output = b""
    sent = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not sent and (b"\xe3\x83\x91" in output or time.monotonic() > deadline - 50):
            os.write(master, secret.encode() + b"\n")  # typed after the prompt
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(master)
    text = output.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert secret not in text
    assert "パスワード" in text  # getpass's prompt names what it reads


def test_a_killed_demo_leaves_no_keys_after_the_next_start(tmp_path: Path) -> None:
    """Before the fix a SIGKILLed ``kokuho-pc demo`` left its directory (PKI keys, the
    profile and its key file) in the temporary directory for good."""
    import os
    import signal
    import subprocess
    import sys

    from kokuho_pc.demo.environment import new_demo_environment

    base = tmp_path / "tmp"
    base.mkdir()
    child = subprocess.Popen(  # a demo that made its directory and holds keys in it
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; "
         "from kokuho_pc.demo.environment import new_demo_environment; "
         "env = new_demo_environment(Path(sys.argv[1])); "
         "(env.root / 'ca-key.pem').write_text('-----BEGIN PRIVATE KEY-----'); "
         "print(env.root, flush=True); time.sleep(600)", str(base)],
        stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    left = Path(child.stdout.readline().strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    child.stdout.close()
    assert (left / "ca-key.pem").exists()  # SIGKILL: no clean-up ran
    foreign = base / "kokuho-demo-not-ours"  # no owner mark: never touched
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    running = new_demo_environment(base)  # a live demo (this process) is never swept
    try:
        again = new_demo_environment(base)
        try:
            assert not left.exists()
            assert foreign.exists() and running.root.exists()
        finally:
            again.close()
    finally:
        running.close()
