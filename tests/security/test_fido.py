"""FIDO2 enrolment, sign-in and quick unlock, and the attacks they refuse (issue 21).

The authenticator is the software CTAP2-level one (kokuho_pc.demo.soft_authenticator):
real ES256 keys, authenticator data with UP/UV flags and a counter; verification
is the product's (fido2.server.Fido2Server plus our counter/owner/revocation checks).
"""

from __future__ import annotations

import pytest
from fido2.webauthn import AuthenticationResponse, PublicKeyCredentialRequestOptions

from kokuho_pc.auth.fido import RP_ID, FidoCredentialRepository, PlatformAuthenticator
from kokuho_pc.demo.soft_authenticator import SoftAuthenticator
from kokuho_pc.domain.errors import (
    AuthenticatorRefused,
    AuthenticatorRequired,
    AuthenticatorUnavailable,
    LoginFailed,
    PermissionDenied,
    QuickUnlockRefused,
    SessionExpired,
)
from kokuho_pc.services.fido import FidoService
from kokuho_pc.services.login import LoginService, Session
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


def _enrol(profile: Profile, session: Session, who: str = STAFF_ID, pw: str = STAFF_PW) -> str:
    return FidoService(profile).enrol(session, who, pw, ADMIN_ID, ADMIN_PW).label


def _require_fido(profile: Profile, admin: Session, roles: list[str],
                  fallback: bool = True) -> None:
    policy = PolicyService(profile)
    policy.change(admin, "fido_required_roles", roles)
    policy.change(admin, "fido_totp_fallback", fallback)


def _refusal_reasons(profile: Profile, user_id: str) -> list[str]:
    return [str((r.targets or {}).get("reason")) for r in profile.audit.records(staff_id=user_id)
            if r.action in ("login.failure", "session.unlock_failure")]


class Replayer:
    """An 'authenticator' that answers with a recorded assertion (a replay)."""

    def __init__(self, recorded: AuthenticationResponse) -> None:
        self.recorded = recorded

    def make_credential(self, options: object) -> object:
        raise AuthenticatorUnavailable()

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        return self.recorded


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


# -- enrolment -------------------------------------------------------------------------

def test_enrolment_needs_the_administrator_and_is_logged(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator) -> None:
    service = FidoService(profile)
    with pytest.raises(PermissionDenied, match="情報システム管理者"):
        service.enrol(staff, STAFF_ID, STAFF_PW, STAFF_ID, STAFF_PW)  # no administrator
    with pytest.raises(LoginFailed):
        service.enrol(staff, STAFF_ID, STAFF_PW, ADMIN_ID, "wrong-password-here")
    with pytest.raises(LoginFailed):
        service.enrol(admin, STAFF_ID, "not-her-password", ADMIN_ID, ADMIN_PW)
    assert key.calls == 0  # nothing reached the authenticator
    view = service.enrol(staff, STAFF_ID, STAFF_PW, ADMIN_ID, ADMIN_PW)
    assert view.created_by == ADMIN_ID and view.revoked_at is None
    assert [v.label for v in service.credentials(admin, STAFF_ID)] == [view.label]
    assert service.credentials(staff, STAFF_ID)[0].label == view.label
    with pytest.raises(PermissionDenied):
        service.credentials(staff, ADMIN_ID)
    enrolled = [r for r in profile.audit.records() if r.action == "fido.enrol"]
    assert len(enrolled) == 1 and enrolled[0].staff_id == ADMIN_ID
    assert enrolled[0].targets == {"account": STAFF_ID, "credential": view.label}
    assert profile.audit.verify().ok
    # What is stored: ID, COSE key, counter, AAGUID, created/revoked — no personal data.
    columns = [r[1] for r in profile.db.query("PRAGMA table_info(fido_credentials)")]
    assert columns == ["credential_id", "user_id", "public_key", "sign_count", "aaguid",
                       "created_at", "created_by", "revoked_at", "revoked_by"]


def test_enrolment_without_user_verification_is_refused(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator) -> None:
    key.user_verified = False
    with pytest.raises(AuthenticatorRefused) as refused:
        _enrol(profile, admin)
    assert refused.value.reason == "no_user_verification"
    assert FidoCredentialRepository(profile.db).for_user(STAFF_ID) == []


def test_the_same_authenticator_is_not_enrolled_twice(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator) -> None:
    _enrol(profile, admin)
    with pytest.raises(AuthenticatorUnavailable, match="既に登録"):
        _enrol(profile, admin)  # the existing credential is in excludeCredentials


# -- sign-in -----------------------------------------------------------------------------

