"""Refused FIDO2 assertions count towards the same lockout as wrong passwords (issue 21).

Every refusal at quick unlock and at sign-in (another user's credential, a replay, a
cloned authenticator, a revoked credential, no user verification, a bad signature) goes
through the login service's one atomic failure counter, is logged with its reason and
answers with LoginFailed's one message. A refused quick unlock also ends the session.
Real store, real ``Fido2Server`` verification, the software CTAP2-level authenticator.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from fido2.webauthn import (
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    PublicKeyCredentialRequestOptions,
)

from kokuho_pc.auth.accounts import AccountRepository, AccountState
from kokuho_pc.auth.fido import FidoCredentialRepository, credential_label
from kokuho_pc.demo.soft_authenticator import SoftAuthenticator
from kokuho_pc.domain.errors import LoginFailed, QuickUnlockRefused
from kokuho_pc.services.fido import FidoService
from kokuho_pc.services.login import LOCK_AFTER_FAILURES, LoginService, Session
from kokuho_pc.services.messages import describe_error
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import ADMIN_ID, ADMIN_PW, STAFF_ID, STAFF_PW


@pytest.fixture
def key(profile: Profile) -> SoftAuthenticator:
    """The software authenticator, injected as the profile's authenticator."""
    soft = SoftAuthenticator()
    profile.authenticator = soft
    return soft


class Recorder:
    """Passes through to a real authenticator and keeps its answers (to replay them)."""

    def __init__(self, inner: SoftAuthenticator) -> None:
        self.inner = inner
        self.answers: list[AuthenticationResponse] = []

    def make_credential(self, options: object) -> object:
        return self.inner.make_credential(options)  # type: ignore[arg-type]

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        answer = self.inner.get_assertion(options)
        self.answers.append(answer)
        return answer


class Replayer(Recorder):
    """Answers every ceremony with a recorded assertion."""

    def __init__(self, inner: SoftAuthenticator, recorded: AuthenticationResponse) -> None:
        super().__init__(inner)
        self.recorded = recorded

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        return self.recorded


class BadSignature(Recorder):
    """A real assertion with one bit of its signature flipped."""

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        good = self.inner.get_assertion(options)
        signature = bytearray(good.response.signature)
        signature[-1] ^= 0x01
        return AuthenticationResponse(
            raw_id=good.raw_id,
            response=AuthenticatorAssertionResponse(
                client_data=good.response.client_data,
                authenticator_data=good.response.authenticator_data,
                signature=bytes(signature), user_handle=None))


class LockedMeanwhile(Recorder):
    """Right assertion, but the account is locked while the user is at the authenticator."""

    def __init__(self, inner: SoftAuthenticator, lock: Callable[[], None]) -> None:
        super().__init__(inner)
        self.lock = lock

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        self.lock()
        return self.inner.get_assertion(options)


def _enrol(profile: Profile, admin: Session, who: str = STAFF_ID, pw: str = STAFF_PW) -> bytes:
    """Enrol a credential of ``who`` on the current authenticator; return its ID."""
    label = FidoService(profile).enrol(admin, who, pw, ADMIN_ID, ADMIN_PW).label
    stored = FidoCredentialRepository(profile.db).by_label(who, label)
    assert stored is not None
    return stored.credential_id


def _failed_count(profile: Profile, user_id: str = STAFF_ID) -> int:
    account = AccountRepository(profile.db).get(user_id)
    assert account is not None
    return account.failed_count


def _failures(profile: Profile, user_id: str = STAFF_ID) -> list[dict[str, object]]:
    return [dict(r.targets) for r in profile.audit.records(staff_id=user_id, limit=1000)
            if r.action == "login.failure"]


def _state(profile: Profile, clock: ManualClock, user_id: str = STAFF_ID) -> AccountState:
    account = AccountRepository(profile.db).get(user_id)
    assert account is not None
    return account.state(clock())


def _wrong_password_message(login: LoginService) -> tuple[str, str]:
    with pytest.raises(LoginFailed) as refused:
        login.login("nobody.here", "not-a-password-at-all")
    described = describe_error(refused.value)
    return described.message, described.hint


# -- every refusal: counted, logged with its reason, one message, session over ---------------

