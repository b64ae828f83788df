"""The 確定結果 screen: every confirmed candidate with the carried high-cost months.

「確定指示」 chooses one earlier confirmation: the table and both lists then hold
exactly the candidates confirmed by it. A confirmed line never changes, so this
reprints the list of that confirmation as it was then.
"""

from __future__ import annotations

from kokuho_pc.services.candidate_views import ResultView
from kokuho_pc.services.candidates import CandidateService
from kokuho_pc.ui.candidates.candidate_models import ResultsTableModel, short_date
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

LEGEND = ("引継月: 転出前の世帯から引き継いだ高額該当月(診療年月)。"
          "多数回該当回数: 異動月までの12か月の該当回数。"
          "次回多数回該当・転居月特例: ○は該当。")


class ResultsPage(QWidget):
    """Shows the 継続世帯確定結果 and prints the confirmed and carry-over lists."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = CandidateService(context.profile, context.session)
        self.printing = PrintFlow(context, self)
        self.loading = False
        self.reload_button = QPushButton("再表示(&R)")
        self.batch_filter = QComboBox()
        self.batch_filter.setAccessibleName("確定の回")
        self.batch_filter.setObjectName("confirmation_batch")
        self.batch_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._all: list[ResultView] = []
        self.count_label = QLabel()
        self.confirmed_print_button = QPushButton("確定リスト印刷(&P)")
        self.carry_over_print_button = QPushButton("引継結果印刷(&T)")
        self.model = ResultsTableModel(self)
        self.table = NoCopyTableView(self)
        self.table.setObjectName("results_table")
        self.table.setAccessibleName("確定結果の一覧")
        self.legend = QLabel(LEGEND)
        self.legend.setWordWrap(True)
        self._build()
        self._wire()
        self.reload()

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        bar = QHBoxLayout()
        title = QLabel("継続世帯確定結果")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        bar.addWidget(title)
        bar.addWidget(self.reload_button)
        bar.addWidget(QLabel("確定指示"))
        bar.addWidget(self.batch_filter)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.confirmed_print_button)
        bar.addWidget(self.carry_over_print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)

    def _wire(self) -> None:
        self.reload_button.clicked.connect(self.reload)
        self.confirmed_print_button.clicked.connect(self.print_confirmed)
        self.carry_over_print_button.clicked.connect(self.print_carry_over)
        self.batch_filter.currentIndexChanged.connect(lambda _i: self._show_batch())

    def reload(self) -> None:
        """Load the results in a job."""
        self.loading = True
        self.count_label.setText("読み込んでいます…")
        self.context.jobs.run(
            lambda progress, cancel: self.service.results(progress=progress, cancel=cancel),
            self._loaded, self._failed, progress_label="確定結果を読み込んでいます…",
            parent=self, store=True,
        )

    def _loaded(self, results: list[ResultView]) -> None:
        self.loading = False
        if self.context.session.is_locked:
            return
        self._all = list(results)
        chosen = self.batch_filter.currentData()
        self.batch_filter.blockSignals(True)
        self.batch_filter.clear()
        self.batch_filter.addItem("すべて", None)
        moments = sorted({r.confirmed_at for r in results if r.confirmed_at}, reverse=True)
        for moment in moments:
            count = sum(1 for r in results if r.confirmed_at == moment)
            self.batch_filter.addItem(f"{short_date(moment)}:{moment.second:02d} の確定({count}件)",
                                      moment.isoformat())
        index = self.batch_filter.findData(chosen) if chosen else 0
        self.batch_filter.setCurrentIndex(max(index, 0))
        self.batch_filter.blockSignals(False)
        self._show_batch()

    def _show_batch(self) -> None:
        results = self.shown_results()
        self.model.set_rows(results)
        continued = sum(1 for r in results if r.decision == "continue")
        self.count_label.setText(f"{len(results)}件(継続する {continued}件)")
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def shown_results(self) -> list[ResultView]:
        """The results of the chosen confirmation (all when 「すべて」)."""
        chosen = self.batch_filter.currentData()
        if not chosen:
            return list(self._all)
        return [r for r in self._all if r.confirmed_at and r.confirmed_at.isoformat() == chosen]

    def condition(self) -> str:
        """What the lists print in their header: 全件 or the chosen confirmation."""
        if not self.batch_filter.currentData():
            return "全件"
        return f"確定指示 {self.batch_filter.currentText()}"

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.count_label.setText("読み込めませんでした")
        self._update_buttons()
        show_error(self, exc)

    def _update_buttons(self) -> None:
        results = self.model.results()
        self.confirmed_print_button.setEnabled(bool(results))
        self.carry_over_print_button.setEnabled(any(r.decision == "continue" for r in results))

    def print_confirmed(self) -> None:
        """「確定リスト印刷」: the 継続世帯確定リスト."""
        results = self.model.results()
        self.confirmed_print_button.setEnabled(False)
        condition = self.condition()
        self.printing.start(lambda s: s.render_confirmed_list(results, condition),
                            self._update_buttons)

    def print_carry_over(self) -> None:
        """「引継結果印刷」: the 高額該当引継結果一覧 (continued households)."""
        results = self.model.results()
        self.carry_over_print_button.setEnabled(False)
        condition = self.condition()
        self.printing.start(lambda s: s.render_carry_over_list(results, condition),
                            self._update_buttons)

    def clear_for_lock(self) -> None:
        """Empty everything shown (the idle lock)."""
        self.service.forget()
        self.model.clear()
        self._all = []
        self.batch_filter.blockSignals(True)
        self.batch_filter.clear()
        self.batch_filter.blockSignals(False)
        self.count_label.setText("")
        self.printing.clear_for_lock()
        self._update_buttons()

    def restore_after_unlock(self) -> None:
        """Load again after the same user unlocked."""
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Reload when the page comes back into view (results change after confirming)."""
        super().showEvent(event)
        if not self.loading:
            self.reload()
