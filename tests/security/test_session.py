"""Sessions: idle lock, same-user unlock, 12-hour limit, logout clears everything."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kokuho_pc.domain.errors import (
    LoginFailed,
    PermissionDenied,
    SessionExpired,
    SessionLocked,
)
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import ADMIN_ID, ADMIN_PW, STAFF_ID, STAFF_PW


def test_idle_lock_after_sixty_seconds_by_default(profile: Profile, staff: Session,
                                                  clock: ManualClock) -> None:
    assert profile.policy().idle_timeout_seconds == 60
    staff.touch()
    clock.advance(seconds=59)
    assert not staff.is_locked
    assert staff.seconds_until_lock() == pytest.approx(1.0)
    staff.touch()  # activity restarts the timer
    clock.advance(seconds=59)
    assert not staff.is_locked
    clock.advance(seconds=1)
    assert staff.is_locked
    with pytest.raises(SessionLocked):
        staff.touch()
    with pytest.raises(SessionLocked):
        staff.require()
    assert [r.targets for r in profile.audit.records(action=None, staff_id=STAFF_ID)
            if r.action == "session.lock"] == [{"reason": "idle"}]


def test_only_the_same_user_unlocks(profile: Profile, staff: Session, clock: ManualClock,
                                    login: LoginService) -> None:
    staff.lock()
    with pytest.raises(PermissionDenied, match="本人"):
        staff.unlock(ADMIN_PW, user_id=ADMIN_ID)
    with pytest.raises(LoginFailed):
        staff.unlock(ADMIN_PW)  # someone else's password does not help either
    assert staff.is_locked
    staff.unlock(STAFF_PW, user_id=STAFF_ID.upper())
    assert not staff.is_locked
    staff.touch()
    # another user: the first one must be logged out (allowed while locked, no password)
    staff.lock()
    staff.logout(reason="switch_user")
    other = login.login(ADMIN_ID, ADMIN_PW)
    assert other.user_id == ADMIN_ID
    actions = [r.action for r in profile.audit.records(staff_id=STAFF_ID)]
    assert actions[-3:] == ["session.unlock", "session.lock", "logout"]
    assert "session.unlock_failure" in actions


def test_wrong_unlock_passwords_count_towards_lockout(profile: Profile, staff: Session) -> None:
    staff.lock()
    for _ in range(9):
        with pytest.raises(LoginFailed):
            staff.unlock("not-my-password-at-all")
    with pytest.raises(LoginFailed):
        staff.unlock("not-my-password-at-all")
    with pytest.raises(LoginFailed):  # locked: the right password gets the same answer
        staff.unlock(STAFF_PW)


def test_twelve_hour_limit(profile: Profile, staff: Session, clock: ManualClock) -> None:
    """Constant activity does not extend a session beyond 12 hours."""
    while clock() - staff.started_at < staff.max_age - timedelta(seconds=59):
        clock.advance(seconds=59)
        staff.touch()
    assert staff.is_logged_in  # less than 59 s before the limit, still working
    remaining = staff.max_age - (clock() - staff.started_at)
    clock.advance(seconds=remaining.total_seconds() - 1)
    staff.touch()
    clock.advance(seconds=1)  # exactly 12 h after login
    assert staff.expired()
    with pytest.raises(SessionExpired):
        staff.touch()
    with pytest.raises(SessionExpired):
        _ = staff.user_id
    assert "session.expired" in [r.action for r in profile.audit.records(staff_id=STAFF_ID)]


def test_clock_set_back_an_hour_neither_extends_nor_postpones(
        profile: Profile, staff: Session, clock: ManualClock) -> None:
    """The clock moves back an hour during a session (a correction, or a user's attempt).

    What must happen: the session's age and idle time count the time that really
    went by, so the 12-hour limit still falls 12 hours of activity after login and
    the idle lock after 60 s without input; the operation log keeps its order
    (``seq``), records the times as read, and verifies.
    """
    for _ in range(120):  # an hour of work
        clock.advance(seconds=30)
        staff.touch()
    clock.advance(hours=-1)  # set back: 10:00 again, one hour into the session
    assert not staff.is_locked  # the UI's timer reads the clock (it does so every second)
    clock.advance(seconds=59)
    assert not staff.is_locked  # 59 s idle: not yet
    clock.advance(seconds=1)
    assert staff.is_locked  # 60 s without input, although the clock reads 10:01
    staff.unlock(STAFF_PW)
    lived = timedelta(hours=1, seconds=60)  # session time so far; the clock shows 00:01 of it
    while lived < staff.max_age - timedelta(seconds=30):
        clock.advance(seconds=30)
        staff.touch()
        lived += timedelta(seconds=30)
    clock.advance(seconds=(staff.max_age - lived).total_seconds() - 1)
    staff.touch()
    assert staff.is_logged_in  # one second before 12 h of session time
    assert clock() - staff.started_at < timedelta(hours=11)  # the clock reads under 11 h
    clock.advance(seconds=1)  # 12 h after login
    assert staff.expired()
    with pytest.raises(SessionExpired):
        staff.touch()
    records = profile.audit.records(limit=1000)
    assert [r.seq for r in records] == sorted(r.seq for r in records)
    assert [r.action for r in records if r.staff_id == STAFF_ID][-3:] == [
        "session.lock", "session.unlock", "session.expired"]
    assert profile.audit.verify().ok


def test_session_max_age_follows_policy(profile: Profile, admin: Session, clock: ManualClock,
                                        login: LoginService) -> None:
    PolicyService(profile).change(admin, "session_max_hours", 8)
    PolicyService(profile).change(admin, "idle_timeout_seconds", 900)
    session = login.login(ADMIN_ID, ADMIN_PW)
    clock.advance(hours=7, minutes=59)
    session.unlock(ADMIN_PW)
    clock.advance(minutes=1)
    assert session.expired()


def test_logout_clears_all_state(profile: Profile, staff: Session) -> None:
    staff.logout()
    assert not staff.is_logged_in
    assert staff.is_locked
    with pytest.raises(SessionExpired):
        _ = staff.user_id
    with pytest.raises(SessionExpired):
        _ = staff.name
    with pytest.raises(SessionExpired):
        staff.unlock(STAFF_PW)
    with pytest.raises(SessionExpired):
        AccountService(profile).change_password(staff, STAFF_PW, "zutto-atarashii-kotoba")
    assert vars(staff)["_verifier"] is None and vars(staff)["_name"] == ""
    staff.logout()  # twice is harmless


def test_log_failure_never_keeps_a_session_open(profile: Profile, staff: Session,
                                                clock: ManualClock) -> None:
    from kokuho_pc.domain.errors import AuditError

    staff.lock()
    conn = profile.db.raw_connection()
    conn.execute("UPDATE audit_chain SET tip_seal = ? WHERE id = 1", ("00" * 32,))
    with pytest.raises(AuditError):
        staff.unlock(STAFF_PW)  # the unlock cannot be logged: refused
    assert staff.is_locked
    with pytest.raises(AuditError):
        staff.logout()
    assert not staff.is_logged_in  # but the logout happened