def _attack(name: str, profile: Profile, admin: Session, key: SoftAuthenticator,
            session: Session) -> bytes:
    """Arrange one attack on ``session`` (unlocked, enrolled); return the presented ID."""
    own = FidoCredentialRepository(profile.db).for_user(STAFF_ID)[0].credential_id
    if name == "not_this_user":
        key.use_credential = _enrol(profile, admin, ADMIN_ID, ADMIN_PW)
        return key.use_credential
    if name == "unknown_challenge":
        recorder = Recorder(key)
        profile.authenticator = recorder
        session.lock()
        session.unlock_with_authenticator()  # a good unlock, recorded
        profile.authenticator = Replayer(key, recorder.answers[-1])
        return own
    if name == "counter":
        clone = key.clone()
        session.lock()
        session.unlock_with_authenticator()  # the original moves on; the copy stays behind
        profile.authenticator = clone
        return own
    if name == "revoked":
        second, current = SoftAuthenticator(), profile.authenticator
        profile.authenticator = second
        _enrol(profile, admin)  # another, still active credential of the account
        profile.authenticator = current
        FidoService(profile).revoke(admin, STAFF_ID, credential_label(own))
        key.use_credential = own  # the lost key answers with its revoked credential
        return own
    if name == "no_user_verification":
        key.user_verified = False
        return own
    assert name == "invalid"
    profile.authenticator = BadSignature(key)
    return own


ATTACKS = ["not_this_user", "unknown_challenge", "counter", "revoked", "no_user_verification",
           "invalid"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_refused_quick_unlock_is_counted_logged_and_ends_the_session(
        attack: str, profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin)
    session = login.login(STAFF_ID, STAFF_PW)
    assert session.can_quick_unlock
    presented = _attack(attack, profile, admin, key, session)
    session.lock()
    with pytest.raises(QuickUnlockRefused) as refused:
        session.unlock_with_authenticator()
    # Counted by the lockout's counter, and logged with the reason and the label only.
    assert _failed_count(profile) == 1
    assert _failures(profile)[-1] == {"reason": f"fido_{attack}", "count": 1,
                                      "credential": credential_label(presented)}
    # The one message of every failed login: nothing says which check failed.
    described = describe_error(refused.value)
    assert (described.message, described.hint) == _wrong_password_message(login)
    assert described.code == "login_failed"
    # The session is over: no second try on it, not even with the password.
    assert not session.is_logged_in and session.is_locked
    logouts = [r for r in profile.audit.records(staff_id=STAFF_ID) if r.action == "logout"]
    assert logouts[-1].targets == {"reason": "quick_unlock_refused"}
    # The full credential ID appears nowhere in the operation log.
    texts = " ".join(str(r.targets) for r in profile.audit.records(limit=10_000))
    for form in (presented.hex(), base64.urlsafe_b64encode(presented).decode().rstrip("="),
                 base64.b64encode(presented).decode()):
        assert form not in texts


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_refused_assertion_at_sign_in_is_counted_and_logged_with_its_label(
        attack: str, profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin)
    PolicyService(profile).change(admin, "fido_required_roles", ["staff"])
    session = login.login(STAFF_ID, STAFF_PW)
    presented = _attack(attack, profile, admin, key, session)
    with pytest.raises(LoginFailed) as refused:
        login.login(STAFF_ID, STAFF_PW)  # the right password, then the refused assertion
    assert _failed_count(profile) == 1
    assert _failures(profile)[-1] == {"reason": f"fido_{attack}", "count": 1,
                                      "credential": credential_label(presented)}
    described = describe_error(refused.value)
    assert (described.message, described.hint) == _wrong_password_message(login)


def test_ten_refused_quick_unlocks_lock_the_account(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService, clock: ManualClock) -> None:
    _enrol(profile, admin)
    sessions = [login.login(STAFF_ID, STAFF_PW) for _ in range(LOCK_AFTER_FAILURES + 1)]
    for session in sessions:
        session.lock()
    key.user_verified = False
    for session in sessions[:LOCK_AFTER_FAILURES]:
        with pytest.raises(QuickUnlockRefused):
            session.unlock_with_authenticator()
    assert _failed_count(profile) == LOCK_AFTER_FAILURES
    assert _state(profile, clock) is AccountState.LOCKED
    assert [r.targets for r in profile.audit.records(staff_id=STAFF_ID)
            if r.action == "account.lockout"] == [{"count": LOCK_AFTER_FAILURES}]
    # A right assertion on the last open session does not lift the lock, nor does the
    # right password at the login window; both answer like any failure.
    key.user_verified = True
    with pytest.raises(QuickUnlockRefused) as refused:
        sessions[-1].unlock_with_authenticator()
    assert refused.value.reason == "locked"
    assert describe_error(refused.value).message == LoginFailed.default_message
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)
    assert _state(profile, clock) is AccountState.LOCKED


