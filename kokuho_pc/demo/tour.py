"""The screen tour: drive the application offscreen and save a PNG of every screen.

``kokuho-pc demo --tour DIR`` uses :func:`run_tour` so anyone can see every
screen without a display. The tour drives the real widgets the way a user
would (typing, clicking) and waits for background jobs like a user would.
Screens of later parts add steps through ``extra_steps``: each step receives
the :class:`Tour` and the logged-in main window and captures what it shows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from kokuho_pc.demo.tour_base import DemoTourAccounts, Tour
from kokuho_pc.demo.tour_steps import (
    PAGE_DRIVERS,
    drive_admin,
    drive_fido_enrol,
    help_step,
    idle,
)
from kokuho_pc.domain.errors import ConnectionFailed
from kokuho_pc.services.jobs_protocol import CancelToken, ProgressReporter
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.resources import resource_path
from kokuho_pc.ui import log
from kokuho_pc.ui.app import create_application
from kokuho_pc.ui.controller import AppController, PageBuilder
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.login.password_change_dialog import PasswordChangeDialog
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.progress_dialog import ProgressDialog
from kokuho_pc.ui.widgets.qt import QDialog, QMessageBox, QWidget

TourStep = Callable[[Tour, MainWindow], None]


def _login(tour: Tour, controller: AppController, user_id: str, password: str) -> MainWindow:
    window = controller.login_window
    window.user_id.setText(user_id)
    window.password.setText(password)
    window.login_button.click()
    tour.wait_until(lambda: controller.main_window is not None, "the main window")
    main = controller.main_window
    assert main is not None
    return main


def _progress_example(tour: Tour, controller: AppController, main: MainWindow) -> None:
    def work(progress: ProgressReporter, cancel: CancelToken) -> None:
        for step in range(30):
            cancel.raise_if_cancelled()
            progress(step, 30, "ファイルを送信しています…")
            time.sleep(0.04)

    job = controller.jobs.run(work, lambda _r: None, lambda _e: None,
                              progress_label="送信しています…", parent=main)
    tour.wait_until(lambda: bool(tour.top_level(ProgressDialog)), "the progress dialog")
    tour.capture("progress-dialog", tour.top_level(ProgressDialog)[0])
    tour.wait_until(lambda: job.done, "the example job")


def run_tour(
    controller: AppController,
    out_dir: Path,
    user_id: str,
    password: str,
    extra_steps: Sequence[TourStep] = (),
    timeout_s: float = 20.0,
) -> list[Path]:
    """Drive a started controller through the foundation screens and ``extra_steps``."""
    tour = Tour(out_dir, timeout_s)
    tour.wait_until(lambda: controller.profile is not None, "the profile")
    login = controller.login_window
    tour.capture("login", login)
    login.user_id.setText(user_id)
    login.password.setText(password + "-wrong")
    login.login_button.click()
    tour.wait_until(lambda: login.login_button.isEnabled() and bool(login.message.text()),
                    "the login refusal")
    tour.capture("login-refused", login)
    main = _login(tour, controller, user_id, password)
    for key in main.page_keys():
        main.show_page(key)
        tour.capture(f"page-{key}", main)
    for step in extra_steps:
        step(tour, main)
    _foundation_dialogs(tour, controller, main, password)
    main.logout_action.trigger()
    tour.capture("logged-out", controller.login_window)
    log.app.info("tour saved %d screens", len(tour.saved))
    return tour.saved


def tour_application(
    open_profile: Callable[[], Profile],
    out_dir: Path,
    user_id: str,
    password: str,
    extra_steps: Sequence[TourStep] = (),
    page_builder: PageBuilder = build_pages,
) -> list[Path]:
    """The whole tour for ``kokuho-pc demo --tour DIR``: application, controller, tour, exit.

    Sets the offscreen platform unless a platform was chosen, so it runs without a display.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = create_application()
    jobs = JobRunner()
    controller = AppController(jobs, open_profile, page_builder=page_builder)
    try:
        controller.start()
        return run_tour(controller, out_dir, user_id, password, extra_steps)
    finally:
        controller.shutdown()
        controller.login_window.close()
        app.processEvents()


# --- the demo tour (kokuho-pc demo --tour DIR) -------------------------------------------


TOUR_WINDOW_SIZE = (1280, 800)
WORKFLOW_ORDER = ("home", "send", "candidates", "results", "receive", "admin")


def _change_initial_password(tour: Tour, controller: AppController,
                             accounts: DemoTourAccounts) -> None:
    tour.wait_until(lambda: bool(tour.top_level(PasswordChangeDialog)),
                    "the password change dialog")
    dialog = tour.top_level(PasswordChangeDialog)[0]
    assert isinstance(dialog, PasswordChangeDialog)
    tour.capture("password-change", dialog)
    dialog.current.setText(accounts.staff_password)
    dialog.new.setText(accounts.new_staff_password)
    dialog.confirm.setText(accounts.new_staff_password)
    dialog.ok_button.click()
    tour.wait_until(lambda: controller.main_window is not None, "the main window")


