"""The ポリシー tab: every declared setting with its description; changes confirmed and logged."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.admin.admin_page import AdminPage
from kokuho_pc.ui.widgets.qt import QApplication, QCheckBox, QLabel, QMessageBox, QSpinBox
from tests.ui.admin.helpers import TIMEOUT, admin_page, admin_session, answer, shot

__all__ = ["admin_page", "admin_session"]


def test_every_setting_is_shown_with_its_description(admin_page: AdminPage) -> None:
    tab = admin_page.policy
    assert tab is not None
    labels = {w.text() for w in tab.findChildren(QLabel)}
    for spec in PolicyService.specs():
        assert spec.description in labels
        assert spec.name in tab.editors
    assert isinstance(tab.editors["idle_timeout_seconds"], QSpinBox)
    assert tab.editors["idle_timeout_seconds"].value() == 60
    assert isinstance(tab.editors["second_factor_required"], QCheckBox)
    assert tab.editors["emulated_media_allowed"].isChecked()  # type: ignore[union-attr]
    admin_page.tabs.setCurrentWidget(tab)
    shot(admin_page, "admin_policy")


def test_changes_are_confirmed_saved_and_logged(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile
) -> None:
    tab = admin_page.policy
    assert tab is not None
    applied: list[int] = []
    object.__setattr__(admin_page.context, "policy_changed", lambda: applied.append(1))
    tab.save_button.click()
    assert tab.status.text() == "変更された設定はありません"
    idle_box = tab.editors["idle_timeout_seconds"]
    emulated = tab.editors["emulated_media_allowed"]
    assert isinstance(idle_box, QSpinBox) and isinstance(emulated, QCheckBox)
    idle_box.setValue(300)
    emulated.setChecked(False)
    assert tab.changes() == {"idle_timeout_seconds": 300, "emulated_media_allowed": False}
    tab.save_button.click()
    text = answer(qtbot, yes=False, shot_name="admin_policy_confirm")
    assert "60 → 300" in text and "有効 → 無効" in text
    assert profile.policy().idle_timeout_seconds == 60
    tab.save_button.click()
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: tab.status.text() == "2件の設定を変更しました", timeout=TIMEOUT)
    policy = profile.policy()
    assert policy.idle_timeout_seconds == 300 and not policy.emulated_media_allowed
    assert applied == [1]
    logged = [dict(r.targets) for r in profile.audit.records(limit=5000)
              if r.action == AuditAction.POLICY_CHANGE.value]
    assert {"setting": "idle_timeout_seconds", "value": "300"} in logged
    assert {"setting": "emulated_media_allowed", "value": "False"} in logged


def test_values_are_checked_before_the_confirmation(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile
) -> None:
    """Issue 17: 10 s was accepted by the spin box, confirmed, then refused and reset."""
    tab = admin_page.policy
    assert tab is not None
    idle_box = tab.editors["idle_timeout_seconds"]
    assert isinstance(idle_box, QSpinBox)
    assert (idle_box.minimum(), idle_box.maximum()) == (15, 900)  # the declared range
    idle_box.setValue(10)
    assert idle_box.value() == 15
    roles = tab.editors["fido_required_roles"]
    roles.setText("root")  # type: ignore[union-attr]
    tab.save_button.click()
    QApplication.processEvents()
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()]  # no confirmation
    assert "範囲外" in tab.status.text() and "生体認証" in tab.status.text()
    assert profile.policy().fido_required_roles == () or \
        list(profile.policy().fido_required_roles) == []
    roles.setText("")  # type: ignore[union-attr]
    tab.save_button.click()
    assert "15" in answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: profile.policy().idle_timeout_seconds == 15, timeout=TIMEOUT)
