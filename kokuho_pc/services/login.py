"""Log in, with lockout, the fiscal-year and validity checks and the second factor.

Failures: from the 5th consecutive failure a growing delay (1, 2, 4, 8, 16 s),
after the 10th the account is locked until an administrator unlocks it. An
unknown user ID and a wrong password get the same message and cost the same
(the password is hashed against a dummy hash). The attempted ID of an unknown
user is never written to the log (it may be a mistyped password).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth import totp
from kokuho_pc.auth.accounts import (
    Account,
    AccountRepository,
    AccountState,
    Role,
    canonical_user_id,
)
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import (
    AccountInactive,
    AccountLocked,
    LoginFailed,
    RollbackDetected,
    SecondFactorRequired,
)
from kokuho_pc.services.profile import SYSTEM_ACTOR, Profile
from kokuho_pc.services.trust import TrustService

__all__ = [
    "LoginService",
    "Session",
    "failure_delay",
]

DELAY_FROM_FAILURE = 5
LOCK_AFTER_FAILURES = 10
MAX_DELAY_SECONDS = 16.0

Sleep = Callable[[float], None]


def failure_delay(consecutive_failures: int) -> float:
    """Seconds to wait after the n-th consecutive failure (0 before the 5th)."""
    if consecutive_failures < DELAY_FROM_FAILURE:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (consecutive_failures - DELAY_FROM_FAILURE))


class LoginService:
    """Checks credentials and opens sessions. ``sleep`` is injectable for tests."""

    def __init__(
        self, profile: Profile, *, sleep: Sleep = time.sleep, trust: TrustService | None = None
    ) -> None:
        self._profile = profile
        self._accounts = AccountRepository(profile.db)
        self._sleep = sleep
        self._unknown_failures: dict[str, int] = {}
        self._trust = trust or TrustService(profile)

    def login(self, user_id: str, password: str, otp: str | None = None) -> Session:
        """Open a session, or raise LoginFailed / AccountLocked / AccountInactive / ...

        Every login first compares the operation log with the consolidation system's
        tip (and the tip kept outside the store): after a rollback only an administrator
        may log in (else RollbackDetected). A successful login forwards the log at once,
        so a new account's record reaches the server's staff registry before the new
        staff member's first request."""
        account = self.check_credentials(user_id, password, otp)
        policy = self._profile.policy()
        audit = self._profile.audit
        try:
            self._trust.require_no_rollback(account.user_id, account.role is Role.ADMIN)
        except RollbackDetected:
            audit.record(AuditAction.LOGIN_FAILURE, account.user_id, {"reason": "rollback"},
                         AuditResult.REFUSED)
            raise
        audit.record(AuditAction.LOGIN_SUCCESS, account.user_id)
        self._trust.forward_quietly(account.user_id)
        uid = account.user_id

        def verifier(pw: str, code: str | None) -> None:
            self.check_credentials(uid, pw, code)

        def recorder(action: AuditAction, result: AuditResult, reason: str | None) -> None:
            audit.record(action, uid, {"reason": reason} if reason else None, result)

        def account_check() -> None:
            current = self._accounts.get(uid)
            state = current.state(self._profile.clock()) if current else AccountState.REVOKED
            if state is AccountState.LOCKED:
                raise AccountLocked()
            if state is not AccountState.ACTIVE:
                raise AccountInactive()

        return Session(
            user_id=uid,
            name=account.name,
            role=account.role,
            must_change_password=account.must_change_password,
            must_enrol_second_factor=policy.second_factor_required and account.totp_secret is None,
            clock=self._profile.clock,
            idle_timeout=timedelta(seconds=policy.idle_timeout_seconds),
            max_age=timedelta(hours=policy.session_max_hours),
            verifier=verifier,
            recorder=recorder,
            account_check=account_check,
        )

    def check_credentials(self, user_id: str, password: str, otp: str | None = None) -> Account:
        """Verify password (and TOTP when required); count failures; return the account."""
        profile = self._profile
        now = profile.clock()
        account = self._accounts.get(user_id)
        if account is None:
            profile.hasher.verify_dummy(password)
            self._unknown_failure(user_id)
            raise LoginFailed()
        if not profile.hasher.verify(password, account.password_hash):
            self._failure(account, "wrong_password")
            raise LoginFailed()
        state = account.state(now)
        if state is AccountState.LOCKED:
            profile.audit.record(
                AuditAction.LOGIN_FAILURE, account.user_id, {"reason": "locked"},
                AuditResult.REFUSED,
            )
            raise AccountLocked()
        if state is not AccountState.ACTIVE:
            profile.audit.record(
                AuditAction.LOGIN_FAILURE, account.user_id, {"reason": state.value},
                AuditResult.REFUSED,
            )
            raise AccountInactive()
        if profile.policy().second_factor_required:
            account = self._check_second_factor(account, otp)
        if account.failed_count:
            with profile.db.transaction():
                self._accounts.update(account.user_id, now, failed_count=0)
        if profile.hasher.needs_rehash(account.password_hash):
            with profile.db.transaction():
                self._accounts.update(
                    account.user_id, now, password_hash=profile.hasher.hash(password)
                )
        return account

    def _check_second_factor(self, account: Account, otp: str | None) -> Account:
        profile = self._profile
        if account.totp_secret is None:
            # Not enrolled yet: the session allows nothing but enrolment (Session.require).
            return account
        if not otp:
            raise SecondFactorRequired()
        secret = totp.open_secret(profile.db.key, account.user_id, account.totp_secret)
        step = totp.matching_step(secret, otp, profile.clock(), account.totp_last_step)
        if step is None:
            self._failure(account, "wrong_otp")
            raise LoginFailed("ワンタイムパスワードが正しくありません。")
        with profile.db.transaction():
            self._accounts.update(account.user_id, profile.clock(), totp_last_step=step)
        return account

    def _failure(self, account: Account, reason: str) -> None:
        profile = self._profile
        now = profile.clock()
        failures = account.failed_count + 1
        lock = failures >= LOCK_AFTER_FAILURES and account.locked_at is None
        with profile.db.transaction():
            fields: dict[str, object] = {"failed_count": failures}
            if lock:
                fields["locked_at"] = now.isoformat(timespec="seconds")
            self._accounts.update(account.user_id, now, **fields)
            profile.audit.record(
                AuditAction.LOGIN_FAILURE, account.user_id,
                {"reason": reason, "count": failures}, AuditResult.FAILURE,
            )
            if lock:
                profile.audit.record(
                    AuditAction.LOCKOUT, account.user_id, {"count": failures},
                    AuditResult.SUCCESS,
                )
        self._sleep(failure_delay(failures))

    def _unknown_failure(self, user_id: str) -> None:
        key = canonical_user_id(user_id)
        failures = self._unknown_failures.get(key, 0) + 1
        if len(self._unknown_failures) > 1000:
            self._unknown_failures.clear()
        self._unknown_failures[key] = failures
        self._profile.audit.record(
            AuditAction.LOGIN_FAILURE, SYSTEM_ACTOR, {"reason": "unknown_user"},
            AuditResult.FAILURE,
        )
        self._sleep(failure_delay(failures))
