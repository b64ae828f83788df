"""The manuals quote what the screens say (issue 17 item 5).

Every 「…」 of resources/help/staff.md and admin.md must be a text of the application
(screen titles, navigation, menu entries, buttons, tabs, column headers, labels),
collected from the widget trees of every page (staff and administrator) and of the
dialogs the manuals describe; mnemonics are stripped (「検査(&K)」 is 「検査」). The
few quotes that are not a label (a phrase of a message, a column list) are listed in
NOT_LABELS with the reason.
"""

from __future__ import annotations

import datetime as dt
import re

from pytestqt.qtbot import QtBot

from kokuho_pc.domain.errors import LoginFailed
from kokuho_pc.services.resources import resource_path
from kokuho_pc.ui.admin.admin_account_dialog import AccountDialog
from kokuho_pc.ui.admin.fido_dialog import FidoDialog
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.candidates.reprint_dialog import ReprintDialog
from kokuho_pc.ui.candidates.second_staff_box import SecondStaffBox
from kokuho_pc.ui.candidates.unsaved_prompt import ask_unsaved
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.login.lock_warning import LockWarning
from kokuho_pc.ui.login.login_window import LoginWindow
from kokuho_pc.ui.login.password_change_dialog import PasswordChangeDialog
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from kokuho_pc.ui.receive.reexport_dialog import ReexportDialog
from kokuho_pc.ui.send.send_history import SendHistoryDialog
from kokuho_pc.ui.widgets.error_dialog import ErrorDialog
from kokuho_pc.ui.widgets.qt import QWidget
from tests.transfer.harness import ADMIN, STAFF, login
from tests.ui.transfer_env import TIMEOUT, TransferEnv, sim_env, transfer_env
from tests.ui.vocabulary import texts_of

__all__ = ["sim_env", "transfer_env"]

HELP = resource_path("help")
NOT_LABELS = {
    "選択した職員に": "part of a sentence (media approval: 「選択した職員に」使用を許可する)",
    "レコード番号・項目名・内容": "three column headers named together",
    "DEMO": "the demo banner's word (a painted banner, checked in tests/ui/widgets)",
    "疑似媒体": "a term of the glossary (the media list's 種類 column shows it)",
    "外部媒体": "a term of the glossary (the media list's 種類 column shows it)",
    "smoke test: OK": "the output of `kokuho-pc --smoke-test` (admin manual, installation)",
    "4月1日以降、今年度の権限を付与していない職員はログインできません":
        "the administrator's home banner in March (services.accounts.ROLLOVER_MESSAGE; "
        "tests/ui/home/test_validity_notice.py)",
    "移出済": "a delivery's 状態 after an export (services/transfer_views.py; shown in "
              "tests/ui/receive/test_receive_page.py)",
}


def quotes() -> set[str]:
    found: set[str] = set()
    for name in ("staff.md", "admin.md"):
        text = (HELP / name).read_text(encoding="utf-8")
        found.update(q.strip() for q in re.findall(r"「([^」\n]{1,40})」", text))
    return found


def _app_texts(qtbot: QtBot, env: TransferEnv, jobs: JobRunner) -> set[str]:
    texts: set[str] = set()
    admin = login(env.profile, ADMIN)
    try:
        for context, is_admin in ((env.context, False),
                                  (AppContext(env.profile, admin, jobs), True)):
            window = MainWindow(user_id=context.session.user_id, role_label="事務取扱担当者",
                                is_admin=is_admin, demo=True, pages=build_pages(context))
            qtbot.addWidget(window)
            window.show()
            for key in window.page_keys():
                window.show_page(key)
                qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
            texts |= {window.navigation.item(i).text()
                      for i in range(window.navigation.count())}
            candidates = window.page("candidates")
            if isinstance(candidates, CandidatesPage):
                dialog = candidates.open_confirm_dialog()
                texts |= texts_of(dialog)
                dialog.close()
            texts |= texts_of(window)
            window.close()
            if is_admin:
                fido = FidoDialog(context, STAFF, "担当者")
                qtbot.addWidget(fido)
                texts |= texts_of(fido)
                qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
        history = SendHistoryDialog(env.context)
        qtbot.addWidget(history)
        texts |= texts_of(history)
        qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
    finally:
        qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
        admin.logout()
    dialogs: list[QWidget] = [
        LoginWindow(jobs, None), LockScreen("suzuki.hanako"),
        PasswordChangeDialog(jobs, lambda _c, _n: None, forced=True),
        AccountDialog(jobs, lambda *_a: None, mode="create", today=dt.date(2026, 10, 1)),
        ErrorDialog(LoginFailed()),
        LockScreen("suzuki.hanako", quick_unlock=True), LockWarning(),
        ReexportDialog(["KSK11_082201_20261006090000.dat"], demo=True),
        ReprintDialog([], demo=True), SecondStaffBox(second_factor=False),
    ]
    prompt_parent = QWidget()
    qtbot.addWidget(prompt_parent)
    prompt = ask_unsaved(prompt_parent, "082201-1", lambda _answer: None)
    texts |= texts_of(prompt) | {prompt.informativeText()}
    prompt.close()
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        texts |= texts_of(dialog)
    return texts


def test_every_quoted_label_exists_in_the_application(
        qtbot: QtBot, transfer_env: TransferEnv, jobs: JobRunner) -> None:
    texts = _app_texts(qtbot, transfer_env, jobs)
    missing = sorted(q for q in quotes() - set(NOT_LABELS)
                     if not any(q == t or q in t for t in texts))
    assert missing == [], missing


def test_a_label_the_application_lacks_is_found() -> None:
    texts = {"検査", "送信"}
    assert [q for q in ("検査", "ファイルチェック") if not any(q in t for t in texts)] == [
        "ファイルチェック"]