def test_password_and_authenticator_failures_add_up_across_lock_screen_and_login_window(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService, clock: ManualClock) -> None:
    _enrol(profile, admin)
    other = _enrol(profile, admin, ADMIN_ID, ADMIN_PW)
    PolicyService(profile).change(admin, "fido_required_roles", ["staff"])
    first, second = login.login(STAFF_ID, STAFF_PW), login.login(STAFF_ID, STAFF_PW)
    first.lock()
    second.lock()
    for _ in range(3):  # lock screen: wrong passwords (the session stays locked)
        with pytest.raises(LoginFailed):
            first.unlock("not-my-password-1234")
    assert first.is_logged_in and _failed_count(profile) == 3
    key.use_credential = other  # lock screen: somebody else's key
    with pytest.raises(QuickUnlockRefused):
        first.unlock_with_authenticator()
    assert _failed_count(profile) == 4
    for _ in range(3):  # login window: right password, somebody else's key
        with pytest.raises(LoginFailed):
            login.login(STAFF_ID, STAFF_PW)
    key.use_credential = None
    for _ in range(2):  # login window: wrong passwords
        with pytest.raises(LoginFailed):
            login.login(STAFF_ID, "still-not-my-password")
    assert _failed_count(profile) == 9 and _state(profile, clock) is AccountState.ACTIVE
    key.user_verified = False  # the other lock screen: no fingerprint step
    with pytest.raises(QuickUnlockRefused):
        second.unlock_with_authenticator()
    assert _state(profile, clock) is AccountState.LOCKED
    reasons = [f["reason"] for f in _failures(profile)]
    assert reasons == ["wrong_password"] * 3 + ["fido_not_this_user"] * 4 + (
        ["wrong_password"] * 2 + ["fido_no_user_verification"])
    assert [f["count"] for f in _failures(profile)] == list(range(1, 11))
    key.user_verified = True
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)  # right password and key: still locked


def test_a_lock_set_while_the_user_is_at_the_authenticator_stays(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService, clock: ManualClock) -> None:
    _enrol(profile, admin)
    session = login.login(STAFF_ID, STAFF_PW)
    session.lock()
    other_window = LoginService(profile, sleep=lambda _s: None)

    def guess_ten_times() -> None:
        for i in range(LOCK_AFTER_FAILURES):
            with pytest.raises(LoginFailed):
                other_window.login(STAFF_ID, f"guess-number-{i:02d}")

    profile.authenticator = LockedMeanwhile(key, guess_ten_times)
    with pytest.raises(QuickUnlockRefused) as refused:
        session.unlock_with_authenticator()
    assert refused.value.reason == "locked"
    assert not session.is_logged_in
    account = AccountRepository(profile.db).get(STAFF_ID)
    assert account is not None and account.locked_at is not None
    assert account.failed_count == LOCK_AFTER_FAILURES + 1  # the refusal counted, not reset
    assert _state(profile, clock) is AccountState.LOCKED


def test_the_last_administrators_lock_ends_after_the_policy_minutes(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService, clock: ManualClock) -> None:
    _enrol(profile, admin, ADMIN_ID, ADMIN_PW)
    staffs = _enrol(profile, admin)
    PolicyService(profile).change(admin, "fido_required_roles", ["admin"])
    minutes = profile.policy().admin_lockout_minutes
    session = login.login(ADMIN_ID, ADMIN_PW)
    session.lock()
    key.use_credential = staffs  # a staff member's key at the administrator's screens
    for _ in range(LOCK_AFTER_FAILURES - 1):
        with pytest.raises(LoginFailed):
            login.login(ADMIN_ID, ADMIN_PW)
    assert _state(profile, clock, ADMIN_ID) is AccountState.ACTIVE
    with pytest.raises(QuickUnlockRefused):
        session.unlock_with_authenticator()  # the 10th
    assert _state(profile, clock, ADMIN_ID) is AccountState.LOCKED
    key.use_credential = None
    clock.advance(minutes=minutes - 1)
    with pytest.raises(LoginFailed):
        login.login(ADMIN_ID, ADMIN_PW)  # right password and key, lock still in force
    clock.advance(minutes=1)
    again = login.login(ADMIN_ID, ADMIN_PW)
    assert again.is_logged_in and _failed_count(profile, ADMIN_ID) == 0
    unlocks = [r.targets for r in profile.audit.records() if r.action == "account.unlock"]
    assert unlocks[-1] == {"account": ADMIN_ID, "reason": "last_admin_lock_expired"}
