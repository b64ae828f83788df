"""Read the machine policy (everyone) and change it (administrators only, logged)."""

from __future__ import annotations

import re

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.auth.accounts import AccountRepository, AccountState, Role
from kokuho_pc.auth.fido import FidoCredentialRepository
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import InvalidSetting
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.policy import SPECS, Policy, SettingSpec, SettingValue, validate

__all__ = [
    "Policy",
    "PolicyService",
    "SettingSpec",
    "SettingValue",
]


class PolicyService:
    """The machine policy of one profile."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile

    def current(self) -> Policy:
        """The typed policy snapshot."""
        return self._profile.policy()

    @staticmethod
    def specs() -> tuple[SettingSpec, ...]:
        """Every setting's declaration (name, type, default, Japanese description)."""
        return SPECS

    @staticmethod
    def check(name: str, value: object) -> SettingValue:
        """The value as it would be stored; raises InvalidSetting (a Japanese message) when
        the declaration refuses it (the screen checks before asking to confirm)."""
        return validate(name, value)

    @staticmethod
    def int_range(spec: SettingSpec) -> tuple[int, int] | None:
        """The range a whole-number setting's description states (「…(15〜900)」)."""
        found = re.search(r"(\d+)〜(\d+)", spec.description)
        return (int(found.group(1)), int(found.group(2))) if found else None

    def change(self, session: Session, name: str, value: object) -> SettingValue:
        """Change one setting (administrators only); the change is logged with its value."""
        session.require(Role.ADMIN)
        profile = self._profile
        with profile.db.transaction():
            stored = profile.policy_store.set(
                name, value, by=session.user_id, now=profile.clock()
            )
            self._keep_an_administrator_able_to_log_in()
            shown = stored if not isinstance(stored, list) else ",".join(stored)
            profile.audit.record(
                AuditAction.POLICY_CHANGE, session.user_id,
                {"setting": name, "value": str(shown)[:256]},
            )
        return stored

    def _keep_an_administrator_able_to_log_in(self) -> None:
        """Refuse an authenticator requirement no administrator can meet (issue 21): with
        ``admin`` in ``fido_required_roles`` and no TOTP fallback, at least one usable
        administrator must have an authenticator enrolled, or nobody could administer."""
        profile = self._profile
        policy = profile.policy()
        if "admin" not in policy.fido_required_roles or policy.fido_totp_fallback:
            return
        now = profile.clock()
        credentials = FidoCredentialRepository(profile.db)
        if any(a.role is Role.ADMIN and a.state(now) is AccountState.ACTIVE
               and credentials.for_user(a.user_id, active_only=True)
               for a in AccountRepository(profile.db).all()):
            return
        raise InvalidSetting(
            "認証器を登録した情報システム管理者がいないため、この設定にはできません。",
            "先に管理者の認証器を登録するか、ワンタイムパスワードでのログインを許可してください。")
