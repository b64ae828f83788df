"""Drives the real ``kokuho-pc`` window process through a script (GUI kill tests).

The test starts the installed ``kokuho-pc --profile DIR`` (the console script: real
argument parsing, ``run_application``, the real login and main windows, offscreen) with
``KOKUHO_PC_TEST_DRIVER=tests.e2e.gui_driver``; the product's test hook
(``kokuho_pc.ui.test_driver``) imports this module after the controller started and
calls :func:`attach`. The script, on a timer, logs in through the login window (the
password read from stdin), opens the page of ``GUI_DRIVER_ACTION`` (``send``: 移入・送信,
``export``: 受信・移出), adds ``GUI_DRIVER_MEDIUM`` as the picker's folder dialog would
(``picker.add_folder``: the one step not done through the real widget, the native file
dialog), chooses it and clicks the buttons (検査 then 送信; 移出); ``none`` only logs in.
The user is ``GUI_DRIVER_USER``.

With ``KOKUHO_PC_TEST_PAUSE_AT`` set, the job pauses at that fault point and the test
kills the process there. Without it the job runs to its end; the script prints
``done: <banner level>: <banner text>`` and quits the application (exit 0).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.widgets.qt import QApplication, QTimer

Condition = Callable[[], bool]


def _script(controller: AppController, user: str, password: str, action: str,
            medium: Path) -> Iterator[Condition]:
    yield lambda: controller.profile is not None and controller.login_window.isVisible()
    window = controller.login_window
    window.user_id.setText(user)
    window.password.setText(password)
    window.login_button.click()
    yield lambda: controller.main_window is not None
    main = controller.main_window
    assert main is not None
    if action == "none":
        print("done: logged in", flush=True)
        QApplication.quit()
        return
    key = "send" if action == "send" else "receive"
    main.show_page(key)
    page: Any = main.page(key)
    yield lambda: not page.picker.loading and not getattr(page, "loading", False)
    page.picker.add_folder(medium)  # what 「フォルダを選択…」 does with the chosen folder
    yield lambda: not page.picker.loading and not getattr(page, "loading", False)
    assert page.picker.choose_path(medium), "the medium cannot be chosen"
    if action == "send":
        yield lambda: bool(page.check_button.isEnabled())
        page.check_button.click()
        yield lambda: bool(page.send_button.isEnabled()) or page.banner.level == "error"
        assert page.banner.level != "error", page.banner.text()
        page.send_button.click()
    else:
        yield lambda: bool(page.export_button.isEnabled())
        page.export_button.click()
    print(f"clicked: {action}", flush=True)
    yield lambda: not page.busy
    print(f"done: {page.banner.level}: {page.banner.text()}", flush=True)
    QApplication.quit()


class Driver:
    """Advances the script whenever its current condition holds (every 50 ms)."""

    def __init__(self, controller: AppController, script: Iterator[Condition]) -> None:
        self.script = script
        self.condition = next(script)
        self.timer = QTimer(controller)
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        try:
            if self.condition():
                self.condition = next(self.script)
        except StopIteration:
            self.timer.stop()
        except BaseException:  # the test reads it from the child's output
            traceback.print_exc()
            sys.stdout.flush()
            QApplication.exit(3)


ENV_USER, ENV_ACTION, ENV_MEDIUM = "GUI_DRIVER_USER", "GUI_DRIVER_ACTION", "GUI_DRIVER_MEDIUM"


def attach(controller: AppController) -> Driver:
    """Called by the product's test hook once the controller has started."""
    password = sys.stdin.readline().rstrip("\n")
    script = _script(controller, os.environ[ENV_USER], password, os.environ[ENV_ACTION],
                     Path(os.environ[ENV_MEDIUM]))
    return Driver(controller, script)
