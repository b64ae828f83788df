"""Two-person rule (policy option): the 確定指示 needs a second staff member, who decided
none of the candidates, to log in on the confirmation dialog; both are logged."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.auth.accounts import Role
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from tests.transfer.harness import ADMIN, ADMIN_PW, INITIAL_PW, STAFF, STAFF_PW, login
from tests.ui.candidates.test_candidates_page import TIMEOUT, page, shot, wait_idle

__all__ = ["page"]

THIRD, THIRD_PW = "tanaka.jiro", "Daisan-no-shokuin-2026!"


def second_login(qtbot: QtBot, dialog: object, user: str, password: str) -> str:
    box = dialog.second  # type: ignore[attr-defined]
    box.user_id.setText(user)
    box.password.setText(password)
    box.login_button.click()
    qtbot.waitUntil(lambda: box.login_button.isEnabled() or box.verified_id is not None,
                    timeout=TIMEOUT)
    return str(box.status.text())


def test_two_person_confirmation(qtbot: QtBot, page: CandidatesPage) -> None:
    profile = page.context.profile
    admin = login(profile, ADMIN)
    AccountService(profile).add_user(admin, THIRD, "田中 次郎", Role.STAFF, INITIAL_PW)
    PolicyService(profile).change(admin, "two_person_confirmation", True)
    admin.logout()
    third = LoginService(profile).login(THIRD, INITIAL_PW)
    AccountService(profile).change_password(third, INITIAL_PW, THIRD_PW)
    # 田中 decides one candidate, the logged-in staff member two more.
    CandidateService(profile, third).record_decision(page.model.view(0).candidate_no,
                                                     "continue")
    third.logout()
    for row in (1, 2):
        page.service.record_decision(page.model.view(row).candidate_no, "continue")
    page.reload()
    wait_idle(qtbot, page)
    assert page.two_person
    dialog = page.open_confirm_dialog()
    assert dialog.second is not None and dialog.second.isVisible()
    dialog.checkbox.click()
    assert not dialog.confirm_button.isEnabled()  # not without the second staff member
    # Neither the one logged in, nor one who decided, nor a wrong password will do.
    assert "ログイン中の職員は確認者" in second_login(qtbot, dialog, STAFF, STAFF_PW)
    assert "候補を判断した職員は確認者" in second_login(qtbot, dialog, THIRD, THIRD_PW)
    assert "ログインできませんでした" in second_login(qtbot, dialog, ADMIN, "wrong-password-0")
    assert not dialog.confirm_button.isEnabled()
    text = second_login(qtbot, dialog, ADMIN, ADMIN_PW)
    assert text == f"確認者: 管理者({ADMIN})がログインしました。"
    assert dialog.confirm_button.isEnabled()
    dialog.adjustSize()
    shot(dialog, "two-person")
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.outcome_label.text() not in ("", "確定しています…"),
                    timeout=TIMEOUT)
    assert "確定しました" in dialog.outcome_label.text(), dialog.outcome_label.text()
    wait_idle(qtbot, page)
    records = [r for r in profile.audit.records(limit=1000)
               if r.action == AuditAction.CONFIRMATION.value]
    instruction = next(r for r in records if dict(r.targets).get("count") == 3
                       and r.result == "success")
    assert instruction.staff_id == STAFF
    assert dict(instruction.targets)["account"] == ADMIN  # the second staff member
    approvals = [(r.staff_id, dict(r.targets).get("reason"), r.result) for r in records
                 if dict(r.targets).get("role") == "second_person"]
    assert approvals == [(STAFF, "same_person", "refused"), (THIRD, "same_person", "refused"),
                         (ADMIN, "verified", "success")]
    dialog.close()


def test_without_the_policy_no_second_login(qtbot: QtBot, page: CandidatesPage) -> None:
    page.service.record_decision(page.model.view(0).candidate_no, "continue")
    page.reload()
    wait_idle(qtbot, page)
    dialog = page.open_confirm_dialog()
    assert dialog.second is None and not page.two_person
    dialog.checkbox.click()
    assert dialog.confirm_button.isEnabled()
    dialog.close()
