"""After a rollback of the operation log the login window admits administrators only and
tells staff 「操作ログが巻き戻されています」 with what to do (issue 15)."""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from kokuho_pc.domain.oplog_chain import GENESIS_HASH
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.anchor import ANCHOR_FILE
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.login.login_window import LoginWindow
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW, STAFF_ID, STAFF_INITIAL_PW


def test_staff_are_refused_after_a_rollback_administrators_are_not(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, login_service: LoginService
) -> None:
    # the tip kept outside the store is ahead of the store: records were removed
    (profile.path / ANCHOR_FILE).write_text(json.dumps(
        {"local": {"seq": 10_000, "hash": GENESIS_HASH}, "server": None, "epoch": 0}))
    window = LoginWindow(jobs, login_service.login)
    qtbot.addWidget(window)
    window.show()
    window.user_id.setText(STAFF_ID)
    window.password.setText(STAFF_INITIAL_PW)
    window.login_button.click()
    qtbot.waitUntil(lambda: "操作ログが巻き戻されています" in window.message.text(),
                    timeout=10_000)
    assert "国保連合会" in window.message.text()
    window.user_id.setText(ADMIN_ID)
    window.password.setText(ADMIN_PW)
    with qtbot.waitSignal(window.logged_in, timeout=10_000) as admitted:
        window.login_button.click()
    admitted.args[0].logout()
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=10_000)
