"""The application's flow: open the profile, log in, the main window, lock, log out.

:class:`AppController` owns the windows of one run and wires them to the
services. Opening the profile (store unlock) and the start-up tasks (the staging
sweep) run in the background while the login window says 「起動しています…」. After login
an initial password must be changed first; then the main window opens with
the pages of :func:`kokuho_pc.ui.pages.build_pages` and the idle lock starts
with the policy's timeout. Logging out closes the main window and shows the
login window again; closing the main window logs out and quits. While someone is
logged in, a timer forwards the operation log to the consolidation system every
:data:`~kokuho_pc.services.trust.FORWARD_INTERVAL_SECONDS` (a background job; a refusal
becomes the administrator's alarm on the home screen), and once more at logout.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kokuho_pc.ui import log
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.login_window import LoginWindow
from kokuho_pc.ui.widgets.demo_banner import DemoTitleMarker
from kokuho_pc.ui.widgets.qt import QApplication, QObject, QTimer, Signal

if TYPE_CHECKING:  # imported when first needed: the login window does not wait for them
    from kokuho_pc.services.login import Session
    from kokuho_pc.services.profile import Profile
    from kokuho_pc.ui.context import AppContext
    from kokuho_pc.ui.login.idle_lock import IdleLock
    from kokuho_pc.ui.main_window import MainWindow, PageFactory

# Loaded on the worker thread while the profile opens, after the login window is shown:
# what the GUI thread needs once the profile is ready or someone logs in.
WARM_UP = ("kokuho_pc.services.login", "kokuho_pc.services.accounts",
           "kokuho_pc.services.trust", "kokuho_pc.services.messages",
           "kokuho_pc.ui.widgets.error_details")

OpenProfile = Callable[[], "Profile"]
StartupTask = Callable[["Profile"], object]
PageBuilder = Callable[["AppContext"], "dict[str, PageFactory]"]


def sweep_staging(profile: Profile) -> object:
    """The default start-up task: the staging sweep (imported on the worker thread)."""
    from kokuho_pc.services.media_admin import sweep_staging as sweep

    return sweep(profile)
SESSION_CHECK_MS = 60_000


class AppController(QObject):
    """See the module docstring. ``quit_requested`` asks the application to exit."""

    quit_requested = Signal()
    ready = Signal()  # the profile is open (or failed to open) and the login window is usable

    def __init__(
        self,
        jobs: JobRunner,
        open_profile: OpenProfile,
        *,
        page_builder: PageBuilder | None = None,
        help_path: Path | None = None,
        idle_timeout_ms: int | None = None,
        login_sleep: Callable[[float], None] | None = None,
        startup: StartupTask = sweep_staging,
        forward_interval_ms: int | None = None,
    ) -> None:
        super().__init__()
        self.jobs = jobs
        self._open_profile = open_profile
        self._startup = startup
        self._page_builder = page_builder
        self._help_path = help_path
        self._idle_timeout_ms = idle_timeout_ms
        self._login_sleep = login_sleep
        self.profile: Profile | None = None
        self.session: Session | None = None
        self.main_window: MainWindow | None = None
        self.idle_lock: IdleLock | None = None
        self._demo_marker: DemoTitleMarker | None = None
        self.login_window = LoginWindow(jobs, None, unavailable_reason="起動しています…")
        self._session_timer = QTimer(self)
        self._session_timer.setInterval(SESSION_CHECK_MS)
        self._forward_timer = QTimer(self)
        self._forward_interval_ms = forward_interval_ms  # None: services.trust's, at login
        self.forwarding = False
        self._wire()

    def _wire(self) -> None:
        """Every signal of the flow, in one place."""
        self.login_window.logged_in.connect(self._logged_in)
        self._session_timer.timeout.connect(self._check_session)
        self._forward_timer.timeout.connect(self.forward_log)

    # --- start-up --------------------------------------------------------------------

    def start(self) -> LoginWindow:
        """Show the login window and open the profile in the background."""
        self.login_window.show()
        self.jobs.run(
            lambda _progress, _cancel: self._open_and_prepare(),
            self._profile_opened,
            self._profile_failed,
            store=True,
        )
        return self.login_window

    def _open_and_prepare(self) -> Profile:
        """Open the store, then the start-up tasks (staging sweep); worker thread."""
        profile = self._open_profile()
        try:
            self._startup(profile)
            for module in WARM_UP:
                importlib.import_module(module)
        except BaseException:
            profile.close()
            raise
        from kokuho_pc.domain.errors import KokuhoError
        from kokuho_pc.services.trust import TrustService

        try:  # at start: the operation log against the server's tip (and the kept tip)
            TrustService(profile).check()
        except KokuhoError as exc:
            log.app.error("start-up rollback check failed (%s)", exc.code)
        return profile

    def _profile_opened(self, profile: Profile) -> None:
        from kokuho_pc.services.login import LoginService
        from kokuho_pc.ui.widgets.error_details import use_clock  # warmed up

        self.profile = profile
        use_clock(profile.clock)  # error details are dated by the profile's clock
        sleep = self._login_sleep
        service = LoginService(profile) if sleep is None else LoginService(profile, sleep=sleep)
        self.login_window.configure(
            service.login,
            second_factor=profile.policy().second_factor_required, demo=profile.is_demo,
            authenticator=bool(profile.policy().fido_required_roles),
        )
        if profile.is_demo:
            self._demo_marker = DemoTitleMarker(self)
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self._demo_marker)
        self.ready.emit()

    def _profile_failed(self, exc: BaseException) -> None:
        from kokuho_pc.services.messages import describe_error

        described = describe_error(exc)
        log.app.error("the profile could not be opened (%s)", described.code)
        self.login_window.show_problem(f"{described.message}\n{described.hint}")
        self.ready.emit()

    # --- session ---------------------------------------------------------------------

    def _logged_in(self, session: object) -> None:
        from kokuho_pc.services.login import Session

        if not isinstance(session, Session) or self.profile is None:
            return
        self.session = session
        log.app.info("logged in")
        self._continue_setup()

    def _continue_setup(self) -> None:
        """Initial password change, then second-factor enrolment, then the main window."""
        session, profile = self.session, self.profile
        if session is None or profile is None:
            return
        from kokuho_pc.services.accounts import AccountService
        from kokuho_pc.ui.login.password_change_dialog import PasswordChangeDialog
        from kokuho_pc.ui.login.totp_enrol_dialog import TotpEnrolDialog

        accounts = AccountService(profile)
        if session.must_change_password:
            dialog = PasswordChangeDialog(
                self.jobs, lambda cur, new: accounts.change_password(session, cur, new),
                forced=True, parent=self.login_window,
            )
            dialog.changed.connect(self._continue_setup)
            dialog.rejected.connect(self.logout)
            dialog.show()
        elif session.must_enrol_second_factor:
            enrol = TotpEnrolDialog(
                self.jobs, lambda: accounts.begin_totp_enrolment(session),
                lambda pending, code: accounts.confirm_totp_enrolment(session, pending, code),
                parent=self.login_window,
            )
            enrol.enrolled.connect(self._continue_setup)
            enrol.rejected.connect(self.logout)
            enrol.start()
        else:
            self._open_main()

    def _open_main(self) -> None:
        from kokuho_pc.ui.context import AppContext
        from kokuho_pc.ui.login.idle_lock import IdleLock
        from kokuho_pc.ui.main_window import MainWindow

        profile, session = self.profile, self.session
        if profile is None or session is None:
            return
        context = AppContext(
            profile=profile, session=session, jobs=self.jobs, policy_changed=self.apply_policy
        )
        window = MainWindow(
            user_id=session.user_id, role_label=session.role.label, is_admin=session.is_admin,
            demo=profile.is_demo, pages=self._pages(context), help_path=self._help_path,
        )
        window.logout_requested.connect(self.logout)
        window.closed.connect(self._main_closed)
        policy = profile.policy()
        timeout = self._idle_timeout_ms or policy.idle_timeout_seconds * 1000
        lock = IdleLock(
            self.jobs, session.unlock, session.user_id, timeout,
            on_lock=session.lock, on_activity=session.touch, demo=profile.is_demo,
            has_unsaved=lambda: window.unsaved_page() is not None,
            quick_unlock=(session.unlock_with_authenticator if session.can_quick_unlock
                          else None),
        )
        lock.logout_requested.connect(self.logout)
        lock.session_ended.connect(self._session_ended)
        window.lock_requested.connect(lambda: lock.lock("manual"))
        self.main_window, self.idle_lock = window, lock
        self.login_window.hide()
        window.show()
        lock.start(window)
        self._session_timer.start()
        if self._forward_interval_ms is None:
            from kokuho_pc.services.trust import FORWARD_INTERVAL_SECONDS

            self._forward_interval_ms = FORWARD_INTERVAL_SECONDS * 1000
        self._forward_timer.setInterval(self._forward_interval_ms)
        self._forward_timer.start()

    def _pages(self, context: AppContext) -> dict[str, PageFactory]:
        if self._page_builder is not None:
            return self._page_builder(context)
        # Imported here, after login: the login window does not wait for every screen
        # (and what they import: printing, transfer, reportlab, requests).
        from kokuho_pc.ui.pages import build_pages

        return build_pages(context)

    def apply_policy(self) -> None:
        """Read the policy again (after an administrator changed it) and apply the idle time."""
        profile = self.profile
        if profile is None:
            return
        self.jobs.run(lambda _p, _c: profile.policy(), self._policy_read, store=True)

    def _policy_read(self, policy: object) -> None:
        seconds = getattr(policy, "idle_timeout_seconds", None)
        if self.idle_lock is not None and isinstance(seconds, int) and not self._idle_timeout_ms:
            self.idle_lock.set_timeout_ms(seconds * 1000)

    def forward_log(self) -> None:
        """Forward the operation log now (the timer; a background job). Unreachable: left for
        the next time; refused: kept as the administrator's alarm (services.trust)."""
        profile, session = self.profile, self.session
        if profile is None or session is None or self.forwarding:
            return
        staff = session.user_id
        self.forwarding = True

        def done(_result: object) -> None:
            self.forwarding = False

        def failed(exc: BaseException) -> None:
            self.forwarding = False
            log.app.error("operation log forwarding failed (%s)", type(exc).__name__)

        from kokuho_pc.services.trust import TrustService

        self.jobs.run(lambda _p, _c: TrustService(profile).forward_quietly(staff), done,
                      failed, store=True)

    def _check_session(self) -> None:
        session = self.session
        if session is None:
            return
        self.jobs.run(
            lambda _p, _c: session.expired(), self._session_checked, lambda _e: None, store=True
        )

    def _session_checked(self, expired: bool) -> None:
        if expired and self.session is not None:
            self.logout(reason="expired")
            from kokuho_pc.ui.widgets import msgbox

            msgbox.information(
                self.login_window, "再ログインが必要です",
                "ログインの有効時間が過ぎたため、ログアウトしました。もう一度ログインしてください。",
            )

    def _session_ended(self, message: str) -> None:
        """A refused quick unlock ended the session: back to the login window, saying so."""
        self.logout(reason="quick_unlock_refused")
        self.login_window.show_problem(message)

    def logout(self, reason: str = "user") -> None:
        """End the session, close the main window and show the login window."""
        session, self.session = self.session, None
        self._session_timer.stop()
        self._forward_timer.stop()
        if self.idle_lock is not None:
            self.idle_lock.discard()
            self.idle_lock.deleteLater()
            self.idle_lock = None
        if self.main_window is not None:
            window, self.main_window = self.main_window, None
            window.closed.disconnect(self._main_closed)
            window.close_without_asking()
            window.deleteLater()
        profile = self.profile
        if session is not None and profile is not None:

            def end(_p: object, _c: object) -> None:
                from kokuho_pc.services.trust import TrustService

                if not session.is_logged_in:
                    return  # already ended (a refused quick unlock, the 12-hour limit)
                staff = session.user_id
                session.logout(reason=reason)
                TrustService(profile).forward_quietly(staff)  # forward at logout too

            self.jobs.run(
                end, lambda _r: None,
                lambda exc: log.app.error("logout failed (%s)", type(exc).__name__), store=True,
            )
        self.login_window.reset()
        self.login_window.show()

    def _main_closed(self) -> None:
        self.logout()
        self.login_window.close()
        self.quit_requested.emit()

    def shutdown(self) -> None:
        """Log out if needed, stop the jobs and close the profile (application exit)."""
        if self.session is not None:
            session, self.session = self.session, None
            try:
                session.logout(reason="exit")
            except Exception as exc:  # exiting anyway; the log line is what remains
                log.app.error("logout at exit failed (%s)", type(exc).__name__)
        self.jobs.shutdown()
        app = QApplication.instance()
        if self._demo_marker is not None and app is not None:
            app.removeEventFilter(self._demo_marker)
        if self.profile is not None:
            from kokuho_pc.ui.widgets.error_details import machine_clock, use_clock

            use_clock(machine_clock)
            self.profile.close()
            self.profile = None
