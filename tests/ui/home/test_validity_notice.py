"""The fiscal-year rollover banner and the end-of-validity notice (issue 17), by the
injected clock: never today's date."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.services.accounts import ROLLOVER_MESSAGE, validity_notices
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.home.home_page import HomePage
from kokuho_pc.ui.jobs import JobRunner
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW, STAFF_ID, STAFF_INITIAL_PW


def _messages(profile: Profile, user: str, password: str) -> list[str]:
    session = LoginService(profile, sleep=lambda _s: None).login(user, password)
    try:
        return [message for message, _hint in validity_notices(profile, session)]
    finally:
        session.logout()


def test_rollover_from_march_for_administrators_and_the_last_14_days_for_everyone(
        profile: Profile) -> None:
    clock = profile.clock
    assert _messages(profile, ADMIN_ID, ADMIN_PW) == []  # 2026-11-26
    clock.advance(days=94)  # 2027-02-28: not yet March
    assert _messages(profile, ADMIN_ID, ADMIN_PW) == []
    clock.advance(days=1)  # 2027-03-01
    assert _messages(profile, ADMIN_ID, ADMIN_PW) == [ROLLOVER_MESSAGE]
    assert _messages(profile, STAFF_ID, STAFF_INITIAL_PW) == []  # 31 days left
    clock.advance(days=17)  # 2027-03-18: 14 days left (18th to 31st)
    staff = _messages(profile, STAFF_ID, STAFF_INITIAL_PW)
    assert staff == ["このアカウントは令和9年3月31日まで使えます(あと14日)。"]
    assert _messages(profile, ADMIN_ID, ADMIN_PW)[0] == ROLLOVER_MESSAGE


def test_the_admin_home_shows_the_banner(qtbot: QtBot, profile: Profile,
                                         jobs: JobRunner) -> None:
    profile.clock.advance(days=95)  # 2027-03-01
    admin = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
    page = HomePage(AppContext(profile, admin, jobs))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert ROLLOVER_MESSAGE in page.validity_banner.text()
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=20_000)
    admin.logout()
