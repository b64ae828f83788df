"""Login: lockout sequence, growing delay, same answer for unknown user and wrong password."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from kokuho_pc.domain.errors import AccountLocked, LoginFailed
from kokuho_pc.services.accounts import AccountService, AccountState
from kokuho_pc.services.login import LoginService, Session, failure_delay
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import ADMIN_ID, ADMIN_PW, MUNICIPALITY, STAFF_ID, STAFF_PW, Sleeps


def test_delay_schedule() -> None:
    assert [failure_delay(n) for n in range(1, 11)] == [0, 0, 0, 0, 1, 2, 4, 8, 16, 16]


def test_lockout_sequence(profile: Profile, login: LoginService, admin: Session,
                          staff: Session, sleeps: Sleeps) -> None:
    sleeps.clear()
    messages = []
    for _ in range(9):
        with pytest.raises(LoginFailed) as info:
            login.login(STAFF_ID, "wrong-password-attempt")
        messages.append(info.value.user_message)
    assert sleeps == [0, 0, 0, 0, 1, 2, 4, 8, 16]
    assert len(set(messages)) == 1
    with pytest.raises(LoginFailed):  # 10th failure: locked, same message
        login.login(STAFF_ID, "wrong-password-attempt")
    with pytest.raises(AccountLocked):  # even the right password is refused now
        login.login(STAFF_ID, STAFF_PW)
    service = AccountService(profile)
    views = {v.user_id: v for v in service.list_users(admin)}
    assert views[STAFF_ID].state is AccountState.LOCKED
    assert views[STAFF_ID].failed_count == 10
    actions = [r.action for r in profile.audit.records(staff_id=STAFF_ID)]
    assert actions.count("login.failure") == 11 and actions.count("account.lockout") == 1
    service.unlock(admin, STAFF_ID)
    assert login.login(STAFF_ID, STAFF_PW).user_id == STAFF_ID
    views = {v.user_id: v for v in service.list_users(admin)}
    assert views[STAFF_ID].failed_count == 0


def test_success_resets_the_failure_count(login: LoginService, staff: Session,
                                          sleeps: Sleeps) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login.login(STAFF_ID, "nope-nope-nope")
    login.login(STAFF_ID, STAFF_PW)
    sleeps.clear()
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login.login(STAFF_ID, "nope-nope-nope")
    assert sleeps == [0, 0, 0, 0]


def test_unknown_user_gets_the_same_message_and_is_not_logged(
    profile: Profile, login: LoginService, staff: Session
) -> None:
    with pytest.raises(LoginFailed) as unknown:
        login.login("no.such.person", "whatever-password")
    with pytest.raises(LoginFailed) as wrong:
        login.login(STAFF_ID, "whatever-password")
    assert unknown.value.user_message == wrong.value.user_message
    assert unknown.value.hint == wrong.value.hint
    last = profile.audit.records()[-2]
    assert last.action == "login.failure" and last.staff_id == "-"
    assert "no.such.person" not in repr(profile.audit.records())


def test_unknown_and_wrong_password_take_similar_time(tmp_path: Path,
                                                      clock: ManualClock) -> None:
    """Real Argon2 parameters, a few samples: medians differ by less than 50 ms."""
    profile = create_profile(tmp_path / "t", kind=ProfileKind.DEMO,
                             municipality_code=MUNICIPALITY, clock=clock)
    try:
        AccountService(profile).create_first_admin(ADMIN_ID, "山田 太郎", ADMIN_PW)
        service = LoginService(profile, sleep=lambda _s: None)
        with pytest.raises(LoginFailed):  # warm up the dummy hash
            service.login("warm.up", "x" * 13)

        def measure() -> float:
            unknown: list[float] = []
            wrong: list[float] = []
            for i in range(5):
                pairs = [(unknown, f"nobody{i}.here"), (wrong, ADMIN_ID)]
                for target, user in pairs if i % 2 else reversed(pairs):  # ABBA order
                    start = time.perf_counter()
                    with pytest.raises(LoginFailed):
                        service.login(user, "incorrect-password")
                    target.append(time.perf_counter() - start)
            assert statistics.median(wrong) > 0.02  # the real KDF ran
            return abs(statistics.median(unknown) - statistics.median(wrong))

        # A shared CI machine can stall one burst of samples: a real timing leak fails
        # both rounds, a stall does not.
        assert measure() < 0.050 or measure() < 0.050
    finally:
        profile.close()
