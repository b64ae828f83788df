"""The countdown shown before the idle lock: 「あと N 秒で画面をロックします」."""

from __future__ import annotations

import math
import time

from kokuho_pc.ui.widgets.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

TITLE = "まもなく画面をロックします"


def countdown_text(seconds: int) -> str:
    """The warning's sentence for ``seconds`` left."""
    return (f"操作がないため、あと {seconds} 秒で画面をロックします。\n"
            "続けるときは、マウスかキーボードを操作してください。")


class LockWarning(QWidget):
    """A small window over the main window that counts down; shows no data.

    It does not take the keyboard focus (typing goes on where it was); any
    activity ends it (the idle lock hides it), as does 「操作を続ける」.
    """

    keep_working = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("lockWarning")
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self._deadline = 0.0
        self.title = QLabel(TITLE)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.text = QLabel(countdown_text(30))
        self.continue_button = QPushButton("操作を続ける")
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._update)
        self.continue_button.clicked.connect(self.keep_working)
        frame = QFrame()
        frame.setObjectName("lockWarningFrame")
        frame.setStyleSheet("QFrame#lockWarningFrame { background: #fff8e1;"
                            " border: 2px solid #e0a800; }")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(20, 14, 20, 14)
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.continue_button)
        inner.addLayout(row)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

    def start(self, seconds_left: float, anchor: QWidget | None = None) -> None:
        """Show the countdown (centred on ``anchor``'s top when given)."""
        self._deadline = time.monotonic() + seconds_left
        self._update()
        self.adjustSize()
        if anchor is not None and anchor.isVisible():
            top = anchor.mapToGlobal(anchor.rect().topLeft())
            self.move(top.x() + (anchor.width() - self.width()) // 2, top.y() + 60)
        self._tick.start()
        self.show()

    def seconds_left(self) -> int:
        """Whole seconds before the lock, rounded up."""
        return max(0, math.ceil(self._deadline - time.monotonic()))

    def _update(self) -> None:
        self.text.setText(countdown_text(self.seconds_left()))

    def stop(self) -> None:
        """Hide the countdown."""
        self._tick.stop()
        self.hide()
