"""Print to file is impossible; only the administrator's printers print; every print names
its printer in the operation log (issue 14 item 3). Real Qt objects, offscreen.

Before the fix the print dialog offered 「PDF ファイルに出力」 and wrote the candidate
list to a 0644 PDF in the home directory, logged as an ordinary print.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.print import CANDIDATE_TITLE, render_candidate_list
from kokuho_pc.print.demo_rows import demo_candidate_rows, demo_header
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.printing import PrintDocument, PrinterTarget, PrintingService, PrintRefused
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.printing.print_preview import PrintPreviewDialog
from kokuho_pc.ui.widgets.qt import QAbstractPrintDialog, QPrinter, QWidget
from tests.ui.security_fixtures import ADMIN_ID, ADMIN_PW

ALLOWED = "窓口複合機-2F"
FILE_PRINTERS = ["CUPS-PDF", "Microsoft Print to PDF", "Microsoft XPS Document Writer",
                 "PDF", "cups-pdf:/", "Send To OneNote 2016", "Fax"]


def _pdf() -> bytes:
    return render_candidate_list(demo_header(CANDIDATE_TITLE), demo_candidate_rows(30))


def _file_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _service(profile: Profile, allowed: list[str]) -> tuple[PrintingService, Session]:
    session = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
    profile.policy_store.set("allowed_printers", allowed, by=ADMIN_ID, now=profile.clock())
    return PrintingService(profile, session), session


def _print_log(profile: Profile) -> list[tuple[str, dict[str, object]]]:
    return [(r.result, dict(r.targets)) for r in profile.audit.records(limit=1000)
            if r.action == AuditAction.PRINT.value]


def test_the_print_dialog_offers_no_print_to_file(qtbot: QtBot) -> None:
    preview = PrintPreviewDialog(_pdf(), CANDIDATE_TITLE)
    qtbot.addWidget(preview)
    dialog = preview.open_print_dialog()
    assert not dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile)
    dialog.reject()


def test_a_file_printer_is_refused_and_nothing_is_written(qtbot: QtBot, tmp_path: Path) -> None:
    preview = PrintPreviewDialog(_pdf(), CANDIDATE_TITLE)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(lambda: preview.page_count() == 2)
    out = tmp_path / "user-home" / "candidates.pdf"
    out.parent.mkdir()
    with qtbot.waitSignal(preview.print_failed, timeout=10_000) as failed:
        preview.start_printing(_file_printer(out))
    assert "ファイル" in failed.args[0]
    assert not preview.is_printing() and not out.exists()
    assert list(out.parent.iterdir()) == []


def test_the_policy_allows_only_listed_printers_and_never_file_printers(
    profile: Profile
) -> None:
    service, _session = _service(profile, [ALLOWED, *FILE_PRINTERS])
    service.check_printer(PrinterTarget(ALLOWED, writes_file=False), report="candidate_list")
    refused = {}
    for name in [*FILE_PRINTERS, "経理課プリンタ", ""]:
        with pytest.raises(PrintRefused) as info:
            service.check_printer(PrinterTarget(name, writes_file=False), report="candidate_list")
        refused[name] = info.value.reason
    with pytest.raises(PrintRefused) as to_file:
        service.check_printer(PrinterTarget(ALLOWED, writes_file=True), report="candidate_list")
    assert to_file.value.reason == "file_output"
    assert {refused[n] for n in FILE_PRINTERS} == {"file_printer"}
    assert refused["経理課プリンタ"] == refused[""] == "not_allowed"
    logged = _print_log(profile)
    assert [result for result, _ in logged] == ["refused"] * (len(FILE_PRINTERS) + 3)
    assert logged[0][1]["printer"] == FILE_PRINTERS[0]


def test_with_no_printer_listed_nothing_prints(profile: Profile) -> None:
    service, _session = _service(profile, [])
    with pytest.raises(PrintRefused) as info:
        service.check_printer(PrinterTarget(ALLOWED, writes_file=False), report="candidate_list")
    assert info.value.reason == "not_allowed" and "管理者" in info.value.user_message


def test_every_print_and_refusal_from_a_screen_names_its_printer(
    qtbot: QtBot, jobs: JobRunner, profile: Profile, tmp_path: Path
) -> None:
    _, session = _service(profile, [ALLOWED])
    parent = QWidget()
    qtbot.addWidget(parent)
    flow = PrintFlow(AppContext(profile, session, jobs), parent)
    document = PrintDocument(_pdf(), CANDIDATE_TITLE, "candidate_list", 30, 2)
    preview = flow.open_preview(document)
    qtbot.waitUntil(lambda: preview.page_count() == 2)
    out = tmp_path / "out.pdf"
    with qtbot.waitSignal(preview.print_failed, timeout=10_000):
        preview.start_printing(_file_printer(out))
    assert not out.exists()
    qtbot.waitUntil(lambda: bool(_print_log(profile)), timeout=10_000)
    result, targets = _print_log(profile)[0]
    assert result == "refused" and targets["reason"] == "file_output"
    assert targets["report"] == "candidate_list" and "printer" in targets
