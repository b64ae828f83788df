"""Opening, deciding and leaving a candidate on the candidates screen (issue 16 item 1).

A mixin of :class:`~kokuho_pc.ui.candidates.candidates_page.CandidatesPage`: a
judgement is never lost. Before the row, the page or the session changes while
the decision panel holds unsaved input, :meth:`DecisionFlow.ask_to_leave` asks
保存／破棄／戻る; 「保存して次の未判断へ」 opens the next undecided candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.candidate_views import CandidateDetailView
from kokuho_pc.ui.candidates.candidate_detail import CandidateDetail
from kokuho_pc.ui.candidates.decision_panel import DecisionPanel
from kokuho_pc.ui.candidates.page_parts import CandidatesPageParts
from kokuho_pc.ui.candidates.unsaved_prompt import DISCARD, SAVE, ask_unsaved
from kokuho_pc.ui.widgets.error_dialog import show_error, user_message
from kokuho_pc.ui.widgets.qt import QMessageBox, QWidget
from kokuho_pc.ui.widgets.views import NoCopyTableView


class DecisionFlow(CandidatesPageParts):
    """See the module docstring; the page's parts it uses are declared here."""

    table: NoCopyTableView
    detail: CandidateDetail
    panel: DecisionPanel
    unsaved_box: QMessageBox | None
    _after_save: Callable[[], None] | None
    _select_after_save: str | None
    _reverting: bool

    def _set_current(self, row: int) -> None:
        raise NotImplementedError  # the page's

    # --- detail and decision ----------------------------------------------------------

    def _row_changed(self, current: Any, previous: Any) -> None:
        """Open the chosen candidate; ask first when the shown one has unsaved input."""
        if self._reverting or not current.isValid():
            return
        no = self.model.view(current.row()).candidate_no
        shown = self.panel.candidate
        if shown is not None and shown.candidate_no == no and self.panel.is_dirty():
            return  # the list was reloaded or searched: keep the input being typed
        if shown is not None and self.panel.is_dirty():
            self._reverting = True
            try:  # stay on the row being edited until the user answers
                row = self.model.row_of(shown.candidate_no)
                if row is not None:
                    self._set_current(row)
                else:
                    self.table.selectionModel().clearSelection()
            finally:
                self._reverting = False
            self.ask_to_leave(lambda: self.open_candidate(no), select=no)
            return
        self.open_candidate(no)

    def open_candidate(self, candidate_no: str) -> None:
        """Select ``candidate_no`` in the list (when listed) and load its detail (a job)."""
        row = self.model.row_of(candidate_no)
        if row is not None and self.table.currentIndex().row() != row:
            self._reverting = True
            try:
                self._set_current(row)
            finally:
                self._reverting = False
        self._run(lambda _p, _c: self.service.detail(candidate_no), self._show_detail)

    # --- unsaved input ----------------------------------------------------------------

    def has_unsaved(self) -> bool:
        """True while the panel holds input not saved (shown, or kept across the lock)."""
        return self.panel.is_dirty() or self.panel.stashed is not None

    def ask_to_leave(self, proceed: Callable[[], None], *, select: str | None = None) -> bool:
        """Before leaving unsaved input: ask 保存／破棄／戻る, then ``proceed`` unless 戻る.

        Returns False (and calls ``proceed`` at once) when nothing is unsaved.
        ``select`` is the candidate to show after a save (a row change).
        """
        candidate = self.panel.candidate
        if candidate is None or not self.panel.is_dirty():
            self.panel.discard_stash()
            proceed()
            return False
        if self.unsaved_box is not None:
            return True  # already asking

        def answered(answer: str) -> None:
            self.unsaved_box = None
            if answer == SAVE:
                self._after_save, self._select_after_save = proceed, select
                if not self.panel.save():
                    self._after_save = self._select_after_save = None
            elif answer == DISCARD:
                self.panel.set_candidate(candidate)  # back to what is recorded
                proceed()
            else:
                self.panel.continue_radio.setFocus()

        self.unsaved_box = ask_unsaved(cast(QWidget, self), candidate.candidate_no, answered)
        return True

    def _show_detail(self, detail: CandidateDetailView) -> None:
        if self.context.session.is_locked:
            return
        self.detail.show_detail(detail)
        self.panel.set_candidate(detail.candidate)

    def save_decision(self, decision: str, reason: str, remarks: str) -> None:
        """Save the panel's decision to the consolidation system (a job)."""
        candidate = self.panel.candidate
        if candidate is None:
            return
        no, suggestion = candidate.candidate_no, candidate.suggestion
        self._run(lambda _p, _c: self.service.record_decision(
                      no, decision, reason, remarks, suggestion=suggestion),
                  self._saved, self._save_failed)

    def save_and_next(self, decision: str, reason: str, remarks: str) -> None:
        """「保存して次の未判断へ」: save, then open the next undecided candidate of the list."""
        candidate = self.panel.candidate
        if candidate is None:
            return
        self._select_after_save = self.next_undecided(candidate.candidate_no)
        self.save_decision(decision, reason, remarks)

    def next_undecided(self, after: str) -> str | None:
        """The first undecided candidate listed after ``after`` (wrapping round), if any."""
        views = self.model.views()
        start = next((i for i, v in enumerate(views) if v.candidate_no == after), -1)
        for view in views[start + 1:] + views[:max(start, 0)]:
            if view.state == "undecided" and view.candidate_no != after:
                return view.candidate_no
        return None

    def _saved(self, detail: CandidateDetailView) -> None:
        self._show_detail(detail)
        self.panel.saved(detail.candidate)
        proceed, self._after_save = self._after_save, None
        target, self._select_after_save = self._select_after_save, None
        self.reload(select=target or detail.candidate.candidate_no)
        if proceed is not None and target is None:
            proceed()

    def _save_failed(self, exc: BaseException) -> None:
        self._after_save = self._select_after_save = None
        if isinstance(exc, KokuhoError):
            self.panel.save_failed(user_message(exc)[0])
        else:
            self.panel.save_failed("保存できませんでした。")
            show_error(cast(QWidget, self), exc)
