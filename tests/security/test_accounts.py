"""Staff accounts: personal IDs only, roles, validity, fiscal-year grants, revocation."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kokuho_pc.auth.accounts import is_generic_id, validate_user_id
from kokuho_pc.domain.errors import (
    AccountInactive,
    InvalidAccountData,
    LoginFailed,
    PasswordChangeRequired,
    PermissionDenied,
    WeakPassword,
)
from kokuho_pc.services.accounts import AccountService, AccountState, Role
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.clock import ManualClock, fiscal_year
from tests.security.conftest import ADMIN_ID, ADMIN_PW, JST, STAFF_ID, STAFF_PW

INITIAL = "shoki-pasuwado-desu-yo"


@pytest.mark.parametrize(
    "user_id",
    ["admin", "Administrator", "guest", "TEST", "user", "kokuho", "common", "shared", "root",
     "admin1", "admin01", "guest_2", "test-user", "kokuho.admin", "user123", "Kokuho-01",
     "staff", "tanto01", "kanrisha", "testuser", "sharedpc", "ＡＤＭＩＮ"],
)
def test_generic_ids_are_refused(user_id: str) -> None:
    assert is_generic_id(user_id)
    with pytest.raises(InvalidAccountData):
        validate_user_id(user_id)


@pytest.mark.parametrize("user_id", ["yamada.taro", "sato_hanako", "t-suzuki", "kato2"])
def test_personal_ids_are_accepted(user_id: str) -> None:
    assert validate_user_id(user_id) == user_id


def test_first_admin_only_once(profile: Profile, admin: Session) -> None:
    with pytest.raises(PermissionDenied):
        AccountService(profile).create_first_admin("kato.jiro", "加藤 次郎", ADMIN_PW + "x")


def test_staff_cannot_administer(profile: Profile, staff: Session) -> None:
    service = AccountService(profile)
    with pytest.raises(PermissionDenied):
        service.add_user(staff, "kato.jiro", "加藤 次郎", Role.STAFF, INITIAL)
    with pytest.raises(PermissionDenied):
        service.list_users(staff)
    with pytest.raises(PermissionDenied):
        service.revoke(staff, ADMIN_ID)


def test_duplicate_and_one_account_per_person(profile: Profile, admin: Session) -> None:
    service = AccountService(profile)
    service.add_user(admin, "kato.jiro", "加藤 次郎", Role.STAFF, INITIAL)
    with pytest.raises(InvalidAccountData, match="既に"):
        service.add_user(admin, "Kato.Jiro", "加藤 次郎", Role.STAFF, INITIAL)


def test_initial_password_must_be_changed_first(profile: Profile, admin: Session,
                                                login: LoginService) -> None:
    service = AccountService(profile)
    service.add_user(admin, "kato.jiro", "加藤 次郎", Role.ADMIN, INITIAL)
    session = login.login("kato.jiro", INITIAL)
    assert session.must_change_password
    with pytest.raises(PasswordChangeRequired):
        service.list_users(session)
    with pytest.raises(WeakPassword):
        service.change_password(session, INITIAL, INITIAL)
    with pytest.raises(WeakPassword, match="推測されやすい"):
        service.change_password(session, INITIAL, "kato.jiro-no-atarashii")
    service.change_password(session, INITIAL, "atarashii-kotoba-wo-erabu")
    assert not session.must_change_password
    assert len(service.list_users(session)) == 2
    session.logout()
    assert not login.login("kato.jiro", "atarashii-kotoba-wo-erabu").must_change_password


def test_validity_period(profile: Profile, admin: Session, login: LoginService,
                         clock: ManualClock) -> None:
    service = AccountService(profile)
    service.add_user(admin, "rinji.ichiro", "臨時 一郎", Role.STAFF, INITIAL,
                     valid_from=date(2026, 12, 1), valid_to=date(2026, 12, 31))
    with pytest.raises(LoginFailed):  # the one message for every refusal
        login.login("rinji.ichiro", INITIAL)
    clock.now = datetime(2026, 12, 1, 8, 30, tzinfo=JST)
    login.login("rinji.ichiro", INITIAL).logout()
    clock.now = datetime(2026, 12, 31, 23, 59, 30, tzinfo=JST)
    session = login.login("rinji.ichiro", INITIAL)
    session.require(setup=True)
    clock.now = datetime(2027, 1, 1, 0, 0, tzinfo=JST)
    with pytest.raises(AccountInactive):
        session.require(setup=True)
    assert not session.is_logged_in  # the session ended
    with pytest.raises(LoginFailed):  # the one message for every refusal
        login.login("rinji.ichiro", INITIAL)
    admin = login.login(ADMIN_ID, ADMIN_PW)
    with pytest.raises(InvalidAccountData):
        service.add_user(admin, "gyaku.hiduke", "逆 日付", Role.STAFF, INITIAL,
                         valid_from=date(2027, 1, 2), valid_to=date(2027, 1, 1))


def test_fiscal_year_rollover_expires_every_grant(
    profile: Profile, login: LoginService, clock: ManualClock
) -> None:
    clock.now = datetime(2027, 3, 31, 23, 59, 30, tzinfo=JST)
    service = AccountService(profile)
    service.create_first_admin(ADMIN_ID, "山田 太郎", ADMIN_PW)
    admin = login.login(ADMIN_ID, ADMIN_PW)
    service.add_user(admin, "kato.jiro", "加藤 次郎", Role.STAFF, INITIAL)
    staff = login.login("kato.jiro", INITIAL)
    assert fiscal_year(clock.now) == 2026
    clock.now = datetime(2027, 3, 31, 23, 59, 59, tzinfo=JST)
    staff.require(setup=True)
    admin.require()
    clock.now = datetime(2027, 4, 1, 0, 0, 0, tzinfo=JST)
    assert fiscal_year(clock.now) == 2027
    with pytest.raises(AccountInactive):
        staff.require(setup=True)
    with pytest.raises(AccountInactive):
        admin.require()  # administrators lapse too
    with pytest.raises(LoginFailed):  # the one message for every refusal
        login.login(ADMIN_ID, ADMIN_PW)
    assert not staff.is_logged_in and not admin.is_logged_in


def test_regrant_in_advance_carries_over_the_rollover(
    profile: Profile, login: LoginService, clock: ManualClock
) -> None:
    clock.now = datetime(2027, 3, 15, 9, 0, tzinfo=JST)
    service = AccountService(profile)
    service.create_first_admin(ADMIN_ID, "山田 太郎", ADMIN_PW)
    admin = login.login(ADMIN_ID, ADMIN_PW)
    service.add_user(admin, "kato.jiro", "加藤 次郎", Role.STAFF, INITIAL)
    service.regrant(admin, ADMIN_ID, 2027)
    with pytest.raises(InvalidAccountData):
        service.regrant(admin, ADMIN_ID, 2029)
    clock.now = datetime(2027, 4, 1, 8, 0, tzinfo=JST)
    admin = login.login(ADMIN_ID, ADMIN_PW)
    states = {v.user_id: v.state for v in service.list_users(admin)}
    assert states == {ADMIN_ID: AccountState.ACTIVE, "kato.jiro": AccountState.NOT_GRANTED}
    service.regrant(admin, "kato.jiro")
    assert login.login("kato.jiro", INITIAL).user_id == "kato.jiro"
    actions = [r.action for r in profile.audit.records()]
    assert actions.count("account.regrant") == 2


def test_revocation_is_immediate(profile: Profile, admin: Session, staff: Session,
                                 login: LoginService) -> None:
    AccountService(profile).revoke(admin, STAFF_ID)
    with pytest.raises(AccountInactive):
        staff.require()
    assert not staff.is_logged_in
    with pytest.raises(LoginFailed):  # the one message for every refusal
        login.login(STAFF_ID, STAFF_PW)
    with pytest.raises(PermissionDenied):
        AccountService(profile).revoke(admin, ADMIN_ID)


def test_admin_password_reset_forces_change(profile: Profile, admin: Session, staff: Session,
                                            login: LoginService) -> None:
    AccountService(profile).reset_password(admin, STAFF_ID, "atarashii-shoki-kotoba")
    session = login.login(STAFF_ID, "atarashii-shoki-kotoba")
    assert session.must_change_password
    with pytest.raises(PasswordChangeRequired):
        session.require()


def test_account_changes_are_logged(profile: Profile, admin: Session, staff: Session) -> None:
    service = AccountService(profile)
    service.revoke(admin, STAFF_ID)
    records = profile.audit.records()
    actions = [(r.staff_id, r.action, r.targets.get("account")) for r in records]
    assert (ADMIN_ID, "account.create", STAFF_ID) in actions
    assert (STAFF_ID, "password.change", None) in actions
    assert (ADMIN_ID, "account.revoke", STAFF_ID) in actions
