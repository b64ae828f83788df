"""FIDO2 authenticators of accounts: enrolment in an administrator's presence, list, revoke.

Enrolment (issue 21) happens on one dialog where the staff member gives their
user ID and password and an administrator signs in too (user ID and password,
checked again even when the administrator is the one logged in); then the staff
member performs user verification on the authenticator. Both passwords count
towards the lockout like a login. The credential (ID, COSE public key, counter,
AAGUID) is stored and the enrolment is written to the chained operation log in
the same transaction. Revocation takes effect at once (same day, like accounts).

Sign-in and quick unlock are in :mod:`kokuho_pc.services.login`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.auth.accounts import Role, canonical_user_id
from kokuho_pc.auth.fido import FidoCredential, FidoCredentialRepository, user_handle
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import AuthenticatorRefused, InvalidAccountData, PermissionDenied
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile

__all__ = ["CredentialView", "FidoService"]


@dataclass(frozen=True)
class CredentialView:
    """What the administrator's list shows about one credential (no key material)."""

    user_id: str
    label: str  # 8 hex digits
    aaguid: str
    sign_count: int
    created_at: str
    created_by: str
    revoked_at: str | None

    @property
    def state_label(self) -> str:
        """Japanese state for lists."""
        return "有効" if self.revoked_at is None else "失効"


def _view(credential: FidoCredential) -> CredentialView:
    return CredentialView(credential.user_id, credential.short_id, credential.aaguid,
                          credential.sign_count, credential.created_at, credential.created_by,
                          credential.revoked_at)


class FidoService:
    """Enrol, list and revoke the FIDO2 authenticators of accounts."""

    def __init__(self, profile: Profile, login: LoginService | None = None) -> None:
        self._profile = profile
        self._repo = FidoCredentialRepository(profile.db)
        self._login = login or LoginService(profile)

    def credentials(self, session: Session, user_id: str) -> list[CredentialView]:
        """The account's credentials (administrators: anyone's; staff: their own)."""
        session.require()
        uid = canonical_user_id(user_id)
        if uid != session.user_id:
            session.require(Role.ADMIN)
        return [_view(c) for c in self._repo.for_user(uid)]

    def enrol(self, session: Session, staff_id: str, staff_password: str,
              admin_id: str, admin_password: str) -> CredentialView:
        """Enrol a new authenticator for ``staff_id`` with an administrator present.

        ``session``: the one logged in on this window (an administrator, or the staff
        member enrolling their own). Blocks while the authenticator waits for the user:
        call it off the GUI thread."""
        session.require()
        if not staff_id.strip() or not admin_id.strip():
            raise InvalidAccountData("職員と情報システム管理者のユーザIDを入力してください。")
        staff_uid = canonical_user_id(staff_id)
        if session.user_id != staff_uid and not session.is_admin:
            raise PermissionDenied("認証器の登録は、本人または情報システム管理者の画面で行います。")
        admin = self._login.check_credentials(admin_id, admin_password, second_factor=False)
        if admin.role is not Role.ADMIN:
            raise PermissionDenied(
                "立会いのサインインは情報システム管理者のユーザIDで行ってください。")
        staff = self._login.check_credentials(staff_id, staff_password, second_factor=False)
        profile = self._profile
        db = profile.db
        existing = self._repo.for_user(staff.user_id, active_only=True)
        options = profile.fido.begin_registration(
            staff.user_id, user_handle(db.key, staff.user_id), existing)
        response = profile.authenticator_client().make_credential(options)
        auth_data = profile.fido.complete_registration(staff.user_id, response)
        data = auth_data.credential_data
        if data is None:
            raise AuthenticatorRefused(reason="invalid")
        with db.transaction():
            stored = self._repo.insert(staff.user_id, data, auth_data.counter,
                                       created_by=admin.user_id, now=profile.clock())
            profile.audit.record(AuditAction.FIDO_ENROL, admin.user_id,
                                 {"account": staff.user_id, "credential": stored.short_id})
        return _view(stored)

    def revoke(self, session: Session, user_id: str, label: str) -> None:
        """Revoke one credential now (administrators only)."""
        session.require(Role.ADMIN)
        uid = canonical_user_id(user_id)
        credential = self._repo.by_label(uid, label)
        if credential is None or not credential.active:
            raise InvalidAccountData("この認証器は登録されていないか、既に失効しています。")
        now = self._profile.clock()
        with self._profile.db.transaction():
            self._repo.revoke(credential.credential_id, by=session.user_id, now=now)
            self._profile.audit.record(AuditAction.FIDO_REVOKE, session.user_id,
                                       {"account": uid, "credential": credential.short_id})
