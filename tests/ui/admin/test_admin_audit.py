"""The 操作ログ tab: filters, the forwarding state of each record and the chain verification."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.domain.errors import LoginFailed
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.admin.admin_audit import OK_TEXT
from kokuho_pc.ui.admin.admin_page import AdminPage
from kokuho_pc.ui.widgets.qt import Qt
from tests.ui.admin.helpers import TIMEOUT, admin_page, admin_session, idle, shot
from tests.ui.security_fixtures import ADMIN_ID, STAFF_ID
from tests.ui.widget_scan import my_numbers_on_screen

__all__ = ["admin_page", "admin_session"]


def _rows(page: AdminPage) -> list[list[str]]:
    tab = page.audit
    assert tab is not None
    model = tab.model
    return [[str(model.data(model.index(r, c))) for c in range(model.columnCount())]
            for r in range(model.total_count())]


def _search(qtbot: QtBot, page: AdminPage) -> list[list[str]]:
    tab = page.audit
    assert tab is not None
    tab.search_button.click()
    qtbot.waitUntil(lambda: idle(page, page.context.jobs), timeout=TIMEOUT)
    return _rows(page)


def _choose(combo: object, text: str) -> None:
    index = combo.findText(text)  # type: ignore[attr-defined]
    assert index >= 0, text
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def test_filters_and_forwarding_state(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile, qtmodeltester: object
) -> None:
    with pytest.raises(LoginFailed):
        LoginService(profile, sleep=lambda _s: None).login(STAFF_ID, "wrong-password-here")
    tab = admin_page.audit
    assert tab is not None
    rows = _search(qtbot, admin_page)
    headers = [tab.model.headerData(i, Qt.Orientation.Horizontal)
               for i in range(tab.model.columnCount())]
    assert headers == ["番号", "日時", "職員", "操作", "結果", "対象", "送信状態"]
    seqs = [int(r[0]) for r in rows]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) >= 5  # newest first
    assert all(r[1].startswith("R8.11.26 ") for r in rows)
    assert {r[6] for r in rows} == {"未送信"}
    assert "ログイン失敗" in [r[3] for r in rows]
    assert "アカウント作成" in [r[3] for r in rows]

    tab.staff.setText(STAFF_ID)
    rows = _search(qtbot, admin_page)
    assert rows and {r[2] for r in rows} == {STAFF_ID}
    _choose(tab.result, "失敗")
    rows = _search(qtbot, admin_page)
    assert [r[3] for r in rows] == ["ログイン失敗"] and rows[0][4] == "失敗"
    assert "理由=パスワード誤り" in rows[0][5]
    tab.staff.clear()
    _choose(tab.result, "すべての結果")
    _choose(tab.action, "アカウント作成")
    rows = _search(qtbot, admin_page)
    assert len(rows) == 2 and ADMIN_ID in {r[2] for r in rows}
    assert any(f"アカウント={STAFF_ID}" in r[5] for r in rows)

    _choose(tab.action, "すべての操作")
    tab.date_from.set_date(dt.date(2026, 11, 27))
    tab.date_to.set_date(dt.date(2026, 11, 30))
    assert _search(qtbot, admin_page) == []
    tab.use_dates.setChecked(False)
    everything = _search(qtbot, admin_page)
    assert everything

    profile.audit.acknowledge(3)
    rows = _search(qtbot, admin_page)
    state = {int(r[0]): r[6] for r in rows}
    assert all(state[s] == "送信済" for s in state if s <= 3)
    assert all(state[s] == "未送信" for s in state if s > 3)
    assert "未送信" in tab.count.text()
    qtmodeltester.check(tab.model, force_py=True)  # type: ignore[attr-defined]
    admin_page.tabs.setCurrentWidget(tab)
    shot(admin_page, "admin_audit")
    assert my_numbers_on_screen([admin_page]) == []


def test_chain_verification_reports_intact_then_the_first_bad_record(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile
) -> None:
    tab = admin_page.audit
    assert tab is not None
    tab.verify_button.click()
    qtbot.waitUntil(lambda: OK_TEXT in tab.verify_result.text(), timeout=TIMEOUT)
    assert tab.verify_result.text().startswith("改ざんは検出されませんでした")
    profile.db.execute("DROP TRIGGER audit_log_no_update")  # an attacker holding the key
    profile.db.execute("UPDATE audit_log SET staff_id = 'someone.else' WHERE seq = 3")
    tab.verify_button.click()
    qtbot.waitUntil(lambda: "最初の異常" in tab.verify_result.text(), timeout=TIMEOUT)
    assert "番号 3 の記録" in tab.verify_result.text()
    admin_page.tabs.setCurrentWidget(tab)
    shot(admin_page, "admin_audit_tampered")


def test_search_by_file_name_candidate_and_receipt_with_a_detail_pane(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile
) -> None:
    """Issue 17: the administrator finds a file's, a candidate's or a receipt's records."""
    from kokuho_pc.audit.actions import AuditAction, AuditResult

    log = profile.audit
    log.record(AuditAction.SEND, STAFF_ID, {"files": ["KSK01_082201_20261006090040.dat",
                                                      "KSK02_082201_20261006090040.dat"],
                                            "receipt": 4711}, AuditResult.SUCCESS)
    log.record(AuditAction.DECISION, STAFF_ID, {"candidate": "082201-17",
                                                "decision": "discontinue"}, AuditResult.SUCCESS)
    log.record(AuditAction.SEND, STAFF_ID, {"files": ["KSK01_082015_20261006100000.dat"]},
               AuditResult.FAILURE)
    tab = admin_page.audit
    assert tab is not None
    for text, actions in (("ksk01_082201", {"送信"}), ("082201-17", {"継続の判断"}),
                          ("4711", {"送信"})):
        tab.text.setText(text)
        rows = _search(qtbot, admin_page)
        assert {r[3] for r in rows} == actions, text
        assert len(rows) == 1
    tab.text.setText("471")  # a part of a 受付番号 is not that number
    assert _search(qtbot, admin_page) == []
    tab.text.setText("4711")
    _search(qtbot, admin_page)
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: "受付番号: 4711" in tab.detail.toPlainText(),
                    timeout=TIMEOUT)
    assert "ファイル: KSK01_082201_20261006090040.dat,KSK02_082201_20261006090040.dat" in \
        tab.detail.toPlainText()
    tab.text.setText("082201-17")
    _search(qtbot, admin_page)
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: "判断: 継続しない" in tab.detail.toPlainText(), timeout=TIMEOUT)
    admin_page.tabs.setCurrentWidget(tab)
    admin_page.resize(1280, 800)
    shot(admin_page, "admin_audit_search")


