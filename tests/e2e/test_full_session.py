"""One scripted full session: two municipalities, households moving both ways, then a leak scan.

A real simulator process (mutual TLS on 127.0.0.1), two real demo profiles
(水戸市 082015 and つくば市 082201) and the real application offscreen: the
controller, the login window, the main window and its pages. The media hold
KSK01/KSK02/KKG01 files whose 個人番号 are the sentinels of
:mod:`tests.e2e.scenario`. Steps whose page has not landed yet go through the
same job runner the pages use (``GuiRun.run_job``; ``FALLBACK_STEPS``, now empty:
移入・送信, 継続候補世帯, 確定結果 and 受信・移出 are all driven through their pages).

At the end every artefact is scanned for any valid-check-digit 12-digit number:
widget texts and every model role, the clipboard, the PDFs (pypdf text, NFKC,
and raw bytes), all log records, the operation logs, both stores (file bytes
and decrypted rows), staging, the exported files, the simulator's output and
os.environ. Zero hits — and the sentinels were in the input files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.domain.leakscan import find_my_numbers_in_bytes
from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.printing import PrintDocument
from kokuho_pc.services.profile import open_profile
from kokuho_pc.services.sending import SendingService
from kokuho_pc.store.clock import system_clock
from kokuho_pc.transfer.staging import StagingArea
from kokuho_pc.ui.candidates.candidates_page import CandidatesPage
from kokuho_pc.ui.receive.receive_page import ReceivePage
from kokuho_pc.ui.results.results_page import ResultsPage
from kokuho_pc.ui.send.send_page import SendPage
from kokuho_pc.ui.widgets.qt import QApplication, QItemSelectionModel
from tests.e2e.artefacts import (
    LogCapture,
    audit_hits,
    bytes_hits,
    database_hits,
    environment_hits,
    pdf_hits,
    pdf_text,
    text_hits,
    tree_hits,
)
from tests.e2e.gui import HASHER, TIMEOUT, GuiRun
from tests.e2e.scenario import CARE_MONTHS, HOUSEHOLDS, MITO, SENTINELS, TSUKUBA, medium_files
from tests.simhelpers import SimServer, make_pki
from tests.transfer.harness import (
    ADMIN,
    STAFF,
    STAFF_PW,
    approved_medium,
    login,
    make_profile,
    write_files,
)
from tests.ui.widget_scan import my_numbers_on_screen

OVERRULE_REASON = "転入後の世帯の実態が異なるため"
FALLBACK_STEPS: list[str] = []  # steps run through the job runner for want of a page


class Session:
    """What the scripted session collected for the final scan."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.pdfs: dict[str, bytes] = {}
        self.results: dict[str, list[Any]] = {}


def _world(tmp_path: Path, sim: SimServer) -> dict[str, dict[str, Path]]:
    """Both profiles with a 15-minute idle time, an input medium and an export medium each."""
    out: dict[str, dict[str, Path]] = {}
    for code in (MITO, TSUKUBA):
        profile = make_profile(tmp_path / f"profile-{code}", sim, sim.sim_pki, code)
        try:
            admin = login(profile, ADMIN)
            PolicyService(profile).change(admin, "idle_timeout_seconds", 900)
            medium = tmp_path / f"usb-{code}"
            export = tmp_path / f"export-{code}"
            PolicyService(profile).change(admin, "emulated_media_dirs",
                                          [str(medium), str(export)])  # listed on the pages
            admin.logout()
            approved_medium(profile, medium)
            write_files(medium, medium_files(code))
            approved_medium(profile, export)
        finally:
            profile.close()
        out[code] = {"profile": profile.path, "medium": medium, "export": export}
    return out


def _send(qtbot: QtBot, run: GuiRun, medium: Path) -> None:
    """移入・送信: choose the medium, 検査, 送信 (or the service through jobs without the page)."""
    page = run.page("send")
    if page is None:
        staff = run.controller.session
        assert staff is not None
        result = run.run_job("send", lambda: SendingService(run.profile).send(staff, medium))
    else:
        assert isinstance(page, SendPage)
        qtbot.waitUntil(lambda: not page.picker.loading, timeout=TIMEOUT)
        assert page.picker.choose_path(medium)
        qtbot.waitUntil(lambda: page.medium is not None and not page.loading
                        and page.check_button.isEnabled(), timeout=TIMEOUT)
        page.check_button.click()
        qtbot.waitUntil(lambda: page.check_view.report is not None and not page.busy,
                        timeout=TIMEOUT)
        assert page.check_view.report.valid and page.send_button.isEnabled()
        page.send_button.click()
        qtbot.waitUntil(lambda: page.last_result is not None and not page.busy,
                        timeout=TIMEOUT)
        result = page.last_result
        assert "一時ファイルは削除しました" in page.banner.text()
    assert result is not None and all(o.accepted for o in result.outcomes)
    assert len(result.outcomes) == 3  # two KSK pairs and the KKG01 of this medium
    run.wait_idle()
    FALLBACK_STEPS.extend(run.fallbacks)
    run.fallbacks.clear()


