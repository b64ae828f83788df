"""The whole staff round without a mouse (issue 17): key presses only.

login → first-login password change → 検査 → 送信 → decide every candidate → 確定 →
print preview → 移出 → logout, through the real controller, the real pages, a real
seeded simulator and a real demo profile. The test drives the application with
``QTest.keyClick``/``keyClicks`` sent to the focused widget of the window in front,
nothing else: no mouse, no method of a widget called to act. What it reads (page
state, models) is only to wait for background work and to check the outcome.

The one thing done outside the keyboard is the window manager's part: a newly shown
window (a dialog, the main window after login) is activated, as the desktop does.
"""

from __future__ import annotations

import io
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kokuho_pc.auth.accounts import Role
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.media_admin import MediaAdminService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.password_change_dialog import PasswordChangeDialog
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.receive.receive_page import ReceivePage
from kokuho_pc.ui.results.results_page import ResultsPage
from kokuho_pc.ui.send.send_page import SendPage
from kokuho_pc.ui.widgets.qt import QApplication, Qt, QWidget
from tests.services.cand_env import seeded_template
from tests.simhelpers import SimPki, SimServer
from tests.transfer.harness import ADMIN, INITIAL_PW, login, make_profile, write_files
from tests.ui.transfer_env import shot, tsukuba_set
from tests.ui.vocabulary import english_words

__all__ = ["seeded_template"]

NEW_STAFF = "yamada.keiko"
NEW_PW = "Kiiboado-dake-de-shigoto-2026!"
TIMEOUT = 30_000
Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


@pytest.fixture
def office(tmp_path: Path, seeded_template: tuple[Path, SimPki]) -> Iterator[tuple[Profile, Path]]:
    """A seeded simulator, a demo profile with a new staff member (initial password) and one
    approved medium holding a つくば市 pair to send."""
    template, pki = seeded_template
    data = tmp_path / "sim" / "data"
    shutil.copytree(template, data)
    sim = SimServer(data, pki).start()
    profile = None
    try:
        profile = make_profile(tmp_path / "profile", sim, pki)
        medium = tmp_path / "media" / "USB-01"
        medium.mkdir(parents=True)
        admin = login(profile, ADMIN)
        AccountService(profile).add_user(admin, NEW_STAFF, "山田", Role.STAFF, INITIAL_PW)
        MediaAdminService(profile).register(admin, medium, (NEW_STAFF,))
        PolicyService(profile).change(admin, "emulated_media_dirs", [str(medium)])
        admin.logout()
        write_files(medium, tsukuba_set(first=9100))
        yield profile, medium
    finally:
        if profile is not None:
            profile.close()
        sim.stop()


