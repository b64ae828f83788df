"""A logged-in session: idle lock, the 12-hour limit, unlock by the same user only, logout.

The session judges time with an injected clock. It is locked as soon as the
idle timeout has passed since the last :meth:`Session.touch` (the UI calls
``touch`` on user input and checks :attr:`Session.is_locked` on a timer).
Idle time and age are counted on the session's own time, which only moves
forward: when the clock is set back (a correction, a user's attempt) the
session neither gains life nor idle time; time counts again from there.
Unlocking needs the same user's password; anyone else must log the session
out first. After ``max_age`` (12 hours) the session is over. A refused FIDO2
quick unlock (:class:`QuickUnlockRefused`, counted towards the lockout by the
login service) ends the session too: the user must sign in again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.auth.accounts import Role, canonical_user_id
from kokuho_pc.domain.errors import (
    AuthenticatorRefused,
    AuthenticatorRequired,
    PasswordChangeRequired,
    PermissionDenied,
    QuickUnlockRefused,
    SecondFactorRequired,
    SessionExpired,
    SessionLocked,
)
from kokuho_pc.store.clock import Clock

# (password, otp) -> None; raises LoginFailed / AccountLocked / ... when refused.
Verifier = Callable[[str, str | None], None]
# (action, result, reason) -> None; writes the operation log.
Recorder = Callable[[AuditAction, AuditResult, str | None], None]
# () -> None; raises AccountInactive / AccountLocked once the account may no longer act
# (revoked, validity period over, fiscal-year grant lapsed).
AccountCheck = Callable[[], None]


class Session:
    """The state of one staff member's login. Create through ``LoginService.login``."""

    def __init__(
        self,
        *,
        user_id: str,
        name: str,
        role: Role,
        must_change_password: bool,
        must_enrol_second_factor: bool = False,
        clock: Clock,
        idle_timeout: timedelta,
        max_age: timedelta,
        verifier: Verifier,
        recorder: Recorder,
        account_check: AccountCheck | None = None,
        quick_unlock: Callable[[], None] | None = None,
    ) -> None:
        self._user_id: str | None = user_id
        self._name = name
        self._role = role
        self.must_change_password = must_change_password
        self.must_enrol_second_factor = must_enrol_second_factor
        self._clock = clock
        self.idle_timeout = idle_timeout
        self.max_age = max_age
        self._verifier: Verifier | None = verifier
        self._recorder: Recorder | None = recorder
        self._account_check = account_check
        # FIDO2 quick unlock (issue 21): asserts this user's authenticator with user
        # verification; None when the account had no authenticator at login.
        self._quick_unlock = quick_unlock
        self.started_at: datetime = clock()
        self._seen = self.started_at  # the clock's last reading
        self._elapsed = timedelta()  # forward movement of the clock since started_at
        self.last_activity: datetime = self.started_at
        self._locked = False

    # --- identity ---------------------------------------------------------
    @property
    def user_id(self) -> str:
        """The logged-in staff ID; SessionExpired once logged out."""
        if self._user_id is None:
            raise SessionExpired("ログアウトしました。")
        return self._user_id

    @property
    def name(self) -> str:
        """The staff member's name (for the title bar; never logged)."""
        self.user_id  # noqa: B018 (raises once logged out)
        return self._name

    @property
    def role(self) -> Role:
        """The account's role."""
        self.user_id  # noqa: B018
        return self._role

    @property
    def is_admin(self) -> bool:
        """True for an administrator's session."""
        return self._user_id is not None and self._role is Role.ADMIN

    @property
    def is_logged_in(self) -> bool:
        """False after logout or once the 12-hour limit has passed."""
        return not self.expired()

    # --- time ---------------------------------------------------------------
    def _session_time(self) -> datetime:
        """``started_at`` plus the clock's forward movement since: never goes back.

        A clock set back by an hour does not give the session an hour more (nor
        postpone the idle lock); its later movement counts from the new reading.
        Only the time between two readings across a set-back is lost, and the UI
        reads the clock every second (``is_locked`` on a timer).
        """
        now = self._clock()
        if now > self._seen:
            self._elapsed += now - self._seen
        self._seen = now
        return self.started_at + self._elapsed

    def expired(self) -> bool:
        """True when logged out or older than ``max_age`` (then the session ends)."""
        if self._user_id is None:
            return True
        if self._session_time() - self.started_at >= self.max_age:
            try:
                self._record(AuditAction.SESSION_EXPIRED, AuditResult.SUCCESS, "max_age")
            finally:
                self._clear()  # the session ends even if the log cannot be written
            return True
        return False

    @property
    def is_locked(self) -> bool:
        """True while locked (locks itself once the idle timeout has passed)."""
        if self.expired():
            return True
        if not self._locked and self._session_time() - self.last_activity >= self.idle_timeout:
            self._locked = True
            self._record(AuditAction.SESSION_LOCK, AuditResult.SUCCESS, "idle")
        return self._locked

    def seconds_until_lock(self) -> float:
        """Seconds left before the idle lock (0 when locked)."""
        if self.is_locked:
            return 0.0
        left = self.idle_timeout - (self._session_time() - self.last_activity)
        return max(0.0, left.total_seconds())

    def touch(self) -> None:
        """Note user activity. Raises SessionExpired or SessionLocked instead when due."""
        if self.expired():
            raise SessionExpired()
        if self.is_locked:
            raise SessionLocked()
        self.last_activity = self._session_time()

    def require(self, role: Role | None = None, *, setup: bool = False) -> None:
        """Check the session may act now (and as ``role``); counts as activity.

        Until the initial password is changed (and, when the policy requires it,
        a second factor enrolled) only ``setup`` actions are allowed.
        """
        if self.expired():
            raise SessionExpired()
        if self._account_check is not None:
            try:
                self._account_check()
            except Exception:
                self.logout(reason="account_inactive")
                raise
        self.touch()
        if not setup and self.must_change_password:
            raise PasswordChangeRequired()
        if not setup and self.must_enrol_second_factor:
            raise SecondFactorRequired(
                "ワンタイムパスワードの登録が必要です。",
                "認証アプリを登録してから操作してください。",
            )
        if role is Role.ADMIN and self._role is not Role.ADMIN:
            raise PermissionDenied("この操作は情報システム管理者のみが行えます。")

    # --- lock and unlock ----------------------------------------------------
    def lock(self, reason: str = "manual") -> None:
        """Lock now: ``manual`` (the user leaves the desk) or ``idle`` (the screen's timer);
        the operation log records that reason."""
        if not self.expired() and not self._locked:
            self._locked = True
            self._record(AuditAction.SESSION_LOCK, AuditResult.SUCCESS,
                         reason if reason in ("manual", "idle") else "manual")

    def unlock(self, password: str, otp: str | None = None, *, user_id: str | None = None) -> None:
        """Unlock with the same user's password; another user must log this session out."""
        if self.expired():
            raise SessionExpired()
        if user_id is not None and canonical_user_id(user_id) != self._user_id:
            raise PermissionDenied(
                "画面ロックはログインしている本人のみが解除できます。",
                "別の職員が利用する場合は、ログアウトしてからログインしてください。",
            )
        assert self._verifier is not None
        try:
            self._verifier(password, otp)
        except Exception:
            self._record(AuditAction.SESSION_UNLOCK_FAILURE, AuditResult.FAILURE, None)
            raise
        self._record(AuditAction.SESSION_UNLOCK, AuditResult.SUCCESS, None)  # refused if unlogged
        self._locked = False
        self.last_activity = self._session_time()

    @property
    def can_quick_unlock(self) -> bool:
        """True when the account had an authenticator enrolled at login (issue 21)."""
        return self._quick_unlock is not None

    def unlock_with_authenticator(self) -> None:
        """Unlock with this user's FIDO2 authenticator alone (user verification required),
        within the session's time limit; the password stays as the fallback.

        A refused assertion (or an account no longer usable) raises
        :class:`QuickUnlockRefused` — counted towards the lockout by the login service —
        and ENDS the session (logged out, reason ``quick_unlock_refused``): whoever stands
        at a locked screen with a key that is refused gets no second try on this session;
        the user signs in again. No authenticator answering is not a refusal: the session
        stays locked and the password unlocks it.

        Blocks while the authenticator waits for the user: call it off the GUI thread."""
        if self.expired():
            raise SessionExpired()
        if self._quick_unlock is None:
            raise AuthenticatorRequired()
        try:
            self._quick_unlock()
        except (QuickUnlockRefused, AuthenticatorRefused) as exc:
            self._record(AuditAction.SESSION_UNLOCK_FAILURE, AuditResult.FAILURE,
                         exc.reason if isinstance(exc, QuickUnlockRefused)
                         else f"fido_{exc.reason}")
            self.logout(reason="quick_unlock_refused")
            raise
        except Exception:
            self._record(AuditAction.SESSION_UNLOCK_FAILURE, AuditResult.FAILURE, "fido")
            raise
        if self.expired():  # the user took past the limit at the authenticator
            raise SessionExpired()
        self._record(AuditAction.SESSION_UNLOCK, AuditResult.SUCCESS, "fido")
        self._locked = False
        self.last_activity = self._session_time()

    def logout(self, *, reason: str = "user") -> None:
        """End the session (allowed while locked) and clear all its state."""
        if self._user_id is None:
            return
        try:
            self._record(AuditAction.LOGOUT, AuditResult.SUCCESS, reason)
        finally:
            self._clear()  # logging off always happens; a log failure is still reported

    def password_changed(self, *, second_factor_missing: bool | None = None) -> None:
        """Called by the account service after a successful change.

        A changed password does not enrol a second factor: enrolment stays required
        while the policy requires one and the account has none (``second_factor_missing``,
        as the account service finds it now; None keeps what the login found).
        """
        self.must_change_password = False
        if second_factor_missing is not None:
            self.must_enrol_second_factor = second_factor_missing

    def second_factor_enrolled(self) -> None:
        """Called by the account service after TOTP enrolment."""
        self.must_enrol_second_factor = False

    def _record(self, action: AuditAction, result: AuditResult, reason: str | None) -> None:
        if self._recorder is not None:
            self._recorder(action, result, reason)

    def _clear(self) -> None:
        self._user_id = None
        self._name = ""
        self._locked = True
        self._verifier = None
        self._recorder = None
        self._account_check = None
        self._quick_unlock = None
        self.must_change_password = False
        self.must_enrol_second_factor = False