def test_print_and_csv_export_of_the_filtered_log(
    qtbot: QtBot, admin_page: AdminPage, profile: Profile, tmp_path: object
) -> None:
    """Issue 17: the filtered log is printed (codes in words in the PDF too) and written as
    CSV to an approved medium only; both are logged."""
    import io
    from pathlib import Path

    from pypdf import PdfReader

    from kokuho_pc.audit.actions import AuditAction
    from kokuho_pc.services.media_admin import MediaAdminService
    from kokuho_pc.services.policy import PolicyService
    from tests.ui.vocabulary import english_words

    session = admin_page.context.session
    medium = Path(str(tmp_path)) / "USB-LOG"
    medium.mkdir()
    PolicyService(profile).change(session, "emulated_media_allowed", True)
    PolicyService(profile).change(session, "emulated_media_dirs", [str(medium)])
    MediaAdminService(profile).register(session, medium, [ADMIN_ID])
    with pytest.raises(LoginFailed):
        LoginService(profile, sleep=lambda _s: None).login(STAFF_ID, "wrong-password-here")
    tab = admin_page.audit
    assert tab is not None
    _search(qtbot, admin_page)
    qtbot.waitUntil(lambda: tab.export_medium.count() == 1 and not
                    admin_page.context.jobs.active_jobs(), timeout=TIMEOUT)
    before = tab.printing.preview
    tab.print_button.click()
    qtbot.waitUntil(lambda: tab.printing.preview is not None
                    and tab.printing.preview is not before, timeout=TIMEOUT)
    document = tab.printing.document
    assert document is not None and document.report == "audit_log"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document.pdf)).pages)
    assert "ログイン失敗" in text and "パスワード誤り" in text
    assert [w for w in english_words(text) if w not in ("of",)] == [], text
    tab.printing.preview.close()
    tab.export_button.click()
    qtbot.waitUntil(lambda: not tab.exporting, timeout=TIMEOUT)
    written = [p for p in medium.iterdir() if p.suffix == ".csv"]
    assert len(written) == 1, tab.export_result.text()
    assert "パスワード誤り" in written[0].read_text(encoding="utf-8-sig")
    actions = [r.action for r in profile.audit.records(limit=1000)]
    assert AuditAction.AUDIT_EXPORT.value in actions  # (a print is logged when printed)
    admin_page.tabs.setCurrentWidget(tab)
    admin_page.resize(1280, 800)
    shot(admin_page, "admin_audit_export")