def _export(qtbot: QtBot, run: GuiRun, medium: Path) -> list[str]:
    """受信・移出: choose the medium and 移出 (or the service through jobs without the page)."""
    page = run.page("receive")
    if page is None:
        staff = run.controller.session
        assert staff is not None
        result = run.run_job("export", lambda: ExportingService(run.profile).export(
            staff, medium))
    else:
        assert isinstance(page, ReceivePage)
        qtbot.waitUntil(lambda: not page.picker.loading and not page.loading, timeout=TIMEOUT)
        assert page.picker.choose_path(medium)
        qtbot.waitUntil(lambda: page.medium is not None and page.export_button.isEnabled(),
                        timeout=TIMEOUT)
        page.export_button.click()
        qtbot.waitUntil(lambda: page.last_result is not None and not page.busy,
                        timeout=TIMEOUT)
        result = page.last_result
        assert page.banner.level == "ok", page.banner.text()
    assert result is not None
    run.wait_idle()
    FALLBACK_STEPS.extend(run.fallbacks)
    run.fallbacks.clear()
    return [e.name for e in result.exported]


def _select(qtbot: QtBot, page: CandidatesPage, row: int) -> None:
    no = page.model.view(row).candidate_no
    page.table.selectionModel().setCurrentIndex(
        page.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.waitUntil(lambda: page.panel.candidate is not None
                    and page.panel.candidate.candidate_no == no, timeout=TIMEOUT)


def _decide(qtbot: QtBot, run: GuiRun, page: CandidatesPage, row: int, overrule: bool) -> None:
    _select(qtbot, page, row)
    panel = page.panel
    assert page.model.view(row).suggestion == "continue"
    if overrule:
        panel.discontinue_radio.click()
        panel.reason.setText(OVERRULE_REASON)
    else:
        panel.continue_radio.click()
    panel.save_button.click()
    expected = "継続しない" if overrule else "継続する"
    qtbot.waitUntil(lambda: not page.loading and page.model.view(row).decision_label == expected,
                    timeout=TIMEOUT)
    run.wait_idle()


def _print(qtbot: QtBot, flow: Any, button: Any, name: str, session: Session) -> None:
    previous = flow.document
    button.click()
    qtbot.waitUntil(lambda: flow.document is not None and flow.document is not previous
                    and flow.preview is not None, timeout=TIMEOUT)
    document: PrintDocument = flow.document
    assert document.pdf.startswith(b"%PDF")
    session.pdfs[name] = document.pdf


def _candidates_and_results(qtbot: QtBot, run: GuiRun, code: str, other: str,
                            overrule_one: bool, session: Session) -> None:
    page = run.page("candidates")
    assert isinstance(page, CandidatesPage)
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    run.wait_idle()
    assert page.model.total_count() == HOUSEHOLDS
    for row in range(HOUSEHOLDS):
        view = page.model.view(row)
        assert (view.before_municipality, view.after_municipality) == (other, code)
        assert view.category == 1 and view.suggestion == "continue"
    _print(qtbot, page.printing, page.print_button, f"{code}-candidates", session)
    page.printing.preview.close()
    _decide(qtbot, run, page, 0, overrule=False)
    _decide(qtbot, run, page, 1, overrule=overrule_one)
    dialog = page.open_confirm_dialog()
    assert f"確定する候補: {HOUSEHOLDS}件" in dialog.summary.text()
    dialog.checkbox.click()
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: "確定しました" in dialog.outcome_label.text(), timeout=TIMEOUT)
    run.wait_idle()
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    assert {page.model.view(r).state_label for r in range(HOUSEHOLDS)} == {"確定済"}
    session.hits += my_numbers_on_screen()  # list, detail, panel and the dialog, all roles
    dialog.cancel_button.click()
    results = run.page("results")
    assert isinstance(results, ResultsPage)
    qtbot.waitUntil(lambda: not results.loading and results.model.total_count() == HOUSEHOLDS,
                    timeout=TIMEOUT)
    run.wait_idle()
    rows = results.model.results()
    session.results[code] = rows
    _print(qtbot, results.printing, results.confirmed_print_button, f"{code}-confirmed", session)
    _print(qtbot, results.printing, results.carry_over_print_button, f"{code}-carry-over",
           session)
    session.hits += my_numbers_on_screen()