class Keyboard:
    """Key presses to the focused widget of the window in front."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot

    def front(self, window: QWidget) -> QWidget:
        """``window`` is in front (the window manager activates it); its focused widget."""
        if not window.isActiveWindow():
            window.activateWindow()
            self.qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        return QApplication.focusWidget() or window

    def press(self, window: QWidget, key: Key, modifier: Any = Qt.KeyboardModifier.NoModifier,
              times: int = 1) -> None:
        for _ in range(times):
            QTest.keyClick(self.front(window), key, modifier)

    def type(self, window: QWidget, text: str) -> None:
        QTest.keyClicks(self.front(window), text)

    def tab_to(self, window: QWidget, target: QWidget, limit: int = 40) -> None:
        """Tab until ``target`` has the focus (fails after ``limit`` presses)."""
        for _ in range(limit):
            if target.hasFocus():
                return
            self.press(window, Key.Key_Tab)
        assert target.hasFocus(), f"Tab never reached {target!r}"


def _idle(controller: AppController, page: Any) -> Callable[[], bool]:
    def idle() -> bool:
        busy = getattr(page, "busy", False)
        return (not busy and not getattr(page, "loading", False)
                and not controller.jobs.active_jobs())
    return idle


@pytest.mark.qt_log_ignore(  # the offscreen platform: the menu's keyboard grab, raise()
    r"^This plugin does not support grabbing the keyboard$",
    r"^This plugin does not support raise\(\)$")
def test_the_whole_round_with_the_keyboard_only(
        qtbot: QtBot, jobs: JobRunner, office: tuple[Profile, Path]) -> None:
    profile, medium = office
    keys = Keyboard(qtbot)
    controller = AppController(jobs, lambda: profile, login_sleep=lambda _s: None)
    try:
        with qtbot.waitSignal(controller.ready, timeout=TIMEOUT):
            controller.start()
        _round(qtbot, keys, controller, medium)
    finally:
        controller.shutdown()


def _round(qtbot: QtBot, keys: Keyboard, controller: AppController, medium: Path) -> None:
    # --- login with the initial password ---------------------------------------------------
    login_window = controller.login_window
    qtbot.waitUntil(login_window.login_button.isEnabled, timeout=TIMEOUT)
    keys.front(login_window)
    assert login_window.user_id.hasFocus()
    keys.type(login_window, NEW_STAFF)
    keys.press(login_window, Key.Key_Tab)
    assert login_window.password.hasFocus()
    keys.type(login_window, INITIAL_PW)
    keys.press(login_window, Key.Key_Return)

    # --- first-login password change -----------------------------------------------------------
    qtbot.waitUntil(lambda: bool(login_window.findChildren(PasswordChangeDialog)),
                    timeout=TIMEOUT)
    dialog = login_window.findChildren(PasswordChangeDialog)[0]
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    keys.front(dialog)
    assert dialog.current.hasFocus()
    keys.type(dialog, INITIAL_PW)
    keys.press(dialog, Key.Key_Tab)
    keys.type(dialog, NEW_PW)
    keys.press(dialog, Key.Key_Tab)
    keys.type(dialog, NEW_PW)
    keys.press(dialog, Key.Key_Return)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=TIMEOUT)
    main = controller.main_window
    assert isinstance(main, MainWindow)
    main.resize(1280, 800)

    # --- 移入・送信: 検査, then 送信 from where the focus went -----------------------------------
    keys.press(main, Key.Key_2, CTRL)
    send = main.page("send")
    assert isinstance(send, SendPage) and main.current_page_key() == "send"
    qtbot.waitUntil(lambda: send.medium is not None and send.medium.path == medium
                    and _idle(controller, send)() and send.check_button.isEnabled(),
                    timeout=TIMEOUT)
    keys.press(main, Key.Key_K, ALT)  # 検査(K)
    qtbot.waitUntil(lambda: send.check_view.report is not None and _idle(controller, send)()
                    and send.send_button.isEnabled(), timeout=TIMEOUT)
    qtbot.waitUntil(send.send_button.hasFocus, timeout=5000)  # the focus came back to 送信
    shot(main, "keyboard-send-checked")
    keys.press(main, Key.Key_Return)  # Enter on the focused 送信
    qtbot.waitUntil(lambda: send.last_result is not None and _idle(controller, send)(),
                    timeout=TIMEOUT)
    assert send.last_result is not None and send.last_result.all_accepted

    # --- 継続候補世帯: decide every candidate ----------------------------------------------------
    keys.press(main, Key.Key_4, CTRL)
    page = main.page("candidates")
    assert isinstance(page, CandidatesPage)
    qtbot.waitUntil(_idle(controller, page), timeout=TIMEOUT)
    total = page.model.rowCount()
    assert total > 0
    keys.tab_to(main, page.table)
    keys.press(main, Key.Key_Down)
    for _ in range(total + 2):
        qtbot.waitUntil(lambda: page.detail.candidate is not None and _idle(controller, page)()
                        and page.panel.continue_radio.isEnabled(), timeout=TIMEOUT)
        current = page.detail.candidate
        assert current is not None
        if current.decision is None:
            keys.press(main, Key.Key_2 if current.suggestion == "discontinue" else Key.Key_1,
                       ALT)  # 継続する(1) / 継続しない(2), as suggested
            qtbot.waitUntil(page.panel.save_next_button.isEnabled, timeout=5000)  # animated
            keys.press(main, Key.Key_N, ALT)  # 保存して次の未判断へ(N)
            qtbot.waitUntil(lambda no=current.candidate_no: _idle(controller, page)() and (
                page.detail.candidate is None or page.detail.candidate.candidate_no != no
                or page.detail.candidate.decision is not None), timeout=TIMEOUT)
        undecided = [page.model.view(r) for r in range(page.model.rowCount())
                     if page.model.view(r).decision is None]
        if not undecided:
            break
    assert all(page.model.view(r).decision is not None for r in range(page.model.rowCount()))
    shot(main, "keyboard-candidates-decided")

    # --- 確定指示 ----------------------------------------------------------------------------
    keys.press(main, Key.Key_D, ALT)  # 確定指示(D)…
    qtbot.waitUntil(lambda: page.confirm_dialog is not None
                    and page.confirm_dialog.isVisible(), timeout=TIMEOUT)
    confirm = page.confirm_dialog
    keys.press(confirm, Key.Key_O, ALT)  # 内容を確認しました(O)
    qtbot.waitUntil(confirm.confirm_button.isEnabled, timeout=5000)
    keys.press(confirm, Key.Key_D, ALT)  # 確定(D)
    qtbot.waitUntil(lambda: "確定しました" in confirm.outcome_label.text(), timeout=TIMEOUT)
    shot(confirm, "keyboard-confirmed")
    keys.press(confirm, Key.Key_Escape)
    qtbot.waitUntil(lambda: not confirm.isVisible(), timeout=5000)

    # --- 確定結果: print preview ----------------------------------------------------------------
    keys.press(main, Key.Key_5, CTRL)
    results = main.page("results")
    assert isinstance(results, ResultsPage)
    qtbot.waitUntil(lambda: _idle(controller, results)()
                    and results.confirmed_print_button.isEnabled(), timeout=TIMEOUT)
    keys.press(main, Key.Key_P, ALT)  # 確定リスト印刷(P)
    qtbot.waitUntil(lambda: results.printing.preview is not None
                    and results.printing.preview.isVisible(), timeout=TIMEOUT)
    preview = results.printing.preview
    shot(preview, "keyboard-print-preview")
    document = results.printing.document  # the print says no English code either (issue 17)
    assert document is not None
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf)).pages)
    assert "継続" in printed and english_words(printed) == [], english_words(printed)
    keys.press(preview, Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible(), timeout=5000)

    # --- 受信・移出 ----------------------------------------------------------------------------
    keys.press(main, Key.Key_3, CTRL)
    receive = main.page("receive")
    assert isinstance(receive, ReceivePage)
    qtbot.waitUntil(lambda: receive.medium is not None and _idle(controller, receive)()
                    and receive.export_button.isEnabled(), timeout=TIMEOUT)
    keys.press(main, Key.Key_E, ALT)  # 移出(E)
    qtbot.waitUntil(lambda: receive.last_result is not None and _idle(controller, receive)(),
                    timeout=TIMEOUT)
    assert receive.last_result is not None and receive.last_result.exported
    assert any(p.name.startswith("KSK11") for p in medium.iterdir())
    shot(main, "keyboard-exported")

    # --- ログアウト from the menu --------------------------------------------------------------
    keys.press(main, Key.Key_F, ALT)  # ファイル(F)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=5000)
    QTest.keyClick(QApplication.activePopupWidget(), Key.Key_L)  # ログアウト(L)
    qtbot.waitUntil(lambda: controller.main_window is None, timeout=TIMEOUT)
    assert controller.login_window.isVisible()
