"""The idle lock: after the policy's idle time every window's content disappears.

:class:`IdleLock` watches mouse and keyboard activity application-wide. When
the timer runs out it

- hides every top-level window except the primary (main) window, and keeps
  hiding any window that opens while locked (a job's result box, for example);
- empties the data models of every item view and calls ``clear_for_lock()``
  on every widget that has one (detail panes);
- puts a :class:`~kokuho_pc.ui.login.lock_screen.LockScreen` in place of the
  primary window's content, hides its menus and status bar, and gives it the
  neutral title 「国保総合PC — ロック中」.

The same user unlocks with their password: ``unlock(password, otp)``
(``Session.unlock``) runs through the job helper (key derivation is slow) and
raises an :class:`~kokuho_pc.domain.errors.AuthError` when it is wrong.
``on_lock(reason)`` (``Session.lock``, which writes the operation log) runs in the
background when the screen locks, with the real reason: ``idle`` when the timer
ran out, ``manual`` for the 「画面ロック」 command (Ctrl+L). A countdown
(:class:`~kokuho_pc.ui.login.lock_warning.LockWarning`) appears
``warning_ms`` (30 s) before an idle lock; any activity hides it.
``on_activity()`` (``Session.touch``) is called at most once a second on user input; when it raises
``SessionLocked`` the screen locks at once, ``SessionExpired`` logs out. After unlocking,
``restore_after_unlock()`` is called on every widget that has one so pages load
their data again. 「ログアウト」 emits :attr:`IdleLock.logout_requested`.
A refused quick unlock (``QuickUnlockRefused``: the session is over) emits
:attr:`IdleLock.session_ended` with the one login-failure message; the controller
then shows the login window with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kokuho_pc.domain.errors import (
    KokuhoError,
    QuickUnlockRefused,
    SessionExpired,
    SessionLocked,
)
from kokuho_pc.ui import log
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.login.lock_warning import LockWarning
from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.error_dialog import user_message
from kokuho_pc.ui.widgets.qt import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QEvent,
    QMainWindow,
    QObject,
    QSortFilterProxyModel,
    QTimer,
    QWidget,
    Signal,
    qt_object_alive,
)

FIXED_LABELS = "kokuhoFixedLabels"  # view property: see mark_fixed_labels

LOCKED_TITLE = "国保総合PC — ロック中"
DEFAULT_TIMEOUT_SECONDS = 60
WARNING_MS = 30_000
IDLE, MANUAL = "idle", "manual"
_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
}


class IdleLock(QObject):
    """Locks the application after ``timeout_ms`` without mouse or keyboard activity."""

    locked = Signal()
    unlocked = Signal()
    logout_requested = Signal()
    session_ended = Signal(str)  # a refused quick unlock ended the session: the message

    def __init__(
        self,
        jobs: JobRunner,
        unlock: Callable[[str, str | None], None],
        user_id: str,
        timeout_ms: int = DEFAULT_TIMEOUT_SECONDS * 1000,
        *,
        on_lock: Callable[[str], None] | None = None,
        on_activity: Callable[[], None] | None = None,
        demo: bool = False,
        warning_ms: int = WARNING_MS,
        has_unsaved: Callable[[], bool] | None = None,
        quick_unlock: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._jobs = jobs
        self._verify = unlock
        # Session.unlock_with_authenticator when the account has an authenticator (issue 21).
        self._quick_unlock = quick_unlock
        self._user_id = user_id
        self._demo = demo
        self._on_lock = on_lock
        self._on_activity = on_activity
        self._last_activity_call = 0.0
        self._primary: QMainWindow | None = None
        self._lock_screen: LockScreen | None = None
        self._saved_central: QWidget | None = None
        self._saved_title = ""
        self._hidden_windows: list[QWidget] = []
        self._hidden_bars: list[QWidget] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._idle_timeout)
        self._warning_ms = warning_ms
        self._has_unsaved = has_unsaved
        self.warning: LockWarning | None = None
        self._warn_timer = QTimer(self)
        self._warn_timer.setSingleShot(True)
        self._warn_timer.timeout.connect(self.warn)

    @property
    def is_locked(self) -> bool:
        """True while the lock screen is up."""
        return self._lock_screen is not None

    @property
    def timeout_ms(self) -> int:
        """The idle time before locking."""
        return int(self._timer.interval())

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """Change the idle time (policy change)."""
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._restart()

    def _warning_lead_ms(self) -> int:
        """How long before the lock the countdown appears (at most half the idle time)."""
        return min(self._warning_ms, self._timer.interval() // 2)

    def _restart(self) -> None:
        """Activity (or start): the idle time begins again, no countdown."""
        self._timer.start()
        self._warn_timer.start(max(0, self._timer.interval() - self._warning_lead_ms()))
        if self.warning is not None and self.warning.isVisible():
            self.warning.stop()

    def warn(self) -> None:
        """Show the countdown before the idle lock (the timer calls it; so does the tour)."""
        if self._lock_screen is not None or self._primary is None:
            return
        if self.warning is None:
            self.warning = LockWarning(self._primary)
            self.warning.keep_working.connect(self._restart)
        self.warning.start(self._timer.remainingTime() / 1000, self._primary)

    def _idle_timeout(self) -> None:
        self.lock(IDLE)

    def start(self, primary: QMainWindow) -> None:
        """Start watching; ``primary`` is the window that shows the lock screen."""
        self._primary = primary
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._restart()

    def stop(self) -> None:
        """Stop watching (logout); does not unlock."""
        self._timer.stop()
        self._warn_timer.stop()
        if self.warning is not None:
            self.warning.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Restart the timer on activity; keep new windows hidden while locked."""
        kind = event.type()
        if self._lock_screen is None:
            if kind in _ACTIVITY:
                self._restart()
                self._activity()
        elif kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            if watched is not self._primary and watched not in self._hidden_windows:
                self._hidden_windows.append(watched)
                QTimer.singleShot(0, watched.hide)
        elif kind == QEvent.Type.Close and watched in self._hidden_windows:
            self._hidden_windows.remove(watched)  # closed while locked: not shown again
        return False

    def _activity(self) -> None:
        now = time.monotonic()
        if self._on_activity is None or now - self._last_activity_call < 1.0:
            return
        self._last_activity_call = now
        try:
            self._on_activity()
        except SessionExpired:
            log.lock.info("session expired; logging out")
            QTimer.singleShot(0, self._logout)
        except SessionLocked:
            QTimer.singleShot(0, lambda: self.lock(IDLE))

    # --- locking ---------------------------------------------------------------------

    def lock(self, reason: str = MANUAL) -> None:
        """Lock now: ``manual`` (the 「画面ロック」 command) or ``idle`` (the timer)."""
        if self._lock_screen is not None or self._primary is None:
            return
        log.lock.info("screen lock engaged (%s)", reason)
        self._warn_timer.stop()
        if self.warning is not None:
            self.warning.stop()
        primary = self._primary
        for window in QApplication.topLevelWidgets():
            if window is not primary and window.isVisible():
                self._hidden_windows.append(window)
                window.hide()
        for window in QApplication.topLevelWidgets():
            _clear_data(window)
        self._saved_title = primary.windowTitle()
        primary.setWindowTitle(LOCKED_TITLE)
        for bar in (primary.menuBar(), primary.statusBar()):
            if bar.isVisible():
                self._hidden_bars.append(bar)
                bar.hide()
        self._saved_central = primary.takeCentralWidget()
        screen = LockScreen(self._user_id, demo=self._demo, idle=reason == IDLE,
                            quick_unlock=self._quick_unlock is not None)
        screen.unlock_requested.connect(self._try_unlock)
        screen.quick_unlock_requested.connect(self._try_quick_unlock)
        screen.logout_requested.connect(self._logout_clicked)
        self._lock_screen = screen
        primary.setCentralWidget(screen)
        screen.password.setFocus()
        on_lock = self._on_lock
        if on_lock is not None:
            self._jobs.run(lambda _p, _c: on_lock(reason),
                           lambda _r: None, self._lock_record_failed, store=True)
        self.locked.emit()

    def _lock_record_failed(self, exc: BaseException) -> None:
        log.lock.error("recording the lock failed: %s", type(exc).__name__)

    def _logout_clicked(self) -> None:
        """「ログアウト」 on the lock screen: warn first when a judgement is unsaved."""
        screen = self._lock_screen
        if screen is None or self._has_unsaved is None or not self._has_unsaved():
            self._logout()
            return
        msgbox.confirm(screen, "保存していない判断", "保存していない判断の入力があります。"
                       "ログアウトすると、その入力は破棄されます。ログアウトしますか。",
                       self._logout)

    def _try_unlock(self, password: str) -> None:
        screen = self._lock_screen
        if screen is None:
            return
        self._jobs.run(
            lambda _progress, _cancel: self._verify(password, None),
            lambda _result: self._unlock(),
            self._unlock_failed,
            store=True,
        )

    def _try_quick_unlock(self) -> None:
        quick = self._quick_unlock
        if self._lock_screen is None or quick is None:
            return
        # The authenticator waits for the user's finger/face: never on the GUI thread.
        self._jobs.run(
            lambda _progress, _cancel: quick(),
            lambda _result: self._unlock(),
            self._quick_unlock_failed,
            store=True,
        )

    def _quick_unlock_failed(self, exc: BaseException) -> None:
        if self._lock_screen is None:
            return
        if not isinstance(exc, QuickUnlockRefused):
            self._unlock_failed(exc)  # nobody answered: stay locked, the password unlocks
            return
        log.lock.info("quick unlock refused; the session is over")
        message, hint = user_message(exc)
        self.stop()
        self.session_ended.emit(f"{message}\n{hint}")

    def _unlock_failed(self, exc: BaseException) -> None:
        if self._lock_screen is None:
            return
        if not isinstance(exc, KokuhoError):
            log.lock.error("unlock failed unexpectedly: %s", type(exc).__name__)
        message, _hint = user_message(exc)
        self._lock_screen.show_message(message)

    def _unlock(self) -> None:
        primary, screen = self._primary, self._lock_screen
        if primary is None or screen is None:
            return
        log.lock.info("idle lock released")
        primary.takeCentralWidget()
        screen.deleteLater()
        self._lock_screen = None
        if self._saved_central is not None:
            primary.setCentralWidget(self._saved_central)
            self._saved_central = None
        for bar in self._hidden_bars:
            bar.show()
        self._hidden_bars.clear()
        primary.setWindowTitle(self._saved_title)
        hidden = [w for w in self._hidden_windows if qt_object_alive(w)]
        self._hidden_windows = []
        for window in hidden:
            window.show()
        for window in [primary, *hidden]:
            _restore_data(window)
        self._restart()
        self.unlocked.emit()

    def _logout(self) -> None:
        self.stop()
        self.logout_requested.emit()

    def discard(self) -> None:
        """Forget the saved content (after logout the windows are closed anyway)."""
        self.stop()
        if self._saved_central is not None:
            self._saved_central.deleteLater()
            self._saved_central = None
        self._lock_screen = None
        self._hidden_windows.clear()
        if self.warning is not None:
            self.warning.close()
            self.warning.deleteLater()
            self.warning = None