def _visit(tour: Tour, controller: AppController, main: MainWindow, key: str,
           name: str | None = None) -> QWidget:
    main.show_page(key)
    page = main.page(key)
    tour.wait_until(lambda: idle(controller, page), f"page {key}")
    tour.capture(name or f"page-{key}", main)
    return page


def _run_step(tour: Tour, what: str, step: Callable[[], None]) -> None:
    """Run one driver; a failure is recorded (the tour goes on with the next screen)."""
    try:
        step()
    except Exception as exc:
        tour.problems.append(f"{what}: {type(exc).__name__}: {exc}")
        log.app.error("tour step %s failed (%s)", what, type(exc).__name__)
        for dialog in tour.top_level(QDialog):
            dialog.close()


def _staff_workflow(tour: Tour, controller: AppController, main: MainWindow,
                    accounts: DemoTourAccounts) -> None:
    keys = main.page_keys()
    for key in [k for k in WORKFLOW_ORDER if k in keys] + [k for k in keys
                                                           if k not in WORKFLOW_ORDER]:
        page = _visit(tour, controller, main, key)
        driver = PAGE_DRIVERS.get(key)
        if driver is not None:
            _run_step(tour, key, partial(driver, tour, controller, main, page, accounts))
    if "home" in keys:
        _visit(tour, controller, main, "home", "page-home-after-workflow")


def tour_demo(
    open_profile: Callable[[], Profile],
    out_dir: Path,
    accounts: DemoTourAccounts,
    page_builder: PageBuilder = build_pages,
    timeout_s: float = 60.0,
) -> Tour:
    """The demo's whole tour offscreen: staff workflow on every page, then administration.

    Returns the :class:`Tour` (``saved`` PNG paths, ``problems`` of steps that failed).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    app = create_application()
    jobs = JobRunner()
    controller = AppController(jobs, open_profile, page_builder=page_builder,
                               help_path=resource_path("help", "index.html"))
    tour = Tour(out_dir, timeout_s)
    try:
        controller.start()
        tour.wait_until(lambda: controller.profile is not None, "the profile")
        login = controller.login_window
        tour.capture("login", login)
        login.user_id.setText(accounts.staff_id)
        login.password.setText(accounts.staff_password + "-wrong")
        login.login_button.click()
        tour.wait_until(lambda: login.login_button.isEnabled() and bool(login.message.text()),
                        "the login refusal")
        tour.capture("login-refused", login)
        login.password.setText(accounts.staff_password)
        login.login_button.click()
        _change_initial_password(tour, controller, accounts)
        main = controller.main_window
        assert main is not None
        main.resize(*TOUR_WINDOW_SIZE)
        _staff_workflow(tour, controller, main, accounts)
        _run_step(tour, "help", lambda: help_step(tour, main))
        _foundation_dialogs(tour, controller, main, accounts.new_staff_password)
        main.logout_action.trigger()
        admin = _login(tour, controller, accounts.admin_id, accounts.admin_password)
        admin.resize(*TOUR_WINDOW_SIZE)
        if "admin" in admin.page_keys():
            page = _visit(tour, controller, admin, "admin")
            _run_step(tour, "admin", lambda: drive_admin(tour, controller, admin, page, accounts))
            _run_step(tour, "fido", lambda: drive_fido_enrol(tour, controller, admin, page,
                                                             accounts))
        admin.logout_action.trigger()
        tour.capture("logged-out", controller.login_window)
        log.app.info("tour saved %d screens", len(tour.saved))
        return tour
    finally:
        controller.shutdown()
        controller.login_window.close()
        app.processEvents()


def _foundation_dialogs(tour: Tour, controller: AppController, main: MainWindow,
                        password: str) -> None:
    main.about_action.trigger()
    box = next(w for w in tour.top_level(QMessageBox) if "バージョン情報" in w.windowTitle())
    tour.capture("about", box)
    box.close()
    dialog = show_error(main, ConnectionFailed())
    tour.capture("error-dialog", dialog)
    dialog.close()
    _progress_example(tour, controller, main)
    lock = controller.idle_lock
    if lock is not None:
        lock.warn()
        if lock.warning is not None:
            tour.capture("lock-warning", lock.warning)
            lock.warning.continue_button.click()
        lock.lock()
        tour.capture("lock-screen", main)
        screen = main.centralWidget()
        if isinstance(screen, LockScreen) and screen.quick_unlock_button is not None:
            # Quick unlock with the (software) FIDO2 authenticator (issue 21).
            tour.capture("fido-unlock", main)
            screen.quick_unlock_button.click()
            tour.wait_until(lambda: not lock.is_locked, "unlocking with the authenticator")
            tour.capture("fido-unlock-done", main)
        elif isinstance(screen, LockScreen):
            screen.password.setText(password)
            screen.unlock_button.click()
            tour.wait_until(lambda: not lock.is_locked, "unlocking")
