"""A scripted session in the real main window: candidates → decide → confirm → results → lock."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.idle_lock import IdleLock
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from kokuho_pc.ui.results.results_page import ResultsPage
from kokuho_pc.ui.widgets.qt import Qt
from tests.services.cand_env import CandidateEnv
from tests.transfer.harness import STAFF_PW
from tests.ui.candidates.test_candidates_page import TIMEOUT, select, shot
from tests.ui.widget_scan import my_numbers_on_screen


def test_full_session_in_the_main_window(
    qtbot: QtBot, cand_env: CandidateEnv, jobs: JobRunner
) -> None:
    session = cand_env.session
    context = AppContext(cand_env.profile, session, jobs)
    window = MainWindow(user_id=session.user_id, role_label=session.role.label, is_admin=False,
                        demo=True, pages=build_pages(context))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.show_page("candidates")
    page = window.page("candidates")
    assert isinstance(page, CandidatesPage)
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    shot(window, "main_window_candidates")
    for row in range(4):
        select(qtbot, page, row)
        page.panel.continue_radio.click()
        page.panel.save_button.click()
        qtbot.waitUntil(lambda r=row: page.model.view(r).decision == "continue",  # type: ignore[misc]
                        timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not page.loading and not jobs.active_jobs(), timeout=TIMEOUT)
    dialog = page.open_confirm_dialog()
    dialog.checkbox.click()
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: "4件を確定しました" in dialog.outcome_label.text(), timeout=TIMEOUT)
    dialog.cancel_button.click()
    window.show_page("results")
    results = window.page("results")
    assert isinstance(results, ResultsPage)
    qtbot.waitUntil(lambda: not results.loading and results.model.total_count() == 4,
                    timeout=TIMEOUT)
    shot(window, "main_window_results")
    assert my_numbers_on_screen() == []

    lock = IdleLock(jobs, lambda pw, otp: session.unlock(pw, otp), session.user_id,
                    timeout_ms=60_000, on_lock=session.lock, demo=True)
    lock.start(window)
    try:
        lock.lock()
        assert isinstance(window.centralWidget(), LockScreen)
        assert results.model.total_count() == 0 and page.model.total_count() == 0
        assert page.detail.candidate is None and page.panel.candidate is None
        screen = window.centralWidget()
        assert isinstance(screen, LockScreen)
        qtbot.keyClicks(screen.password, STAFF_PW)
        with qtbot.waitSignal(lock.unlocked, timeout=TIMEOUT):
            qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: results.model.total_count() == 4, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: page.model.total_count() > 4, timeout=TIMEOUT)
    finally:
        lock.discard()
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
    assert my_numbers_on_screen() == []
