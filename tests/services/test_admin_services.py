"""Service additions for the 管理 page: role and validity changes, log review filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.domain.errors import InvalidAccountData, LoginFailed, PermissionDenied
from kokuho_pc.services.accounts import AccountService, AccountState, Role
from kokuho_pc.services.audit_review import AuditReviewService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.media_admin import MediaAdminService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from tests.ui.security_fixtures import (
    ADMIN_ID,
    ADMIN_PW,
    STAFF_ID,
    STAFF_INITIAL_PW,
    STAFF_PW,
    profile,
)

__all__ = ["profile"]


def _login(p: Profile, user: str, password: str) -> object:
    return LoginService(p, sleep=lambda _s: None).login(user, password)


def test_role_and_validity_changes_are_logged_and_take_effect(profile: Profile) -> None:
    admin = _login(profile, ADMIN_ID, ADMIN_PW)
    accounts = AccountService(profile)
    accounts.change_role(admin, STAFF_ID, Role.ADMIN)  # type: ignore[arg-type]
    accounts.change_role(admin, STAFF_ID, Role.ADMIN)  # type: ignore[arg-type]  # no-op
    view = {a.user_id: a for a in accounts.list_users(admin)}[STAFF_ID]  # type: ignore[arg-type]
    assert view.role is Role.ADMIN
    with pytest.raises(InvalidAccountData):
        accounts.set_validity(admin, STAFF_ID, dt.date(2027, 1, 1),  # type: ignore[arg-type]
                              dt.date(2026, 12, 31))
    accounts.set_validity(admin, STAFF_ID, dt.date(2026, 4, 1),  # type: ignore[arg-type]
                          dt.date(2026, 11, 25))
    view = {a.user_id: a for a in accounts.list_users(admin)}[STAFF_ID]  # type: ignore[arg-type]
    assert view.state is AccountState.EXPIRED and view.valid_to == dt.date(2026, 11, 25)
    changes = [dict(r.targets) for r in profile.audit.records(action=AuditAction.ACCOUNT_CHANGE)]
    assert changes == [
        {"account": STAFF_ID, "role": "admin"},
        {"account": STAFF_ID, "valid_from": "2026-04-01", "valid_to": "2026-11-25"},
    ]


def test_change_account_is_all_or_nothing(profile: Profile) -> None:
    admin = _login(profile, ADMIN_ID, ADMIN_PW)
    accounts = AccountService(profile)
    with pytest.raises(PermissionDenied):  # the role is fine, the period excludes today
        accounts.change_account(admin, ADMIN_ID, Role.ADMIN,  # type: ignore[arg-type]
                                dt.date(2027, 4, 1), None)
    accounts.set_validity(admin, STAFF_ID, dt.date(2026, 11, 26), None)  # type: ignore[arg-type]
    with pytest.raises(InvalidAccountData):
        accounts.change_account(admin, STAFF_ID, Role.ADMIN,  # type: ignore[arg-type]
                                dt.date(2026, 12, 1), dt.date(2026, 11, 1))
    view = {a.user_id: a for a in accounts.list_users(admin)}[STAFF_ID]  # type: ignore[arg-type]
    assert view.role is Role.STAFF  # the role change was rolled back with the refusal
    assert profile.audit.records(action=AuditAction.ACCOUNT_CHANGE) == []
    accounts.change_account(admin, STAFF_ID, Role.ADMIN,  # type: ignore[arg-type]
                            dt.date(2026, 11, 26), None)
    assert len(profile.audit.records(action=AuditAction.ACCOUNT_CHANGE)) == 1
    assert profile.audit.verify().ok  # the chain continues correctly after the rollback


def test_staff_cannot_call_the_administration_services(profile: Profile, tmp_path: Path) -> None:
    staff = _login(profile, STAFF_ID, STAFF_INITIAL_PW)
    accounts = AccountService(profile)
    accounts.change_password(staff, STAFF_INITIAL_PW, STAFF_PW)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        accounts.change_role(staff, STAFF_ID, Role.ADMIN)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        accounts.set_validity(staff, ADMIN_ID, dt.date(2026, 1, 1), None)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        AuditReviewService(profile).records(staff)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        AuditReviewService(profile).verify(staff)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        PolicyService(profile).change(staff, "idle_timeout_seconds", 900)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        MediaAdminService(profile).register(staff, tmp_path, [STAFF_ID])  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        MediaAdminService(profile).registered(staff)  # type: ignore[arg-type]
    assert not (tmp_path / ".kokuho-medium.json").exists()
    assert profile.policy().idle_timeout_seconds == 60


def test_review_filters_by_dates_result_and_newest_first(profile: Profile) -> None:
    with pytest.raises(LoginFailed):
        _login(profile, STAFF_ID, "certainly-not-it")
    admin = _login(profile, ADMIN_ID, ADMIN_PW)
    review = AuditReviewService(profile)
    everything = review.records(admin)  # type: ignore[arg-type]
    assert [r.seq for r in everything] == sorted(r.seq for r in everything)
    newest = review.records(admin, newest_first=True, limit=3)  # type: ignore[arg-type]
    assert [r.seq for r in newest] == sorted((r.seq for r in newest), reverse=True)
    assert newest[0].seq > everything[-1].seq  # includes the first review's own record
    failed = review.records(admin, result=AuditResult.FAILURE)  # type: ignore[arg-type]
    assert [(r.action, r.staff_id) for r in failed] == [("login.failure", STAFF_ID)]
    day = dt.date(2026, 11, 26)
    assert review.records(admin, date_from=day, date_to=day)  # type: ignore[arg-type]
    assert review.records(admin, date_from=day + dt.timedelta(days=1)) == []  # type: ignore[arg-type]
    assert review.records(admin, date_to=day - dt.timedelta(days=1)) == []  # type: ignore[arg-type]
