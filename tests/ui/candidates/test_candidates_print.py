"""Honest paper: the candidate list prints the conditions it was printed with, the staff
name of who decided and who printed (ID in small type), and the glossary's words."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from tests.print.helpers import page_texts
from tests.ui.candidates.test_candidates_page import TIMEOUT, page, wait_idle

__all__ = ["page"]


def printed_text(qtbot: QtBot, page: CandidatesPage) -> str:
    before = page.printing.document
    page.print_button.click()
    qtbot.waitUntil(lambda: page.printing.document is not None
                    and page.printing.document is not before, timeout=TIMEOUT)
    document = page.printing.document
    assert document is not None
    return page_texts(document.pdf, [0])[0]


def test_candidate_list_prints_its_conditions_and_names(qtbot: QtBot,
                                                        page: CandidatesPage) -> None:
    session = page.context.session
    first = page.model.view(0)
    page.service.record_decision(first.candidate_no, "continue")
    page.reload()
    wait_idle(qtbot, page)
    text = printed_text(qtbot, page)
    assert "条件 全件" in text
    assert f"操作者 {session.name} ({session.user_id})" in text  # the ID in small type
    assert "判断者" in text and "判定者" not in text  # 判断 is the staff's, 判定候補 the system's
    assert session.name in text.split("判断日時", 1)[1]  # who decided, by name
    # A filtered and searched list says so on paper.
    page.category_filter.setCurrentIndex(page.category_filter.findData(1))
    wait_idle(qtbot, page)
    page.search.setText("082201-1")
    text = printed_text(qtbot, page)
    assert "条件 区分 1 住所異動のみ、検索「082201-1」" in text
    assert page.model.views() and all(v.category == 1 for v in page.model.views())
    qtbot.waitUntil(lambda: not page.context.jobs.active_jobs(), timeout=TIMEOUT)
