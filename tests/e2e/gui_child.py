"""The real desktop application in a child process, driven by a script (GUI kill tests).

``python -m tests.e2e.gui_child PROFILE_DIR USER ACTION MEDIUM`` (the password on stdin)
starts the product's own entry point, ``kokuho_pc.cli.main.main(["--profile", DIR])``
(what the ``kokuho-pc`` command runs: the window process, offscreen), then, on a timer,
logs in through the login window, opens the page of ACTION (``send``: 移入・送信,
``export``: 受信・移出), adds MEDIUM as the picker's folder dialog would, chooses it
and clicks the buttons (検査 then 送信; 移出); ``none`` only starts and logs in.

With ``KOKUHO_PC_TEST_PAUSE_AT`` set, the job pauses at that fault point and the test
kills this process there. Without it the job runs to its end; the child prints
``done: <banner level>: <banner text>`` and quits the application (exit 0).
"""

from __future__ import annotations

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


def main(argv: list[str]) -> int:
    profile_dir, user, action, medium = argv
    password = sys.stdin.readline().rstrip("\n")
    drivers: list[Driver] = []
    original_start = AppController.start

    def start(self: AppController) -> Any:
        window = original_start(self)
        drivers.append(Driver(self, _script(self, user, password, action, Path(medium))))
        return window

    AppController.start = start  # type: ignore[method-assign]
    from kokuho_pc.cli.main import main as kokuho_pc

    return kokuho_pc(["--profile", profile_dir])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
