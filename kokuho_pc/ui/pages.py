"""The pages of the main window, by navigation key.

Each screen module adds one line here; a key without an entry shows a
placeholder. Keys: home, send, receive, candidates, results, admin (the
shell shows admin to administrators only). Imports are explicit so the
PyInstaller analysis sees every page.
"""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.ui.admin_page import AdminPage
from kokuho_pc.ui.candidates_page import CandidatesPage
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.qt import QWidget
from kokuho_pc.ui.results_page import ResultsPage

PageFactory = Callable[[], QWidget]


def build_pages(context: AppContext) -> dict[str, PageFactory]:
    """Page key → factory creating the page for this session."""
    pages: dict[str, PageFactory] = {}
    # e.g. pages["home"] = lambda: HomePage(context)
    pages["candidates"] = lambda: CandidatesPage(context)
    pages["results"] = lambda: ResultsPage(context)
    pages["admin"] = lambda: AdminPage(context)
    return pages
