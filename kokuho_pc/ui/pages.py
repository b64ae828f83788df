"""The pages of the main window, by navigation key.

Each screen module adds one line here; a key without an entry shows a
placeholder. Keys: home, send, receive, candidates, results, admin (the
shell shows admin to administrators only). Imports are explicit so the
PyInstaller analysis sees every page.
"""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.ui.admin.admin_page import AdminPage
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.home.home_page import HomePage
from kokuho_pc.ui.receive.receive_page import ReceivePage
from kokuho_pc.ui.results.results_page import ResultsPage
from kokuho_pc.ui.send.send_page import SendPage
from kokuho_pc.ui.widgets.media_choice import MediaChoice
from kokuho_pc.ui.widgets.qt import QWidget

PageFactory = Callable[[], QWidget]


def build_pages(context: AppContext) -> dict[str, PageFactory]:
    """Page key → factory creating the page for this session."""
    pages: dict[str, PageFactory] = {}
    media = MediaChoice()  # the medium chosen on one transfer page is the others' too
    pages["home"] = lambda: HomePage(context, media)
    pages["send"] = lambda: SendPage(context, media)
    pages["receive"] = lambda: ReceivePage(context, media)
    pages["candidates"] = lambda: CandidatesPage(context)
    pages["results"] = lambda: ResultsPage(context)
    pages["admin"] = lambda: AdminPage(context)
    return pages
