"""Account administration and one's own password and second factor.

Every change is written to the operation log in the same transaction: if
the record cannot be written, nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth import totp
from kokuho_pc.auth.accounts import (
    Account,
    AccountRepository,
    AccountState,
    Role,
    canonical_user_id,
    validate_name,
    validate_user_id,
)
from kokuho_pc.auth.password_policy import check_new_password, municipality_words
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import InvalidAccountData, LoginFailed, PermissionDenied, WeakPassword
from kokuho_pc.domain.municipality import is_valid_municipality_code
from kokuho_pc.domain.wareki import wareki_long
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import SYSTEM_ACTOR, Profile
from kokuho_pc.store.clock import fiscal_year

__all__ = [
    "AccountService",
    "AccountState",
    "AccountView",
    "Role",
    "TotpEnrolment",
]


@dataclass(frozen=True)
class AccountView:
    """What lists and screens show about an account (no hash, no secret)."""

    user_id: str
    name: str
    role: Role
    valid_from: date
    valid_to: date | None
    granted_fy: int
    state: AccountState
    must_change_password: bool
    failed_count: int
    second_factor_enrolled: bool
    last_login: str | None = None  # the latest successful login (operation log), ISO time


@dataclass(frozen=True)
class TotpEnrolment:
    """A pending TOTP enrolment: show ``uri`` as a QR code or ``secret_base32`` as text."""

    user_id: str
    secret_base32: str
    uri: str
    secret: bytes


# Active administrators a production profile needs before staff members can be added.
MIN_ADMINS_BEFORE_STAFF = 2

class AccountService:
    """Create, revoke, unlock and re-grant accounts; change passwords; enrol TOTP."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._repo = AccountRepository(profile.db)

    # --- helpers -------------------------------------------------------------
    def _context(self, user_id: str, name: str) -> list[str]:
        code = self._profile.municipality_code
        words = [user_id, name, code]
        if is_valid_municipality_code(code):
            # kanji, kana (hiragana and katakana) and romaji of the city and its prefecture
            words += municipality_words(code)
        return words

    def _check_password(self, password: str, user_id: str, name: str) -> None:
        check_new_password(
            password,
            second_factor=self._profile.policy().second_factor_required,
            context=self._context(user_id, name),
        )

    def _view(self, account: Account) -> AccountView:
        return AccountView(
            account.user_id, account.name, account.role, account.valid_from, account.valid_to,
            account.granted_fy, account.state(self._profile.clock()),
            account.must_change_password, account.failed_count, account.totp_secret is not None,
            self._last_login(account.user_id),
        )

    def _last_login(self, user_id: str) -> str | None:
        """When ``user_id`` last logged in, from the operation log (None: never)."""
        found = self._profile.audit.records(staff_id=user_id, action=AuditAction.LOGIN_SUCCESS,
                                            newest_first=True, limit=1)
        return found[0].time if found else None

    def _existing(self, user_id: str) -> Account:
        account = self._repo.get(user_id)
        if account is None:
            raise InvalidAccountData("指定したユーザIDのアカウントはありません。")
        return account

    # --- administrators ----------------------------------------------------
    def has_administrator(self) -> bool:
        """True once a first administrator exists."""
        return self._repo.count_admins() > 0

    def create_first_admin(self, user_id: str, name: str, password: str) -> AccountView:
        """Create the first administrator of a new profile; refused once one exists."""
        if self.has_administrator():
            raise PermissionDenied(
                "管理者アカウントは既に存在します。",
                "既存の管理者が kokuho-pc admin add-user でアカウントを追加してください。",
            )
        return self._create(SYSTEM_ACTOR, user_id, name, Role.ADMIN, password, None, None,
                            must_change=False)

    def add_user(
        self,
        session: Session,
        user_id: str,
        name: str,
        role: Role,
        initial_password: str,
        valid_from: date | None = None,
        valid_to: date | None = None,
    ) -> AccountView:
        """Create an account (administrators only); the initial password must be changed.

        A production profile takes staff members only once it has two active
        administrators: with one, a single lockout or leave would stop the office
        (and nobody could unlock anybody)."""
        session.require(Role.ADMIN)
        if role is Role.STAFF and not self._profile.is_demo:
            now = self._profile.clock()
            active = [a for a in self._repo.all()
                      if a.role is Role.ADMIN and a.state(now) is AccountState.ACTIVE]
            if len(active) < MIN_ADMINS_BEFORE_STAFF:
                raise InvalidAccountData(
                    "事務取扱担当者を登録する前に、有効な情報システム管理者を2名以上登録して"
                    "ください(管理者が1名だけだと、ロックや不在のときに誰も解除できません)。",
                    "先に2人目の情報システム管理者を登録してください。",
                )
        return self._create(session.user_id, user_id, name, role, initial_password,
                            valid_from, valid_to, must_change=True)

    def _create(
        self, actor: str, user_id: str, name: str, role: Role, password: str,
        valid_from: date | None, valid_to: date | None, *, must_change: bool,
    ) -> AccountView:
        now = self._profile.clock()
        canonical = validate_user_id(user_id)
        clean_name = validate_name(name)
        start = valid_from or now.date()
        if valid_to is not None and valid_to < start:
            raise InvalidAccountData("利用期間の終了日が開始日より前です。")
        self._check_password(password, canonical, clean_name)
        account = Account(
            user_id=canonical, display_id=user_id.strip(), name=clean_name, role=role,
            valid_from=start, valid_to=valid_to, granted_fy=fiscal_year(now),
            password_hash=self._profile.hasher.hash(password),
            must_change_password=must_change, failed_count=0, locked_at=None, revoked_at=None,
            totp_secret=None, totp_last_step=None,
        )
        with self._profile.db.transaction():
            self._repo.insert(account, created_by=None if actor == SYSTEM_ACTOR else actor,
                              now=now)
            self._profile.audit.record(
                AuditAction.ACCOUNT_CREATE, actor,
                {"account": canonical, "role": role.value, "valid_from": start.isoformat(),
                 "valid_to": valid_to.isoformat() if valid_to else None,
                 "fiscal_year": account.granted_fy},
            )
        return self._view(account)

    def list_users(self, session: Session) -> list[AccountView]:
        """Every account with its state (administrators only)."""
        session.require(Role.ADMIN)
        return [self._view(a) for a in self._repo.all()]

    def revoke(self, session: Session, user_id: str) -> None:
        """Revoke an account now (transfer, leave, retirement)."""
        session.require(Role.ADMIN)
        account = self._existing(user_id)
        if account.user_id == session.user_id:
            raise PermissionDenied("自分自身のアカウントは失効できません。")
        now = self._profile.clock()
        with self._profile.db.transaction():
            self._repo.update(account.user_id, now, revoked_at=now.isoformat(timespec="seconds"))
            self._profile.audit.record(
                AuditAction.ACCOUNT_REVOKE, session.user_id, {"account": account.user_id}
            )

    def unlock(self, session: Session, user_id: str) -> None:
        """Lift a lockout after too many failed logins."""
        session.require(Role.ADMIN)
        account = self._existing(user_id)
        now = self._profile.clock()
        with self._profile.db.transaction():
            self._repo.update(account.user_id, now, locked_at=None, failed_count=0)
            self._profile.audit.record(
                AuditAction.ACCOUNT_UNLOCK, session.user_id, {"account": account.user_id}
            )

    def regrant(self, session: Session, user_id: str, fiscal_year_to: int | None = None) -> None:
        """Grant access for the current fiscal year, or in advance for the next one."""
        session.require(Role.ADMIN)
        account = self._existing(user_id)
        now = self._profile.clock()
        current = fiscal_year(now)
        year = current if fiscal_year_to is None else fiscal_year_to
        if year not in (current, current + 1):
            raise InvalidAccountData("権限は今年度分または翌年度分のみ付与できます。")
        with self._profile.db.transaction():
            self._repo.update(account.user_id, now, granted_fy=max(year, account.granted_fy))
            self._profile.audit.record(
                AuditAction.ACCOUNT_REGRANT, session.user_id,
                {"account": account.user_id, "fiscal_year": year},
            )

    def change_role(self, session: Session, user_id: str, role: Role) -> None:
        """Change an account's role; one's own role and the last administrator stay."""
        session.require(Role.ADMIN)
        account = self._existing(user_id)
        if account.role is role:
            return
        if account.user_id == session.user_id:
            raise PermissionDenied("自分自身の権限は変更できません。")
        if account.role is Role.ADMIN and self._repo.count_admins() <= 1:
            raise PermissionDenied("管理者が1人もいなくなるため、権限を変更できません。")
        now = self._profile.clock()
        with self._profile.db.transaction():
            self._repo.update(account.user_id, now, role=role.value)
            self._profile.audit.record(
                AuditAction.ACCOUNT_CHANGE, session.user_id,
                {"account": account.user_id, "role": role.value},
            )

    def set_validity(
        self, session: Session, user_id: str, valid_from: date, valid_to: date | None
    ) -> None:
        """Change an account's validity period (``valid_to`` None: no end)."""
        session.require(Role.ADMIN)
        account = self._existing(user_id)
        if valid_to is not None and valid_to < valid_from:
            raise InvalidAccountData("利用期間の終了日が開始日より前です。")
        if account.valid_from == valid_from and account.valid_to == valid_to:
            return
        now = self._profile.clock()
        if account.user_id == session.user_id and not (
            valid_from <= now.date() and (valid_to is None or now.date() <= valid_to)
        ):
            raise PermissionDenied("自分自身の利用期間を、今日を含まない期間には変更できません。")
        with self._profile.db.transaction():
            self._repo.update(
                account.user_id, now, valid_from=valid_from.isoformat(),
                valid_to=valid_to.isoformat() if valid_to else None,
            )
            self._profile.audit.record(
                AuditAction.ACCOUNT_CHANGE, session.user_id,
                {"account": account.user_id, "valid_from": valid_from.isoformat(),
                 "valid_to": valid_to.isoformat() if valid_to else None},
            )

    def change_account(
        self, session: Session, user_id: str, role: Role, valid_from: date, valid_to: date | None
    ) -> None:
        """Role and validity together, all or nothing (the administration page's form)."""
        with self._profile.db.transaction():
            self.change_role(session, user_id, role)
            self.set_validity(session, user_id, valid_from, valid_to)

    def reset_password(self, session: Session, user_id: str, initial_password: str) -> None:
        """Set a new initial password (forgotten password); it must be changed at login."""
        session.require(Role.ADMIN)
        account = self._existing(user_id)
        self._check_password(initial_password, account.user_id, account.name)
        now = self._profile.clock()
        with self._profile.db.transaction():
            self._repo.update(account.user_id, now,
                              password_hash=self._profile.hasher.hash(initial_password),
                              must_change_password=1)
            self._profile.audit.record(
                AuditAction.ACCOUNT_PASSWORD_RESET, session.user_id, {"account": account.user_id}
            )

    # --- one's own account ---------------------------------------------------
    def change_password(self, session: Session, current: str, new: str) -> None:
        """Change the session user's password (the first thing after an initial password)."""
        session.require(setup=True)
        account = self._existing(session.user_id)
        audit = self._profile.audit
        if not self._profile.hasher.verify(current, account.password_hash):
            audit.record(AuditAction.PASSWORD_CHANGE, account.user_id,
                         {"reason": "wrong_password"}, AuditResult.REFUSED)
            raise LoginFailed("現在のパスワードが正しくありません。")
        if self._profile.hasher.verify(new, account.password_hash):
            raise WeakPassword("現在と同じパスワードは使用できません。")
        self._check_password(new, account.user_id, account.name)
        now = self._profile.clock()
        with self._profile.db.transaction():
            self._repo.update(account.user_id, now,
                              password_hash=self._profile.hasher.hash(new),
                              must_change_password=0)
            audit.record(AuditAction.PASSWORD_CHANGE, account.user_id)
        # TOTP is needed when the policy says so, or as the fallback of a role that needs a
        # FIDO2 authenticator while the account has none (issue 21).
        session.password_changed(
            second_factor_missing=LoginService(self._profile).totp_required(account)
            and account.totp_secret is None
        )

    def begin_totp_enrolment(self, session: Session) -> TotpEnrolment:
        """A new secret for the session user (not stored until confirmed)."""
        session.require(setup=True)
        secret = totp.new_secret()
        return TotpEnrolment(
            session.user_id, totp.secret_base32(secret),
            totp.provisioning_uri(secret, session.user_id), secret,
        )

    def confirm_totp_enrolment(self, session: Session, enrolment: TotpEnrolment, code: str) -> None:
        """Store the secret (sealed) once the user proved the app shows the right code."""
        session.require(setup=True)
        if enrolment.user_id != canonical_user_id(session.user_id):
            raise PermissionDenied()
        now = self._profile.clock()
        step = totp.matching_step(enrolment.secret, code, now, None)
        if step is None:
            raise LoginFailed("ワンタイムパスワードが正しくありません。")
        sealed = totp.seal_secret(self._profile.db.key, session.user_id, enrolment.secret)
        with self._profile.db.transaction():
            self._repo.update(session.user_id, now, totp_secret=sealed, totp_last_step=step)
            self._profile.audit.record(AuditAction.TOTP_ENROL, session.user_id)
        session.second_factor_enrolled()


