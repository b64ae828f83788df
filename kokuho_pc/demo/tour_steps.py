"""What the demo tour does on each page: the staff workflow, the way a user would.

One driver per page key (:data:`PAGE_DRIVERS`), called after the page's first
screenshot with the tour, the controller, the main window, the page widget
and the demo accounts. A page still showing its placeholder does the work
through the same service the screen would call (so the pages after it have
data), and the screenshots show what each screen shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kokuho_pc.demo.tour_base import DemoTourAccounts, Tour, TourError
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.sending import SendingService
from kokuho_pc.ui.candidates.confirm_dialog import ConfirmDialog
from kokuho_pc.ui.controller import AppController
from kokuho_pc.ui.main_window import MainWindow, PlaceholderPage
from kokuho_pc.ui.printing.print_preview import PrintPreviewDialog
from kokuho_pc.ui.widgets.help_window import HelpWindow
from kokuho_pc.ui.widgets.qt import QDialog, QItemSelectionModel, QMessageBox, QTabWidget, QWidget


class PageDriver(Protocol):
    """Drives one page of the tour."""

    def __call__(self, tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
                 accounts: DemoTourAccounts) -> None: ...


def idle(controller: AppController, page: QWidget) -> bool:
    """The page loads nothing and no background job runs."""
    busy = getattr(page, "busy", False)
    if busy() if callable(busy) else busy:
        return False
    return not getattr(page, "loading", False) and not controller.jobs.active_jobs()


def _ink(widget: QWidget) -> float:
    image = widget.grab().toImage()
    dark = total = 0
    for y in range(0, image.height(), 6):
        for x in range(0, image.width(), 6):
            total += 1
            dark += image.pixelColor(x, y).lightness() < 128
    return dark / max(total, 1)


def _capture_preview(tour: Tour, flow: Any, name: str, before: object) -> None:
    tour.wait_until(lambda: flow.preview is not None and flow.preview is not before,
                    "the print preview")
    preview: PrintPreviewDialog = flow.preview
    preview.resize(1280, 800)
    preview.set_zoom(1.0)
    tour.wait_until(lambda: _ink(preview.view) > 0.01, "the preview page")
    tour.capture(name, preview)
    preview.close()


def _through_service(tour: Tour, controller: AppController, work: Callable[..., Any],
                     what: str) -> None:
    """Run a service call as the missing screen would (a job), wait for it."""
    done: list[object] = []
    controller.jobs.run(lambda p, c: work(p, c), done.append, done.append,
                        progress_label=what, store=True)
    tour.wait_until(lambda: bool(done), what)
    if isinstance(done[0], BaseException):
        raise done[0]


def _choose_medium(tour: Tour, controller: AppController, page: Any, medium: Path) -> None:
    def chosen() -> bool:
        return page.medium is not None and Path(page.medium.path) == medium

    if not chosen():
        tour.wait_until(lambda: not page.picker.loading, "the media list")
        if not page.picker.choose_path(medium):
            raise TourError("the demo medium is not listed as usable")
    tour.wait_until(lambda: chosen() and idle(controller, page), "the medium")


def drive_send(tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
               accounts: DemoTourAccounts) -> None:
    """Choose the demo medium, check its three files, send them."""
    profile, session = controller.profile, controller.session
    assert profile is not None and session is not None
    if isinstance(page, PlaceholderPage) or not hasattr(page, "picker"):
        _through_service(tour, controller, lambda p, c: SendingService(profile).send(
            session, accounts.medium_dir, progress=p, is_cancelled=c.cancelled),
            "送信しています…")
        return
    p: Any = page
    _choose_medium(tour, controller, p, accounts.medium_dir)
    tour.capture("send-medium-chosen", main)
    p.check_button.click()
    tour.wait_until(lambda: p.check_view.report is not None and idle(controller, page),
                    "the check result")
    tour.capture("send-checked", main)
    tour.wait_until(p.send_button.isEnabled, "the send button")
    p.send_button.click()
    tour.wait_until(lambda: p.last_result is not None and idle(controller, page),
                    "the send result")
    tour.settle(0.3)
    tour.capture("send-done", main)
    history = p.open_history()
    history.resize(1000, 520)
    tour.wait_until(lambda: not history.loading, "the send history")
    tour.capture("send-history", history)
    rows = [r for r in range(history.model.rowCount())
            if not history.model.item(r).is_high_cost]
    if rows:
        history.table.selectRow(rows[0])
        before = history.printing.preview
        history.print_button.click()
        _capture_preview(tour, history.printing, "result-list", before)
    history.close()


def drive_receive(tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
                  accounts: DemoTourAccounts) -> None:
    """Export the deliveries to the demo medium (the files go back to the municipality)."""
    profile, session = controller.profile, controller.session
    assert profile is not None and session is not None
    if isinstance(page, PlaceholderPage) or not hasattr(page, "picker"):
        _through_service(tour, controller, lambda p, c: ExportingService(profile).export(
            session, accounts.medium_dir, progress=p, is_cancelled=c.cancelled),
            "移出しています…")
        return
    p: Any = page
    p.reload()
    tour.wait_until(lambda: idle(controller, page), "the deliveries")
    _choose_medium(tour, controller, p, accounts.medium_dir)
    tour.capture("receive-deliveries", main)
    tour.wait_until(p.export_button.isEnabled, "the export button")
    p.export_button.click()
    tour.wait_until(lambda: p.last_result is not None and idle(controller, page),
                    "the export result")
    tour.settle(0.3)
    tour.capture("receive-exported", main)


def _select(tour: Tour, page: Any, row: int) -> None:
    no = page.model.view(row).candidate_no
    page.table.selectionModel().setCurrentIndex(
        page.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    tour.wait_until(lambda: page.detail.candidate is not None
                    and page.detail.candidate.candidate_no == no, "the candidate's households")


def drive_candidates(tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
                     accounts: DemoTourAccounts) -> None:
    """Look at a candidate, decide (one refusal first), decide the rest, confirm, print."""
    p: Any = page
    if p.model.rowCount() == 0:
        raise TourError(f"no candidates listed ({p.count_label.text()})")
    views = [p.model.view(row) for row in range(p.model.rowCount())]
    changed = next((i for i, v in enumerate(views) if v.category in (2, 3, 4, 5, 6)), None)
    if changed is not None:
        _select(tour, p, changed)
        tour.capture("candidates-compare", main)
    _select(tour, p, 0)
    tour.capture("candidates-detail", main)
    first = p.model.view(0)
    panel = p.panel
    overrule = panel.discontinue_radio if first.suggestion != "discontinue" else \
        panel.continue_radio
    overrule.click()
    panel.reason.setText("窓口で世帯の実態を確認中")
    if p.model.rowCount() > 1:  # leaving the unsaved judgement asks 保存／破棄／戻る
        p.table.selectionModel().setCurrentIndex(
            p.model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        tour.wait_until(lambda: p.unsaved_box is not None, "the unsaved-judgement question")
        tour.capture("candidates-unsaved", p.unsaved_box)
        p.unsaved_box.button(QMessageBox.StandardButton.Cancel).click()  # 戻る
    panel.reason.setText("")
    panel.save_button.click()
    tour.wait_until(lambda: bool(panel.message.text()), "the reason refusal")
    tour.capture("candidates-reason-required", main)
    (panel.continue_radio if first.suggestion != "discontinue" else
     panel.discontinue_radio).click()
    panel.save_button.click()
    tour.wait_until(lambda: "保存しました" in panel.message.text(), "the saved decision")
    tour.wait_until(lambda: idle(controller, page), "the list after saving")
    tour.capture("candidates-decided", main)
    views = [p.model.view(row) for row in range(1, p.model.rowCount())]
    _through_service(tour, controller, lambda _p, _c: [
        p.service.record_decision(v.candidate_no,
                                  "discontinue" if v.suggestion == "discontinue" else "continue")
        for v in views if v.decision is None and v.state == "undecided"], "判断を保存しています…")
    p.reload(refresh=True)
    tour.wait_until(lambda: idle(controller, page), "the decided list")
    tour.capture("candidates-all-decided", main)
    before = p.printing.preview
    p.print_button.click()
    _capture_preview(tour, p.printing, "print-candidate-list", before)
    profile = controller.profile
    assert profile is not None
    _through_service(tour, controller, lambda _p, _c: _two_person_policy(profile, accounts),
                     "設定を変更しています…")  # the administrator turns the rule on
    p.reload()
    tour.wait_until(lambda: idle(controller, page) and p.two_person, "the two-person policy")
    dialog = p.open_confirm_dialog()
    assert isinstance(dialog, ConfirmDialog)
    tour.capture("confirm-dialog", dialog)
    dialog.checkbox.click()
    if dialog.second is not None:  # the second staff member logs in on the dialog
        dialog.second.user_id.setText(accounts.admin_id)
        dialog.second.password.setText(accounts.admin_password)
        dialog.second.login_button.click()
        tour.wait_until(lambda: dialog.confirm_button.isEnabled(), "the second staff member")
        dialog.adjustSize()
        tour.capture("confirm-two-person", dialog)
    dialog.confirm_button.click()
    tour.wait_until(lambda: "確定しました" in dialog.outcome_label.text(), "the confirmation")
    tour.capture("confirm-done", dialog)
    dialog.close()
    tour.wait_until(lambda: idle(controller, page), "the confirmed list")
    tour.capture("candidates-confirmed", main)


def _two_person_policy(profile: Any, accounts: DemoTourAccounts) -> None:
    """The administrator turns the two-person 確定指示 on (as on the 管理 page)."""
    from kokuho_pc.services.login import LoginService
    from kokuho_pc.services.policy import PolicyService

    admin = LoginService(profile).login(accounts.admin_id, accounts.admin_password)
    try:
        PolicyService(profile).change(admin, "two_person_confirmation", True)
    finally:
        admin.logout()


def drive_results(tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
                  accounts: DemoTourAccounts) -> None:
    """Reload the results after the confirmation and preview both lists."""
    p: Any = page
    p.reload()
    tour.wait_until(lambda: idle(controller, page), "the results")
    tour.capture("results-confirmed", main)
    for button, name in ((p.confirmed_print_button, "print-confirmed-list"),
                         (p.carry_over_print_button, "print-carry-over-list")):
        if not button.isEnabled():
            continue
        before = p.printing.preview
        button.click()
        _capture_preview(tour, p.printing, name, before)


def drive_admin(tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
                accounts: DemoTourAccounts) -> None:
    """Every tab of the administration page."""
    tabs = page.findChild(QTabWidget)
    if tabs is None:
        return
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        tour.wait_until(lambda: idle(controller, page), "the administration tab")
        tour.settle(0.2)
        tour.capture(f"admin-tab{index + 1}", main)
        tab = tabs.widget(index)
        create = getattr(tab, "create_button", None)
        if create is not None and create.isEnabled():
            _capture_new_dialog(tour, create.click, "admin-new-account")
        if hasattr(tab, "export_button"):
            _audit_tools(tour, controller, main, page, tab)
        verify = getattr(tab, "verify_button", None)
        if verify is not None and verify.isEnabled():
            verify.click()
            tour.wait_until(lambda: idle(controller, page), "the chain verification")
            tour.settle(0.3)
            tour.capture("admin-audit-verified", main)
            for box in tour.top_level(QMessageBox):
                box.close()


def drive_fido_enrol(tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
                     accounts: DemoTourAccounts) -> None:
    """The 生体認証(認証器) dialog: the administrator enrols an authenticator of their own
    (signing in as the witness on the same dialog), with the software authenticator."""
    tabs = page.findChild(QTabWidget)
    accounts_tab = getattr(page, "accounts", None)
    if tabs is None or accounts_tab is None:
        return
    tabs.setCurrentWidget(accounts_tab)
    tour.wait_until(lambda: idle(controller, page), "the accounts tab")
    accounts_tab.select(accounts.admin_id)
    accounts_tab.fido_button.click()
    dialog = accounts_tab.fido_dialog
    tour.wait_until(lambda: dialog is not None and idle(controller, page), "the FIDO dialog")
    dialog.staff_password.setText(accounts.admin_password)
    dialog.admin_id.setText(accounts.admin_id)
    dialog.admin_password.setText(accounts.admin_password)
    tour.capture("fido-enrol", dialog)
    dialog.enrol_button.click()
    tour.wait_until(lambda: "登録しました" in dialog.message.text() and not dialog.busy
                    and idle(controller, page), "the enrolment")
    tour.settle(0.2)
    tour.capture("fido-enrol-done", dialog)
    dialog.close()


def _audit_tools(tour: Tour, controller: AppController, main: MainWindow, page: QWidget,
                 tab: Any) -> None:
    """The operation log: search by a file name, the detail of a record, print, CSV."""
    tab.text.setText("KSK01")
    tab.search()
    tour.wait_until(lambda: idle(controller, page) and tab.export_medium.count() > 0,
                    "the log search")
    if tab.model.rowCount():
        tab.table.selectRow(0)
    tour.settle(0.2)
    tour.capture("admin-audit-search", main)
    before = tab.printing.preview
    tab.print_button.click()
    _capture_preview(tour, tab.printing, "print-audit-log", before)
    tab.export_button.click()
    tour.wait_until(lambda: not tab.exporting, "the CSV export")
    tour.capture("admin-audit-export", main)
    tab.text.setText("")
    tab.search()
    tour.wait_until(lambda: idle(controller, page), "the whole log")


def _capture_new_dialog(tour: Tour, open_it: Callable[[], None], name: str) -> None:
    """Open a dialog, capture it, close it without accepting."""
    before = set(tour.top_level(QDialog))
    open_it()
    tour.wait_until(lambda: bool(set(tour.top_level(QDialog)) - before), name)
    dialog = next(iter(set(tour.top_level(QDialog)) - before))
    tour.capture(name, dialog)
    dialog.close()


def help_step(tour: Tour, main: MainWindow) -> None:
    """Open the manuals from the Help menu (staff manual, then the administrators')."""
    main.help_action.trigger()
    tour.wait_until(lambda: bool(tour.top_level(HelpWindow)), "the help window")
    window = tour.top_level(HelpWindow)[0]
    assert isinstance(window, HelpWindow)
    window.resize(1100, 800)
    tour.capture("help-index", window)
    for name in ("staff.html", "admin.html"):
        window.open_document(name)
        tour.capture(f"help-{name.removesuffix('.html')}", window)
    window.close()


PAGE_DRIVERS: dict[str, PageDriver] = {
    "send": drive_send,
    "candidates": drive_candidates,
    "results": drive_results,
    "receive": drive_receive,
    "admin": drive_admin,
}
