"""Decision entry for one candidate: 継続する / 継続しない, reason, remarks, 「保存」."""

from __future__ import annotations

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


class DecisionPanel(QGroupBox):
    """Record or change the decision of the candidate shown; read-only once confirmed.

    ``save_requested(decision, reason, remarks)`` asks the page to save
    (through the service, in a background job); the page answers with
    :meth:`saved` or :meth:`save_failed`.
    """

    save_requested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("判断の入力", parent)
        self.candidate: CandidateView | None = None
        self.continue_radio = QRadioButton("継続する")
        self.discontinue_radio = QRadioButton("継続しない")
        self.reason_label = QLabel("理由")
        self.reason = QLineEdit()
        self.reason.setObjectName("decision_reason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText("判定候補と異なるときは必須")
        self.remarks = QPlainTextEdit()
        self.remarks.setObjectName("decision_remarks")
        self.remarks.setPlaceholderText("任意(500文字以内)")
        self.remarks.setFixedHeight(64)
        self.decided = QLabel()
        self.decided.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("decision_message")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3 + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("decision_save")
        self._build()
        self._wire()
        self.clear()

    def _build(self) -> None:
        radios = QHBoxLayout()
        radios.addWidget(self.continue_radio)
        radios.addWidget(self.discontinue_radio)
        radios.addStretch(1)
        form = QFormLayout()
        form.addRow("判断", radios)
        form.addRow(self.reason_label, self.reason)
        form.addRow("備考", self.remarks)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
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
        self.save_button.clicked.connect(self._on_save)

    # --- state --------------------------------------------------------------------

    def chosen(self) -> str | None:
        """continue / discontinue / None."""
        if self.continue_radio.isChecked():
            return "continue"
        if self.discontinue_radio.isChecked():
            return "discontinue"
        return None

    def set_candidate(self, candidate: CandidateView) -> None:
        """Show the recorded decision of ``candidate`` (editable unless confirmed)."""
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
            who = f"判断者: {candidate.decided_by}  {short_date(candidate.decided_at)}"
            if candidate.confirmed:
                who += f"\n確定: {candidate.confirmed_by}  {short_date(candidate.confirmed_at)}"
            self.decided.setText(who)
        else:
            self.decided.setText("未判断です。")
        self.message.setStyleSheet("")
        self.message.setText(
            CONFIRMED_NOTE if candidate.confirmed else SAVED_NOTE if keep_saved else "")
        self._set_editable(not candidate.confirmed)
        self._update()

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.continue_radio, self.discontinue_radio):
            widget.setEnabled(editable)
        self.reason.setReadOnly(not editable)
        self.remarks.setReadOnly(not editable)

    def _update(self) -> None:
        c, decision = self.candidate, self.chosen()
        needs = c is not None and decision is not None and c.needs_reason(decision)
        self.reason_label.setText("理由(必須)" if needs else "理由")
        self.reason_label.setStyleSheet("color: #b00020; font-weight: bold;" if needs else "")
        editable = c is not None and not c.confirmed
        self.save_button.setEnabled(editable and decision is not None)
        if needs and not self.reason.text().strip() and editable:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(REASON_REQUIRED_HINT)
        elif self.message.text() == REASON_REQUIRED_HINT:
            self.message.setText("")

    def _on_save(self) -> None:
        decision = self.chosen()
        if self.candidate is None or decision is None or self.candidate.confirmed:
            return
        self.save_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText("保存しています…")
        self.save_requested.emit(decision, self.reason.text(), self.remarks.toPlainText())

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
        """No candidate (or the screen locked): empty and disabled."""
        self.candidate = None
        self.reason.clear()
        self.remarks.clear()
        self.decided.setText("")
        self.message.setText("")
        self._set_editable(False)
        self.save_button.setEnabled(False)

    clear_for_lock = clear
