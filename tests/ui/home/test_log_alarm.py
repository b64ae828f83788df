"""The operation log's alarms on the administrator's home screen, and the forwarding timer.

A refusal of the forwarded log by the consolidation system, or a detected rollback, is
shown on the administrator's ホーム (before issue 15 a refusal was an INFO line in the log
file, seen by nobody)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.audit.rollback import RollbackFinding
from kokuho_pc.domain.oplog_chain import GENESIS_HASH, Tip
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.home.home_page import HomePage
from kokuho_pc.ui.jobs import JobRunner
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW

TIMEOUT = 20_000


@pytest.fixture
def admin(profile: Profile, login_service: LoginService) -> Iterator[Session]:
    session = login_service.login(ADMIN_ID, ADMIN_PW)
    yield session
    session.logout()


def _home(qtbot: QtBot, profile: Profile, session: Session, jobs: JobRunner) -> HomePage:
    page = HomePage(AppContext(profile, session, jobs))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.dashboard is not None and not page.loading, timeout=TIMEOUT)
    return page


def test_a_refused_forwarding_is_an_alarm_on_the_admin_home(
    qtbot: QtBot, profile: Profile, admin: Session, jobs: JobRunner
) -> None:
    page = _home(qtbot, profile, admin, jobs)
    assert page.log_alarm_banner.text() == ""
    profile.audit.set_forward_alarm("chain_rollback", "受領済みの通番 3 と異なる記録が送られました")
    page.refresh()
    qtbot.waitUntil(lambda: "操作ログの受け取りを拒否" in page.log_alarm_banner.text(),
                    timeout=TIMEOUT)
    assert page.log_alarm_banner.level == "error"
    assert "国保連合会" in page.log_alarm_banner.text()
    profile.audit.clear_forward_alarm()  # a later forwarding was accepted
    page.refresh()
    qtbot.waitUntil(lambda: page.log_alarm_banner.text() == "", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)


def test_a_rollback_is_an_alarm_on_the_admin_home(
    qtbot: QtBot, profile: Profile, admin: Session, jobs: JobRunner
) -> None:
    profile.rollback = RollbackFinding(Tip(3, GENESIS_HASH), Tip(9, GENESIS_HASH), "local",
                                       "behind")
    page = _home(qtbot, profile, admin, jobs)
    text = page.log_alarm_banner.text()
    assert "操作ログが巻き戻されています" in text and "国保連合会" in text
    page.clear_for_lock()
    assert page.log_alarm_banner.text() == ""
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)


def test_the_forwarding_timer_runs_while_logged_in(
    qtbot: QtBot, profile: Profile, admin: Session, jobs: JobRunner
) -> None:
    controller = AppController(jobs, lambda: profile, forward_interval_ms=50)
    controller.profile, controller.session = profile, admin
    calls: list[int] = []
    original = controller.forward_log

    def counted() -> None:
        calls.append(1)
        original()

    controller._forward_timer.timeout.disconnect()
    controller._forward_timer.timeout.connect(counted)
    controller._forward_timer.start()
    qtbot.waitUntil(lambda: len(calls) >= 3, timeout=TIMEOUT)
    controller._forward_timer.stop()
    qtbot.waitUntil(lambda: not controller.forwarding and not jobs.active_jobs(),
                    timeout=TIMEOUT)
    controller.login_window.close()
