"""The 職員アカウント tab against a real profile: create, change, revoke, unlock, reset, grant."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.domain.errors import LoginFailed, PermissionDenied
from kokuho_pc.services.accounts import AccountService, AccountState, Role
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.admin.admin_account_dialog import AccountDialog
from kokuho_pc.ui.admin.admin_page import NOT_ADMIN, AdminPage
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.qt import QApplication, QLabel, Qt
from tests.ui.admin.helpers import TIMEOUT, admin_page, admin_session, answer, idle, shot
from tests.ui.security_fixtures import ADMIN_ID, STAFF_ID, STAFF_INITIAL_PW
from tests.ui.widget_scan import my_numbers_on_screen

__all__ = ["admin_page", "admin_session"]
NEW_ID = "suzuki.ichiro"
NEW_PW = "aki-no-yuuhi-ni-teru-yama"


def _row(page: AdminPage, user_id: str) -> int:
    tab = page.accounts
    assert tab is not None
    for row in range(tab.model.total_count()):
        if tab.model.row_id(row) == user_id:
            return row
    raise AssertionError(user_id)


def _cell(page: AdminPage, user_id: str, column: int) -> str:
    tab = page.accounts
    assert tab is not None
    return str(tab.model.data(tab.model.index(_row(page, user_id), column)))


def _select(page: AdminPage, user_id: str) -> None:
    assert page.accounts is not None
    page.accounts.select(user_id)


def _wait(qtbot: QtBot, page: AdminPage) -> None:
    jobs = page.context.jobs
    qtbot.waitUntil(lambda: idle(page, jobs), timeout=TIMEOUT)


def _actions(profile: Profile, action: AuditAction) -> list[dict[str, object]]:
    return [dict(r.targets) for r in profile.audit.records(limit=5000) if r.action == action.value]


def test_list_shows_roles_validity_grant_and_state(
    qtbot: QtBot, admin_page: AdminPage, qtmodeltester: object
) -> None:
    tab = admin_page.accounts
    assert tab is not None
    headers = [tab.model.headerData(i, Qt.Orientation.Horizontal)
               for i in range(tab.model.columnCount())]
    assert headers[:7] == [
        "ユーザID", "氏名", "権限", "利用開始日", "利用終了日", "年度付与", "状態"]
    assert _cell(admin_page, ADMIN_ID, 2) == "情報システム管理者"
    assert _cell(admin_page, STAFF_ID, 2) == "事務取扱担当者"
    assert _cell(admin_page, STAFF_ID, 3) == "R8.11.26"
    assert _cell(admin_page, STAFF_ID, 4) == "定めなし"
    assert _cell(admin_page, STAFF_ID, 5) == "令和8年度"
    assert _cell(admin_page, STAFF_ID, 6) == "有効"
    assert _cell(admin_page, STAFF_ID, 7) == "初期(要変更)"
    assert headers[-1] == "最終ログイン"  # issue 17
    last = len(headers) - 1
    assert _cell(admin_page, STAFF_ID, last) == "なし"  # never logged in
    assert _cell(admin_page, ADMIN_ID, last).startswith("R8.11.26 ")  # from the log
    qtmodeltester.check(tab.model, force_py=True)  # type: ignore[attr-defined]
    _select(admin_page, ADMIN_ID)
    assert not tab.revoke_button.isEnabled()  # never one's own account
    _select(admin_page, STAFF_ID)
    assert tab.revoke_button.isEnabled() and not tab.unlock_button.isEnabled()
    accounts = AccountService(admin_page.context.profile)
    session = admin_page.context.session
    for user_id, name, end in (("tanaka.jiro", "田中 次郎", dt.date(2027, 3, 31)),
                               ("ito.sakura", "伊藤 さくら", None),
                               ("kato.makoto", "加藤 誠", dt.date(2026, 12, 28))):
        accounts.add_user(session, user_id, name, Role.STAFF, NEW_PW, None, end)
    tab.reload()
    _wait(qtbot, admin_page)
    assert _cell(admin_page, "kato.makoto", 4) == "R8.12.28"
    _select(admin_page, STAFF_ID)
    shot(admin_page, "admin_accounts")
    assert my_numbers_on_screen([admin_page]) == []


def test_create_edit_and_reset_through_the_dialog(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile
) -> None:
    tab = admin_page.accounts
    assert tab is not None
    tab.create_button.click()
    dialog = tab.dialog
    assert isinstance(dialog, AccountDialog) and dialog.isVisible()
    dialog.user_id.setText(NEW_ID)
    dialog.name.setText("鈴木 一郎")
    dialog.valid_to.set_date(dt.date(2027, 3, 31))
    assert dialog.valid_to.wareki.text() == "令和9年3月31日"
    dialog.password.setText("short")
    dialog.confirm.setText("short")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=TIMEOUT)
    assert dialog.isVisible()  # the weak password is refused, the dialog stays
    shot(dialog, "admin_account_dialog_refused")
    dialog.password.setText(NEW_PW)
    dialog.confirm.setText(NEW_PW)
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT):
        dialog.ok_button.click()
    _wait(qtbot, admin_page)
    assert _cell(admin_page, NEW_ID, 1) == "鈴木 一郎"
    assert _cell(admin_page, NEW_ID, 4) == "R9.3.31"
    assert _actions(profile, AuditAction.ACCOUNT_CREATE)[-1]["account"] == NEW_ID

    _select(admin_page, NEW_ID)
    tab.edit_button.click()
    edit = tab.dialog
    assert edit is not None and edit.mode == "edit" and edit.user_id.isReadOnly()
    edit.role.setCurrentIndex(1)
    edit.no_end.setChecked(True)
    shot(edit, "admin_account_dialog_edit")
    with qtbot.waitSignal(edit.saved, timeout=TIMEOUT):
        edit.ok_button.click()
    _wait(qtbot, admin_page)
    assert _cell(admin_page, NEW_ID, 2) == "情報システム管理者"
    assert _cell(admin_page, NEW_ID, 4) == "定めなし"
    changes = _actions(profile, AuditAction.ACCOUNT_CHANGE)
    assert {"account": NEW_ID, "role": "admin"} in changes
    assert any(c.get("valid_to") is None and c["account"] == NEW_ID for c in changes)

    _select(admin_page, STAFF_ID)
    tab.reset_button.click()
    reset = tab.dialog
    assert reset is not None and reset.mode == "reset"
    reset.password.setText(NEW_PW)
    reset.confirm.setText(NEW_PW)
    with qtbot.waitSignal(reset.saved, timeout=TIMEOUT):
        reset.ok_button.click()
    _wait(qtbot, admin_page)
    with pytest.raises(LoginFailed):
        LoginService(profile, sleep=lambda _s: None).login(STAFF_ID, STAFF_INITIAL_PW)
    session = LoginService(profile, sleep=lambda _s: None).login(STAFF_ID, NEW_PW)
    assert session.must_change_password
    session.logout()


def test_revoke_asks_first_and_takes_effect_at_once(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile
) -> None:
    tab = admin_page.accounts
    assert tab is not None
    _select(admin_page, STAFF_ID)
    tab.revoke_button.click()
    text = answer(qtbot, yes=False, shot_name="admin_revoke_confirm")
    assert STAFF_ID in text and "元に戻せません" in text
    _wait(qtbot, admin_page)
    assert _cell(admin_page, STAFF_ID, 6) == "有効"
    tab.revoke_button.click()
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: _cell(admin_page, STAFF_ID, 6) == "失効", timeout=TIMEOUT)
    with pytest.raises(LoginFailed):  # revoked: the one message for every refusal
        LoginService(profile, sleep=lambda _s: None).login(STAFF_ID, STAFF_INITIAL_PW)
    _select(admin_page, STAFF_ID)
    assert not tab.revoke_button.isEnabled() and not tab.edit_button.isEnabled()


def test_unlock_and_fiscal_year_grant(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile
) -> None:
    tab = admin_page.accounts
    assert tab is not None
    login = LoginService(profile, sleep=lambda _s: None)
    for _ in range(10):
        try:
            login.login(STAFF_ID, "not-the-password-at-all")
        except LoginFailed:
            continue
        except Exception:
            break
    tab.reload()
    _wait(qtbot, admin_page)
    assert _cell(admin_page, STAFF_ID, 6) == "ロック中"
    _select(admin_page, STAFF_ID)
    assert tab.unlock_button.isEnabled()
    tab.unlock_button.click()
    qtbot.waitUntil(lambda: _cell(admin_page, STAFF_ID, 6) == "有効", timeout=TIMEOUT)
    _select(admin_page, STAFF_ID)
    assert [tab.year.itemText(i) for i in range(tab.year.count())] == ["令和8年度", "令和9年度"]
    tab.year.setCurrentIndex(1)
    tab.regrant_button.click()
    qtbot.waitUntil(lambda: _cell(admin_page, STAFF_ID, 5) == "令和9年度", timeout=TIMEOUT)
    assert "令和9年度の権限を付与しました" in tab.status.text()
    assert {"account": STAFF_ID, "fiscal_year": 2027} in _actions(
        profile, AuditAction.ACCOUNT_REGRANT)
    assert {"account": STAFF_ID} in _actions(profile, AuditAction.ACCOUNT_UNLOCK)


def test_service_refuses_own_role_and_last_admin(profile: Profile, admin_session: object) -> None:
    accounts = AccountService(profile)
    with pytest.raises(PermissionDenied):
        accounts.change_role(admin_session, ADMIN_ID, Role.STAFF)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        accounts.set_validity(admin_session, ADMIN_ID,  # type: ignore[arg-type]
                              dt.date(2027, 1, 1), None)
    accounts.set_validity(admin_session, STAFF_ID,  # type: ignore[arg-type]
                          dt.date(2026, 12, 1), None)
    state = {a.user_id: a.state for a in accounts.list_users(admin_session)}  # type: ignore[arg-type]
    assert state[STAFF_ID] is AccountState.NOT_YET_VALID


def test_staff_sees_no_admin_tabs_and_services_refuse(
    qtbot: QtBot, profile: Profile, jobs: JobRunner
) -> None:
    from tests.ui.security_fixtures import STAFF_PW
    login = LoginService(profile, sleep=lambda _s: None)
    staff = login.login(STAFF_ID, STAFF_INITIAL_PW)
    AccountService(profile).change_password(staff, STAFF_INITIAL_PW, STAFF_PW)
    page = AdminPage(AppContext(profile, staff, jobs))
    qtbot.addWidget(page)
    assert page.accounts is None and page.tabs.count() == 0
    assert [w.text() for w in page.findChildren(QLabel)] == [NOT_ADMIN]
    with pytest.raises(PermissionDenied):
        AccountService(profile).list_users(staff)
    with pytest.raises(PermissionDenied):
        AccountService(profile).revoke(staff, ADMIN_ID)
    QApplication.processEvents()
    assert not jobs.active_jobs()
    staff.logout()
