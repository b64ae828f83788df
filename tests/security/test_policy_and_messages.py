"""Machine policy declared once (admins change it, logged) and the one error-to-message place."""

from __future__ import annotations

import pytest

from kokuho_pc.domain import errors as e
from kokuho_pc.domain.mynumber import my_number_check_digit
from kokuho_pc.services.login import Session
from kokuho_pc.services.messages import describe_error, support_details
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from tests.security.conftest import ADMIN_ID


def test_every_setting_is_declared_with_type_default_and_japanese_description() -> None:
    specs = PolicyService.specs()
    names = [s.name for s in specs]
    assert len(names) == len(set(names))
    for spec in specs:
        assert isinstance(spec.default, spec.type)
        assert any("\u3040" <= ch <= "\u9fff" for ch in spec.description)
    defaults = {s.name: s.default for s in specs}
    assert defaults["idle_timeout_seconds"] == 60
    assert defaults["session_max_hours"] == 12
    assert defaults["second_factor_required"] is False
    assert defaults["emulated_media_allowed"] is False
    assert {"server_url", "server_ca_file", "server_pins", "client_cert_file",
            "client_key_file", "audit_retention_days"} <= set(names)


def test_everyone_reads_only_admins_change(profile: Profile, admin: Session,
                                           staff: Session) -> None:
    service = PolicyService(profile)
    assert service.current().idle_timeout_seconds == 60
    with pytest.raises(e.PermissionDenied):
        service.change(staff, "idle_timeout_seconds", 120)
    assert service.change(admin, "idle_timeout_seconds", 120) == 120
    assert service.current().idle_timeout_seconds == 120
    service.change(admin, "server_pins", ["B" * 44, "C" * 44])
    assert service.current().server_pins == ("B" * 44, "C" * 44)
    changes = [r for r in profile.audit.records() if r.action == "policy.change"]
    assert [(r.staff_id, r.targets["setting"]) for r in changes] == [
        (ADMIN_ID, "idle_timeout_seconds"), (ADMIN_ID, "server_pins")]
    assert changes[0].targets["value"] == "120"


@pytest.mark.parametrize(
    ("name", "value"),
    [("idle_timeout_seconds", 5), ("idle_timeout_seconds", "60"), ("session_max_hours", 13),
     ("second_factor_required", 1), ("server_url", "http://plain"), ("no_such", 1),
     ("server_pins", "abc"), ("municipality_code", "123456")],
)
def test_invalid_values_are_refused(profile: Profile, admin: Session, name: str,
                                    value: object) -> None:
    with pytest.raises(e.InvalidSetting):
        PolicyService(profile).change(admin, name, value)


@pytest.mark.parametrize(
    ("exc", "title"),
    [
        (e.LoginFailed(), "認証エラー"),
        (e.AccountLocked(), "認証エラー"),
        (e.PermissionDenied(), "権限がありません"),
        (e.SessionLocked(), "画面ロック"),
        (e.WeakPassword(), "パスワードを使用できません"),
        (e.StoreKeyMissing(), "データベースのエラー"),
        (e.InsecureKeyring(), "鍵の保管場所のエラー"),
        (e.AuditVerifyFailed(7), "操作ログの改ざん検出"),
        (FileNotFoundError("secret/path"), "ファイルのエラー"),
        (KeyError("x"), "予期しないエラー"),
    ],
)
def test_describe_error(exc: BaseException, title: str) -> None:
    message = describe_error(exc)
    assert message.title == title
    assert message.message and message.hint
    assert "secret/path" not in message.message


def test_messages_never_carry_a_my_number() -> None:
    first = "12345678901"
    mn = first + str(my_number_check_digit(first))
    message = describe_error(e.ValidationError(f"値 {mn} が不正"))
    assert mn not in message.message
    details = support_details(ValueError(f"bad {mn}"))
    assert mn not in details and "ValueError" in details


def test_audit_verify_failed_names_the_sequence() -> None:
    assert "通番 7" in describe_error(e.AuditVerifyFailed(7)).message
