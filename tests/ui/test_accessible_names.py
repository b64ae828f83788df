"""Every control Tab reaches has an accessible name (issue 17), on every page and dialog.

The pages are built for a staff member and for the administrator on a real profile and
simulator (``transfer_env``), every page is shown, and the widget tree is walked
(:mod:`tests.ui.accessibility`); so are the login window, the lock screen, the
password change, the account dialog, the send history and the help window.
"""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kokuho_pc.services.candidate_history import ListMoment
from kokuho_pc.services.resources import resource_path
from kokuho_pc.ui.admin.admin_account_dialog import AccountDialog
from kokuho_pc.ui.admin.fido_dialog import FidoDialog
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.candidates.reprint_dialog import ReprintDialog
from kokuho_pc.ui.candidates.second_staff_box import SecondStaffBox
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.login.lock_warning import LockWarning
from kokuho_pc.ui.login.login_window import LoginWindow
from kokuho_pc.ui.login.password_change_dialog import PasswordChangeDialog
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from kokuho_pc.ui.printing.print_preview import PrintPreviewDialog
from kokuho_pc.ui.receive.reexport_dialog import ReexportDialog
from kokuho_pc.ui.send.send_page import SendPage
from kokuho_pc.ui.widgets.help_window import HelpWindow
from kokuho_pc.ui.widgets.qt import QLineEdit, QVBoxLayout, QWidget
from tests.transfer.harness import ADMIN, login
from tests.ui.accessibility import unnamed_controls
from tests.ui.transfer_env import TIMEOUT, TransferEnv, sim_env, transfer_env

__all__ = ["sim_env", "transfer_env"]


def test_every_page_for_staff_and_administrator(
        qtbot: QtBot, transfer_env: TransferEnv, jobs: JobRunner) -> None:
    env = transfer_env
    admin = login(env.profile, ADMIN)
    missing: list[str] = []
    try:
        for context, is_admin in ((env.context, False),
                                  (AppContext(env.profile, admin, jobs), True)):
            window = MainWindow(user_id="u", role_label="r", is_admin=is_admin, demo=True,
                                pages=build_pages(context))
            qtbot.addWidget(window)
            window.show()
            for key in window.page_keys():
                window.show_page(key)
                qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
            candidates = window.page("candidates")
            if isinstance(candidates, CandidatesPage) and not is_admin:
                dialog = candidates.open_confirm_dialog()  # 確定指示 (with the second staff box)
                missing += unnamed_controls(dialog)
                dialog.close()
            send = window.page("send")
            if isinstance(send, SendPage):
                history = send.open_history()
                qtbot.waitUntil(lambda h=history: not h.loading, timeout=TIMEOUT)
                missing += unnamed_controls(history)
                history.close()
            if is_admin:  # 生体認証(認証器)の登録・失効, opened from the accounts tab
                fido = FidoDialog(context, "sato.hanako", "佐藤 花子", window)
                fido.show()
                qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
                missing += unnamed_controls(fido)
                fido.close()
            missing += unnamed_controls(window)
            window.close()
    finally:
        qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
        admin.logout()
    assert missing == [], "\n".join(missing)


def test_login_lock_password_account_and_help(qtbot: QtBot, jobs: JobRunner) -> None:
    widgets: list[QWidget] = [
        LoginWindow(jobs, None),
        LockScreen("suzuki.hanako"),
        PasswordChangeDialog(jobs, lambda _c, _n: None, forced=True),
        AccountDialog(jobs, lambda *_a: None, mode="create", today=dt.date(2026, 10, 1)),
        HelpWindow(resource_path("help") / "index.html"),
        ReexportDialog(["KSK11_082201_20261006090040.dat"], True, second_factor=True),
        LockWarning(),
        SecondStaffBox(True),
        ReprintDialog([ListMoment(dt.datetime(2026, 10, 1, 9, 30), "decision", 2)], True),
        PrintPreviewDialog(_one_page_pdf(), "継続候補世帯リスト"),
    ]
    missing: list[str] = []
    for widget in widgets:
        qtbot.addWidget(widget)
        widget.show()
        missing += unnamed_controls(widget)
    assert missing == [], "\n".join(missing)


def _one_page_pdf() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    out = BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "page")
    pdf.save()
    return out.getvalue()


def test_a_field_without_a_name_is_found(qtbot: QtBot) -> None:
    form = QWidget()
    layout = QVBoxLayout(form)
    layout.addWidget(QLineEdit(objectName="nameless"))
    qtbot.addWidget(form)
    assert unnamed_controls(form) == ["QLineEdit('nameless', '') in QWidget"]
