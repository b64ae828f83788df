"""The 継続候補世帯 page in the real main window on a 1024×768 screen (issue 16, item 2)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.pages import build_pages
from kokuho_pc.ui.widgets.qt import QApplication, Qt
from tests.services.cand_env import CandidateEnv
from tests.ui.candidates.test_candidates_page import TIMEOUT, select, shot, wait_idle


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
def test_main_window_with_candidates_fits_the_screen(
    qtbot: QtBot, cand_env: CandidateEnv, jobs: JobRunner, size: tuple[int, int]
) -> None:
    """The page does not force the window wider than the screen; the grid shows every
    column; no other page needs more than 1024 px either."""
    width, height = size
    session = cand_env.session
    context = AppContext(cand_env.profile, session, jobs)
    window = MainWindow(user_id=session.user_id, role_label=session.role.label, is_admin=False,
                        demo=True, pages=build_pages(context))
    qtbot.addWidget(window)
    window.show_page("candidates")
    page = window.page("candidates")
    assert isinstance(page, CandidatesPage)
    window.resize(width, height)
    window.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    views = [page.model.view(i) for i in range(page.model.total_count())]
    biggest = max(range(len(views)), key=lambda i: (views[i].category in (2, 5),
                                                   views[i].before_count + views[i].after_count))
    select(qtbot, page, biggest)
    wait_idle(qtbot, page)
    QApplication.processEvents()
    assert page.minimumSizeHint().width() <= 1024 - 190, page.minimumSizeHint()
    assert window.minimumSizeHint().width() <= 1024, window.minimumSizeHint()
    assert window.minimumSize().width() <= 1024, window.minimumSize()
    assert window.width() <= width, window.width()
    assert page.width() + page.mapTo(window, page.rect().topLeft()).x() <= window.width()
    grid = page.detail.table
    assert not grid.horizontalScrollBar().isVisible()
    right = grid.viewport().width()
    for column in range(grid.model().columnCount()):
        x = grid.columnViewportPosition(column)
        assert 0 <= x < right, (column, x, right)
    model = grid.model()
    last = model.columnCount() - 1
    assert model.headerData(last, Qt.Orientation.Horizontal) == "異動"
    for row in range(model.rowCount()):  # the 異動 text, elided or not, whole in the tooltip
        text = model.data(model.index(row, last))
        assert text and model.data(model.index(row, last), Qt.ItemDataRole.ToolTipRole) == text
    shot(window, f"main_window_candidates_{width}x{height}")
    for key in window.page_keys():  # every other page, too
        other = window.page(key)
        assert other.minimumSizeHint().width() <= 1024 - 190, (key, other.minimumSizeHint())
    assert window.minimumSizeHint().width() <= 1024, window.minimumSizeHint()
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
