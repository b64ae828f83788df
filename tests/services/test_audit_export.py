"""The operation log as CSV on an approved medium (issue 17): administrators only, approved
media only, logged, and never a 個人番号 in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.domain.errors import KokuhoError, PermissionDenied
from kokuho_pc.domain.leakscan import find_my_numbers_in_bytes
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.audit_review import export_csv
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.media_admin import MediaAdminService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from tests.simfiles import my_number
from tests.ui.security_fixtures import (
    ADMIN_ID,
    ADMIN_PW,
    STAFF_ID,
    STAFF_INITIAL_PW,
    STAFF_PW,
    profile,
)

__all__ = ["profile"]

ROWS = [(3, "R8.11.26 10:00:00", "sato.hanako", "送信", "成功",
         "ファイル=KSK01_082201_20261006090040.dat 受付番号=12", "未送信")]


def _admin(profile: Profile) -> object:
    return LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)


def test_written_to_an_approved_medium_and_logged(profile: Profile, tmp_path: Path) -> None:
    admin = _admin(profile)
    PolicyService(profile).change(admin, "emulated_media_allowed", True)  # type: ignore[arg-type]
    medium = tmp_path / "USB-LOG"
    medium.mkdir()
    MediaAdminService(profile).register(admin, medium, [ADMIN_ID])  # type: ignore[arg-type]
    name = export_csv(profile, admin, ROWS, medium)  # type: ignore[arg-type]
    data = (medium / name).read_bytes()
    assert data.startswith("\ufeff番号,日時,職員,操作,結果,対象,送信状態\r\n".encode())
    assert b"KSK01_082201_20261006090040.dat" in data
    assert find_my_numbers_in_bytes(data) == []
    records = profile.audit.records(limit=100, newest_first=True)
    export = next(r for r in records if r.action == AuditAction.AUDIT_EXPORT.value)
    assert export.targets["file"] == name and export.targets["count"] == 1
    assert any(r.action == AuditAction.MEDIA_WRITE.value for r in records)


def test_refused_to_staff_to_an_unapproved_folder_and_with_a_my_number(
        profile: Profile, tmp_path: Path) -> None:
    admin = _admin(profile)
    PolicyService(profile).change(admin, "emulated_media_allowed", True)  # type: ignore[arg-type]
    unapproved = tmp_path / "STICK"
    unapproved.mkdir()
    with pytest.raises(KokuhoError):
        export_csv(profile, admin, ROWS, unapproved)  # type: ignore[arg-type]
    assert list(unapproved.iterdir()) == []
    approved = tmp_path / "USB-LOG"
    approved.mkdir()
    MediaAdminService(profile).register(admin, approved, [ADMIN_ID, STAFF_ID])  # type: ignore[arg-type]
    planted = [(*ROWS[0][:5], f"備考={my_number(4242).reveal_digits_for_transfer()}", "未送信")]
    with pytest.raises(KokuhoError):
        export_csv(profile, admin, planted, approved)  # type: ignore[arg-type]
    assert not any(p.suffix == ".csv" for p in approved.iterdir())
    refused = [r for r in profile.audit.records(limit=100)
               if r.action == AuditAction.AUDIT_EXPORT.value]
    assert refused and refused[-1].result == AuditResult.REFUSED.value
    staff = LoginService(profile, sleep=lambda _s: None).login(STAFF_ID, STAFF_INITIAL_PW)
    AccountService(profile).change_password(staff, STAFF_INITIAL_PW, STAFF_PW)
    with pytest.raises(PermissionDenied):
        export_csv(profile, staff, ROWS, approved)  # type: ignore[arg-type]
