"""The 継続候補世帯 screen: list with filters and search, comparison, decision, 確定指示, print.

A judgement is never lost: before the row, the page or the session changes
while the decision panel holds unsaved input, :meth:`CandidatesPage.ask_to_leave`
asks 保存／破棄／戻る; the idle lock keeps the input in memory and puts it back
after unlocking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kokuho_pc.domain.codes import Category
from kokuho_pc.domain.municipality import MUNICIPALITY_NAMES
from kokuho_pc.services.candidate_views import (
    STATE_LABELS,
    CandidateView,
)
from kokuho_pc.services.candidates import CandidateService, SecondStaff
from kokuho_pc.ui.candidates.candidate_detail import CandidateDetail
from kokuho_pc.ui.candidates.candidate_models import CandidatesTableModel
from kokuho_pc.ui.candidates.confirm_dialog import ConfirmDialog
from kokuho_pc.ui.candidates.confirm_flow import ConfirmAndPrint
from kokuho_pc.ui.candidates.decision_flow import DecisionFlow
from kokuho_pc.ui.candidates.decision_panel import DecisionPanel
from kokuho_pc.ui.candidates.reprint_dialog import ReprintDialog
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import (
    QAction,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

ALL = "すべて"


class CandidatesPage(DecisionFlow, ConfirmAndPrint, QWidget):
    """Staff decide continuation candidates here; all network work runs in jobs."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = CandidateService(context.profile, context.session)
        self.printing = PrintFlow(context, self)
        self.confirm_dialog: ConfirmDialog | None = None
        self.second_staff: SecondStaff | None = None
        self.two_person = False  # the policy, read with every list load
        self.second_factor = False
        self.loading = False
        self._generation = 0  # a newer reload supersedes the answer of an older one
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName("状態で絞り込み")
        self.category_filter = QComboBox()
        self.category_filter.setAccessibleName("判定候補区分で絞り込み")
        self.municipality_filter = QComboBox()
        self.municipality_filter.setAccessibleName("市町村で絞り込み")
        self.search = QLineEdit()
        self.search.setObjectName("candidate_search")
        self.search.setAccessibleName("候補の検索")
        self.search.setPlaceholderText("検索: 候補番号・カナ氏名・世帯番号")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)  # grows with the window; fits 1024×768
        self.unsaved_box: QMessageBox | None = None
        self._after_save: Callable[[], None] | None = None
        self._select_after_save: str | None = None
        self._reverting = False
        self.reload_button = QPushButton("再表示(&R)")
        self.count_label = QLabel()
        self.print_button = QPushButton("候補リスト印刷(&P)")
        self.print_more = QToolButton()
        self.reprint_action = QAction("以前の候補リストを再印刷…", self)
        self.reprint_dialog: ReprintDialog | None = None
        self.confirm_button = QPushButton("確定指示(&D)…")
        self.model = CandidatesTableModel(self)
        self.table = NoCopyTableView(self)
        self.table.setObjectName("candidates_table")
        self.table.setAccessibleName("継続候補世帯の一覧")
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
        # Two rows (filters and search; then the commands), so that the page fits a
        # 1024×768 screen beside the navigation; long combo entries are elided.
        bar = QHBoxLayout()
        for label, combo in (("状態", self.state_filter), ("区分", self.category_filter),
                             ("転出元", self.municipality_filter)):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)  # list: whole
            bar.addWidget(QLabel(label))
            bar.addWidget(combo, 1)
        bar.addWidget(self.search, 3)
        commands = QHBoxLayout()
        commands.addWidget(self.reload_button)
        commands.addWidget(self.count_label)
        commands.addStretch(1)
        commands.addWidget(self.print_button)
        more = QMenu(self.print_more)
        more.addAction(self.reprint_action)
        self.print_more.setMenu(more)
        self.print_more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.print_more.setText("▾")
        self.print_more.setToolTip("その他の印刷(以前の候補リストを再印刷…)")
        self.print_more.setAccessibleName("その他の印刷")
        commands.addWidget(self.print_more)
        commands.addWidget(self.confirm_button)
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail, 1)
        self.panel.setFixedWidth(320)
        lower_layout.addWidget(self.panel)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # 判断者 stays narrow; 判定候補区分 takes the rest
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(commands)
        layout.addWidget(splitter, 1)

    def _wire(self) -> None:
        for combo in (self.state_filter, self.category_filter, self.municipality_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload_button.clicked.connect(lambda: self.reload(refresh=True))
        self.search.textChanged.connect(self._search_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.panel.save_requested.connect(self.save_decision)
        self.panel.save_next_requested.connect(self.save_and_next)
        self.print_button.clicked.connect(self.print_list)
        self.reprint_action.triggered.connect(lambda _checked=False: self.open_reprint_dialog())
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
        self._run(lambda progress, cancel: (self.service.list(
                      **filters, refresh=refresh, progress=progress, cancel=cancel),
                      self.context.profile.policy()),
                  lambda loaded: self._loaded(loaded[0], current, generation, loaded[1]),
                  lambda exc: self._load_failed(exc, generation),
                  "継続候補世帯を読み込んでいます…")

    def _stale(self, generation: int) -> bool:
        return generation != self._generation or self.context.session.is_locked

    def _loaded(self, views: list[CandidateView], current: str | None, generation: int,
                policy: Any = None) -> None:
        if self._stale(generation):
            return
        self.loading = False
        if policy is not None:
            self.two_person = bool(policy.two_person_confirmation)
            self.second_factor = bool(policy.second_factor_required)
        self.model.set_rows(views)
        self._count()
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(8, min(self.table.columnWidth(8), 110))  # 判断者: a name
        self._show_row_of(current)

    def _show_row_of(self, candidate_no: str | None) -> None:
        """Select ``candidate_no`` if listed; else show nothing (unless input is unsaved)."""
        row = self.model.row_of(candidate_no) if candidate_no else None
        if row is not None:
            self._set_current(row)
        elif not self.panel.is_dirty():
            self.detail.clear()
            self.panel.clear()

    def _set_current(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0))

    def _count(self) -> None:
        shown, loaded = self.model.total_count(), self.model.loaded_count()
        self.count_label.setText(f"{shown}件" if shown == loaded else f"{shown}件/{loaded}件")

    def _search_changed(self, text: str) -> None:
        """Filter the loaded list (no network); the candidate shown stays when listed."""
        current = self.detail.candidate.candidate_no if self.detail.candidate else None
        self.model.set_search(text)
        self._count()
        self._show_row_of(current)

    def _load_failed(self, exc: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.count_label.setText("読み込めませんでした")
        show_error(self, exc)

    # --- idle lock --------------------------------------------------------------------

    def clear_for_lock(self) -> None:
        """Empty everything shown (the idle lock)."""
        self.service.forget()
        self.model.clear()
        self.detail.clear()
        self.panel.clear_for_lock()  # keeps unsaved input in memory for after the unlock
        if self.unsaved_box is not None:
            self.unsaved_box.close()
            self.unsaved_box = None
        self.count_label.setText("")
        self.printing.clear_for_lock()
        if self.confirm_dialog is not None:
            self.confirm_dialog.close()
            self.confirm_dialog = None
        self.second_staff = None

    def restore_after_unlock(self) -> None:
        """Load again after the same user unlocked; reopen a candidate with unsaved input."""
        stashed = self.panel.stashed
        self.reload(select=stashed.candidate_no if stashed else None, refresh=True)
