"""Issue 16 item 6: reprint the candidate list as it stood at an earlier time, with the
real simulator: decide, change the decision, reprint as of before the change."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.services.candidate_history import as_of_label
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from tests.print.helpers import page_texts
from tests.ui.candidates.test_candidates_page import (
    TIMEOUT,
    page,
    shot,
    shot_preview,
    wait_idle,
)

__all__ = ["page"]


def _printed(qtbot: QtBot, page: CandidatesPage, start: object) -> str:
    before = page.printing.document
    start()  # type: ignore[operator]
    qtbot.waitUntil(lambda: page.printing.document is not None
                    and page.printing.document is not before, timeout=TIMEOUT)
    document = page.printing.document
    assert document is not None
    return " ".join(page_texts(document.pdf))


def test_reprint_as_of_before_a_change_prints_the_old_decision(qtbot: QtBot,
                                                               page: CandidatesPage) -> None:
    service = page.service
    first = page.model.view(0)
    no = first.candidate_no
    service.record_decision(no, "continue", "窓口で確認した", suggestion=first.suggestion)
    time.sleep(1.1)  # the simulator records times to the second
    service.record_decision(no, "discontinue", "転入後に世帯の実態が変わった",
                            suggestion=first.suggestion)
    page.reload()
    wait_idle(qtbot, page)
    now_text = _printed(qtbot, page, page.print_button.click)
    assert no in now_text
    assert "継続しない" in now_text.split(no, 1)[1][:400]  # today: the changed decision

    page.reprint_action.trigger()
    qtbot.waitUntil(lambda: page.reprint_dialog is not None
                    and page.reprint_dialog.isVisible(), timeout=TIMEOUT)
    dialog = page.reprint_dialog
    assert dialog is not None
    kinds = [m.kind for m in dialog.moments]
    assert kinds[:2] == ["decision", "decision"] and "submission" in kinds
    assert dialog.times.item(0).text().endswith("判断 1件")
    shot(dialog, "candidates-reprint-as-of")
    earlier = dialog.moments[1]  # the first decision, before the change
    dialog.choose(earlier)
    old_text = _printed(qtbot, page, dialog.print_button.click)
    assert f"{as_of_label(earlier.at)} 時点" in old_text  # the time in the header
    assert "以前の候補リストの再印刷" in old_text
    assert no in old_text
    assert "継続する" in old_text and "継続しない" not in old_text  # the old decision
    assert page.printing.preview is not None
    shot_preview(qtbot, page.printing.preview, "candidates-reprint-as-of-preview")
    # Logged like viewing the list, with the time; no personal data kept on the PC.
    records = [r for r in page.context.profile.audit.records()
               if r.action == AuditAction.CANDIDATE_LIST_VIEW.value and "as_of" in r.targets]
    assert records and records[-1].targets["as_of"] == earlier.at.isoformat()
    wait_idle(qtbot, page)