def test_sign_in_with_password_and_authenticator(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin)
    _require_fido(profile, admin, ["staff"])
    calls = key.calls
    session = login.login(STAFF_ID, STAFF_PW)
    assert key.calls == calls + 1 and session.can_quick_unlock
    assert not session.must_enrol_second_factor
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, "wrong-password-again")  # the password is still needed
    assert key.calls == calls + 1  # a wrong password never reaches the authenticator
    assert profile.fido.pending_count() == 0
    # Administrators are not in the required roles: password alone.
    login.login(ADMIN_ID, ADMIN_PW)
    assert key.calls == calls + 1


def test_totp_is_the_fallback_for_an_account_without_authenticator(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _require_fido(profile, admin, ["staff"], fallback=True)
    session = login.login(STAFF_ID, STAFF_PW)
    assert session.must_enrol_second_factor and not session.can_quick_unlock
    _require_fido(profile, admin, ["staff"], fallback=False)
    with pytest.raises(AuthenticatorRequired):
        login.login(STAFF_ID, STAFF_PW)
    assert "fido_not_enrolled" in _refusal_reasons(profile, STAFF_ID)


def test_no_authenticator_answering_is_said_and_not_counted(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin)
    _require_fido(profile, admin, ["staff"])
    key.fail_with = AuthenticatorUnavailable()
    with pytest.raises(AuthenticatorUnavailable):
        login.login(STAFF_ID, STAFF_PW)
    row = profile.db.query_one("SELECT failed_count FROM accounts WHERE user_id = ?", (STAFF_ID,))
    assert row is not None and row[0] == 0


# -- the attacks --------------------------------------------------------------------------

def test_another_users_credential_is_refused(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin, ADMIN_ID, ADMIN_PW)  # the administrator's credential
    admins = list(key.credential_ids)
    _enrol(profile, admin)  # the staff member's own
    _require_fido(profile, admin, ["staff"])
    key.use_credential = admins[0]  # answers with the administrator's key
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)
    assert "fido_not_this_user" in _refusal_reasons(profile, STAFF_ID)
    key.use_credential = None
    session = login.login(STAFF_ID, STAFF_PW)
    session.lock()
    key.use_credential = admins[0]
    with pytest.raises(QuickUnlockRefused):
        session.unlock_with_authenticator()
    assert session.is_locked
    assert _refusal_reasons(profile, STAFF_ID)[-1] == "fido_not_this_user"


def test_a_replayed_assertion_is_refused(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin)
    _require_fido(profile, admin, ["staff"])
    recorder = Recorder(key)
    profile.authenticator = recorder
    login.login(STAFF_ID, STAFF_PW)
    profile.authenticator = Replayer(recorder.answers[-1])
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)
    assert _refusal_reasons(profile, STAFF_ID)[-1] == "fido_unknown_challenge"
    # Every ceremony gets its own challenge.
    repo = FidoCredentialRepository(profile.db)
    creds = repo.for_user(STAFF_ID)
    first = profile.fido.begin_assertion(STAFF_ID, creds)
    second = profile.fido.begin_assertion(STAFF_ID, creds)
    assert first.challenge != second.challenge and len(first.challenge) >= 32
    assert first.rp_id == RP_ID and first.user_verification == "required"


def test_an_answer_after_the_ceremony_timed_out_is_refused(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        clock: ManualClock) -> None:
    _enrol(profile, admin)
    creds = FidoCredentialRepository(profile.db).for_user(STAFF_ID)
    options = profile.fido.begin_assertion(STAFF_ID, creds)
    answer = key.get_assertion(options)
    clock.advance(seconds=121)
    with pytest.raises(AuthenticatorRefused) as refused:
        profile.fido.complete_assertion(STAFF_ID, creds, answer)
    assert refused.value.reason == "unknown_challenge"


def test_a_cloned_authenticator_is_refused(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin)
    _require_fido(profile, admin, ["staff"])
    clone = key.clone()
    login.login(STAFF_ID, STAFF_PW)  # the original: counter 1
    login.login(STAFF_ID, STAFF_PW)  # counter 2
    profile.authenticator = clone  # the copy still says 1
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)
    assert _refusal_reasons(profile, STAFF_ID)[-1] == "fido_counter"
    # A counter that does not move at all (and is not zero) is refused too.
    profile.authenticator = key
    key.counter_step = 0
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)
    assert _refusal_reasons(profile, STAFF_ID)[-1] == "fido_counter"


