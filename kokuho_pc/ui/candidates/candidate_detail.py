"""The detail of one continuation candidate: before and after households side by side."""

from __future__ import annotations

from kokuho_pc.domain.wareki import wareki_long
from kokuho_pc.services.candidate_views import CandidateDetailView, CandidateView, HeadInfo
from kokuho_pc.ui.candidates.candidate_models import MembersTableModel
from kokuho_pc.ui.widgets.qt import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

EMPTY_TEXT = "一覧から候補を選択すると、転出前と転入後の世帯を対比して表示します。"


def _head_text(head: HeadInfo) -> str:
    if not head.name:
        return "世帯主: (なし)"
    nominal = " [擬制世帯主]" if head.nominal else ""
    return f"世帯主: {head.name}({head.kana}){nominal}"


class _HouseholdBox(QGroupBox):
    """One side: title, head of household and the members table."""

    def __init__(self, side: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.head = QLabel()
        self.model = MembersTableModel(side, self)
        self.table = NoCopyTableView(self)
        self.table.setObjectName(f"members_{side}")
        self.table.setModel(self.model)
        self.table.setSelectionMode(NoCopyTableView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.head)
        layout.addWidget(self.table)

    def show_side(self, title: str, head: HeadInfo, detail: CandidateDetailView) -> None:
        self.setTitle(title)
        self.head.setText(_head_text(head))
        self.model.set_members(detail.members)

    def clear_side(self, title: str) -> None:
        self.setTitle(title)
        self.head.setText("")
        self.model.clear()


class CandidateDetail(QWidget):
    """Header facts, the suggestion with its reason, and both households side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidate: CandidateView | None = None
        self.title = QLabel(EMPTY_TEXT)
        self.title.setObjectName("detail_title")
        self.title.setWordWrap(True)
        self.move_date = QLabel()
        self.route = QLabel()
        self.category = QLabel()
        self.suggestion = QLabel()
        self.suggestion.setWordWrap(True)
        self.before_box = _HouseholdBox("before", self)
        self.after_box = _HouseholdBox("after", self)
        self._build()

    def _build(self) -> None:
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        facts = QFormLayout()
        facts.addRow("異動日", self.move_date)
        facts.addRow("転出元 → 転入先", self.route)
        facts.addRow("判定候補区分", self.category)
        facts.addRow("判定候補", self.suggestion)
        sides = QHBoxLayout()
        sides.addWidget(self.before_box)
        sides.addWidget(self.after_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(facts)
        layout.addLayout(sides, 1)
        self.clear()

    def show_detail(self, detail: CandidateDetailView) -> None:
        """Show one candidate."""
        c = detail.candidate
        self.candidate = c
        self.title.setText(f"候補番号 {c.candidate_no}({c.state_label})")
        self.move_date.setText(wareki_long(c.move_date))
        self.move_date.setToolTip(c.move_date.isoformat())
        self.route.setText(
            f"{c.before_municipality_name}(世帯番号 {c.before_household})"
            f" → {c.after_municipality_name}(世帯番号 {c.after_household})")
        self.category.setText(c.category_text)
        self.suggestion.setText(f"{c.suggestion_label} — {c.reason}")
        self.before_box.show_side(
            f"転出前の世帯({c.before_municipality_name}・{c.before_count}人)",
            c.before_head, detail)
        self.after_box.show_side(
            f"転入後の世帯({c.after_municipality_name}・{c.after_count}人)",
            c.after_head, detail)

    def clear(self) -> None:
        """Show nothing (no candidate chosen, or the screen locked)."""
        self.candidate = None
        self.title.setText(EMPTY_TEXT)
        for label in (self.move_date, self.route, self.category, self.suggestion):
            label.setText("")
            label.setToolTip("")
        self.before_box.clear_side("転出前の世帯")
        self.after_box.clear_side("転入後の世帯")

    clear_for_lock = clear
