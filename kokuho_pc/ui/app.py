"""Start the desktop application (``kokuho-pc``) or its smoke test (``--smoke-test``).

Order matters: the application object, then the crash hook, the Japanese Qt
translations, the IPAexGothic font, the copy lock-down and the screen-capture
guard, and only then the first window.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kokuho_pc.services.resources import resource_path
from kokuho_pc.ui import log
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.crash import install_crash_hook
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.test_driver import attach_test_driver
from kokuho_pc.ui.widgets.app_filters import installed_filter
from kokuho_pc.ui.widgets.capture_guard import CaptureGuard
from kokuho_pc.ui.widgets.keyboard import install_keyboard
from kokuho_pc.ui.widgets.lockdown import install_lockdown
from kokuho_pc.ui.widgets.qt import (
    QApplication,
    QCoreApplication,
    QEventLoop,
    QFont,
    QFontDatabase,
    QLibraryInfo,
    QTimer,
    QTranslator,
)

if TYPE_CHECKING:
    from kokuho_pc.services.profile import Profile

APP_NAME = "国保総合PC"
FONT_FILE = ("fonts", "ipaexg.ttf")
FONT_POINT_SIZE = 10
SMOKE_TEST_TIMEOUT_MS = 20_000


def load_app_font(app: QApplication) -> str | None:
    """Register IPAexGothic and make it the application font; return its family."""
    path = resource_path(*FONT_FILE)
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.app.warning("the application font could not be loaded")
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    app.setFont(QFont(families[0], FONT_POINT_SIZE))
    return str(families[0])


def _install_translations(app: QApplication) -> None:
    """Qt's own texts (standard buttons, context menus) in Japanese."""
    translator = QTranslator(app)
    directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_ja", directory):
        app.installTranslator(translator)
    else:
        log.app.info("Qt's Japanese translations are not available")


def create_application(argv: list[str] | None = None) -> QApplication:
    """The configured application object (an existing one is configured and reused)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    install_crash_hook()
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName("kokuho-pc")
    _install_translations(app)
    load_app_font(app)
    install_keyboard(app)  # before any other Python event filter: it sets the style sheet
    install_lockdown(app)
    installed_filter(app, CaptureGuard, CaptureGuard)
    return app


def _profile_opener(args: argparse.Namespace) -> Profile:
    """Runs on the worker thread: the store and its dependencies load after the window shows."""
    from kokuho_pc.services.profile import open_profile

    return open_profile(getattr(args, "profile", None))


def run_application(args: argparse.Namespace,
                    open_profile: Callable[[], Profile] | None = None) -> int:
    """Run the desktop application until its main window closes; return the exit code.

    ``open_profile`` replaces the opening of ``args.profile`` (the demo injects its
    software authenticator into the profile it opens)."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    app = create_application()
    jobs = JobRunner()
    controller = AppController(
        jobs, open_profile or (lambda: _profile_opener(args)),
        help_path=resource_path("help", "index.html"),
    )
    controller.quit_requested.connect(app.quit)
    controller.start()
    driver = attach_test_driver(controller)  # None unless KOKUHO_PC_TEST_DRIVER is set
    app.setQuitOnLastWindowClosed(True)
    try:
        code = app.exec()
        del driver
    finally:
        controller.shutdown()
    return int(code)


def smoke_test(args: argparse.Namespace) -> int:
    """Open the login window offscreen, wait until start-up finished, close it; exit 0."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = create_application()
    jobs = JobRunner()
    controller = AppController(jobs, lambda: _profile_opener(args))
    outcome: list[bool] = []
    loop = QEventLoop()  # a local loop: quitting the application would end later loops too

    def finish() -> None:
        window = controller.login_window
        outcome.append(window.isVisible() and bool(window.windowTitle()))
        window.close()
        loop.quit()

    controller.ready.connect(finish)
    deadline = QTimer(controller)
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    deadline.start(SMOKE_TEST_TIMEOUT_MS)
    controller.start()
    try:
        loop.exec()
    finally:
        deadline.stop()
        controller.shutdown()
        controller.deleteLater()
        app.processEvents()
    if outcome and outcome[0]:
        sys.stdout.write("smoke test: OK\n")
        return 0
    sys.stderr.write("スモークテストに失敗しました: ログイン画面を表示できませんでした。\n")
    return 1
