"""One figure of the home dashboard: a title, a large value and what it means or what to do."""

from __future__ import annotations

from kokuho_pc.ui.widgets.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

LEVEL_STYLES = {
    "normal": ("#ffffff", "#c4ccd6", "#1f2d3d"),
    "ok": ("#f1faf3", "#8cc79a", "#14532d"),
    "warn": ("#fff8e6", "#e0b95a", "#6b4500"),
    "error": ("#fdecec", "#d05050", "#a40000"),
}


class DashboardCard(QFrame):
    """A card; :meth:`set_state` sets the value, the explanation and the level (colour)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_card")
        self.level = "normal"
        self.title_label = QLabel(title)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.value_label = QLabel("-")
        big = self.value_label.font()
        big.setPointSizeF(big.pointSizeF() * 1.9)
        big.setBold(True)
        self.value_label.setFont(big)
        self.value_label.setWordWrap(True)  # a long date wraps instead of being cut off
        self.detail_label = QLabel("")
        self.detail_label.setWordWrap(True)
        self.detail_label.setSizePolicy(QSizePolicy.Policy.Preferred,
                                        QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label, 1)
        self._layout = layout
        self.setMinimumHeight(150)
        self.set_state("-", "", "normal")

    def set_state(self, value: str, detail: str, level: str = "normal",
                  tooltip: str = "") -> None:
        """Show ``value`` and ``detail`` in the colours of ``level`` (normal/ok/warn/error)."""
        self.level = level
        background, border, text = LEVEL_STYLES.get(level, LEVEL_STYLES["normal"])
        self.value_label.setText(value)
        self.value_label.setToolTip(tooltip)
        self.detail_label.setText(detail)
        self.setStyleSheet(
            f"QFrame#dashboard_card {{ background: {background}; border: 2px solid {border};"
            f" border-radius: 6px; }} QFrame#dashboard_card QLabel {{ color: {text};"
            " background: transparent; border: none; }")

    def add_link(self, text: str) -> QPushButton:
        """A button at the card's foot that opens what the figure counts."""
        button = QPushButton(text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        self._layout.addLayout(row)
        return button

    def clear(self) -> None:
        """Show no figure (the idle lock)."""
        self.set_state("-", "", "normal")