def test_an_authenticator_without_a_counter_is_accepted(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    key.counter_step = 0  # some platform authenticators always send 0
    _enrol(profile, admin)
    _require_fido(profile, admin, ["staff"])
    login.login(STAFF_ID, STAFF_PW)
    login.login(STAFF_ID, STAFF_PW)


def test_a_revoked_credential_is_refused_the_same_day(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    label = _enrol(profile, admin)
    second = _enrol_second(profile, admin)
    _require_fido(profile, admin, ["staff"])
    session = login.login(STAFF_ID, STAFF_PW)
    FidoService(profile).revoke(admin, STAFF_ID, label)
    with pytest.raises(PermissionDenied):
        FidoService(profile).revoke(staff, STAFF_ID, second.label)
    revoked_id = FidoCredentialRepository(profile.db).by_label(STAFF_ID, label)
    assert revoked_id is not None and revoked_id.revoked_at is not None
    key.use_credential = revoked_id.credential_id
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)
    assert _refusal_reasons(profile, STAFF_ID)[-1] == "fido_revoked"
    session.lock()
    with pytest.raises(QuickUnlockRefused):
        session.unlock_with_authenticator()
    assert _refusal_reasons(profile, STAFF_ID)[-1] == "fido_revoked"
    revoked = [r for r in profile.audit.records() if r.action == "fido.revoke"]
    assert revoked[0].targets == {"account": STAFF_ID, "credential": label}


def _enrol_second(profile: Profile, admin: Session) -> object:
    other = SoftAuthenticator()
    current = profile.authenticator
    profile.authenticator = other
    try:
        return FidoService(profile).enrol(admin, STAFF_ID, STAFF_PW, ADMIN_ID, ADMIN_PW)
    finally:
        profile.authenticator = current


def test_user_verification_not_performed_is_refused(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService) -> None:
    _enrol(profile, admin)
    _require_fido(profile, admin, ["staff"])
    session = login.login(STAFF_ID, STAFF_PW)
    key.user_verified = False  # touched, but no fingerprint/face/PIN
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW)
    assert _refusal_reasons(profile, STAFF_ID)[-1] == "fido_no_user_verification"
    session.lock()
    with pytest.raises(QuickUnlockRefused):
        session.unlock_with_authenticator()
    assert session.is_locked


# -- quick unlock -------------------------------------------------------------------------

def test_quick_unlock_within_the_session_limit(
        profile: Profile, admin: Session, staff: Session, key: SoftAuthenticator,
        login: LoginService, clock: ManualClock) -> None:
    _enrol(profile, admin)
    session = login.login(STAFF_ID, STAFF_PW)  # FIDO not required at login: still unlocks
    assert session.can_quick_unlock
    clock.advance(seconds=61)
    assert session.is_locked
    session.unlock_with_authenticator()
    assert not session.is_locked
    unlocks = [r for r in profile.audit.records(staff_id=STAFF_ID)
               if r.action == "session.unlock"]
    assert unlocks[-1].targets == {"reason": "fido"}
    session.lock()
    session.unlock(STAFF_PW)  # the password stays the fallback
    assert not session.is_locked
    clock.advance(hours=12)
    with pytest.raises(SessionExpired):
        session.unlock_with_authenticator()


def test_quick_unlock_needs_an_enrolled_authenticator(
        profile: Profile, staff: Session, key: SoftAuthenticator) -> None:
    staff.lock()
    assert not staff.can_quick_unlock
    with pytest.raises(AuthenticatorRequired):
        staff.unlock_with_authenticator()
    assert key.calls == 0


def test_the_platform_authenticator_says_when_no_key_is_connected(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from fido2.hid import CtapHidDevice

    monkeypatch.setattr(CtapHidDevice, "list_devices", classmethod(lambda cls: iter(())))
    with pytest.raises(AuthenticatorUnavailable):
        PlatformAuthenticator().get_assertion(
            PublicKeyCredentialRequestOptions(challenge=b"0" * 32, rp_id=RP_ID))


def test_the_totp_fallback_survives_the_first_password_change(
        profile: Profile, admin: Session, key: SoftAuthenticator, login: LoginService) -> None:
    from kokuho_pc.services.accounts import AccountService, Role

    accounts = AccountService(profile)
    accounts.add_user(admin, "suzuki.ichiro", "鈴木 一郎", Role.STAFF, "shoki-pasuwado-desu-yo")
    _require_fido(profile, admin, ["staff"], fallback=True)
    session = login.login("suzuki.ichiro", "shoki-pasuwado-desu-yo")
    assert session.must_change_password and session.must_enrol_second_factor
    accounts.change_password(session, "shoki-pasuwado-desu-yo", "aki-no-yuuhi-ni-teru-yama")
    # Without an authenticator the account must still enrol TOTP before working.
    assert session.must_enrol_second_factor


def test_no_policy_that_locks_every_administrator_out(
        profile: Profile, admin: Session, key: SoftAuthenticator, login: LoginService) -> None:
    from kokuho_pc.domain.errors import InvalidSetting

    policy = PolicyService(profile)
    policy.change(admin, "fido_required_roles", ["admin"])  # TOTP fallback still on: fine
    with pytest.raises(InvalidSetting, match="管理者"):
        policy.change(admin, "fido_totp_fallback", False)
    assert profile.policy().fido_totp_fallback  # rolled back
    _enrol(profile, admin, ADMIN_ID, ADMIN_PW)
    policy.change(admin, "fido_totp_fallback", False)
    login.login(ADMIN_ID, ADMIN_PW)  # with the administrator's authenticator
