"""The 確定指示 (with the two-person rule), 「候補リスト印刷」 and 「以前の候補リストを再印刷…」
of the candidates screen.

A mixin of :class:`~kokuho_pc.ui.candidates.candidates_page.CandidatesPage`: it uses
the page's list, service, jobs and print flow, declared below for the type checker.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from kokuho_pc.services.candidate_history import ListMoment
from kokuho_pc.services.candidate_views import ConfirmOutcome
from kokuho_pc.services.candidates import SecondStaff
from kokuho_pc.ui.candidates.confirm_dialog import ConfirmDialog
from kokuho_pc.ui.candidates.page_parts import CandidatesPageParts
from kokuho_pc.ui.candidates.reprint_dialog import ReprintDialog
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.widgets.error_dialog import user_message
from kokuho_pc.ui.widgets.qt import QComboBox, QLineEdit, QPushButton, QWidget


class ConfirmAndPrint(CandidatesPageParts):
    """確定指示 and printing of the listed candidates (see the module docstring)."""

    printing: PrintFlow
    confirm_dialog: ConfirmDialog | None
    reprint_dialog: ReprintDialog | None
    second_staff: SecondStaff | None
    two_person: bool
    second_factor: bool
    state_filter: QComboBox
    category_filter: QComboBox
    municipality_filter: QComboBox
    search: QLineEdit
    print_button: QPushButton

    # --- confirmation and printing -----------------------------------------------------

    def open_confirm_dialog(self) -> ConfirmDialog:
        """The 確定指示 dialog for the candidates listed (with the second staff member's
        login when the policy asks for two persons)."""
        views = self.model.views()
        plan = self.service.plan_confirmation(views)
        deciders = sorted({v.decided_by for v in views
                           if v.candidate_no in plan.candidate_nos and v.decided_by})
        dialog = ConfirmDialog(plan, self.context.demo, cast(QWidget, self),
                               two_person=self.two_person,
                               second_factor=self.second_factor)
        dialog.confirm_requested.connect(self._confirm)
        if dialog.second is not None:
            dialog.second.login_requested.connect(
                lambda user, pw, otp: self._verify_second(dialog, user, pw, otp, deciders))
        self.confirm_dialog = dialog
        self.second_staff = None
        dialog.show()
        return dialog

    def _verify_second(self, dialog: ConfirmDialog, user: str, password: str, otp: str,
                       deciders: list[str]) -> None:
        def done(second: SecondStaff) -> None:
            self.second_staff = second
            dialog.second_verified(second.user_id, second.name)

        self._run(lambda _p, _c: self.service.verify_second_staff(
                      user, password, otp or None, deciders),
                  done, lambda exc: dialog.second_refused(user_message(exc)[0]))

    def _confirm(self, candidate_nos: tuple[str, ...]) -> None:
        dialog = self.confirm_dialog
        second = self.second_staff

        def done(outcome: ConfirmOutcome) -> None:
            if dialog is not None:
                dialog.show_outcome(outcome)
            self.reload()

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.show_failure(user_message(exc)[0])
            self.reload()

        self._run(lambda _p, _c: self.service.confirm(candidate_nos, second_staff=second),
                  done, failed, "確定しています…")

    def filter_text(self) -> str:
        """The conditions of the list shown, as printed in the header (「全件」 for none)."""
        parts = [f"{label} {combo.currentText()}" for label, combo in (
            ("状態", self.state_filter), ("区分", self.category_filter),
            ("転出元", self.municipality_filter)) if combo.currentData() is not None]
        if self.search.text().strip():
            parts.append(f"検索「{self.search.text().strip()}」")
        return "、".join(parts) if parts else "全件"

    def open_reprint_dialog(self) -> None:
        """「以前の候補リストを再印刷…」: fetch the times the list changed, let the staff
        choose one, then print the list as it stood then (fetched when printed)."""
        def chosen(moment: ListMoment) -> None:
            self.print_as_of(moment.at)

        def show(moments: list[ListMoment]) -> None:
            dialog = ReprintDialog(moments, self.context.demo, cast(QWidget, self))
            dialog.print_requested.connect(chosen)
            self.reprint_dialog = dialog
            dialog.show()

        self._run(lambda _p, _c: self.service.list_moments(), show,
                  label="以前の時点を読み込んでいます…")

    def print_as_of(self, at: dt.datetime) -> None:
        """Print the whole candidate list as it stood at ``at`` (the time in the title)."""
        service = self.service
        self.printing.start(lambda printing: printing.render_candidate_list(
            service.list_as_of(at), "全件(以前の候補リストの再印刷)", as_of=at))

    def print_list(self) -> None:
        """「候補リスト印刷」: the listed candidates, in the order shown, with the conditions
        of the list in the header."""
        views, condition = self.model.views(), self.filter_text()
        self.print_button.setEnabled(False)
        self.printing.start(lambda service: service.render_candidate_list(views, condition),
                            lambda: self.print_button.setEnabled(True))
