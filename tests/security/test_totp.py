"""Second factor: TOTP enrolment and login when the policy requires it."""

from __future__ import annotations

import pytest

from kokuho_pc.auth import totp
from kokuho_pc.domain.errors import LoginFailed, PermissionDenied, SecondFactorRequired
from kokuho_pc.services.accounts import AccountService, Role
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import STAFF_ID, STAFF_PW


def test_rfc6238_reference_vector() -> None:
    from datetime import UTC, datetime

    secret = b"12345678901234567890"
    moment = datetime.fromtimestamp(59, tz=UTC)
    assert totp.code_at(secret, moment) == "287082"  # RFC 6238 appendix B, 6 digits


def test_policy_requires_totp(profile: Profile, admin: Session, staff: Session,
                              login: LoginService, clock: ManualClock) -> None:
    PolicyService(profile).change(admin, "second_factor_required", True)
    session = login.login(STAFF_ID, STAFF_PW)
    assert session.must_enrol_second_factor
    with pytest.raises(SecondFactorRequired):
        session.require()
    service = AccountService(profile)
    enrolment = service.begin_totp_enrolment(session)
    assert enrolment.uri.startswith("otpauth://totp/")
    with pytest.raises(LoginFailed):
        service.confirm_totp_enrolment(session, enrolment, "000000")
    service.confirm_totp_enrolment(session, enrolment, totp.code_at(enrolment.secret, clock()))
    session.require()
    session.logout()
    # the stored secret is sealed, not the raw bytes
    row = profile.db.query_one("SELECT totp_secret FROM accounts WHERE user_id = ?", (STAFF_ID,))
    assert row is not None and enrolment.secret not in bytes(row[0])

    with pytest.raises(SecondFactorRequired):
        login.login(STAFF_ID, STAFF_PW)
    clock.advance(seconds=30)
    code = totp.code_at(enrolment.secret, clock())
    with pytest.raises(LoginFailed):
        login.login(STAFF_ID, STAFF_PW, "123456" if code != "123456" else "654321")
    assert login.login(STAFF_ID, STAFF_PW, code).user_id == STAFF_ID
    with pytest.raises(LoginFailed):  # the same code is never accepted twice
        login.login(STAFF_ID, STAFF_PW, code)
    clock.advance(seconds=30)
    assert login.login(STAFF_ID, STAFF_PW, totp.code_at(enrolment.secret, clock()))


def test_enrolment_is_for_oneself(profile: Profile, admin: Session, staff: Session,
                                  clock: ManualClock) -> None:
    service = AccountService(profile)
    enrolment = service.begin_totp_enrolment(staff)
    with pytest.raises(PermissionDenied):
        service.confirm_totp_enrolment(admin, enrolment, totp.code_at(enrolment.secret, clock()))


def test_enrolment_still_required_after_the_initial_password_change(
    profile: Profile, admin: Session, login: LoginService, clock: ManualClock
) -> None:
    initial, new = "shoki-pasuwado-desu-yo", "atarashii-kotoba-wo-erabu"
    PolicyService(profile).change(admin, "second_factor_required", True)
    service = AccountService(profile)
    service.add_user(admin, "kato.jiro", "加藤 次郎", Role.STAFF, initial)
    session = login.login("kato.jiro", initial)
    assert session.must_change_password and session.must_enrol_second_factor
    service.change_password(session, initial, new)
    assert not session.must_change_password
    assert session.must_enrol_second_factor  # the policy requires one and none is enrolled
    with pytest.raises(SecondFactorRequired):
        session.require()
    enrolment = service.begin_totp_enrolment(session)
    service.confirm_totp_enrolment(session, enrolment, totp.code_at(enrolment.secret, clock()))
    session.require()
    session.logout()

    # an account that has a second factor is not asked again after a password reset
    service.reset_password(admin, "kato.jiro", initial)
    clock.advance(seconds=30)
    session = login.login("kato.jiro", initial, totp.code_at(enrolment.secret, clock()))
    assert session.must_change_password and not session.must_enrol_second_factor
    service.change_password(session, initial, "mata-atarashii-kotoba-desu")
    assert not session.must_enrol_second_factor
    session.require()
    session.logout()
