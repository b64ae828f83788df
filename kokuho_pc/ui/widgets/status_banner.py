"""A one-block message on a page: neutral, success, warning or error (red), with what to do."""

from __future__ import annotations

from kokuho_pc.ui.widgets.qt import QLabel, QSizePolicy, QWidget

STYLES = {
    "info": "color: #1f2d3d; background: #eef3f8; border: 1px solid #b8c7d9;",
    "ok": "color: #14532d; background: #ecf8ee; border: 1px solid #8cc79a;",
    "warn": "color: #6b4500; background: #fff6e0; border: 1px solid #e0b95a;",
    "error": "color: #a40000; background: #fdecec; border: 1px solid #e08080;",
}


class StatusBanner(QLabel):
    """Shows what happened and what to do; ``level`` is info, ok, warn or error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = "info"
        self.setWordWrap(True)
        self.setMinimumHeight(44)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.set_message("", "info")

    def set_message(self, text: str, level: str = "info", hint: str = "") -> None:
        """Show ``text`` (and ``hint`` on a second line) in the style of ``level``."""
        self.level = level
        full = text if not hint else f"{text}\n{hint}"
        self.setText(full)
        self.setVisible(bool(full))
        self.setStyleSheet(f"QLabel {{ {STYLES.get(level, STYLES['info'])}"
                           " padding: 6px 10px; border-radius: 4px; }")

    def clear_message(self) -> None:
        """Hide the banner."""
        self.set_message("", "info")
