"""「以前の候補リストを再印刷…」: choose a time the list changed, print the list as of then.

The times (判断, 確定指示, 送信) and the list come from the consolidation system
when asked for; nothing is kept on this PC.
"""

from __future__ import annotations

from kokuho_pc.services.candidate_history import ListMoment
from kokuho_pc.ui.widgets.demo_banner import demo_title
from kokuho_pc.ui.widgets.qt import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

TITLE = "以前の候補リストを再印刷"
EXPLANATION = ("選んだ時点の継続候補世帯リストを、その時点の判断で印刷します"
               "(判断・確定指示・送信のあった時点から選びます)。"
               "見出しに「…時点」と印刷されます。")
NO_MOMENTS = "再印刷できる以前の時点はありません(判断・確定指示・送信の記録がありません)。"


class ReprintDialog(QDialog):
    """The list of times; ``print_requested(moment)`` asks the page to print."""

    print_requested = Signal(object)

    def __init__(self, moments: list[ListMoment], demo: bool, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(demo_title(TITLE, demo))
        self.setModal(True)
        self.moments = moments
        self.times = QListWidget()
        self.times.setObjectName("reprint_times")
        self.times.setAccessibleName("再印刷する時点")
        for moment in moments:
            self.times.addItem(QListWidgetItem(moment.label))
        explanation = QLabel(EXPLANATION if moments else NO_MOMENTS)
        explanation.setWordWrap(True)
        self.print_button = QPushButton("この時点のリストを印刷(&P)")
        self.print_button.setDefault(True)
        self.close_button = QPushButton("閉じる")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.times, 1)
        layout.addLayout(buttons)
        self.resize(520, 420)
        self.times.currentRowChanged.connect(lambda _row: self._update())
        self.times.itemDoubleClicked.connect(lambda _item: self._print())
        self.print_button.clicked.connect(self._print)
        self.close_button.clicked.connect(self.reject)
        if moments:
            self.times.setCurrentRow(0)
        self._update()

    def chosen(self) -> ListMoment | None:
        """The time selected, or None."""
        row = self.times.currentRow()
        return self.moments[row] if 0 <= row < len(self.moments) else None

    def choose(self, moment: ListMoment) -> None:
        """Select ``moment`` in the list."""
        self.times.setCurrentRow(self.moments.index(moment))

    def _update(self) -> None:
        self.print_button.setEnabled(self.chosen() is not None)

    def _print(self) -> None:
        moment = self.chosen()
        if moment is not None:
            self.print_requested.emit(moment)
            self.accept()
