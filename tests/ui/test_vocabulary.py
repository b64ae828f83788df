"""One vocabulary (issue 17): no English code on a screen, a print or the log view.

The pages (staff and administrator) are walked after work was done on them, the
administrator's operation log lists records carrying every stored code the client
writes (reasons, reports, roles, decisions, settings), and a printed list is read
back from its PDF (pypdf). Every printed list is read back: the 継続候補世帯リスト,
the 継続世帯確定リスト and the 引継結果 (decided and confirmed on a seeded simulator), the
処理結果・エラーリスト (the simulator's answer after a real send), the 検査 errors (a real
check of a broken file) and the operation log (the administrator's filtered rows). Every
ASCII word found must be an ID, a file name or a code in capitals (:mod:`tests.ui.vocabulary`).
"""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.services.printing import PrintingService
from kokuho_pc.services.send_history import SendHistoryService
from kokuho_pc.services.sending import SendingService
from kokuho_pc.services.transfer_views import TransferViewService, check_rows
from kokuho_pc.ui.admin.admin_audit import AdminAuditTab
from kokuho_pc.ui.admin.admin_models import VALUE_LABELS, targets_text
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from tests.print.helpers import page_texts
from tests.services.cand_env import CandidateEnv, cand_env, seeded_template
from tests.sim.towns import Town
from tests.transfer.harness import ADMIN, STAFF, login, write_files
from tests.ui.transfer_env import TIMEOUT, TransferEnv, sim_env, transfer_env, tsukuba_set
from tests.ui.vocabulary import english_on_screen, english_words

__all__ = ["cand_env", "seeded_template", "sim_env", "transfer_env"]

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


def printed_english(pdf: bytes) -> list[str]:
    """The ASCII words of a printed list that are not IDs, file names or codes."""
    return [f"{page}: {word}" for page, text in enumerate(page_texts(pdf), 1)
            for word in english_words(text)]


def test_the_candidate_and_result_lists_print_no_english(cand_env: CandidateEnv) -> None:
    service = CandidateService(cand_env.profile, cand_env.session)
    views = service.list()
    # Both decisions, with and against the 判定候補 (a reason then), and some left open.
    for index, view in enumerate(views[:8]):
        decision = "continue" if index % 2 else "discontinue"
        service.record_decision(view.candidate_no, decision, "世帯の構成を確認しました。",
                                "窓口で確認" if index % 3 else None)
    plan = service.plan_confirmation(service.list())
    assert plan.count == 8
    service.confirm(plan.candidate_nos)
    results = service.results()
    printing = PrintingService(cand_env.profile, cand_env.session)
    found: list[str] = []
    for document in (printing.render_candidate_list(service.list()),
                     printing.render_candidate_list(service.list(state="confirmed"),
                                                    "状態: 確定済"),
                     printing.render_confirmed_list(results),
                     printing.render_carry_over_list(results)):
        assert document.title in page_texts(document.pdf, [0])[0] and document.rows
        found += [f"{document.title} {line}" for line in printed_english(document.pdf)]
    assert found == [], "\n".join(found)


def test_the_result_list_and_the_check_errors_print_no_english(
        qtbot: QtBot, transfer_env: TransferEnv) -> None:
    env = transfer_env
    # Moved in from 水戸市, whose file never came: the system reports 前住所地に該当者なし;
    # KKG01 months as well, so every kind of send is in the list.
    kkg = Town("082201").month("0008000301", "IDX", "202607").month(
        "0008000301", "IDX", "202608", kind="2").kkg01(dt.datetime(2026, 10, 7, 9, 0, 0))
    write_files(env.usb, {**tsukuba_set(first=300, n=3), **kkg})
    assert SendingService(env.profile).send(env.session, env.usb).all_accepted
    printing = PrintingService(env.profile, env.session)
    history = SendHistoryService(env.profile, env.session)
    problems = history.problems()
    assert problems
    found = printed_english(printing.render_problem_list(problems).pdf)
    sent = problems[0].submission_id
    found += printed_english(printing.render_problem_list(history.problems(sent), sent).pdf)

    files = tsukuba_set(first=500)
    name = sorted(files)[1]
    broken = bytearray(files[name])
    broken[300 + 30] = ord("X")
    files[name] = bytes(broken)
    write_files(env.usb_out, files)
    views = TransferViewService(env.profile, env.session)
    rows = check_rows(views.check(env.usb_out, sorted(files)))
    assert rows
    found += printed_english(printing.render_check_list(rows, ", ".join(sorted(files))).pdf)
    assert found == [], "\n".join(found)


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
        shown = tab.shown_rows()
        assert len(shown) >= len(CODES_IN_THE_LOG)
        document = PrintingService(env.profile, admin).render_audit_log(shown, "全期間")
        found += printed_english(document.pdf)
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
