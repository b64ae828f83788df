"""Log in, with lockout, the fiscal-year and validity checks and the second factor.

Order of the checks (every refusal is the same ``LoginFailed`` message, so the
answer tells nothing about which check failed):

1. the account exists — an unknown ID is hashed against a dummy hash and its
   failures are counted under a keyed hash of the ID, so it gets the same
   growing delay as a known ID;
2. the account is usable now (not locked, not revoked, in its validity period,
   granted this fiscal year) — checked BEFORE the password, so guessing after a
   lock learns nothing (the password is hashed against the dummy hash anyway);
3. the password;
4. the second factor, when the policy requires it.

Failures are counted atomically: one ``UPDATE … failed_count = failed_count + 1``
in the same write transaction (``BEGIN IMMEDIATE``) that decides the lock, so
parallel attempts from several processes are all counted; refused FIDO2 assertions
(at sign-in and at quick unlock, :meth:`LoginService.quick_unlock`) go through the
same counter. The TOTP step is a
compare-and-set in the write transaction that accepts the login, so one code
opens one session. From the 5th consecutive failure a growing delay (1, 2, 4,
8, 16 s); the 10th locks the account until an administrator unlocks it — except
the last active administrator, whose lock ends after the policy's
``admin_lockout_minutes`` (otherwise nobody could ever unlock anyone).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.audit.log import TargetValue
from kokuho_pc.auth import totp
from kokuho_pc.auth.accounts import (
    Account,
    AccountRepository,
    AccountState,
    Role,
    canonical_user_id,
)
from kokuho_pc.auth.fido import FidoCredentialRepository
from kokuho_pc.auth.session import Session
from kokuho_pc.domain.errors import (
    AccountInactive,
    AccountLocked,
    AuthenticatorRefused,
    AuthenticatorRequired,
    AuthenticatorUnavailable,
    LoginFailed,
    QuickUnlockRefused,
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
# Rows of unknown-ID failures kept (the oldest go first).
UNKNOWN_IDS_KEPT = 10_000
_UNKNOWN_TAG = b"kokuho-pc/unknown-login-id/v1"

Sleep = Callable[[float], None]


def failure_delay(consecutive_failures: int) -> float:
    """Seconds to wait after the n-th consecutive failure (0 before the 5th)."""
    if consecutive_failures < DELAY_FROM_FAILURE:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (consecutive_failures - DELAY_FROM_FAILURE))


@dataclass(frozen=True)
class _Refusal:
    reason: str
    result: AuditResult
    credential: str | None = None  # a FIDO2 credential's 8-hex-digit label, never its ID


class LoginService:
    """Checks credentials and opens sessions. ``sleep`` is injectable for tests."""

    def __init__(
        self, profile: Profile, *, sleep: Sleep = time.sleep, trust: TrustService | None = None
    ) -> None:
        self._profile = profile
        self._accounts = AccountRepository(profile.db)
        self._fido = FidoCredentialRepository(profile.db)
        self._sleep = sleep
        self._trust = trust or TrustService(profile)

    def login(self, user_id: str, password: str, otp: str | None = None) -> Session:
        """Open a session, or raise LoginFailed (every refusal) / SecondFactorRequired.

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
            # Unlocking the screen of this session: the password only (the second factor
            # was checked at login); wrong passwords still count towards the lockout.
            self.check_credentials(uid, pw, code, second_factor=code is not None)

        def recorder(action: AuditAction, result: AuditResult, reason: str | None) -> None:
            audit.record(action, uid, {"reason": reason} if reason else None, result)

        def account_check() -> None:
            current = self._accounts.get(uid)
            state = (self._state(current, self._profile.clock()) if current
                     else AccountState.REVOKED)
            if state is AccountState.LOCKED:
                raise AccountLocked()
            if state is not AccountState.ACTIVE:
                raise AccountInactive()

        def quick_unlock() -> None:
            self.quick_unlock(uid)

        has_authenticator = bool(self._fido.for_user(uid, active_only=True))
        return Session(
            user_id=uid,
            name=account.name,
            role=account.role,
            must_change_password=account.must_change_password,
            must_enrol_second_factor=(self.totp_required(account)
                                      and account.totp_secret is None),
            clock=self._profile.clock,
            idle_timeout=timedelta(seconds=policy.idle_timeout_seconds),
            max_age=timedelta(hours=policy.session_max_hours),
            verifier=verifier,
            recorder=recorder,
            account_check=account_check,
            quick_unlock=quick_unlock if has_authenticator else None,
        )

    # -- FIDO2 (issue 21) ----------------------------------------------------------

    def fido_required(self, account: Account) -> bool:
        """True when the policy requires an authenticator at login for the account's role."""
        return account.role.value in self._profile.policy().fido_required_roles

    def totp_required(self, account: Account) -> bool:
        """TOTP is asked when the policy says so, or as the fallback of a role that needs an
        authenticator while the account has none; never after a FIDO2 assertion."""
        policy = self._profile.policy()
        if self.fido_required(account):
            if self._fido.for_user(account.user_id, active_only=True):
                return False
            return policy.fido_totp_fallback
        return policy.second_factor_required

    def quick_unlock(self, user_id: str) -> None:
        """Unlock a locked session's screen with ``user_id``'s authenticator alone.

        The account must still be usable and the assertion must come from one of THIS
        user's credentials. Every refusal — the account locked/revoked/out of its period,
        or the assertion refused (another user's credential, replay, counter, revoked, no
        user verification, bad signature) — is counted by the same atomic counter as wrong
        passwords (:meth:`_refuse`: it may lock the account), logged as ``login.failure``
        with its reason, and raised as :class:`QuickUnlockRefused` (LoginFailed's one
        message). On success the state is re-read in the write transaction
        (:meth:`_accept`): a lock set meanwhile stays in force and is refused; otherwise
        the consecutive-failure count starts again, as after a right password.
        AuthenticatorUnavailable (nobody answered) and AuthenticatorRequired (no active
        credential left) are not counted: nothing was presented."""
        account = self._accounts.get(user_id)
        if account is None:
            raise QuickUnlockRefused("revoked")
        account = self._end_expired_admin_lock(account)
        state = self._state(account, self._profile.clock())
        if state is not AccountState.ACTIVE:
            self._refuse(account, _Refusal(state.value, AuditResult.REFUSED),
                         QuickUnlockRefused(state.value))
        try:
            self.verify_authenticator(account.user_id)
        except AuthenticatorRefused as exc:
            reason = f"fido_{exc.reason}"
            self._refuse(account, _Refusal(reason, AuditResult.FAILURE, exc.credential),
                         QuickUnlockRefused(reason))
        refusal = self._accept(account, None)
        if refusal is not None:
            self._refuse(account, refusal, QuickUnlockRefused(refusal.reason))

    def verify_authenticator(self, user_id: str) -> None:
        """One FIDO2 assertion with user verification by one of ``user_id``'s active
        credentials: fresh challenge, verification by ``Fido2Server``, then the signature
        counter advanced by compare-and-set. Blocks while the authenticator waits for the
        user (call it off the GUI thread). Raises AuthenticatorRefused (with a reason
        code), AuthenticatorUnavailable or AuthenticatorRequired (none enrolled)."""
        profile = self._profile
        credentials = self._fido.for_user(user_id)
        active = [c for c in credentials if c.active]
        if not active:
            raise AuthenticatorRequired()
        options = profile.fido.begin_assertion(user_id, active)
        response = profile.authenticator_client().get_assertion(options)
        # Read again: a revocation made while the user was at the authenticator counts.
        verified = profile.fido.complete_assertion(user_id, self._fido.for_user(user_id),
                                                   response)
        with profile.db.transaction():
            if not self._fido.advance_counter(verified.credential.credential_id,
                                              verified.credential.sign_count,
                                              verified.sign_count):
                current = self._fido.get(verified.credential.credential_id)
                refused = AuthenticatorRefused(
                    reason="revoked" if current is None or not current.active else "counter")
                refused.credential = verified.credential.short_id
                raise refused

    def check_credentials(self, user_id: str, password: str, otp: str | None = None, *,
                          second_factor: bool = True) -> Account:
        """Verify state, password (and TOTP when required); count failures; return the account.

        ``second_factor=False`` (unlocking the screen of a session that passed it at
        login) checks the password alone.
        """
        profile = self._profile
        hasher = profile.hasher
        account = self._accounts.get(user_id)
        if account is None:
            hasher.verify_dummy(password)
            self._unknown_failure(user_id)
            raise LoginFailed()
        account = self._end_expired_admin_lock(account)
        state = self._state(account, profile.clock())
        if state is not AccountState.ACTIVE:
            hasher.verify_dummy(password)
            self._refuse(account, _Refusal(state.value, AuditResult.REFUSED))
        if not hasher.verify(password, account.password_hash):
            self._refuse(account, _Refusal("wrong_password", AuditResult.FAILURE))
        if second_factor and self.fido_required(account):
            self._check_authenticator(account)
        step: int | None = None
        enrolled = account.totp_secret is not None
        if second_factor and self.totp_required(account) and enrolled:
            if not otp:
                self._refuse(account, _Refusal("otp_missing", AuditResult.FAILURE),
                             SecondFactorRequired())
            assert account.totp_secret is not None and otp is not None
            secret = totp.open_secret(profile.db.key, account.user_id, account.totp_secret)
            step = totp.matching_step(secret, otp, profile.clock(), account.totp_last_step)
            if step is None:
                self._refuse(account, _Refusal("wrong_otp", AuditResult.FAILURE))
        # Accept in one write transaction: the state again (a parallel attempt may have
        # locked the account since it was read) and the TOTP step as a compare-and-set.
        refusal = self._accept(account, step)
        if refusal is not None:
            self._refuse(account, refusal)
        if hasher.needs_rehash(account.password_hash):
            with profile.db.transaction():
                self._accounts.update(
                    account.user_id, profile.clock(), password_hash=hasher.hash(password)
                )
        return account

    def _check_authenticator(self, account: Account) -> None:
        """Login with an authenticator required (after the password was right)."""
        if not self._fido.for_user(account.user_id, active_only=True):
            if self.totp_required(account):
                return  # the TOTP fallback of an account without an authenticator
            self._profile.audit.record(AuditAction.LOGIN_FAILURE, account.user_id,
                                       {"reason": "fido_not_enrolled"}, AuditResult.REFUSED)
            raise AuthenticatorRequired()
        try:
            self.verify_authenticator(account.user_id)
        except AuthenticatorRefused as exc:
            self._refuse(account, _Refusal(f"fido_{exc.reason}", AuditResult.FAILURE,
                                           exc.credential))
        except AuthenticatorUnavailable:
            # Nobody answered (no key, cancelled): not a wrong credential, not counted.
            self._profile.audit.record(AuditAction.LOGIN_FAILURE, account.user_id,
                                       {"reason": "fido_unavailable"}, AuditResult.FAILURE)
            raise

    # -- state -----------------------------------------------------------------

    def _state(self, account: Account, now: datetime) -> AccountState:
        return account.state(now)

    def _end_expired_admin_lock(self, account: Account) -> Account:
        """The last active administrator's lock ends after ``admin_lockout_minutes``."""
        if account.role is not Role.ADMIN or account.locked_at is None:
            return account
        if account.revoked_at is not None:
            return account
        profile = self._profile
        now = profile.clock()
        minutes = profile.policy().admin_lockout_minutes
        locked_at = datetime.fromisoformat(account.locked_at)
        if locked_at.tzinfo is None or now.tzinfo is None:
            locked_at = locked_at.replace(tzinfo=now.tzinfo)
        if now - locked_at < timedelta(minutes=minutes):
            return account
        with profile.db.transaction():
            others = [a for a in self._accounts.all()
                      if a.role is Role.ADMIN and a.user_id != account.user_id
                      and a.state(now) is AccountState.ACTIVE]
            if others:
                return account  # another administrator can unlock it
            changed = profile.db.execute(
                "UPDATE accounts SET locked_at = NULL, failed_count = 0, updated_at = ? "
                "WHERE user_id = ? AND locked_at = ?",
                (now.isoformat(timespec="seconds"), account.user_id, account.locked_at),
            )
            if changed:
                profile.audit.record(
                    AuditAction.ACCOUNT_UNLOCK, SYSTEM_ACTOR,
                    {"account": account.user_id, "reason": "last_admin_lock_expired"},
                )
        return self._accounts.get(account.user_id) or account

    # -- acceptance and failures -------------------------------------------------

    def _accept(self, account: Account, step: int | None) -> _Refusal | None:
        profile = self._profile
        now = profile.clock()
        db = profile.db
        with db.transaction():
            current = self._accounts.get(account.user_id)
            if current is None:
                return _Refusal("revoked", AuditResult.REFUSED)
            state = self._state(current, now)
            if state is not AccountState.ACTIVE:
                return _Refusal(state.value, AuditResult.REFUSED)
            if step is not None:
                claimed = db.execute(
                    "UPDATE accounts SET totp_last_step = ?, updated_at = ? WHERE user_id = ? "
                    "AND (totp_last_step IS NULL OR totp_last_step < ?)",
                    (step, now.isoformat(timespec="seconds"), account.user_id, step),
                )
                if claimed != 1:
                    return _Refusal("otp_reused", AuditResult.FAILURE)
            if current.failed_count:
                db.execute(
                    "UPDATE accounts SET failed_count = 0, updated_at = ? WHERE user_id = ?",
                    (now.isoformat(timespec="seconds"), account.user_id),
                )
        return None

    def _refuse(self, account: Account, refusal: _Refusal,
                error: Exception | None = None) -> None:
        """Count the failure atomically, decide the lock in the same transaction, sleep,
        raise ``error`` (default: the one LoginFailed)."""
        profile = self._profile
        now = profile.clock()
        db = profile.db
        stamp = now.isoformat(timespec="seconds")
        with db.transaction():
            db.execute(
                "UPDATE accounts SET failed_count = failed_count + 1, updated_at = ? "
                "WHERE user_id = ?", (stamp, account.user_id),
            )
            row = db.query_one("SELECT failed_count FROM accounts WHERE user_id = ?",
                               (account.user_id,))
            failures = int(row[0]) if row else 0
            locked = failures >= LOCK_AFTER_FAILURES and db.execute(
                "UPDATE accounts SET locked_at = ? WHERE user_id = ? AND locked_at IS NULL",
                (stamp, account.user_id),
            ) == 1
            targets: dict[str, TargetValue] = {"reason": refusal.reason, "count": failures}
            if refusal.credential is not None:
                targets["credential"] = refusal.credential
            profile.audit.record(AuditAction.LOGIN_FAILURE, account.user_id, targets,
                                 refusal.result)
            if locked:
                profile.audit.record(
                    AuditAction.LOCKOUT, account.user_id, {"count": failures},
                    AuditResult.SUCCESS,
                )
        self._sleep(failure_delay(failures))
        raise error if error is not None else LoginFailed()

    def _unknown_key(self, user_id: str) -> str:
        key = hmac.new(self._profile.db.key, _UNKNOWN_TAG, hashlib.sha256).digest()
        return hmac.new(key, canonical_user_id(user_id).encode("utf-8"),
                        hashlib.sha256).hexdigest()

    def _unknown_failure(self, user_id: str) -> None:
        profile = self._profile
        db = profile.db
        stamp = profile.clock().isoformat(timespec="seconds")
        key = self._unknown_key(user_id)
        with db.transaction():
            db.execute(
                "INSERT INTO login_unknown_failures (id_key, failed_count, updated_at) "
                "VALUES (?, 1, ?) ON CONFLICT (id_key) DO UPDATE SET "
                "failed_count = failed_count + 1, updated_at = excluded.updated_at",
                (key, stamp),
            )
            row = db.query_one(
                "SELECT failed_count FROM login_unknown_failures WHERE id_key = ?", (key,))
            failures = int(row[0]) if row else 1
            db.execute(
                "DELETE FROM login_unknown_failures WHERE id_key NOT IN (SELECT id_key FROM "
                "login_unknown_failures ORDER BY updated_at DESC LIMIT ?)",
                (UNKNOWN_IDS_KEPT,),
            )
            profile.audit.record(
                AuditAction.LOGIN_FAILURE, SYSTEM_ACTOR, {"reason": "unknown_user"},
                AuditResult.FAILURE,
            )
        self._sleep(failure_delay(failures))
