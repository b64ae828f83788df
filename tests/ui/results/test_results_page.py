"""The 確定結果 screen against a real simulator: values match the server, prints are logged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.results.results_page import ResultsPage
from kokuho_pc.ui.widgets.qt import QApplication, QPrinter, Qt
from tests.services.cand_env import CODE, CandidateEnv
from tests.transfer.harness import STAFF
from tests.ui.candidates.test_candidates_page import TIMEOUT, shot, shot_preview
from tests.ui.widget_scan import my_numbers_on_screen


@pytest.fixture
def confirmed_env(cand_env: CandidateEnv) -> CandidateEnv:
    """Decide every candidate as suggested (要確認 → 継続する) and confirm them all."""
    service = CandidateService(cand_env.profile, cand_env.session)
    views = service.list()
    for view in views:
        decision = "discontinue" if view.suggestion == "discontinue" else "continue"
        service.record_decision(view.candidate_no, decision, suggestion=view.suggestion)
    service.confirm([v.candidate_no for v in views])
    return cand_env


@pytest.fixture
def page(qtbot: QtBot, confirmed_env: CandidateEnv, jobs: JobRunner) -> Iterator[ResultsPage]:
    widget = ResultsPage(AppContext(confirmed_env.profile, confirmed_env.session, jobs))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loading, timeout=TIMEOUT)
    yield widget
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)


def cell(page: ResultsPage, row: int, column: int) -> str:
    return str(page.model.data(page.model.index(row, column)))


def test_results_match_the_simulator(
    qtbot: QtBot, page: ResultsPage, confirmed_env: CandidateEnv, qtmodeltester: object
) -> None:
    with confirmed_env.sim.session(CODE, staff=STAFF) as http:
        expected = http.get(confirmed_env.sim.url("/api/v1/results")).json()["results"]
    assert page.model.total_count() == len(expected) > 0
    headers = [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(11)]
    assert headers == ["候補番号", "異動日", "転出元 → 転入先", "転入後世帯主", "判断", "引継月",
                       "引継件数", "多数回該当回数", "次回多数回該当", "転居月特例", "確定日時"]
    by_no = {r["candidate_no"]: r for r in expected}
    rows = {cell(page, i, 0): i for i in range(page.model.total_count())}
    assert set(rows) == set(by_no)
    for no, row in rows.items():
        e = by_no[no]
        assert cell(page, row, 4) == {"continue": "継続する", "discontinue": "継続しない"}[
            e["decision"]]
        assert cell(page, row, 6) == f"{len(e['carried_months'])}件"
        assert cell(page, row, 7) == f"{e['tasuu_count']}回"
        assert cell(page, row, 8) == ("○" if e["next_hit_tasuu"] else "")
        assert cell(page, row, 9) == ("○" if e["move_month_rule"] else "")
        months = cell(page, row, 5)
        if e["carried_months"]:
            assert len(months.split(", ")) == len(e["carried_months"])
            assert all(m[0] in "RH" and "." in m for m in months.split(", "))
        else:
            assert months == "なし"
    assert any(cell(page, i, 5) != "なし" for i in rows.values())
    assert any(cell(page, i, 8) == "○" for i in rows.values())
    page.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    counts = [page.model.results()[i].tasuu_count for i in range(page.model.total_count())]
    assert counts == sorted(counts, reverse=True)
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    shot(page, "results_page")
    qtmodeltester.check(page.model, force_py=True)  # type: ignore[attr-defined]
    assert my_numbers_on_screen([page]) == []
    clipboard = QApplication.clipboard()
    clipboard.setText("sentinel")
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "sentinel"


@pytest.mark.parametrize(("button", "report"), [
    ("confirmed_print_button", "confirmed_list"), ("carry_over_print_button", "carry_over_list")])
def test_print_from_results(
    qtbot: QtBot, page: ResultsPage, tmp_path: Path, button: str, report: str
) -> None:
    getattr(page, button).click()
    qtbot.waitUntil(lambda: page.printing.preview is not None, timeout=TIMEOUT)
    preview, document = page.printing.preview, page.printing.document
    assert preview is not None and document is not None and document.report == report
    qtbot.waitUntil(lambda: preview.page_count() == document.pages, timeout=TIMEOUT)
    expected_rows = sum(1 for r in page.model.results()
                        if report == "confirmed_list" or r.decision == "continue")
    assert document.rows == expected_rows
    shot_preview(qtbot, preview, f"results_preview_{report}")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    # Output to a file is refused (issue 14) and logged with the list and the printer.
    with qtbot.waitSignal(preview.print_failed, timeout=TIMEOUT):
        preview.start_printing(printer)
    assert not (tmp_path / "out.pdf").exists()

    def logged() -> list[dict[str, object]]:
        return [dict(r.targets) for r in page.context.profile.audit.records(limit=5000)
                if r.action == AuditAction.PRINT.value]

    qtbot.waitUntil(lambda: bool(logged()), timeout=TIMEOUT)
    assert logged() == [{"report": report, "printer": "(プリンタ名なし)",
                         "reason": "file_output"}]
    page.clear_for_lock()
    assert page.model.total_count() == 0 and page.printing.preview is None
