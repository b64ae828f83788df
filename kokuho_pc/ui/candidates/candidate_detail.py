"""The detail of one continuation candidate: both households compared in one grid."""

from __future__ import annotations

from kokuho_pc.domain.wareki import wareki_long
from kokuho_pc.services.candidate_views import CandidateDetailView, CandidateView, HeadInfo
from kokuho_pc.ui.candidates.candidate_models import CompareTableModel
from kokuho_pc.ui.widgets.qt import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

EMPTY_TEXT = "一覧から候補を選択すると、転出前と転入後の世帯を1つの表で対比して表示します。"
LEGEND = "色の付いた行: 転出前のみ(赤)・転入後のみ(緑)・続柄変更(黄)。内容は「異動」欄に記載。"


def _head_text(head: HeadInfo) -> str:
    if not head.name:
        return "(なし)"
    nominal = " [擬制世帯主]" if head.nominal else ""
    return f"{head.name}({head.kana}){nominal}"


class CandidateDetail(QWidget):
    """Header facts, the suggestion with its reason, and the comparison grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidate: CandidateView | None = None
        self.title = QLabel(EMPTY_TEXT)
        self.title.setObjectName("detail_title")
        self.title.setWordWrap(True)
        self.move_date = QLabel()
        self.route = QLabel()
        self.route.setWordWrap(True)
        self.category = QLabel()
        self.suggestion = QLabel()
        self.suggestion.setWordWrap(True)
        self.heads = QLabel()
        self.heads.setWordWrap(True)
        self.legend = QLabel(LEGEND)
        self.legend.setStyleSheet("color: #555555;")
        self.legend.setWordWrap(True)
        self.model = CompareTableModel(self)
        self.table = NoCopyTableView(self)
        self.table.setObjectName("compare_grid")
        self.table.setAccessibleName("異動前後の世帯の比較")
        self._build()

    def _build(self) -> None:
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.table.setModel(self.model)
        self.table.setSelectionMode(NoCopyTableView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        facts = QGridLayout()
        facts.setHorizontalSpacing(10)
        facts.setVerticalSpacing(2)
        facts.addWidget(QLabel("異動日"), 0, 0)
        facts.addWidget(self.move_date, 0, 1)
        facts.addWidget(QLabel("判定候補区分"), 0, 2)
        facts.addWidget(self.category, 0, 3)
        for row, (label, widget) in enumerate((("転出元 → 転入先", self.route),
                                               ("世帯主", self.heads),
                                               ("判定候補", self.suggestion)), start=1):
            facts.addWidget(QLabel(label), row, 0)
            facts.addWidget(widget, row, 1, 1, 3)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addLayout(facts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        self.clear()

    def show_detail(self, detail: CandidateDetailView) -> None:
        """Show one candidate."""
        c = detail.candidate
        self.candidate = c
        self.title.setText(f"候補番号 {c.candidate_no}({c.state_label})")
        self.move_date.setText(wareki_long(c.move_date))
        self.move_date.setToolTip(c.move_date.isoformat())
        self.route.setText(
            f"{c.before_municipality_name}(世帯番号 {c.before_household}・{c.before_count}人)"
            f" → {c.after_municipality_name}(世帯番号 {c.after_household}・{c.after_count}人)")
        self.category.setText(c.category_text)
        self.heads.setText(f"転出前 {_head_text(c.before_head)} / "
                           f"転入後 {_head_text(c.after_head)}")
        self.suggestion.setText(f"{c.suggestion_label} — {c.reason}")
        self.model.set_members(detail.members)
        self.table.resizeColumnsToContents()

    def clear(self) -> None:
        """Show nothing (no candidate chosen, or the screen locked)."""
        self.candidate = None
        self.title.setText(EMPTY_TEXT)
        for label in (self.move_date, self.route, self.category, self.suggestion, self.heads):
            label.setText("")
            label.setToolTip("")
        self.model.clear()

    clear_for_lock = clear