ROLLOVER_MESSAGE = "4月1日以降、今年度の権限を付与していない職員はログインできません"
ROLLOVER_HINT = "「職員アカウント」で翌年度の権限を付与してください(管理者自身を含む)。"
EXPIRY_NOTICE_DAYS = 14


def validity_notices(profile: Profile, session: Session) -> list[tuple[str, str]]:
    """(message, hint) for the home screen, dated by the profile's clock (issue 17):
    an administrator sees the fiscal-year rollover from March on; everyone sees the
    last ``EXPIRY_NOTICE_DAYS`` days of their own validity (period or year grant)."""
    today = profile.clock().date()
    notices: list[tuple[str, str]] = []
    if session.is_admin and today.month == 3:
        notices.append((ROLLOVER_MESSAGE, ROLLOVER_HINT))
    account = AccountRepository(profile.db).get(session.user_id)
    if account is None:
        return notices
    ends = [date(account.granted_fy + 1, 3, 31)]
    if account.valid_to is not None:
        ends.append(account.valid_to)
    end = min(ends)
    left = (end - today).days
    if 0 <= left < EXPIRY_NOTICE_DAYS:
        notices.append((f"このアカウントは{wareki_long(end)}まで使えます(あと{left + 1}日)。",
                        "引き続き使う場合は、情報システム管理者に権限の付与を依頼してください。"))
    return notices
