"""The DEMO banner: a conspicuous strip on every window of a demo profile."""

from __future__ import annotations

from kokuho_pc.ui.widgets.qt import QEvent, QLabel, QObject, QWidget
from kokuho_pc.ui.widgets.qt_values import centre_text

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
        centre_text(self)
        self.setWordWrap(True)
        self.setMinimumHeight(30)
        self.setStyleSheet(
            "QLabel#demoBanner { background: #ffd400; color: #000000; font-weight: bold;"
            " border-top: 3px solid #000000; border-bottom: 3px solid #000000;"
            " padding: 4px 12px; }"
        )
        self.setAccessibleName("デモ環境")


class DemoTitleMarker(QObject):
    """Application-wide filter appending 【デモ】 to the title of every window shown.

    The main and login windows carry the :class:`DemoBanner`; dialogs and
    message boxes get the marker in their title bar.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On show or title change of a window, make sure its title carries the marker."""
        if (
            event.type() in (QEvent.Type.Show, QEvent.Type.WindowTitleChange)
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            title = watched.windowTitle()
            if title and not title.endswith(DEMO_TITLE_SUFFIX):
                watched.setWindowTitle(demo_title(title, True))
        return False