def mark_fixed_labels(view: QAbstractItemView) -> None:
    """Declare that ``view`` shows fixed labels only (e.g. the navigation list): the
    lock leaves its model alone instead of warning that it cannot empty it."""
    view.setProperty(FIXED_LABELS, True)


def _in_combo_box(view: QWidget) -> bool:
    """True for a combo box's pop-up list (a top-level window of its own, parented
    to the combo box through its container)."""
    parent = view.parent()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parent()
    return False


def _clear_data(root: QWidget) -> None:
    """Empty every model under ``root`` and call ``clear_for_lock`` where present.

    Skipped: views marked with :func:`mark_fixed_labels` and the pop-up lists of
    combo boxes (their choices are fixed; a widget whose combo is filled with
    data empties it in its own ``clear_for_lock``). Any other model without
    ``clear_for_lock`` is reported: it may hold data the lock should remove.
    """
    for view in [root, *root.findChildren(QAbstractItemView)]:
        if not isinstance(view, QAbstractItemView):
            continue
        if _in_combo_box(view) or view.property(FIXED_LABELS):
            continue
        model = view.model()
        while isinstance(model, QSortFilterProxyModel):
            model = model.sourceModel()
        clear = getattr(model, "clear_for_lock", None)
        if callable(clear):
            clear()
        elif model is not None:
            log.lock.warning("model %s has no clear_for_lock()", type(model).__name__)
    for widget in [root, *root.findChildren(QWidget)]:
        clear = getattr(widget, "clear_for_lock", None)
        if callable(clear):
            clear()


def _restore_data(root: QWidget) -> None:
    """Let pages load their data again after unlocking."""
    for widget in [root, *root.findChildren(QWidget)]:
        restore = getattr(widget, "restore_after_unlock", None)
        if callable(restore):
            restore()
