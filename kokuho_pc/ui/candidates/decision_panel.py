"""Decision entry for one candidate: 継続する / 継続しない, reason, remarks, 「保存」.

The panel knows whether its input differs from what is recorded
(:meth:`DecisionPanel.is_dirty`), so the page can ask 保存／破棄／戻る before
the input would be lost, and it keeps an unsaved draft in memory across the
idle lock (:meth:`DecisionPanel.clear_for_lock` stashes it, the next
:meth:`DecisionPanel.set_candidate` of the same candidate puts it back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kokuho_pc.services.candidate_views import CandidateView
from kokuho_pc.ui.candidates.candidate_models import short_date
from kokuho_pc.ui.widgets.qt import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

REASON_REQUIRED_HINT = "判定候補と異なる判断のため、理由の入力が必要です。"
CONFIRMED_NOTE = "確定済みのため、判断は変更できません。"
SAVED_NOTE = "国保情報集約システムに保存しました。"
DRAFT_RESTORED_NOTE = "画面ロック前の入力を戻しました(まだ保存していません)。"
EMPTY_NOTE = "一覧から候補を選択してください。"
REQUIRED_LABEL = "理由(必須)"


@dataclass(frozen=True)
class Draft:
    """Unsaved input for one candidate (kept in memory only, never stored)."""

    candidate_no: str
    decision: str | None
    reason: str
    remarks: str


def _staff(name: str, staff_id: str) -> str:
    """「鈴木 花子(suzuki.hanako)」, or the ID alone when this PC does not know the name."""
    return f"{name}({staff_id})" if name and name != staff_id else staff_id


class DecisionPanel(QGroupBox):
    """Record or change the decision of the candidate shown; read-only once confirmed.

    ``save_requested(decision, reason, remarks)`` asks the page to save
    (through the service, in a background job); the page answers with
    :meth:`saved` or :meth:`save_failed`.
    """

    save_requested = Signal(str, str, str)
    save_next_requested = Signal(str, str, str)  # 「保存して次の未判断へ」

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("判断の入力", parent)
        self.candidate: CandidateView | None = None
        self.continue_radio = QRadioButton("継続する(&1)")
        self.discontinue_radio = QRadioButton("継続しない(&2)")
        self.reason_label = QLabel("理由")
        self.reason = QLineEdit()
        self.reason.setObjectName("decision_reason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText("判定候補と異なるときは必須")
        self.remarks = QPlainTextEdit()
        self.remarks.setObjectName("decision_remarks")
        self.remarks.setPlaceholderText("任意(500文字以内)")
        self.remarks.setFixedHeight(64)
        self.remarks.setTabChangesFocus(True)  # Tab moves on (issue 17); no tabs in 備考
        self.remarks.setAccessibleName("備考")
        self.reason.setAccessibleName("理由")
        self.decided = QLabel()
        self.decided.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("decision_message")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3 + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.save_button = QPushButton("保存(&S)")
        self.save_button.setObjectName("decision_save")
        self.save_next_button = QPushButton("保存して次の未判断へ(&N)")
        self.save_next_button.setObjectName("decision_save_next")
        self._stashed: Draft | None = None
        self._build()
        self._wire()
        self.clear()

    def _build(self) -> None:
        radios = QHBoxLayout()
        radios.addWidget(self.continue_radio)
        radios.addWidget(self.discontinue_radio)
        radios.addStretch(1)
        # The label column is as wide as 「理由(必須)」 in bold from the start, so the
        # form does not move when the reason becomes required (the next click lands).
        bold = self.reason_label.font()
        bold.setBold(True)
        self.reason_label.setFont(bold)
        width = self.reason_label.fontMetrics().horizontalAdvance(REQUIRED_LABEL) + 6
        self.reason_label.setFixedWidth(width)
        bold.setBold(False)
        self.reason_label.setFont(bold)
        form = QFormLayout()
        form.addRow("判断", radios)
        form.addRow(self.reason_label, self.reason)
        form.addRow("備考", self.remarks)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_next_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.decided)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _wire(self) -> None:
        self.continue_radio.toggled.connect(self._update)
        self.discontinue_radio.toggled.connect(self._update)
        self.reason.textChanged.connect(self._update)
        self.remarks.textChanged.connect(self._update)
        self.save_button.clicked.connect(lambda: self._on_save(self.save_requested.emit))
        self.save_next_button.clicked.connect(lambda: self._on_save(self.save_next_requested.emit))

    # --- state --------------------------------------------------------------------

    def chosen(self) -> str | None:
        """continue / discontinue / None."""
        if self.continue_radio.isChecked():
            return "continue"
        if self.discontinue_radio.isChecked():
            return "discontinue"
        return None

    def is_dirty(self) -> bool:
        """True when the input differs from the recorded decision (it would be lost)."""
        c = self.candidate
        if c is None or c.confirmed:
            return False
        return (self.chosen() != (c.decision or None)
                or self.reason.text().strip() != c.decision_reason.strip()
                or self.remarks.toPlainText().strip() != c.remarks.strip())

    def draft(self) -> Draft | None:
        """The unsaved input (None when there is nothing unsaved)."""
        if self.candidate is None or not self.is_dirty():
            return None
        return Draft(self.candidate.candidate_no, self.chosen(), self.reason.text(),
                     self.remarks.toPlainText())

    @property
    def stashed(self) -> Draft | None:
        """The draft kept across the idle lock (None when there is none)."""
        return self._stashed

    def discard_stash(self) -> None:
        """Forget the draft kept across the lock (the user chose 破棄)."""
        self._stashed = None

    def set_candidate(self, candidate: CandidateView) -> None:
        """Show the recorded decision of ``candidate`` (editable unless confirmed).

        A draft stashed by the idle lock for this candidate is put back.
        """
        previous = self.candidate
        keep_saved = (previous is not None and previous == candidate
                      and self.message.text() == SAVED_NOTE)
        self.candidate = candidate
        for radio in (self.continue_radio, self.discontinue_radio):
            radio.setAutoExclusive(False)
            radio.setChecked(False)
            radio.setAutoExclusive(True)
        self.continue_radio.setChecked(candidate.decision == "continue")
        self.discontinue_radio.setChecked(candidate.decision == "discontinue")
        self.reason.setText(candidate.decision_reason)
        self.remarks.setPlainText(candidate.remarks)
        if candidate.decision:
            who = f"判断者: {_staff(candidate.decided_by_name, candidate.decided_by)}" \
                  f"  {short_date(candidate.decided_at)}"
            if candidate.confirmed:
                who += (f"\n確定: {_staff(candidate.confirmed_by_name, candidate.confirmed_by)}"
                        f"  {short_date(candidate.confirmed_at)}")
            self.decided.setText(who)
        else:
            self.decided.setText("未判断です。")
        self.message.setStyleSheet("")
        self.message.setText(
            CONFIRMED_NOTE if candidate.confirmed else SAVED_NOTE if keep_saved else "")
        self._set_editable(not candidate.confirmed)
        self.setEnabled(True)
        draft, self._stashed = self._stashed, None
        if draft is not None and draft.candidate_no == candidate.candidate_no \
                and not candidate.confirmed:
            self._apply(draft)
            self.message.setText(DRAFT_RESTORED_NOTE)
        self._update()

    def _apply(self, draft: Draft) -> None:
        self.continue_radio.setChecked(draft.decision == "continue")
        self.discontinue_radio.setChecked(draft.decision == "discontinue")
        self.reason.setText(draft.reason)
        self.remarks.setPlainText(draft.remarks)

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.continue_radio, self.discontinue_radio):
            widget.setEnabled(editable)
        self.reason.setReadOnly(not editable)
        self.remarks.setReadOnly(not editable)

    def _update(self) -> None:
        c, decision = self.candidate, self.chosen()
        needs = c is not None and decision is not None and c.needs_reason(decision)
        self.reason_label.setText(REQUIRED_LABEL if needs else "理由")
        self.reason_label.setStyleSheet("color: #b00020; font-weight: bold;" if needs else "")
        editable = c is not None and not c.confirmed
        self.save_button.setEnabled(editable and decision is not None)
        self.save_next_button.setEnabled(editable and decision is not None)
        if needs and not self.reason.text().strip() and editable:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(REASON_REQUIRED_HINT)
        elif self.message.text() == REASON_REQUIRED_HINT:
            self.message.setText("")

    def save(self) -> bool:
        """Ask the page to save the input (False when there is nothing to save)."""
        return self._on_save(self.save_requested.emit)

    def _on_save(self, emit: Callable[[str, str, str], object]) -> bool:
        decision = self.chosen()
        if self.candidate is None or decision is None or self.candidate.confirmed:
            return False
        self.save_button.setEnabled(False)
        self.save_next_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText("保存しています…")
        emit(decision, self.reason.text(), self.remarks.toPlainText())
        return True

    def saved(self, candidate: CandidateView) -> None:
        """The page saved the decision: show it as recorded."""
        self.set_candidate(candidate)
        self.message.setText(SAVED_NOTE)

    def save_failed(self, message: str) -> None:
        """Saving was refused: keep the input and show why (Japanese)."""
        self._update()
        self.message.setText(message)
        self.message.setStyleSheet("color: #b00020;")

    def clear(self) -> None:
        """No candidate: empty and disabled (nothing checked, nothing to type into)."""
        self.candidate = None
        for radio in (self.continue_radio, self.discontinue_radio):
            radio.setAutoExclusive(False)
            radio.setChecked(False)
            radio.setAutoExclusive(True)
        self.reason.clear()
        self.remarks.clear()
        self.reason_label.setText("理由")
        self.reason_label.setStyleSheet("")
        self.decided.setText("")
        self.message.setStyleSheet("")
        self.message.setText(EMPTY_NOTE)
        self._set_editable(False)
        self.save_button.setEnabled(False)
        self.save_next_button.setEnabled(False)
        self.setEnabled(False)

    def clear_for_lock(self) -> None:
        """The idle lock: keep unsaved input in memory (restored after unlock), then empty."""
        draft = self.draft()
        if draft is not None:
            self._stashed = draft
        self.clear()
