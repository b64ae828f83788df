"""The DEMO banner: a conspicuous strip on every window of a demo profile."""

from __future__ import annotations

from kokuho_pc.ui.qt import QLabel, Qt, QWidget

DEMO_TEXT = "デモ環境　―　練習用の架空データです。実在する個人の情報を入力しないでください。"
DEMO_TITLE_SUFFIX = "【デモ】"


def demo_title(title: str, demo: bool) -> str:
    """Window title with the demo marker appended when ``demo`` is set."""
    return f"{title} {DEMO_TITLE_SUFFIX}" if demo else title


class DemoBanner(QLabel):
    """A black-on-yellow strip reading 「デモ環境」 with a warning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(f"DEMO　{DEMO_TEXT}", parent)
        self.setObjectName("demoBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumHeight(30)
        self.setStyleSheet(
            "QLabel#demoBanner { background: #ffd400; color: #000000; font-weight: bold;"
            " border-top: 3px solid #000000; border-bottom: 3px solid #000000;"
            " padding: 4px 12px; }"
        )
        self.setAccessibleName("デモ環境")