def _phase(qtbot: QtBot, dirs: dict[str, Path], session: Session, *, send: bool,
           decide: tuple[str, bool] | None) -> list[str]:
    """One login of staff on a profile: send, decide + confirm + print, export."""
    run = GuiRun(qtbot, dirs["profile"])
    exported: list[str] = []
    try:
        run.login(STAFF, STAFF_PW)
        code = run.profile.municipality_code
        if send:
            _send(qtbot, run, dirs["medium"])
        if decide is not None:
            other, overrule_one = decide
            _candidates_and_results(qtbot, run, code, other, overrule_one, session)
            exported = _export(qtbot, run, dirs["export"])
        session.hits += my_numbers_on_screen()
        clipboard = QApplication.clipboard()
        session.hits += text_hits("clipboard", [clipboard.text()])
        mime = clipboard.mimeData()
        if mime is not None:
            for fmt in mime.formats():
                session.hits += bytes_hits(f"clipboard {fmt}", bytes(mime.data(fmt).data()))
    finally:
        run.shutdown()
    return exported


@pytest.fixture
def sim(tmp_path: Path) -> Any:
    pki = make_pki(tmp_path / "pki", (TSUKUBA, MITO))
    with SimServer(tmp_path / "sim" / "data", pki) as server:
        yield server


def test_two_municipalities_full_session_leaves_no_my_number(
    qtbot: QtBot, tmp_path: Path, sim: SimServer
) -> None:
    capture = LogCapture().install()
    session = Session()
    try:
        dirs = _world(tmp_path, sim)
        inputs = {code: {p.name: p.read_bytes() for p in d["medium"].glob("*.dat")}
                  for code, d in dirs.items()}
        # 1. 水戸市 sends (its households A leave, B arrive: B's moves wait for つくば市).
        _phase(qtbot, dirs[MITO], session, send=True, decide=None)
        # 2. つくば市 sends, decides A (one overruled), confirms, prints, exports.
        exported_t = _phase(qtbot, dirs[TSUKUBA], session, send=True, decide=(MITO, True))
        # 3. 水戸市 decides B, confirms, prints, exports.
        exported_m = _phase(qtbot, dirs[MITO], session, send=False, decide=(TSUKUBA, False))
    finally:
        capture.remove()

    # --- the workflow did what it should -------------------------------------------
    tsukuba, mito = session.results[TSUKUBA], session.results[MITO]
    assert sorted(r.decision for r in tsukuba) == ["continue", "discontinue"]
    assert [r.decision for r in mito] == ["continue", "continue"]
    for r in [*tsukuba, *mito]:
        assert r.carried_months == (CARE_MONTHS if r.decision == "continue" else ())
        assert r.tasuu_count == (3 if r.decision == "continue" else 0)
        assert r.move_month_rule is False  # moved on the 1st
    overruled = next(r for r in tsukuba if r.decision == "discontinue")
    with sim.session(TSUKUBA, STAFF) as http:  # the reason is kept by the server
        detail = http.get(sim.url(f"/api/v1/candidates/{overruled.candidate_no}"),
                          timeout=30).json()
    assert detail["decision_detail"]["reason"] == OVERRULE_REASON
    for code, names in ((TSUKUBA, exported_t), (MITO, exported_m)):
        kinds = sorted({n[:5] for n in names})
        assert kinds == ["KKG11", "KSK11", "KSK12"], (code, names)
        files = {p.name: p.read_bytes() for p in dirs[code]["export"].glob("*.csv")}
        assert set(files) == set(names)
        assert check_file_set(files, today=system_clock().date()).valid  # the profiles' clock
    confirmed = pdf_text(session.pdfs[f"{TSUKUBA}-confirmed"])
    assert "継続しない" in confirmed and "継続する" in confirmed
    assert "水戸市" in pdf_text(session.pdfs[f"{TSUKUBA}-carry-over"])

    # --- the scan is meaningful: the sentinels were on the media, the scanners see them
    seen = {n for files in inputs.values() for data in files.values()
            for n in find_my_numbers_in_bytes(data)}
    assert seen == set(SENTINELS)
    assert bytes_hits("control", SENTINELS[0].encode()) == [
        "control: sentinel #0 ascii plain utf-8", "control: valid 12-digit number (ascii)"]
    assert text_hits("control", ["個人番号 " + "".join(chr(0xFF10 + int(d)) for d in
                                                    SENTINELS[1])]) == [
        "control: sentinel #1 full-width plain utf-8", "control: valid 12-digit number"]

    # --- every artefact ------------------------------------------------------------
    hits = list(session.hits)
    for name, pdf in session.pdfs.items():
        hits += pdf_hits(f"PDF {name}", pdf)
    hits += text_hits("log record", capture.lines)
    assert len(capture.lines) > 10  # the application did log (e.g. logins, transfers)
    hits += text_hits("simulator output", [sim.log_text()])
    hits += environment_hits()
    for code, d in dirs.items():
        profile = open_profile(d["profile"], hasher=HASHER)
        try:
            assert profile.audit.verify().ok
            hits += audit_hits(profile)
            hits += database_hits(profile)
            hits += tree_hits(profile.staging_dir)
            assert StagingArea(profile.staging_dir).leftover_files() == []
        finally:
            profile.close()
        hits += [f"{code} export: {h}" for h in tree_hits(d["export"])]
    assert hits == []
    assert FALLBACK_STEPS == []  # every step went through its real page
