"""One vocabulary (issue 17): no English code on a screen, a print or the log view.

The pages (staff and administrator) are walked after work was done on them, the
administrator's operation log lists records carrying every stored code the client
writes (reasons, reports, roles, decisions, settings), and a printed list is read
back from its PDF (pypdf). Every ASCII word found must be an ID, a file name or a
code in capitals (:mod:`tests.ui.vocabulary`).
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.services.sending import SendingService
from kokuho_pc.ui.admin.admin_audit import AdminAuditTab
from kokuho_pc.ui.admin.admin_models import VALUE_LABELS, targets_text
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from tests.transfer.harness import ADMIN, STAFF, login, write_files
from tests.ui.transfer_env import TIMEOUT, TransferEnv, sim_env, transfer_env, tsukuba_set
from tests.ui.vocabulary import english_on_screen, english_words

__all__ = ["sim_env", "transfer_env"]

CODES_IN_THE_LOG = [
    (AuditAction.LOGOUT, {"reason": code}) for code in VALUE_LABELS["reason"]
] + [
    (AuditAction.PRINT, {"report": code, "pages": 1}) for code in VALUE_LABELS["report"]
] + [
    (AuditAction.ACCOUNT_CREATE, {"account": "tanaka.jiro", "role": "staff"}),
    (AuditAction.ACCOUNT_CHANGE, {"account": "tanaka.jiro", "role": "admin"}),
    (AuditAction.DECISION, {"candidate": "082201-1", "decision": "discontinue"}),
    (AuditAction.POLICY_CHANGE, {"setting": "idle_timeout_seconds", "value": 300}),
    (AuditAction.POLICY_CHANGE, {"setting": "emulated_media_allowed", "value": True}),
]


def test_the_detector_finds_codes_and_lets_ids_pass() -> None:
    assert english_words("理由=wrong_password 権限=staff 帳票=results") == [
        "wrong_password", "staff", "results"]
    assert english_words("suzuki.hanako KSK01_082201_20261006090040.dat PDF 14 / 30 件") == []


def test_the_log_view_says_every_stored_code_in_words(
        qtbot: QtBot, transfer_env: TransferEnv, jobs: JobRunner) -> None:
    env = transfer_env
    for action, targets in CODES_IN_THE_LOG:
        env.profile.audit.record(action, STAFF, targets, AuditResult.SUCCESS)
        assert english_words(targets_text(targets)) == [], targets
    admin = login(env.profile, ADMIN)
    try:
        tab = AdminAuditTab(AppContext(env.profile, admin, jobs))
        qtbot.addWidget(tab)
        tab.show()
        tab.search()
        qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() > 0, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
        found = english_on_screen(tab)
    finally:
        admin.logout()
    assert found == [], "\n".join(found)


def test_no_english_on_the_pages_after_a_send(
        qtbot: QtBot, transfer_env: TransferEnv, jobs: JobRunner) -> None:
    env = transfer_env
    write_files(env.usb, tsukuba_set(first=800))
    assert SendingService(env.profile).send(env.session, env.usb).all_accepted
    admin = login(env.profile, ADMIN)
    found: list[str] = []
    try:
        for context, is_admin in ((env.context, False),
                                  (AppContext(env.profile, admin, jobs), True)):
            window = MainWindow(user_id=context.session.user_id, role_label="事務取扱担当者",
                                is_admin=is_admin, demo=True,
                                pages=build_pages(context))
            qtbot.addWidget(window)
            window.show()
            for key in window.page_keys():
                window.show_page(key)
                qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
            found += english_on_screen(window)
            window.close()
    finally:
        qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
        admin.logout()
    assert found == [], "\n".join(found)
