"""Reprint an earlier confirmed list as it was: choose the 確定指示, the lists hold exactly
the candidates it confirmed and say so in their header."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.results.results_page import ResultsPage
from tests.print.helpers import page_texts
from tests.services.cand_env import CandidateEnv
from tests.ui.candidates.test_candidates_page import TIMEOUT, shot


def test_reprint_the_list_of_an_earlier_confirmation(qtbot: QtBot, cand_env: CandidateEnv,
                                                     jobs: JobRunner) -> None:
    service = CandidateService(cand_env.profile, cand_env.session)
    views = service.list()
    first, second = views[:2], views[2:5]
    for view in first + second:
        service.record_decision(view.candidate_no, "continue", suggestion=view.suggestion)
    service.confirm([v.candidate_no for v in first])
    time.sleep(1.1)  # the second instruction is a later one
    service.confirm([v.candidate_no for v in second])
    page = ResultsPage(AppContext(cand_env.profile, cand_env.session, jobs))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    assert page.model.total_count() == 5 and page.batch_filter.count() == 3  # すべて + 2
    # The earlier instruction is the last entry (newest first).
    page.batch_filter.setCurrentIndex(2)
    assert "の確定(2件)" in page.batch_filter.currentText()
    assert sorted(r.candidate_no for r in page.model.results()) == sorted(
        v.candidate_no for v in first)
    shot(page, "results_reprint")
    page.confirmed_print_button.click()
    qtbot.waitUntil(lambda: page.printing.document is not None, timeout=TIMEOUT)
    document = page.printing.document
    assert document is not None and document.rows == 2
    text = page_texts(document.pdf, [0])[0]
    assert f"条件 確定指示 {page.batch_filter.currentText()}" in text
    assert all(v.candidate_no in text for v in first)
    assert not any(v.candidate_no in text for v in second)
    # 「すべて」 prints every confirmed candidate again.
    page.batch_filter.setCurrentIndex(0)
    assert page.model.total_count() == 5 and page.condition() == "全件"
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
