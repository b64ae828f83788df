"""Shared pieces of the administration-page tests: an administrator's page, answering boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.admin.admin_page import AdminPage
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.qt import QApplication, QMessageBox
from tests.ui.candidates.test_candidates_page import shot
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW

TIMEOUT = 10_000

__all__ = ["TIMEOUT", "admin_page", "admin_session", "answer", "idle", "shot"]


@pytest.fixture
def admin_session(login_service: LoginService) -> Iterator[Session]:
    """The administrator, logged in."""
    session = login_service.login(ADMIN_ID, ADMIN_PW)
    yield session
    session.logout()


@pytest.fixture
def admin_page(
    qtbot: QtBot, profile: Profile, admin_session: Session, jobs: JobRunner
) -> Iterator[AdminPage]:
    """The 管理 page of the administrator, shown at 1280x800 and loaded."""
    page = AdminPage(AppContext(profile, admin_session, jobs))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: idle(page, jobs), timeout=TIMEOUT)
    yield page
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)


def idle(page: AdminPage, jobs: JobRunner) -> bool:
    """No tab loading and no job running."""
    return not page.busy() and not jobs.active_jobs()


def answer(qtbot: QtBot, yes: bool = True, shot_name: str | None = None) -> str:
    """Click 「はい」/「いいえ」 in the open question box (screenshot first); return its text."""
    def box() -> QMessageBox | None:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: box() is not None, timeout=TIMEOUT)
    question = box()
    assert question is not None
    text = f"{question.text()}\n{question.informativeText()}"
    if shot_name is not None:
        shot(question, shot_name)
    button = question.button(QMessageBox.StandardButton.Yes if yes
                             else QMessageBox.StandardButton.No)
    button.click()
    return text
