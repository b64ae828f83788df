"""The 確定指示 dialog: a summary, an explicit confirmation, then the outcome."""

from __future__ import annotations

from kokuho_pc.services.candidate_views import ConfirmOutcome, ConfirmPlan
from kokuho_pc.ui.candidates.second_staff_box import SecondStaffBox
from kokuho_pc.ui.widgets.demo_banner import demo_title
from kokuho_pc.ui.widgets.qt import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

TITLE = "継続世帯の確定指示"
WARNING = ("確定した候補の判断は、この端末から変更できなくなります。"
           "「継続する」と確定した世帯には、高額該当回数が引き継がれます。")


def summary_text(plan: ConfirmPlan) -> str:
    """The Japanese summary of what will be confirmed and what is left out."""
    lines = [
        f"確定する候補: {plan.count}件",
        f"  ・継続する: {len(plan.continue_nos)}件",
        f"  ・継続しない: {len(plan.discontinue_nos)}件",
    ]
    if plan.undecided_count:
        lines.append(f"未判断の候補 {plan.undecided_count}件は確定の対象外です"
                     "(判断を入力してから確定してください)。")
    if plan.already_confirmed_count:
        lines.append(f"確定済みの候補 {plan.already_confirmed_count}件は対象外です。")
    return "\n".join(lines)


def outcome_text(outcome: ConfirmOutcome) -> str:
    """The Japanese outcome of a 確定指示."""
    lines = [
        f"{len(outcome.confirmed)}件を確定しました"
        f"(継続する {outcome.continued}件、継続しない {outcome.discontinued}件)。",
        f"引き継いだ高額該当月: {outcome.carried_months}件",
    ]
    if outcome.already_confirmed:
        lines.append(f"既に確定済みだった候補: {len(outcome.already_confirmed)}件")
    if outcome.deliveries:
        lines.append(f"配信ファイル: {len(outcome.deliveries)}件(受信・移出画面で移出してください)")
    lines.append("確定結果は「確定結果」画面で確認・印刷できます。")
    return "\n".join(lines)


class ConfirmDialog(QDialog):
    """Shows the plan; 「確定」 is enabled only after 「内容を確認しました」 is checked.

    ``confirm_requested(candidate_nos)`` asks the page to confirm (in a job);
    the page answers with :meth:`show_outcome` or :meth:`show_failure`.
    """

    confirm_requested = Signal(object)

    def __init__(self, plan: ConfirmPlan, demo: bool, parent: QWidget | None = None, *,
                 two_person: bool = False, second_factor: bool = False) -> None:
        super().__init__(parent)
        self.plan = plan
        self.second: SecondStaffBox | None = SecondStaffBox(second_factor, self) \
            if two_person else None
        self.setWindowTitle(demo_title(TITLE, demo))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        self.summary = QLabel(summary_text(plan))
        self.summary.setObjectName("confirm_summary")
        self.warning = QLabel(WARNING)
        self.warning.setWordWrap(True)
        self.checkbox = QCheckBox("内容を確認しました(&O)")
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("confirm_result")
        self.outcome_label.setWordWrap(True)
        self.confirm_button = QPushButton("確定(&D)")
        self.confirm_button.setObjectName("confirm_button")
        self.cancel_button = QPushButton("キャンセル")
        self._build()
        self._wire()
        self._update()

    def _build(self) -> None:
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        heading = QLabel("次の内容で継続世帯を確定します。")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(self.checkbox)
        if self.second is not None:
            layout.addWidget(self.second)
        layout.addWidget(self.outcome_label)
        layout.addLayout(buttons)
        if self.plan.count == 0:
            self.checkbox.setEnabled(False)
            self.outcome_label.setText("確定できる判断済みの候補がありません。")

    def _wire(self) -> None:
        self.checkbox.toggled.connect(self._update)
        self.confirm_button.clicked.connect(self._on_confirm)
        self.cancel_button.clicked.connect(self.reject)

    def _update(self) -> None:
        second_ok = self.second is None or self.second.verified_id is not None
        self.confirm_button.setEnabled(self.plan.count > 0 and self.checkbox.isChecked()
                                       and second_ok)

    def second_verified(self, user_id: str, name: str) -> None:
        """The page checked the second staff member's login."""
        if self.second is not None:
            self.second.verified(user_id, name)
        self._update()

    def second_refused(self, message: str) -> None:
        """The page refused the second staff member's login."""
        if self.second is not None:
            self.second.refused(message)
        self._update()

    def _on_confirm(self) -> None:
        if not self.confirm_button.isEnabled():
            return
        self.confirm_button.setEnabled(False)
        self.checkbox.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.outcome_label.setText("確定しています…")
        self.confirm_requested.emit(self.plan.candidate_nos)

    def show_outcome(self, outcome: ConfirmOutcome) -> None:
        """Show what was confirmed; the only button left closes the dialog."""
        self.outcome_label.setText(outcome_text(outcome))
        self.outcome_label.setStyleSheet("QLabel#confirm_result { border: 1px solid #4a7; "
                                         "background: #effaf2; padding: 8px; }")
        self.confirm_button.hide()
        self.cancel_button.setText("閉じる")
        self.cancel_button.setEnabled(True)
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self.accept)
        self.adjustSize()

    def show_failure(self, message: str) -> None:
        """Confirmation refused: show why; the user may close and try again."""
        self.outcome_label.setText(message)
        self.outcome_label.setStyleSheet("QLabel#confirm_result { border: 1px solid #c44; "
                                         "background: #fdeeee; padding: 8px; }")
        self.cancel_button.setText("閉じる")
        self.cancel_button.setEnabled(True)
        self.adjustSize()
