"""A judgement is never lost: 保存／破棄／戻る before the row, the page or the session changes,
the draft kept across the idle lock, 「保存して次の未判断へ」, a form that does not move."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.idle_lock import IdleLock
from kokuho_pc.ui.login.lock_screen import LockScreen
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from kokuho_pc.ui.widgets.qt import QItemSelectionModel, QMessageBox, Qt
from tests.services.cand_env import CandidateEnv
from tests.transfer.harness import STAFF_PW
from tests.ui.candidates.test_candidates_page import TIMEOUT, page, select, shot, wait_idle

__all__ = ["page"]  # the page fixture of the candidates tests

REASON = "転入後の世帯の実態が異なるため"


@pytest.fixture
def window(qtbot: QtBot, cand_env: CandidateEnv, jobs: JobRunner) -> Iterator[MainWindow]:
    session = cand_env.session
    context = AppContext(cand_env.profile, session, jobs)
    win = MainWindow(user_id=session.user_id, role_label=session.role.label, is_admin=False,
                     demo=True, pages=build_pages(context))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.show_page("candidates")
    cands = win.page("candidates")
    assert isinstance(cands, CandidatesPage)
    qtbot.waitUntil(lambda: not cands.loading, timeout=TIMEOUT)
    yield win
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)


def click_row(page: CandidatesPage, row: int) -> None:
    """What a mouse click on a line does to the selection."""
    page.table.selectionModel().setCurrentIndex(
        page.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


def overrule(page: CandidatesPage) -> None:
    """Choose 継続しない against a 継続 suggestion and type the reason (not saved)."""
    assert page.panel.candidate is not None and page.panel.candidate.suggestion == "continue"
    page.panel.discontinue_radio.click()
    page.panel.reason.setText(REASON)
    assert page.panel.is_dirty() and page.has_unsaved()


def answer(qtbot: QtBot, page: CandidatesPage, button: QMessageBox.StandardButton) -> None:
    qtbot.waitUntil(lambda: page.unsaved_box is not None and page.unsaved_box.isVisible(),
                    timeout=TIMEOUT)
    box = page.unsaved_box
    assert box is not None
    labels = {box.button(b).text() for b in (QMessageBox.StandardButton.Save,
                                             QMessageBox.StandardButton.Discard,
                                             QMessageBox.StandardButton.Cancel)}
    assert labels == {"保存", "破棄", "戻る"}
    box.button(button).click()


def test_row_change_asks_back_discard_save(qtbot: QtBot, page: CandidatesPage) -> None:
    select(qtbot, page, 0)
    first = page.model.view(0).candidate_no
    overrule(page)
    click_row(page, 1)
    answer(qtbot, page, QMessageBox.StandardButton.Cancel)  # 戻る
    assert page.panel.candidate is not None and page.panel.candidate.candidate_no == first
    assert page.table.currentIndex().row() == 0
    assert page.panel.discontinue_radio.isChecked() and page.panel.reason.text() == REASON
    # 破棄: moves on, nothing saved.
    click_row(page, 1)
    qtbot.waitUntil(lambda: page.unsaved_box is not None, timeout=TIMEOUT)
    shot(page.unsaved_box, "candidates_unsaved_prompt")
    answer(qtbot, page, QMessageBox.StandardButton.Discard)
    second = page.model.view(1).candidate_no
    qtbot.waitUntil(lambda: page.detail.candidate is not None
                    and page.detail.candidate.candidate_no == second, timeout=TIMEOUT)
    wait_idle(qtbot, page)
    assert page.model.view(0).decision is None and not page.panel.is_dirty()
    # 保存: saved on the consolidation system, then moves on.
    overrule(page)
    click_row(page, 2)
    answer(qtbot, page, QMessageBox.StandardButton.Save)
    third = page.model.view(2).candidate_no
    qtbot.waitUntil(lambda: page.detail.candidate is not None
                    and page.detail.candidate.candidate_no == third, timeout=TIMEOUT)
    wait_idle(qtbot, page)
    row = page.model.row_of(second)
    assert row is not None and page.model.view(row).decision == "discontinue"


def test_save_failure_stays_on_the_candidate(qtbot: QtBot, page: CandidatesPage) -> None:
    """保存 of an overrule without a reason is refused: the page stays, the input too."""
    select(qtbot, page, 0)
    page.panel.discontinue_radio.click()
    click_row(page, 1)
    answer(qtbot, page, QMessageBox.StandardButton.Save)
    qtbot.waitUntil(lambda: "理由を入力してください" in page.panel.message.text(),
                    timeout=TIMEOUT)
    wait_idle(qtbot, page)
    assert page.panel.candidate is not None
    assert page.panel.candidate.candidate_no == page.model.view(0).candidate_no
    assert page.panel.discontinue_radio.isChecked()


def test_save_and_next_undecided(qtbot: QtBot, page: CandidatesPage) -> None:
    page.service.record_decision(page.model.view(1).candidate_no, "continue")
    page.reload()
    wait_idle(qtbot, page)
    select(qtbot, page, 0)
    page.panel.continue_radio.click()
    assert page.panel.save_next_button.text() == "保存して次の未判断へ(&N)"
    page.panel.save_next_button.click()
    third = page.model.view(2).candidate_no  # row 1 is decided already: skipped
    qtbot.waitUntil(lambda: page.detail.candidate is not None
                    and page.detail.candidate.candidate_no == third, timeout=TIMEOUT)
    wait_idle(qtbot, page)
    assert page.model.view(0).decision == "continue"
    assert page.table.currentIndex().row() == 2


def test_form_fixed_and_empty_when_nothing_selected(qtbot: QtBot, page: CandidatesPage) -> None:
    panel = page.panel
    assert panel.candidate is None and not panel.isEnabled()
    assert not panel.continue_radio.isChecked() and not panel.discontinue_radio.isChecked()
    assert panel.reason.text() == "" and not panel.save_button.isEnabled()
    select(qtbot, page, 0)
    assert panel.isEnabled()
    radio = panel.discontinue_radio.mapTo(page, panel.discontinue_radio.rect().topLeft())
    field = panel.reason.mapTo(page, panel.reason.rect().topLeft())
    panel.discontinue_radio.click()
    assert panel.reason_label.text() == "理由(必須)"
    qtbot.wait(50)
    assert panel.discontinue_radio.mapTo(page, panel.discontinue_radio.rect().topLeft()) == radio
    assert panel.reason.mapTo(page, panel.reason.rect().topLeft()) == field
    panel.continue_radio.click()
    assert panel.continue_radio.mapTo(page, panel.continue_radio.rect().topLeft()).y() == radio.y()
    # A search that hides the candidate being edited keeps the input ...
    page.search.setText("存在しない番号")
    assert page.model.total_count() == 0 and panel.is_dirty() and panel.isEnabled()
    page.search.clear()
    assert page.table.currentIndex().row() == 0 and panel.continue_radio.isChecked()
    # ... and one that hides a candidate with nothing unsaved empties the form.
    panel.set_candidate(panel.candidate)  # type: ignore[arg-type]  # back to what is recorded
    page.search.setText("存在しない番号")
    assert page.model.total_count() == 0 and panel.candidate is None and not panel.isEnabled()


def test_page_change_and_logout_ask(qtbot: QtBot, window: MainWindow) -> None:
    page = window.page("candidates")
    assert isinstance(page, CandidatesPage)
    select(qtbot, page, 0)
    overrule(page)
    window.show_page("home")  # the navigation asks first
    answer(qtbot, page, QMessageBox.StandardButton.Cancel)
    assert window.current_page_key() == "candidates"
    assert window.stack.currentWidget() is page and page.panel.reason.text() == REASON
    window.navigation.setCurrentRow(window.page_keys().index("home"))
    shot(window, "main_window_unsaved_prompt")
    answer(qtbot, page, QMessageBox.StandardButton.Discard)
    assert window.current_page_key() == "home" and window.stack.currentWidget() is not page
    # Logout: asked, then saved, then the logout goes on.
    window.show_page("candidates")
    select(qtbot, page, 1)
    overrule(page)
    logouts: list[int] = []
    window.logout_requested.connect(lambda: logouts.append(1))
    window.logout_action.trigger()
    answer(qtbot, page, QMessageBox.StandardButton.Save)
    qtbot.waitUntil(lambda: logouts == [1], timeout=TIMEOUT)
    wait_idle(qtbot, page)
    assert page.model.view(1).decision == "discontinue"
    # Closing the window with unsaved input is asked too; 戻る keeps it open.
    select(qtbot, page, 2)
    overrule(page)
    window.close()
    answer(qtbot, page, QMessageBox.StandardButton.Cancel)
    assert window.isVisible()
    page.panel.set_candidate(page.panel.candidate)  # type: ignore[arg-type]


def test_draft_kept_across_the_idle_lock(qtbot: QtBot, window: MainWindow,
                                         cand_env: CandidateEnv, jobs: JobRunner) -> None:
    page = window.page("candidates")
    assert isinstance(page, CandidatesPage)
    select(qtbot, page, 3)
    no = page.model.view(3).candidate_no
    overrule(page)
    page.panel.remarks.setPlainText("窓口で確認中")
    session = cand_env.session
    lock = IdleLock(jobs, lambda pw, otp: session.unlock(pw, otp), session.user_id,
                    timeout_ms=60_000, on_lock=session.lock, demo=True)
    lock.start(window)
    try:
        lock.lock()
        screen = window.centralWidget()
        assert isinstance(screen, LockScreen)
        # Nothing of it on the (hidden) page while locked: the draft is in memory only.
        assert page.panel.candidate is None and page.panel.reason.text() == ""
        assert page.has_unsaved()
        qtbot.keyClicks(screen.password, STAFF_PW)
        with qtbot.waitSignal(lock.unlocked, timeout=TIMEOUT):
            qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: page.panel.candidate is not None
                        and page.panel.candidate.candidate_no == no, timeout=TIMEOUT)
        wait_idle(qtbot, page)
        assert page.panel.discontinue_radio.isChecked()
        assert page.panel.reason.text() == REASON
        assert page.panel.remarks.toPlainText() == "窓口で確認中"
        assert "戻しました" in page.panel.message.text() and page.panel.is_dirty()
        assert page.table.currentIndex().row() == page.model.row_of(no)
        shot(window, "candidates_draft_restored")
    finally:
        lock.discard()
    page.panel.save_button.click()
    qtbot.waitUntil(lambda: page.model.view(3).decision == "discontinue", timeout=TIMEOUT)
    wait_idle(qtbot, page)


def test_logout_from_the_lock_screen_warns_about_the_draft(
    qtbot: QtBot, window: MainWindow, cand_env: CandidateEnv, jobs: JobRunner
) -> None:
    page = window.page("candidates")
    assert isinstance(page, CandidatesPage)
    select(qtbot, page, 0)
    overrule(page)
    session = cand_env.session
    lock = IdleLock(jobs, lambda pw, otp: session.unlock(pw, otp), session.user_id,
                    timeout_ms=60_000, on_lock=session.lock, demo=True,
                    has_unsaved=lambda: window.unsaved_page() is not None)
    logouts: list[int] = []
    lock.logout_requested.connect(lambda: logouts.append(1))
    lock.start(window)
    try:
        lock.lock()
        screen = window.centralWidget()
        assert isinstance(screen, LockScreen)
        screen.logout_button.click()
        boxes = [w for w in screen.findChildren(QMessageBox) if w.isVisible()]
        assert boxes and "破棄されます" in boxes[0].text() and logouts == []
        boxes[0].button(QMessageBox.StandardButton.No).click()  # いいえ: stays locked
        assert logouts == [] and lock.is_locked
        screen.logout_button.click()
        box = next(w for w in screen.findChildren(QMessageBox) if w.isVisible())
        box.button(QMessageBox.StandardButton.Yes).click()
        assert logouts == [1]
    finally:
        lock.discard()
