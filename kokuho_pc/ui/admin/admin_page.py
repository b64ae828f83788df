"""The 管理 page (情報システム管理者 only): accounts, media, policy and the operation log.

One tab per concern, each in its own module. The navigation shows this page to
administrators only; the page checks the role again and shows nothing but a
notice to anyone else (the services refuse non-administrators as well).
"""

from __future__ import annotations

from kokuho_pc.ui.admin.admin_accounts import AdminAccountsTab
from kokuho_pc.ui.admin.admin_audit import AdminAuditTab
from kokuho_pc.ui.admin.admin_media import AdminMediaTab
from kokuho_pc.ui.admin.admin_policy import AdminPolicyTab
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.widgets.qt import QLabel, Qt, QTabWidget, QVBoxLayout, QWidget

NOT_ADMIN = "この画面は情報システム管理者のみが使用できます。"


class AdminPage(QWidget):
    """The tabs 職員アカウント / 外部媒体 / ポリシー / 操作ログ."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tabs = QTabWidget()
        self.tabs.setObjectName("admin_tabs")
        self.tabs.setAccessibleName("管理の項目")
        self.accounts: AdminAccountsTab | None = None
        self.media: AdminMediaTab | None = None
        self.policy: AdminPolicyTab | None = None
        self.audit: AdminAuditTab | None = None
        layout = QVBoxLayout(self)
        if not context.session.is_admin:
            notice = QLabel(NOT_ADMIN)
            notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(notice)
            self.tabs.hide()
            return
        self.accounts = AdminAccountsTab(context)
        self.media = AdminMediaTab(context)
        self.policy = AdminPolicyTab(context)
        self.audit = AdminAuditTab(context)
        self.tabs.addTab(self.accounts, "職員アカウント")
        self.tabs.addTab(self.media, "外部媒体")
        self.tabs.addTab(self.policy, "ポリシー")
        self.tabs.addTab(self.audit, "操作ログ")
        layout.addWidget(self.tabs)

    def busy(self) -> bool:
        """True while a tab is still loading (tests wait for this)."""
        tabs = (self.accounts, self.media, self.audit)
        return any(t is not None and t.loading for t in tabs)
