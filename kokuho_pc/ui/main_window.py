"""The main window shell: navigation on the left, one page at a time on the right.

Pages are injected as a mapping of page key → factory, so the screens are
added without editing the shell; a key without a factory shows a placeholder.
Pages are created the first time they are shown. A page holding unsaved input
has ``has_unsaved()`` and ``ask_to_leave(proceed)``: the shell asks it before
another page is shown, before logging out and before closing. The shell knows nothing of
services: logout and help are signals and paths the application wires up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kokuho_pc import __version__
from kokuho_pc.ui.login.idle_lock import mark_fixed_labels
from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.demo_banner import DemoBanner, demo_title
from kokuho_pc.ui.widgets.help_window import HelpWindow
from kokuho_pc.ui.widgets.keyboard import focus_first
from kokuho_pc.ui.widgets.qt import (
    QAction,
    QCloseEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSize,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

APP_TITLE = "国保総合PC"
PageFactory = Callable[[], QWidget]


@dataclass(frozen=True)
class NavEntry:
    """One entry of the left navigation."""

    key: str
    title: str
    admin_only: bool = False


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("home", "ホーム"),
    NavEntry("send", "移入・送信"),
    NavEntry("receive", "受信・移出"),
    NavEntry("candidates", "継続候補世帯"),
    NavEntry("results", "確定結果"),
    NavEntry("admin", "管理", admin_only=True),
)


class PlaceholderPage(QLabel):
    """Shown for a page whose screen is not available."""

    def __init__(self, title: str) -> None:
        super().__init__(f"「{title}」画面は準備中です。")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)


class MainWindow(QMainWindow):
    """The shell; see the module docstring. Emits :attr:`logout_requested` and :attr:`closed`."""

    logout_requested = Signal()
    lock_requested = Signal()  # 「画面ロック」 (Ctrl+L)
    closed = Signal()
    page_changed = Signal(str)

    def __init__(
        self,
        *,
        user_id: str,
        role_label: str,
        is_admin: bool,
        demo: bool,
        pages: Mapping[str, PageFactory],
        help_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.demo = demo
        self._factories = dict(pages)
        self._help_path = help_path
        self._entries = [e for e in NAVIGATION if is_admin or not e.admin_only]
        self._pages: dict[str, QWidget] = {}
        self._asking = False  # True while the shell itself moves (no second question)
        self._force_close = False
        self.help_window: HelpWindow | None = None
        self.setWindowTitle(demo_title(APP_TITLE, demo))
        self.resize(1180, 760)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        mark_fixed_labels(self.navigation)  # page names only: nothing for the idle lock to empty
        self.navigation.setFixedWidth(190)
        self.navigation.setStyleSheet(
            "QListWidget#navigation { background: #eef2f7; border: none;"
            " border-right: 1px solid #c8d0da; }"
            " QListWidget#navigation::item { padding-left: 14px; }"
            " QListWidget#navigation::item:selected { background: #1f5fa8; color: white; }"
            " QListWidget#navigation:focus { border: 3px solid #e07b00; }"
            " QListWidget#navigation::item:selected:focus { background: #1f5fa8; color: white;"
            " border: 2px solid #e07b00; }"
        )
        self.navigation.setAccessibleName("画面の切替")
        font = self.navigation.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.navigation.setFont(font)
        self.page_actions: list[QAction] = []
        for number, entry in enumerate(self._entries, start=1):
            action = QAction(f"{entry.title}へ移動", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setData(entry.key)
            self.addAction(action)
            self.page_actions.append(action)
            item = QListWidgetItem(entry.title)
            item.setToolTip(f"{entry.title}(Ctrl+{number})")
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setSizeHint(QSize(0, 40))
            self.navigation.addItem(item)
        self.stack = QStackedWidget()
        self.user_label = QLabel(f"ユーザID: {user_id}（{role_label}）")
        self.logout_action = QAction("ログアウト(&L)", self)
        self.lock_action = QAction("画面ロック(&K)", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action = QAction("終了(&X)", self)
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.help_action = QAction("操作説明(&H)", self)
        self.context_help_action = QAction("この画面の説明(&C)", self)
        self.context_help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.context_help_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.about_action = QAction("バージョン情報(&A)", self)
        self._build_layout()
        self._wire()
        self.show_page(self._entries[0].key)

    def _build_layout(self) -> None:
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addWidget(self.stack, 1)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        if self.demo:
            self.demo_banner: DemoBanner | None = DemoBanner()
            outer.addWidget(self.demo_banner)
        else:
            self.demo_banner = None
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        file_menu = self.menuBar().addMenu("ファイル(&F)")
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.logout_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu("ヘルプ(&H)")
        help_menu.addAction(self.context_help_action)
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)
        self.statusBar().addPermanentWidget(self.user_label)

    def _wire(self) -> None:
        """Every signal of the window, in one place."""
        self.navigation.currentRowChanged.connect(self._row_changed)
        self.logout_action.triggered.connect(self.request_logout)
        self.lock_action.triggered.connect(self.lock_requested)
        self.quit_action.triggered.connect(self.close)
        self.help_action.triggered.connect(self.open_help)
        self.context_help_action.triggered.connect(self.open_context_help)
        for action, entry in zip(self.page_actions, self._entries, strict=True):
            action.triggered.connect(
                lambda _checked=False, key=entry.key: self.go_to_page(key))
        self.about_action.triggered.connect(self._about)

    # --- pages -----------------------------------------------------------------------

    def page_keys(self) -> list[str]:
        """The keys in the navigation (admin pages only for administrators)."""
        return [e.key for e in self._entries]

    def current_page_key(self) -> str:
        """The key of the page on screen."""
        return self._entries[max(0, self.navigation.currentRow())].key

    def page(self, key: str) -> QWidget:
        """The page widget for ``key`` (created on first use)."""
        if key not in self._pages:
            entry = next(e for e in self._entries if e.key == key)
            factory = self._factories.get(key)
            widget = factory() if factory is not None else PlaceholderPage(entry.title)
            widget.setObjectName(f"page_{key}")
            self._pages[key] = widget
            self.stack.addWidget(widget)
        return self._pages[key]

    def show_page(self, key: str) -> None:
        """Navigate to ``key`` (ignored for a key this user does not have)."""
        keys = self.page_keys()
        if key in keys:
            self.navigation.setCurrentRow(keys.index(key))

    def go_to_page(self, key: str) -> None:
        """Ctrl+1…6: show the page and put the focus on its first control."""
        self.show_page(key)
        if self.current_page_key() == key:
            focus_first(self.page(key))

    def unsaved_page(self) -> QWidget | None:
        """The first created page that holds unsaved input (None when none does)."""
        for page in self._pages.values():
            has_unsaved = getattr(page, "has_unsaved", None)
            if callable(has_unsaved) and has_unsaved():
                return page
        return None

    def _leave(self, proceed: Callable[[], None]) -> bool:
        """Let an unsaved page ask first; True when it asks (``proceed`` runs later, or not)."""
        page = self.unsaved_page()
        if page is None:
            return False
        if page is not self.stack.currentWidget():
            self._show_without_asking(page)
        page.ask_to_leave(proceed)  # type: ignore[attr-defined]
        return True

    def _show_without_asking(self, page: QWidget) -> None:
        key = next(k for k, p in self._pages.items() if p is page)
        self._asking = True
        try:
            self.show_page(key)
        finally:
            self._asking = False

    def request_logout(self) -> None:
        """「ログアウト」: ask about unsaved input first, then :attr:`logout_requested`."""
        if not self._leave(self.request_logout):
            self.logout_requested.emit()

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self._entries[row].key
        current = self.stack.currentWidget()
        leaving = getattr(current, "ask_to_leave", None)
        has_unsaved = getattr(current, "has_unsaved", None)
        if (not self._asking and callable(leaving) and callable(has_unsaved) and has_unsaved()
                and current is not self._pages.get(key)):
            old = next(i for i, e in enumerate(self._entries) if self._pages.get(e.key) is current)
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(old)
            self.navigation.blockSignals(False)
            leaving(lambda: self._show_without_asking(self.page(key)))
            return
        self.stack.setCurrentWidget(self.page(key))
        self.setWindowTitle(demo_title(f"{APP_TITLE} — {self._entries[row].title}", self.demo))
        self.page_changed.emit(key)

    # --- menus -----------------------------------------------------------------------

    def open_help(self) -> None:
        """「操作説明」: the manuals' table of contents in the help window."""
        self._show_help("", "")

    def open_context_help(self) -> None:
        """F1: the section of the manual about the screen on display."""
        key = self.current_page_key()
        self._show_help("admin.html" if key == "admin" else "staff.html", f"page-{key}")

    def _show_help(self, manual: str, section: str) -> None:
        """Open the shipped manuals in the help window, or say that there are none."""
        path = self._help_path
        if path is None or not path.exists():
            msgbox.information(self, "ヘルプ", "操作説明はまだ用意されていません。")
            return
        if self.help_window is None:
            self.help_window = HelpWindow(path, demo=self.demo)
        self.help_window.open_document(manual or path.name, section)
        if self.help_window.isVisible():
            self.help_window.raise_()  # already open behind the main window
        else:
            self.help_window.show()
        self.help_window.activateWindow()
        self.help_window.browser.setFocus()

    def _about(self) -> None:
        msgbox.information(
            self, "バージョン情報", f"{APP_TITLE}\nバージョン {__version__}"
        )

    def _close_again(self) -> None:
        self.close()

    def close_without_asking(self) -> None:
        """Close even with unsaved input (a logout the user already chose, an expiry)."""
        self._force_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window ends the session (the application logs out); unsaved
        input is asked about first."""
        if not self._force_close and self._leave(self._close_again):
            event.ignore()
            return
        if self.help_window is not None:
            self.help_window.close()
        self.closed.emit()
        event.accept()
