"""Login: lockout sequence, growing delay, same answer for unknown user and wrong password."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from kokuho_pc.domain.errors import LoginFailed
from kokuho_pc.services.accounts import AccountService, AccountState, Role
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
    with pytest.raises(LoginFailed) as locked:  # even the right password, same answer
        login.login(STAFF_ID, STAFF_PW)
    assert locked.value.user_message == messages[0]
    service = AccountService(profile)
    views = {v.user_id: v for v in service.list_users(admin)}
    assert views[STAFF_ID].state is AccountState.LOCKED
    assert views[STAFF_ID].failed_count == 11  # the attempt after the lock counts too
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

        # A shared CI machine can stall a burst of samples: a real timing leak (a skipped
        # KDF: the whole hashing time) fails every round, a stall does not.
        assert any(measure() < 0.050 for _ in range(3))
    finally:
        profile.close()


def _fresh(profile: Profile, sleeps: Sleeps) -> LoginService:
    """A new login service per attempt, as every ``kokuho-pc --as`` command is a new process."""
    return LoginService(profile, sleep=sleeps)


def test_unknown_ids_get_the_same_delays_as_known_ones(profile: Profile, staff: Session) -> None:
    """Before the fix an unknown ID never slept (its count lived in one process's memory)."""
    known, unknown = Sleeps(), Sleeps()
    for _ in range(12):
        with pytest.raises(LoginFailed) as wrong:
            _fresh(profile, known).login(STAFF_ID, "not-the-password-at-all")
        with pytest.raises(LoginFailed) as nobody:
            _fresh(profile, unknown).login("no.such.person", "not-the-password-at-all")
        assert (wrong.value.user_message, wrong.value.hint) == (
            nobody.value.user_message, nobody.value.hint)
    assert known == [0, 0, 0, 0, 1, 2, 4, 8, 16, 16, 16, 16]
    assert unknown == known
    # The ID itself is stored nowhere (a keyed hash only).
    rows = profile.db.query("SELECT id_key, failed_count FROM login_unknown_failures")
    assert len(rows) == 1 and rows[0][1] == 12 and "no.such" not in rows[0][0]


@pytest.mark.parametrize("how", ["locked", "revoked", "expired"])
def test_unusable_account_is_refused_before_the_password_with_the_one_message(
    profile: Profile, login: LoginService, admin: Session, staff: Session, clock: ManualClock,
    how: str,
) -> None:
    """Before the fix the right password of a locked account got 'locked' and of a revoked
    one 'inactive': the answer confirmed the guess."""
    service = AccountService(profile)
    if how == "locked":
        for _ in range(10):
            with pytest.raises(LoginFailed):
                login.login(STAFF_ID, "wrong-password-attempt")
    elif how == "revoked":
        service.revoke(admin, STAFF_ID)
    else:
        clock.advance(days=200)  # past the fiscal year's grant
    with pytest.raises(LoginFailed) as wrong:
        login.login(STAFF_ID, "wrong-password-attempt")
    with pytest.raises(LoginFailed) as right:
        login.login(STAFF_ID, STAFF_PW)
    assert (right.value.user_message, right.value.hint) == (
        wrong.value.user_message, wrong.value.hint)
    reasons = [r.targets.get("reason") for r in profile.audit.records(staff_id=STAFF_ID)
               if r.action == "login.failure"]
    assert reasons[-1] == {"expired": "not_granted"}.get(how, how)


def test_wrong_one_time_password_gets_the_one_message(profile: Profile, login: LoginService,
                                                      staff: Session, clock: ManualClock) -> None:
    from kokuho_pc.auth import totp
    from kokuho_pc.auth.accounts import AccountRepository

    secret = totp.new_secret()
    with profile.db.transaction():
        AccountRepository(profile.db).update(
            STAFF_ID, clock(), totp_secret=totp.seal_secret(profile.db.key, STAFF_ID, secret))
        profile.policy_store.set("second_factor_required", True, by=None, now=clock())
    with pytest.raises(LoginFailed) as wrong_pw:
        login.login(STAFF_ID, "wrong-password-attempt", totp.code_at(secret, clock()))
    bad = "000000" if totp.code_at(secret, clock()) != "000000" else "111111"
    with pytest.raises(LoginFailed) as wrong_otp:
        login.login(STAFF_ID, STAFF_PW, bad)
    assert wrong_otp.value.user_message == wrong_pw.value.user_message
    code = totp.code_at(secret, clock())
    login.login(STAFF_ID, STAFF_PW, code).logout()
    with pytest.raises(LoginFailed):  # the same code never twice
        login.login(STAFF_ID, STAFF_PW, code)


def test_the_last_administrators_lock_ends_after_the_policy_time(
    profile: Profile, login: LoginService, admin: Session, clock: ManualClock
) -> None:
    """Before the fix the sole administrator, once locked, was locked for good."""
    admin.logout()
    profile.policy_store.set("admin_lockout_minutes", 30, by=None, now=clock())
    for _ in range(10):
        with pytest.raises(LoginFailed):
            login.login(ADMIN_ID, "wrong-password-attempt")
    clock.advance(minutes=29)
    with pytest.raises(LoginFailed):
        login.login(ADMIN_ID, ADMIN_PW)
    clock.advance(minutes=2)  # 31 minutes after the lock (the attempt above did not extend it)
    assert login.login(ADMIN_ID, ADMIN_PW).user_id == ADMIN_ID
    unlock = [r for r in profile.audit.records() if r.action == "account.unlock"]
    assert unlock and unlock[-1].targets["reason"] == "last_admin_lock_expired"


def test_a_locked_administrator_stays_locked_while_another_can_unlock(
    profile: Profile, login: LoginService, admin: Session, clock: ManualClock
) -> None:
    AccountService(profile).add_user(admin, "kimura.jiro", "木村 次郎", Role.ADMIN,
                                     "dai-ni-no-kanrisha-desu")
    for _ in range(10):
        with pytest.raises(LoginFailed):
            login.login(ADMIN_ID, "wrong-password-attempt")
    clock.advance(hours=5)
    with pytest.raises(LoginFailed):
        login.login(ADMIN_ID, ADMIN_PW)
