"""Lockout and TOTP under concurrency: parallel PROCESSES against one real store.

Each worker process opens the same profile (its own SQLCipher connection, as
parallel ``kokuho-pc`` commands would) and logs in once; a barrier makes them
start together. Before the fix 40 parallel wrong passwords left failed_count
at 6 and the account usable, and one TOTP code was accepted twice.
"""

from __future__ import annotations

import multiprocessing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.auth import totp
from kokuho_pc.auth.accounts import AccountRepository
from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.domain.errors import AuthError
from kokuho_pc.services.accounts import AccountService, AccountState, Role
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import ProfileKind, create_profile, open_profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import ADMIN_ID, ADMIN_NAME, ADMIN_PW, JST, MUNICIPALITY

NOW = datetime(2026, 11, 26, 10, 0, 5, tzinfo=JST)
USER = "suzuki.ichiro"
USER_PW = "yama-no-ue-ni-kumo-ga-aru"


def _hasher() -> PasswordHasher:
    return PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)


def _attempt(path: str, user: str, password: str, otp: str | None, barrier: Any,
             results: Any) -> None:
    """One login in its own process; puts 'ok' or the error code on the queue."""
    profile = open_profile(path, clock=ManualClock(NOW), hasher=_hasher())
    try:
        barrier.wait(timeout=60)
        try:
            LoginService(profile, sleep=lambda _s: None).login(user, password, otp)
            results.put("ok")
        except AuthError as exc:
            results.put(exc.code)
    finally:
        profile.close()


def _run_parallel(path: Path, attempts: list[tuple[str, str, str | None]]) -> list[str]:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(attempts))
    results = ctx.Queue()
    procs = [ctx.Process(target=_attempt, args=(str(path), u, p, o, barrier, results))
             for u, p, o in attempts]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return outcomes


def _profile_with_user(tmp_path: Path, *, totp_secret: bytes | None = None) -> Path:
    path = tmp_path / "prof"
    profile = create_profile(path, kind=ProfileKind.DEMO, municipality_code=MUNICIPALITY,
                             clock=ManualClock(NOW), hasher=_hasher())
    try:
        accounts = AccountService(profile)
        accounts.create_first_admin(ADMIN_ID, ADMIN_NAME, ADMIN_PW)
        admin = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
        accounts.add_user(admin, USER, "鈴木 一郎", Role.STAFF, USER_PW)
        repo = AccountRepository(profile.db)
        fields: dict[str, object] = {"must_change_password": 0}
        if totp_secret is not None:
            fields["totp_secret"] = totp.seal_secret(profile.db.key, USER, totp_secret)
            profile.policy_store.set("second_factor_required", True, by=None, now=NOW)
        with profile.db.transaction():
            repo.update(USER, NOW, **fields)
        admin.logout()
    finally:
        profile.close()
    return path


def _account(path: Path) -> Any:
    profile = open_profile(path, clock=ManualClock(NOW), hasher=_hasher())
    try:
        account = AccountRepository(profile.db).get(USER)
        failures = [r for r in profile.audit.records(staff_id=USER, limit=1000)
                    if r.action == "login.failure"]
        return account, len(failures)
    finally:
        profile.close()


@pytest.mark.timeout(300)
def test_forty_parallel_wrong_passwords_are_all_counted_and_lock(tmp_path: Path) -> None:
    path = _profile_with_user(tmp_path)
    outcomes = _run_parallel(path, [(USER, f"wrong-guess-{i:02d}-xyz", None) for i in range(40)])
    assert "ok" not in outcomes
    account, logged = _account(path)
    print(f"failures counted / attempts: {account.failed_count} / 40")
    assert account.failed_count == 40
    assert logged == 40
    assert account.state(NOW) is AccountState.LOCKED
    # The right password no longer opens the account, and says nothing new.
    (after,) = _run_parallel(path, [(USER, USER_PW, None)])
    assert after == "login_failed"


@pytest.mark.timeout(300)
def test_one_totp_code_opens_one_of_six_parallel_logins(tmp_path: Path) -> None:
    secret = totp.new_secret()
    path = _profile_with_user(tmp_path, totp_secret=secret)
    code = totp.code_at(secret, NOW)
    outcomes = _run_parallel(path, [(USER, USER_PW, code)] * 6)
    print(f"accepted logins with one code: {outcomes.count('ok')} / 6")
    assert outcomes.count("ok") == 1
    assert set(outcomes) == {"ok", "login_failed"}


def _refused_quick_unlock(path: str, key: Any, barrier: Any, results: Any) -> None:
    """Sign in (password), lock, then - together with the others - quick-unlock with
    another user's credential; puts 'ok' or the error code on the queue."""
    profile = open_profile(path, clock=ManualClock(NOW), hasher=_hasher())
    try:
        profile.authenticator = key
        session = LoginService(profile, sleep=lambda _s: None).login(USER, USER_PW)
        session.lock()
        barrier.wait(timeout=60)
        try:
            session.unlock_with_authenticator()
            results.put("ok")
        except AuthError as exc:
            results.put(exc.code)
    finally:
        profile.close()


@pytest.mark.timeout(300)
def test_parallel_refused_quick_unlocks_are_all_counted_and_lock(tmp_path: Path) -> None:
    from kokuho_pc.demo.soft_authenticator import SoftAuthenticator
    from kokuho_pc.services.fido import FidoService

    path = _profile_with_user(tmp_path)
    key = SoftAuthenticator()
    profile = open_profile(path, clock=ManualClock(NOW), hasher=_hasher())
    try:
        profile.authenticator = key
        admin = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
        fido = FidoService(profile)
        fido.enrol(admin, USER, USER_PW, ADMIN_ID, ADMIN_PW)
        fido.enrol(admin, ADMIN_ID, ADMIN_PW, ADMIN_ID, ADMIN_PW)
        admin.logout()
    finally:
        profile.close()
    key.use_credential = key.credential_ids[-1]  # the administrator's, at USER's screens
    workers = 12
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_refused_quick_unlock, args=(str(path), key, barrier, results))
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert outcomes == ["login_failed"] * workers
    account, logged = _account(path)
    print(f"refused quick unlocks counted / attempts: {account.failed_count} / {workers}")
    assert account.failed_count == workers and logged == workers
    assert account.state(NOW) is AccountState.LOCKED
