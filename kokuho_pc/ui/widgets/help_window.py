"""The manuals (resources/help/*.html) in a window of the application.

Opened from the Help menu. The manuals are shipped HTML with screenshots from
the tour; they are read-only text, so selecting and copying them is allowed
(they hold no personal data). Links between the manuals stay in this window;
nothing is fetched from the network and no external browser is started.
"""

from __future__ import annotations

from pathlib import Path

from kokuho_pc.ui.widgets.demo_banner import DemoBanner, demo_title
from kokuho_pc.ui.widgets.lockdown import ALLOW_COPY_PROPERTY
from kokuho_pc.ui.widgets.qt import (
    QAction,
    QHBoxLayout,
    QKeySequence,
    QPushButton,
    Qt,
    QtWidgets,
    QUrl,
    QVBoxLayout,
    QWidget,
)

HELP_TITLE = "操作説明"


class HelpWindow(QWidget):
    """A simple browser over the help directory: 目次 / 職員向け / 管理者向け, back."""

    def __init__(self, index: Path, *, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("helpWindow")
        self.index = index
        self.setWindowTitle(demo_title(HELP_TITLE, demo))
        self.resize(980, 760)
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        self.browser.setSearchPaths([str(index.parent)])
        self.browser.setProperty(ALLOW_COPY_PROPERTY, True)
        self.back_button = QPushButton("戻る")
        self.index_button = QPushButton("目次")
        self.staff_button = QPushButton("職員向け操作説明")
        self.admin_button = QPushButton("管理者向け説明")
        self.close_button = QPushButton("閉じる")
        self.browser.setAccessibleName("操作説明の本文")
        self.close_action = QAction("閉じる", self)  # Escape closes the help (issue 17)
        self.close_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.close_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(self.close_action)
        bar = QHBoxLayout()
        for button in (self.back_button, self.index_button, self.staff_button, self.admin_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        if demo:
            layout.addWidget(DemoBanner())
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)
        self._wire()
        self.open_document(index.name)

    def _wire(self) -> None:
        """Every signal of the window, in one place."""
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.index_button.clicked.connect(lambda: self.open_document(self.index.name))
        self.staff_button.clicked.connect(lambda: self.open_document("staff.html"))
        self.admin_button.clicked.connect(lambda: self.open_document("admin.html"))
        self.close_button.clicked.connect(self.close)
        self.close_action.triggered.connect(self.close)

    def open_document(self, name: str, section: str = "") -> None:
        """Show one manual of the help directory (``index.html``, ``staff.html``, ...), at
        the anchor ``section`` when given (F1 opens the current screen's section)."""
        url = QUrl.fromLocalFile(str(self.index.parent / name))
        if section:
            url.setFragment(section)
        self.browser.setSource(url)
        if section:
            self.browser.scrollToAnchor(section)

    def current_document(self) -> str:
        """The file name on screen."""
        return Path(self.browser.source().toLocalFile()).name
