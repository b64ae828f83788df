"""The 外部媒体 tab: approve an emulated medium for chosen staff, list it in 和暦, revoke it."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.services.accounts import AccountService, Role
from kokuho_pc.services.media_admin import MediaAdminService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.admin.admin_page import AdminPage
from kokuho_pc.ui.widgets.qt import QApplication, QMessageBox
from tests.ui.admin.helpers import TIMEOUT, admin_page, admin_session, answer, idle, shot
from tests.ui.security_fixtures import ADMIN_ID, STAFF_ID
from tests.ui.widget_scan import my_numbers_on_screen

__all__ = ["admin_page", "admin_session"]


def _cells(page: AdminPage, row: int) -> list[str]:
    tab = page.media
    assert tab is not None
    return [str(tab.model.data(tab.model.index(row, c))) for c in range(tab.model.columnCount())]


def _register(qtbot: QtBot, page: AdminPage, folder: Path) -> None:
    tab = page.media
    assert tab is not None
    folder.mkdir()
    tab.path.setText(str(folder))
    tab.set_allowed_staff([STAFF_ID])
    tab.register_button.click()
    qtbot.waitUntil(lambda: "使用を許可しました" in tab.status.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: idle(page, page.context.jobs), timeout=TIMEOUT)


def test_emulated_media_refused_when_the_policy_forbids_them(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile, admin_session: object, tmp_path: Path
) -> None:
    PolicyService(profile).change(admin_session, "emulated_media_allowed", False)  # type: ignore[arg-type]
    tab = admin_page.media
    assert tab is not None
    folder = tmp_path / "usb"
    folder.mkdir()
    tab.path.setText(str(folder))
    tab.set_allowed_staff([STAFF_ID])
    tab.register_button.click()

    def error_box() -> list[object]:
        return [w for w in QApplication.topLevelWidgets()
                if w.isVisible() and w.windowTitle() != "" and w is not admin_page
                and not isinstance(w, QMessageBox)]

    qtbot.waitUntil(lambda: bool(error_box()), timeout=TIMEOUT)
    assert tab.model.total_count() == 0
    assert not (folder / ".kokuho-medium.json").exists()


def test_register_list_and_revoke(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile, admin_session: object,
    tmp_path: Path, qtmodeltester: object,
) -> None:
    assert profile.policy().emulated_media_allowed  # a demo profile allows them
    accounts = AccountService(profile)
    for user_id, name in (("tanaka.jiro", "田中 次郎"), ("ito.sakura", "伊藤 さくら"),
                          ("kato.makoto", "加藤 誠"), ("kobayashi.mei", "小林 芽衣")):
        accounts.add_user(admin_session, user_id, name, Role.STAFF,  # type: ignore[arg-type]
                          "haru-no-ogawa-wa-sara-sara-iku")
    tab = admin_page.media
    assert tab is not None
    tab.reload()
    qtbot.waitUntil(lambda: idle(admin_page, admin_page.context.jobs), timeout=TIMEOUT)
    staff_items = [box.text() for box in tab.staff.boxes.values()]
    assert any(STAFF_ID in t and "事務取扱担当者" in t for t in staff_items)
    assert tab.mounted.itemText(0) == "(フォルダを指定する)"
    tab.register_button.click()  # nothing chosen: a warning, nothing registered
    warning = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible()]
    assert warning and "媒体の場所" in warning[0].text()
    warning[0].close()
    _register(qtbot, admin_page, tmp_path / "usb-a")
    assert tab.model.total_count() == 1
    media_id, kind, allowed, expires, state, by, _at = _cells(admin_page, 0)
    assert kind == "疑似媒体" and allowed == STAFF_ID and state == "有効" and by == ADMIN_ID
    assert expires == "R9.3.31"  # the end of the fiscal year, in 和暦
    assert (tmp_path / "usb-a" / ".kokuho-medium.json").exists()
    status = MediaAdminService(profile).status(admin_session, tmp_path / "usb-a")  # type: ignore[arg-type]
    assert status.media_id == media_id and status.emulated
    qtmodeltester.check(tab.model, force_py=True)  # type: ignore[attr-defined]
    admin_page.tabs.setCurrentWidget(tab)
    shot(admin_page, "admin_media")

    tab.table.selectRow(0)
    assert tab.revoke_button.isEnabled()
    tab.revoke_button.click()
    assert media_id in answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: _cells(admin_page, 0)[4] == "取消", timeout=TIMEOUT)
    tab.table.selectRow(0)
    assert not tab.revoke_button.isEnabled()
    registered = MediaAdminService(profile).registered(admin_session)  # type: ignore[arg-type]
    assert registered[0].revoked_at
    logged = [r.action for r in profile.audit.records(limit=5000)
              if r.action in (AuditAction.MEDIA_REGISTER.value, AuditAction.MEDIA_REVOKE.value)]
    assert logged[-2:] == [AuditAction.MEDIA_REGISTER.value, AuditAction.MEDIA_REVOKE.value]
    assert my_numbers_on_screen([admin_page]) == []
