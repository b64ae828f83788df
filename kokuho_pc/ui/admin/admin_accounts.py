"""The 職員アカウント tab: list, create, change, revoke, unlock, reset, fiscal-year grant.

Administrators only (the service checks the role again). Every call runs as a
store job; destructive actions (revoke, reset) ask for confirmation first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from kokuho_pc.services.accounts import AccountService, AccountState, AccountView
from kokuho_pc.ui.admin.admin_account_dialog import AccountDialog, AccountForm
from kokuho_pc.ui.admin.admin_models import MemoryTableModel, accounts_model, fiscal_year_text
from kokuho_pc.ui.admin.fido_dialog import FidoDialog
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (April to March) containing ``day``."""
    return day.year if day.month >= 4 else day.year - 1


class AdminAccountsTab(QWidget):
    """See the module docstring."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = AccountService(context.profile)
        self.loading = False
        self.dialog: AccountDialog | None = None
        self.model: MemoryTableModel = accounts_model(self)
        self.table = NoCopyTableView(self, tooltip_columns=())
        self.table.setObjectName("accounts_table")
        self.table.setAccessibleName("職員アカウントの一覧")
        self.reload_button = QPushButton("再表示(&R)")
        self.create_button = QPushButton("新規作成(&N)…")
        self.edit_button = QPushButton("権限・利用期間…")
        self.revoke_button = QPushButton("失効")
        self.unlock_button = QPushButton("ロック解除")
        self.reset_button = QPushButton("初期パスワード再設定…")
        self.fido_button = QPushButton("生体認証(認証器)…")
        self.fido_dialog: FidoDialog | None = None
        self.year = QComboBox()
        self.year.setAccessibleName("年度")
        self.regrant_button = QPushButton("年度権限付与")
        self.status = QLabel("")
        self.count = QLabel("")
        self._build()
        self._wire()
        self.reload()

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        this_year = fiscal_year_of(self.context.profile.clock().date())
        for year in (this_year, this_year + 1):
            self.year.addItem(fiscal_year_text(year), year)
        top = QHBoxLayout()
        for button in (self.reload_button, self.create_button):
            top.addWidget(button)
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(self.status)
        actions = QHBoxLayout()
        for button in (self.edit_button, self.unlock_button, self.reset_button,
                       self.fido_button, self.revoke_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(QLabel("選択した職員に"))
        actions.addWidget(self.year)
        actions.addWidget(self.regrant_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        note = QLabel("年度権限は毎年4月1日に失効します。3月中に翌年度分を付与してください"
                      "(管理者自身を含む)。")
        note.setWordWrap(True)
        layout.addWidget(note)
        self._update_buttons()

    def _wire(self) -> None:
        """Every signal of the tab, in one place."""
        self.reload_button.clicked.connect(self.reload)
        self.create_button.clicked.connect(self.open_create)
        self.edit_button.clicked.connect(lambda: self.open_dialog("edit"))
        self.reset_button.clicked.connect(lambda: self.open_dialog("reset"))
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.fido_button.clicked.connect(self.open_fido)
        self.unlock_button.clicked.connect(self.unlock)
        self.regrant_button.clicked.connect(self.regrant)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    # --- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Load the accounts in a job."""
        self.loading = True
        session = self.context.session
        self.context.jobs.run(lambda _p, _c: self.service.list_users(session),
                              self._loaded, self._failed, parent=self, store=True)

    def _loaded(self, accounts: list[AccountView]) -> None:
        self.loading = False
        if self.context.session.is_locked:
            return
        selected = self.selected()
        self.model.set_rows(accounts)
        self.count.setText(f"{len(accounts)}件")
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if selected is not None:
            self.select(selected.user_id)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        show_error(self, exc)

    # --- selection -------------------------------------------------------------------

    def selected(self) -> AccountView | None:
        """The selected account, if any."""
        rows = self.table.selected_rows()
        if not rows:
            return None
        account = self.model.object_at(rows[0])
        return account if isinstance(account, AccountView) else None

    def select(self, user_id: str) -> None:
        """Select the row of ``user_id``."""
        for row in range(self.model.total_count()):
            if self.model.row_id(row) == user_id:
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        account = self.selected()
        own = account is not None and account.user_id == self.context.session.user_id
        usable = account is not None and account.state is not AccountState.REVOKED
        self.edit_button.setEnabled(usable)
        self.reset_button.setEnabled(usable)
        self.fido_button.setEnabled(usable)
        self.revoke_button.setEnabled(usable and not own)
        self.unlock_button.setEnabled(account is not None
                                      and account.state is AccountState.LOCKED)
        self.regrant_button.setEnabled(usable)

    # --- actions ---------------------------------------------------------------------

    def _run(self, work: Callable[[], object], done_text: str) -> None:
        def finished(_result: object) -> None:
            self.status.setText(done_text)
            self.reload()

        self.context.jobs.run(lambda _p, _c: work(), finished, self._failed,
                              parent=self, store=True)

    def open_create(self) -> None:
        """「新規作成…」."""
        self.open_dialog("create")

    def open_dialog(self, mode: str) -> None:
        """Open the account form in ``mode`` (create / edit / reset)."""
        account = None if mode == "create" else self.selected()
        if mode != "create" and account is None:
            return
        session, service = self.context.session, self.service

        def submit(form: AccountForm) -> None:
            if mode == "create":
                service.add_user(session, form.user_id, form.name, form.role, form.password,
                                 form.valid_from, form.valid_to)
            elif mode == "edit":
                assert account is not None
                service.change_account(session, account.user_id, form.role, form.valid_from,
                                       form.valid_to)
            else:
                assert account is not None
                service.reset_password(session, account.user_id, form.password)

        dialog = AccountDialog(self.context.jobs, submit, mode=mode,
                               today=self.context.profile.clock().date(), account=account,
                               parent=self)
        dialog.saved.connect(self.reload)
        self.dialog = dialog
        dialog.show()

    def open_fido(self) -> None:
        """「生体認証(認証器)…」: list, enrol (administrator present) and revoke (issue 21)."""
        account = self.selected()
        if account is None:
            return
        dialog = FidoDialog(self.context, account.user_id, account.name, parent=self)
        self.fido_dialog = dialog
        dialog.show()

    def ask_revoke(self) -> None:
        """「失効」 after an explicit confirmation."""
        account = self.selected()
        if account is None:
            return
        user_id = account.user_id
        msgbox.confirm(
            self, "アカウントの失効",
            f"{user_id}({account.name})のアカウントを失効させますか？",
            lambda: self._run(lambda: self.service.revoke(self.context.session, user_id),
                              f"{user_id} を失効させました"),
            informative="失効したアカウントではすぐにログインできなくなり、元に戻せません。",
        )

    def unlock(self) -> None:
        """「ロック解除」: lift a lockout after failed logins."""
        account = self.selected()
        if account is not None:
            user_id = account.user_id
            self._run(lambda: self.service.unlock(self.context.session, user_id),
                      f"{user_id} のロックを解除しました")

    def regrant(self) -> None:
        """「年度権限付与」 for the fiscal year chosen beside the button."""
        account = self.selected()
        year = self.year.currentData()
        if account is not None and isinstance(year, int):
            user_id = account.user_id
            self._run(lambda: self.service.regrant(self.context.session, user_id, year),
                      f"{user_id} に{fiscal_year_text(year)}の権限を付与しました")

    # --- idle lock -------------------------------------------------------------------

    def clear_for_lock(self) -> None:
        """Empty the list (the idle lock)."""
        self.model.clear()
        self.status.setText("")
        self.count.setText("")

    def restore_after_unlock(self) -> None:
        """Load again after the same user unlocked."""
        self.reload()
