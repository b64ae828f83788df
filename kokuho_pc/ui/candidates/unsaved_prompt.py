"""The 保存／破棄／戻る question asked before an unsaved judgement would be lost."""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.qt import QMessageBox, QWidget

TITLE = "保存していない判断"
SAVE, DISCARD, BACK = "save", "discard", "back"


def ask_unsaved(parent: QWidget, candidate_no: str, on_answer: Callable[[str], None],
                ) -> QMessageBox:
    """Ask what to do with the unsaved judgement of ``candidate_no`` (never blocks).

    ``on_answer`` receives ``save``, ``discard`` or ``back`` (also for Esc or closing).
    """
    buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
               | QMessageBox.StandardButton.Cancel)
    answers = {QMessageBox.StandardButton.Save.value: SAVE,
               QMessageBox.StandardButton.Discard.value: DISCARD}
    box = msgbox.msgbox(
        parent, TITLE, f"候補番号 {candidate_no} の判断を保存していません。",
        icon=QMessageBox.Icon.Warning,
        informative="保存: 保存してから移ります。\n破棄: 入力を捨てて移ります。\n"
                    "戻る: この候補の入力を続けます。",
        buttons=buttons, on_finished=lambda button: on_answer(answers.get(button, BACK)))
    labels = {QMessageBox.StandardButton.Save: "保存", QMessageBox.StandardButton.Discard: "破棄",
              QMessageBox.StandardButton.Cancel: "戻る"}
    for standard, label in labels.items():
        button = box.button(standard)
        if button is not None:
            button.setText(label)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.setObjectName("unsaved_prompt")
    return box
