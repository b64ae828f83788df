"""The 継続候補世帯 screen: list with filters, detail side by side, decision, 確定指示, print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kokuho_pc.domain.codes import Category
from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.domain.municipality import MUNICIPALITY_NAMES
from kokuho_pc.services.candidate_views import (
    STATE_LABELS,
    CandidateDetailView,
    CandidateView,
    ConfirmOutcome,
)
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.ui.candidates.candidate_detail import CandidateDetail
from kokuho_pc.ui.candidates.candidate_models import CandidatesTableModel
from kokuho_pc.ui.candidates.confirm_dialog import ConfirmDialog
from kokuho_pc.ui.candidates.decision_panel import DecisionPanel
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.widgets.error_dialog import show_error, user_message
from kokuho_pc.ui.widgets.qt import (
    QComboBox,
    QHBoxLayout,
    QItemSelectionModel,
    QLabel,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

ALL = "すべて"


class CandidatesPage(QWidget):
    """Staff decide continuation candidates here; all network work runs in jobs."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = CandidateService(context.profile, context.session)
        self.printing = PrintFlow(context, self)
        self.confirm_dialog: ConfirmDialog | None = None
        self.loading = False
        self._generation = 0  # a newer reload supersedes the answer of an older one
        self.state_filter = QComboBox()
        self.category_filter = QComboBox()
        self.municipality_filter = QComboBox()
        self.reload_button = QPushButton("再表示")
        self.count_label = QLabel()
        self.print_button = QPushButton("候補リスト印刷")
        self.confirm_button = QPushButton("確定指示…")
        self.model = CandidatesTableModel(self)
        self.table = NoCopyTableView(self)
        self.table.setObjectName("candidates_table")
        self.detail = CandidateDetail(self)
        self.panel = DecisionPanel(self)
        self._build()
        self._wire()
        self.reload()

    def _build(self) -> None:
        self.state_filter.addItem(ALL, None)
        for code, label in STATE_LABELS.items():
            self.state_filter.addItem(label, code)
        self.category_filter.addItem(ALL, None)
        for category in Category:
            self.category_filter.addItem(f"{category.value} {category.label}", int(category))
        self.municipality_filter.addItem(ALL, None)
        own = self.context.profile.municipality_code
        for code, name in MUNICIPALITY_NAMES.items():
            if code != own:
                self.municipality_filter.addItem(name, code)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(NoCopyTableView.SelectionMode.SingleSelection)
        bar = QHBoxLayout()
        for label, combo in (("状態", self.state_filter), ("区分", self.category_filter),
                             ("転出元", self.municipality_filter)):
            bar.addWidget(QLabel(label))
            bar.addWidget(combo)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.confirm_button)
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail, 1)
        self.panel.setFixedWidth(330)
        lower_layout.addWidget(self.panel)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def _wire(self) -> None:
        for combo in (self.state_filter, self.category_filter, self.municipality_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload_button.clicked.connect(lambda: self.reload(refresh=True))
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._select(cur))
        self.panel.save_requested.connect(self.save_decision)
        self.print_button.clicked.connect(self.print_list)
        self.confirm_button.clicked.connect(self.open_confirm_dialog)

    def _run(self, work: Callable[[Any, Any], Any], on_success: Callable[[Any], None],
             on_failure: Callable[[BaseException], None] | None = None,
             label: str | None = None) -> None:
        self.context.jobs.run(work, on_success, on_failure, progress_label=label,
                              parent=self, store=True)

    # --- list -----------------------------------------------------------------------

    def reload(self, select: str | None = None, *, refresh: bool = False) -> None:
        """Load the candidates for the filters in a job; keep or restore the selection.

        One request whatever the count (``refresh``, 「再表示」, reads afresh as every load).
        """
        self.loading = True
        self._generation += 1
        generation = self._generation
        current = select or (self.detail.candidate.candidate_no if self.detail.candidate else None)
        filters = {"state": self.state_filter.currentData(),
                   "category": self.category_filter.currentData(),
                   "municipality": self.municipality_filter.currentData()}
        self.count_label.setText("読み込んでいます…")
        self._run(lambda progress, cancel: self.service.list(
                      **filters, refresh=refresh, progress=progress, cancel=cancel),
                  lambda views: self._loaded(views, current, generation),
                  lambda exc: self._load_failed(exc, generation),
                  "継続候補世帯を読み込んでいます…")

    def _stale(self, generation: int) -> bool:
        return generation != self._generation or self.context.session.is_locked

    def _loaded(self, views: list[CandidateView], current: str | None, generation: int) -> None:
        if self._stale(generation):
            return
        self.loading = False
        self.model.set_rows(views)
        self.count_label.setText(f"{len(views)}件")
        self.table.resizeColumnsToContents()
        row = self.model.row_of(current) if current else None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        else:
            self.detail.clear()
            self.panel.clear()

    def _load_failed(self, exc: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.count_label.setText("読み込めませんでした")
        show_error(self, exc)

    # --- detail and decision ----------------------------------------------------------

    def _select(self, index: Any) -> None:
        if not index.isValid():
            return
        no = self.model.view(index.row()).candidate_no
        self._run(lambda _p, _c: self.service.detail(no), self._show_detail)

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

    def _saved(self, detail: CandidateDetailView) -> None:
        self._show_detail(detail)
        self.panel.saved(detail.candidate)
        self.reload(select=detail.candidate.candidate_no)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KokuhoError):
            self.panel.save_failed(user_message(exc)[0])
        else:
            self.panel.save_failed("保存できませんでした。")
            show_error(self, exc)

    # --- confirmation and printing -----------------------------------------------------

    def open_confirm_dialog(self) -> ConfirmDialog:
        """The 確定指示 dialog for the candidates listed."""
        plan = self.service.plan_confirmation(self.model.views())
        dialog = ConfirmDialog(plan, self.context.demo, self)
        dialog.confirm_requested.connect(self._confirm)
        self.confirm_dialog = dialog
        dialog.show()
        return dialog

    def _confirm(self, candidate_nos: tuple[str, ...]) -> None:
        dialog = self.confirm_dialog

        def done(outcome: ConfirmOutcome) -> None:
            if dialog is not None:
                dialog.show_outcome(outcome)
            self.reload()

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.show_failure(user_message(exc)[0])
            self.reload()

        self._run(lambda _p, _c: self.service.confirm(candidate_nos), done, failed,
                  "確定しています…")

    def print_list(self) -> None:
        """「候補リスト印刷」: the listed candidates, in the order shown."""
        views = self.model.views()
        self.print_button.setEnabled(False)
        self.printing.start(lambda service: service.render_candidate_list(views),
                            lambda: self.print_button.setEnabled(True))

    # --- idle lock --------------------------------------------------------------------

    def clear_for_lock(self) -> None:
        """Empty everything shown (the idle lock)."""
        self.service.forget()
        self.model.clear()
        self.detail.clear()
        self.panel.clear()
        self.count_label.setText("")
        self.printing.clear_for_lock()
        if self.confirm_dialog is not None:
            self.confirm_dialog.close()
            self.confirm_dialog = None

    def restore_after_unlock(self) -> None:
        """Load again after the same user unlocked."""
        self.reload(refresh=True)
